import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceCloud } from '../fakes/cloud.js';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/**
 * The sync as staff see it, in Chromium: the header badge follows the state live (up to date,
 * offline with edits waiting, something to check), the conflicts page shows the shop's and the
 * cloud's values, and "keep the value entered here" sends the shop's value up.
 */

const CLOUD_TOKEN = 'cloud-token-for-ui-tests';
const clients = generateClients(30);
const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, groups: generateGroups(), clients });
let cloudUrl = '';

const s = browserSuite({
  beforeStart: async () => {
    cloudUrl = await cloud.listen();
  },
  config: () => ({ cloud: { url: cloudUrl, token: CLOUD_TOKEN, intervalSeconds: 3600 } }),
  options: { sync: { backoffMinMs: 100, backoffMaxMs: 500, pageLimit: 7, nudgeMs: 20, timeoutMs: 1_000 } },
});
afterAll(() => cloud.close());

describe('sync in the staff page', () => {
  it('shows the state live in the header; a conflict is listed with both values and the shop value can be kept', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(5_000);
    await page.goto(`${s.url}/`);
    const badge = page.locator('#sync-slot .sync-badge');
    await page.locator('#sync-slot [data-sync-state="idle"]').waitFor();
    expect(await badge.innerText()).toMatch(/^À jour · \d{2}:\d{2}$/);
    expect(await page.locator('.count').innerText()).toContain('30 clients');

    // The internet goes down; staff change a phone number the back office changes too.
    const c = clients[2]!;
    await cloud.goOffline();
    await page.goto(`${s.url}/clients/${c.id}/edit`);
    await page.fill('input[name="phone"]', '+41 21 111 11 11');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(`${s.url}/clients/${c.id}`);
    await page.locator('#sync-slot [data-sync-state="offline"]').waitFor();
    expect(await badge.innerText()).toBe('Hors ligne · 1 en attente');
    await page.screenshot({ path: screenshotPath('sync-offline') });
    cloud.patchClient(c.id, { phone: '+41 22 222 22 22' });

    await page.click('#sync-slot a');
    await page.waitForURL(`${s.url}/sync`);
    expect(await page.locator('.sync-reason').innerText()).toContain('injoignable');
    expect(await page.locator('[data-pending]').innerText()).toBe('1');

    await cloud.goOnline();
    await page.click('button[data-sync-now]');
    await page.waitForURL(`${s.url}/sync`);
    const issue = page.locator('li.issue[data-kind="conflict"]');
    await issue.waitFor();
    expect(await issue.locator('.name').innerText()).toBe([c.civility, c.firstName, c.lastName].filter(Boolean).join(' '));
    expect(await issue.locator('tr[data-field="phone"] td').allInnerTexts()).toEqual(['Téléphone', '+41 21 111 11 11', '+41 22 222 22 22']);
    await page.locator('#sync-slot .has-issues').waitFor();
    expect(await badge.innerText()).toMatch(/1 à vérifier/);
    await page.screenshot({ path: screenshotPath('sync-conflict') });
    expect(s.agent.services.directory.getClient(c.id).phone).toBe('+41 22 222 22 22'); // the cloud's value meanwhile

    await issue.locator('button[data-reapply]').click();
    await page.locator('#sync-issues .empty').waitFor();
    // up to date, nothing waiting, nothing to check
    await page.locator('#sync-slot [data-sync-state="idle"]:not(.has-issues)', { hasNotText: 'attente' }).waitFor();
    expect(cloud.client(c.id)!.phone).toBe('+41 21 111 11 11');

    await page.goto(`${s.url}/settings`);
    const panel = page.locator('#sync');
    expect(await panel.innerText()).toContain(cloudUrl);
    expect(await panel.locator('[data-pending]').innerText()).toBe('0');
    await page.close();
  });

  it('a refused token is explained on the page, with what to fix', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    cloud.fault = { status: 401 };
    try {
      await page.goto(`${s.url}/sync`);
      await page.click('button[data-sync-now]');
      await page.locator('#sync-slot [data-sync-state="error"]').waitFor();
      await page.locator('.sync-reason[data-problem="auth"]').waitFor();
      expect(await page.locator('.sync-reason').innerText()).toContain('cloud.token');
      await page.screenshot({ path: screenshotPath('sync-auth') });
    } finally {
      cloud.fault = null;
      await page.close();
    }
  });
});
