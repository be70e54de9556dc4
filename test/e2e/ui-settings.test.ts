import { describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../helpers/config.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** The settings page: what an installer needs to connect the till. */

const s = browserSuite();

describe('settings page', () => {
  it('shows the API address, the token masked with copy and show buttons, the version and each part', async () => {
    const context = await s.browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    const page = await context.newPage();
    await page.goto(`${s.url}/`);
    await page.click('header nav a:has-text("Réglages")');
    await page.waitForURL(`${s.url}/settings`);

    expect(await page.locator('#till code').first().innerText()).toBe(`${s.url}/api/v1`);
    // a bare token of the config is named by the agent, and may do everything: said in French
    expect((await page.locator('table.tokens tbody tr td').allInnerTexts()).slice(0, 3)).toEqual(['Jeton 1', `••••••••${TEST_TOKEN.slice(-4)}`, 'tous les droits']);
    const token = page.locator('code.token');
    expect(await token.innerText()).toBe(`••••••••${TEST_TOKEN.slice(-4)}`);
    // the token is nowhere in the page (attributes included): Copy and Show fetch it with the session
    expect(await (await fetch(`${s.url}/settings`)).text()).not.toContain(TEST_TOKEN);
    expect(await page.content()).not.toContain(TEST_TOKEN);
    await page.screenshot({ path: screenshotPath('settings') });

    await page.click('button:has-text("Copier")');
    await page.locator('button:has-text("Copié")').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(TEST_TOKEN);

    await page.click('button:has-text("Afficher")');
    await page.locator('button:has-text("Masquer")').waitFor(); // fetched with the session
    expect(await token.innerText()).toBe(TEST_TOKEN);
    await page.click('button:has-text("Masquer")');
    expect(await token.innerText()).toBe(`••••••••${TEST_TOKEN.slice(-4)}`);

    const version = (await import('../../package.json', { with: { type: 'json' } })).default.version;
    expect(await page.locator('[data-version]').innerText()).toBe(version);
    expect(await page.locator('#printers').innerText()).toContain('Imprimantes');
    expect(await page.locator('#scanners').innerText()).toContain('douchette');
    expect(await page.locator('#sync').innerText()).toContain('Désactivée');
    expect(await page.locator('#agent').innerText()).toContain('Langue\nFrançais (fr)');
    expect(await page.locator('#printers tr[data-printer-id="front"]').innerText()).toContain('Imprime : tickets de caisse, cartes clients');
    await context.close();
  });

  it('is sent with a Content-Security-Policy that forbids inline and foreign scripts and framing', async () => {
    const res = await fetch(`${s.url}/settings`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
