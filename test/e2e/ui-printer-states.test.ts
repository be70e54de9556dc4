import { afterAll, describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { TEST_TOKEN } from '../helpers/config.js';
import { PrinterStandIn } from '../fakes/printer-standin.js';

/** The printers page with network printers that misbehave: busy, then stalled, live; how a done job was confirmed. */

const kitchen = new PrinterStandIn({ neverRead: true });
const bar = new PrinterStandIn();
const s = browserSuite({
  beforeStart: async () => {
    await kitchen.start();
    await bar.start();
  },
  config: () => ({
    printers: [
      { id: 'kitchen', name: 'Cuisine', roles: ['preparation'], stallSeconds: 2, transport: { type: 'tcp', host: '127.0.0.1', port: kitchen.port } },
      { id: 'bar', name: 'Bar', roles: ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port: bar.port } },
    ],
  }),
});
afterAll(async () => {
  await kitchen.stop();
  await bar.stop();
});

const print = (body: unknown) =>
  fetch(`${s.url}/api/v1/print`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('printers page: states and confirmations', () => {
  it('a printer that takes connections and never answers shows busy, then stalled, live; its ticket waits with the reason; a printed ticket says it was confirmed', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${s.url}/printers`);
    const kitchenState = page.locator('tr[data-printer-id="kitchen"] [data-state]');
    // idle, checked every 10 s: busy (another till may be printing)
    await page.locator('tr[data-printer-id="kitchen"] [data-state="busy"]').waitFor();
    expect(await kitchenState.innerText()).toBe('occupée (une autre caisse imprime)');
    // with a ticket waiting it is tried again and again: busy for longer than stallSeconds is stalled
    const waiting = (await (await print({ type: 'preparation', ticket: { number: '42', issuedAt: '2026-11-27T10:15:00+01:00', lines: [{ label: 'Pizza', quantity: 1 }] } })).json()) as { id: string };
    await page.locator('tr[data-printer-id="kitchen"] [data-state="stalled"]').waitFor();
    expect(await kitchenState.innerText()).toBe('bloquée (ne répond plus)');
    const done = (await (await print({ type: 'receipt', ticket: { number: 'R-1', issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Café', quantity: 1, amount: 420 }], total: 420 } })).json()) as { id: string };
    await page.locator(`tr[data-job-id="${done.id}"] [data-confirmed="printed"]`).waitFor();
    expect(await page.locator(`tr[data-job-id="${done.id}"] [data-job-status]`).innerText()).toBe('imprimé (confirmé par l’imprimante)');
    const row = page.locator(`tr[data-job-id="${waiting.id}"] [data-job-status="queued"]`);
    await row.locator('.sub').waitFor();
    // why, in French; the driver's English one click away for support
    expect(await row.innerText()).toMatch(/^en attente\nCuisine ne prend plus le ticket et ne répond plus/);
    expect(await row.locator('[data-job-error="stalled"] details [lang="en"]').textContent()).toContain('stalled');
    await page.screenshot({ path: screenshotPath('printers-states'), fullPage: true });
    await page.close();
  }, 30_000);
});
