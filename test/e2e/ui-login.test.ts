import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** ui.pin in Chromium, with the German locale: the login page, a wrong PIN, then the directory. */

const s = browserSuite({ config: { ui: { locale: 'de', pin: '4821' } } });

describe('staff PIN login in Chromium (German)', () => {
  it('asks for the PIN, refuses a wrong one, then opens the directory', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1024, height: 700 } });
    await page.goto(`${s.url}/?q=meier`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').innerText()).toBe('Anmelden');
    await page.screenshot({ path: screenshotPath('login-de') });

    await page.fill('#pin', '1111');
    await page.click('button[type="submit"]');
    expect(await page.locator('p.error').innerText()).toBe('Falscher Code. Bitte erneut versuchen.');

    await page.fill('#pin', '4821');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${s.url}/?q=meier`);
    expect(await page.locator('h1').innerText()).toBe('Kunden — Verzeichnis');
    expect(await page.inputValue('input[name="q"]')).toBe('meier');
    // the session cookie is out of reach of page scripts
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.click('button:has-text("Abmelden")');
    await page.waitForURL(`${s.url}/login`);
    await page.close();
  });
});
