import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../agent/directory/directory-store.js';
import { memoryLogger } from '../../agent/log.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { until } from '../helpers/until.js';

/** From the search box to a client's card with the keyboard only; balances shown read-only. */

const s = browserSuite({
  beforeStart: async (dir) => {
    // Balances are the back-office's: seed them in the store, as a sync would.
    const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger());
    await store.load();
    await store.commit([
      { op: 'group.put', record: { id: 'pro', name: 'Pro', discountPercent: 5, version: 1, updatedAt: '2026-11-27T09:00:00Z' } },
      {
        op: 'client.put',
        record: {
          id: 'favre-sa', kind: 'company', civility: 'M.', lastName: 'Favre', firstName: 'Luc', companyName: 'Boulangerie Favre SA',
          reference: 'CARD-000123', accountNumber: '1100.00042', groupId: 'pro', email: 'luc@favre.ch', phone: '+41 21 801 00 00',
          address: { street: 'Grand-Rue 12', street2: null, postalCode: '1110', city: 'Morges', country: 'CH' },
          notes: 'Livraison le mardi\nSonner deux fois', accountBalance: 123450, walletBalance: -1200, version: 4, updatedAt: '2026-11-27T09:00:00Z',
        },
      },
    ]);
    await store.close();
  },
});

describe('client card', () => {
  it('opens from the results with ↓ and Enter, shows every field and the balances in Swiss format', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${s.url}/`);
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'q'); // the cursor is in the box
    await page.keyboard.type('favre');
    await page.waitForURL(`${s.url}/?q=favre`); // pushed once the results for "favre" are on screen
    await page.waitForFunction(() => document.querySelector('#results .name a')?.textContent === 'Boulangerie Favre SA');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Boulangerie Favre SA');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.url}/clients/favre-sa`);

    const card = page.locator('article.client');
    expect(await card.locator('h1').innerText()).toBe('Boulangerie Favre SA');
    const text = await card.innerText();
    for (const expected of ['Personne morale', 'M. Luc Favre', 'Grand-Rue 12', '1110 Morges', 'CARD-000123', '1100.00042', 'Pro (remise automatique 5 %)', 'Sonner deux fois']) {
      expect(text).toContain(expected);
    }
    expect(await card.locator('[data-balance="account"]').innerText()).toBe("CHF 1'234.50");
    expect(await card.locator('[data-balance="wallet"]').innerText()).toBe('CHF −12.00');
    expect(await card.locator('[data-updated]').innerText()).toMatch(/^Modifié le \d{1,2} \S+ \d{4}, \d{2}:\d{2}$/);
    await page.screenshot({ path: screenshotPath('client-card') });

    // Esc in the search box clears it and lists everyone again
    await page.goto(`${s.url}/?q=favre`);
    await page.focus('input[name="q"]');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => (document.querySelector('input[name="q"]') as HTMLInputElement).value === '' && document.querySelector('p.count') !== null);
    await page.close();
  });

  it('says so, with a way back, for a client that does not exist', async () => {
    const page = await s.browser.newPage();
    const res = await page.goto(`${s.url}/clients/nobody`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('p.empty').innerText()).toBe('Ce client n’existe pas (ou plus).');
    await page.close();
  });
});

describe('print client card', () => {
  it('sends the card to the printer with the "client" role, which prints it (virtual printer)', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/clients/favre-sa`);
    await page.click('button:has-text("Imprimer la carte")');
    await page.locator('.print-status .ok').waitFor();
    expect(await page.locator('.print-status').innerText()).toBe('Carte envoyée à l’imprimante « Caisse ».');
    await until('the card printed', () => s.agent.services.jobs.list('done', 5).length > 0, 5000, 20);
    const [job] = s.agent.services.jobs.list('done', 5);
    expect(job).toMatchObject({ type: 'client', printer: 'front', status: 'done' });
    const { decode, printedText } = await import('../../drivers/printer/decode.js');
    expect(printedText(decode(Buffer.from(job!.bytes, 'base64')))).toContain('Boulangerie Favre SA');
    await page.close();
  });
});
