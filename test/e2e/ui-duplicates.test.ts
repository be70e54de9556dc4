import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../agent/directory/directory-store.js';
import type { Client } from '../../agent/directory/schema.js';
import { memoryLogger } from '../../agent/log.js';
import { browserSuite } from '../helpers/browser.js';
import { checkScreen, pageAtScreen, type ScreenName } from '../helpers/screens.js';

/**
 * "Doublons" in Chromium: from the directory's toolbar to the likely pairs (each with why), then
 * "Comparer et fusionner…" on the merge page with the pair already chosen, and back to a list with
 * one pair fewer. At a phone's and a till's size: no sideways scroll, 48 px targets, axe-core clean.
 */

const AT = '2026-12-01T09:00:00Z';
const person = (over: Partial<Client> & { id: string }): Client => ({
  kind: 'person', civility: null, lastName: null, firstName: null, companyName: null, reference: null, accountNumber: null, groupId: null,
  email: null, phone: null, address: { street: null, street2: null, postalCode: null, city: null, country: 'CH' }, notes: null,
  accountBalance: 0, walletBalance: 0, version: 1, updatedAt: AT, ...over,
});
const at = (postalCode: string, city: string, street: string | null = null) => ({ street, street2: null, postalCode, city, country: 'CH' });

const CLIENTS: Client[] = [
  // a typo in the name, the same NPA and the same phone written two ways
  person({ id: 'dupont-1', civility: 'M.', lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', address: at('1003', 'Lausanne', 'Rue du Lac 1') }),
  person({ id: 'dupond-2', civility: 'M.', lastName: 'Dupond', firstName: 'Jean', phone: '+41 21 555 00 12', address: at('1003', 'Lausanne') }),
  // the same e-mail, in another case
  person({ id: 'blanc-1', lastName: 'Blanc', firstName: 'Eva', email: 'eva.blanc@example.ch', address: at('1201', 'Genève') }),
  person({ id: 'blanc-2', lastName: 'Blanc-Rochat', firstName: 'Eva', email: 'Eva.Blanc@Example.ch', walletBalance: 1_500 }),
  // a company entered twice
  { ...person({ id: 'boulangerie-1', address: at('1700', 'Fribourg') }), kind: 'company', companyName: 'Boulangerie du Bourg' },
  { ...person({ id: 'boulangerie-2', address: at('1700', 'Fribourg') }), kind: 'company', companyName: 'Boulangerie du Bourg' },
  // no look-alike: never listed
  person({ id: 'meier-1', lastName: 'Meier', firstName: 'Urs', address: at('8001', 'Zürich') }),
];

const s = browserSuite({
  beforeStart: async (dir) => {
    const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger());
    await store.load();
    await store.commit(CLIENTS.map((record) => ({ op: 'client.put' as const, record })));
    await store.close();
  },
});

const pageAt = (screen: ScreenName) => pageAtScreen(s.browser, screen);

describe('the Doublons page', () => {
  for (const screen of ['phone', 'till'] as const) {
    it(`lists the likely pairs with why, and merging one leaves one pair fewer (${screen})`, async () => {
      const { page, refused } = await pageAt(screen);
      await page.goto(`${s.url}/`);
      await page.click('a:has-text("Doublons")');
      await page.waitForURL(`${s.url}/duplicates`);
      expect(await page.locator('h1').innerText()).toBe('Doublons probables');
      expect(await page.locator('p.count').innerText()).toBe('3 paires de fiches');
      const pairs = page.locator('li.pair');
      expect(await pairs.count()).toBe(3);
      const texts = await pairs.allInnerTexts();
      const pairWith = (name: string) => texts.find((t) => t.includes(name)) ?? '';
      expect(pairWith('Dupond')).toContain('même téléphone');
      expect(pairWith('Dupond')).toContain('nom proche et même NPA');
      expect(pairWith('Blanc-Rochat')).toContain('même e-mail');
      expect(pairWith('Boulangerie')).toContain('même nom et même NPA');
      for (const t of texts) expect(t).not.toContain('Meier');
      await checkScreen(page, `duplicates-${screen}`);

      // the pair with a wallet: the one with the balance is the one that stays
      const blanc = pairs.filter({ hasText: 'Blanc-Rochat' });
      await blanc.locator('a:has-text("Comparer et fusionner…")').click();
      await page.waitForURL(`${s.url}/clients/blanc-2/merge?from=blanc-1`);
      expect(await page.locator('[data-blocked]').count()).toBe(0);
      await page.click('button:has-text("Fusionner")');
      await page.waitForURL(`${s.url}/clients/blanc-2`);
      expect(s.agent.services.directory.findById('blanc-1')).toBeNull();
      expect(s.agent.services.directory.getClient('blanc-2')).toMatchObject({ walletBalance: 1_500, address: { postalCode: '1201' } });

      await page.goto(`${s.url}/duplicates`);
      expect(await page.locator('p.count').innerText()).toBe('2 paires de fiches');
      expect(await page.locator('li.pair', { hasText: 'Blanc' }).count()).toBe(0);
      expect(refused).toEqual([]);
      await page.context().close();

      // put the pair back for the other screen's run
      if (screen === 'phone') await s.agent.services.directoryStore.commit([{ op: 'client.put', record: CLIENTS[2]! }, { op: 'client.put', record: CLIENTS[3]! }]);
    });
  }
});
