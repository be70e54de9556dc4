import { describe, expect, it } from 'vitest';
import { decode } from '../../drivers/printer/decode.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { TEST_TOKEN } from '../helpers/config.js';
import { until } from '../helpers/until.js';

/** The printers page in Chromium, with the default kind of config's virtual printer ("front", named Caisse). */

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
    expect(await page.locator('table.jobs thead th').allInnerTexts()).toEqual(['Numéro', 'Type', 'Client', 'Imprimante', 'Quand', 'État', 'Aperçu']);
    // a test page has no number: the end of its job id tells it apart; the printer by its name, not its id
    const testJob = s.agent.services.jobs.list(null, 1)[0]!;
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual([testJob.id.slice(-6), 'Page de test', '', 'Caisse']);
    expect(cells[4]).toMatch(/^\d{1,2} \S+ \d{4}, \d{2}:\d{2}$/);
    await page.screenshot({ path: screenshotPath('printers') });

    const [preview] = await Promise.all([page.waitForEvent('popup'), row.locator('a:has-text("Aperçu")').click()]);
    await preview.waitForLoadState();
    expect(await preview.title()).toBe('Aperçu — Page de test, imprimante Caisse');
    expect(await preview.locator('main h1').innerText()).toBe('Aperçu — Page de test, imprimante Caisse');
    expect(await preview.locator('.paper').innerText()).toContain('ÄÖÜäöüß €  12.50 CHF');
    await preview.screenshot({ path: screenshotPath('ticket-preview') });
    await preview.close();

    page.once('dialog', (d) => void d.accept());
    await row.locator('button:has-text("Réimprimer")').click();
    await page.locator('table.jobs tbody tr .badge:has-text("réimpression")').waitFor();
    expect(s.agent.services.jobs.list(null, 5).map((j) => [j.type, j.reprintOf !== null])).toEqual([
      ['test', true],
      ['test', false],
    ]);
    await page.close();
  });

  it('a receipt for a client shows its number, type, the client\'s name and the printer\'s; the audit list shows drawer openings and reprints; a reprint does not open the drawer again', async () => {
    const client = await s.agent.services.directory.createClient({ civility: 'Mme', firstName: 'Hélène', lastName: 'Müller', reference: 'CARD-1' });
    const res = await fetch(`${s.url}/api/v1/print`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'receipt',
        openDrawer: true,
        client: { reference: 'CARD-1' },
        ticket: { number: 'A-1', issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, amount: 350 }], total: 350 },
      }),
    });
    const { id } = (await res.json()) as { id: string };
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${s.url}/printers`);
    const cells = await page.locator(`table.jobs tr[data-job-id="${id}"] td`).allInnerTexts();
    expect(cells.slice(0, 4)).toEqual(['A-1', 'Ticket de caisse tiroir ouvert', 'Mme Hélène Müller', 'Caisse']);
    expect(await page.locator(`table.jobs tr[data-job-id="${id}"] [data-job-client] a`).getAttribute('href')).toBe(`/clients/${client.id}`);
    const audit = page.locator(`table.audit tr[data-job-id="${id}"]`);
    expect(await audit.innerText()).toContain('tiroir ouvert');
    expect(await audit.locator('td').allInnerTexts()).toEqual([expect.any(String), 'tiroir ouvert', 'Caisse', 'Ticket de caisse A-1']);
    page.once('dialog', (d) => void d.accept());
    await page.locator(`table.jobs tr[data-job-id="${id}"] button:has-text("Réimprimer")`).click();
    const copyOf = () => s.agent.services.jobs.list(null, 20).find((j) => j.reprintOf === id);
    await until('the copy to be queued', () => copyOf() !== undefined, 5000);
    const copy = copyOf()!;
    // the audit list shows it too, live
    await page.locator(`table.audit tr[data-job-id="${copy.id}"]:has-text("réimpression")`).waitFor();
    expect(copy.drawer).toBe(false);
    expect(decode(Buffer.from(copy.bytes, 'base64')).some((x) => x.kind === 'drawer')).toBe(false);
    await page.screenshot({ path: screenshotPath('printers-audit'), fullPage: true });
    await page.close();
  });
});
