import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** The printers page in Chromium, with the default kind of config's virtual printer. */

const s = browserSuite();

describe('printers page', () => {
  it('shows the printer ready; a test page prints and appears in the recent tickets, live; preview and reprint', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(10_000);
    const stream = page.waitForEvent('response', (r) => r.url().endsWith('/events'));
    await page.goto(`${s.url}/`);
    await page.click('header nav a:has-text("Imprimantes")');
    await page.waitForURL(`${s.url}/printers`);
    await stream;
    expect(await page.locator('tr[data-printer-id="front"] [data-state]').innerText()).toBe('prête');
    expect(await page.locator('.empty').innerText()).toContain('Aucun ticket');

    await page.click('tr[data-printer-id="front"] button:has-text("Page de test")');
    const row = page.locator('table.jobs tbody tr').first();
    await row.locator('text=imprimé').waitFor(); // the panel follows the job over the event stream
    expect(await row.innerText()).toContain('Page de test');
    await page.screenshot({ path: screenshotPath('printers') });

    const [preview] = await Promise.all([page.waitForEvent('popup'), row.locator('a:has-text("Aperçu")').click()]);
    await preview.waitForLoadState();
    expect(await preview.locator('.paper').innerText()).toContain('ÄÖÜäöüß €  12.50 CHF');
    await preview.screenshot({ path: screenshotPath('ticket-preview') });
    await preview.close();

    page.once('dialog', (d) => void d.accept());
    await row.locator('button:has-text("Réimprimer")').click();
    await page.locator('table.jobs tbody tr .badge:has-text("réimpression")').waitFor();
    expect(s.agent.jobs.list(null, 5).map((j) => [j.type, j.reprintOf !== null])).toEqual([
      ['test', true],
      ['test', false],
    ]);
    await page.close();
  });
});
