import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../agent/directory/directory-store.js';
import type { Client } from '../../agent/directory/schema.js';
import { memoryLogger } from '../../agent/log.js';
import { browserSuite } from '../helpers/browser.js';
import { checkScreen, pageAtScreen, type ScreenName } from '../helpers/screens.js';

/**
 * The CSV import in Chromium: choose a file, see what each line would do (the invalid ones with
 * their column), "Importer les lignes valides", the counts; the export from the same page; the
 * links that lead there. At a phone's and a till's size: no sideways scroll, 48 px targets,
 * axe-core clean, nothing refused by the CSP.
 */

const AT = '2026-11-27T09:00:00Z';
const person = (over: Partial<Client> & { id: string }): Client => ({
  kind: 'person', civility: null, lastName: null, firstName: null, companyName: null, reference: null, accountNumber: null, groupId: null,
  email: null, phone: null, address: { street: null, street2: null, postalCode: null, city: null, country: 'CH' }, notes: null,
  accountBalance: 0, walletBalance: 0, version: 1, updatedAt: AT, ...over,
});

const s = browserSuite({
  beforeStart: async (dir) => {
    const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger());
    await store.load();
    await store.commit([
      { op: 'client.put', record: person({ id: 'dupont-1', lastName: 'Dupont', firstName: 'Jean', reference: 'CARD-1', phone: '021 555 00 12' }) },
      { op: 'client.put', record: person({ id: 'aebi-1', lastName: 'Aebi', firstName: 'Ruth', reference: 'CARD-2' }) },
    ]);
    await store.close();
  },
});

const pageAt = (screen: ScreenName) => pageAtScreen(s.browser, screen);

/** A file as a shop brings it: `;`, a byte-order mark, CRLF, a note over two lines, one line in error. */
function shopFile(tag: string): Buffer {
  const lines = [
    'reference;lastName;firstName;phone;address.postalCode;address.city;notes',
    `CARD-1;Dupont;Jean;'+41 79 555 00 12;1003;Lausanne;"Client depuis 2015\r\nLivraison ${tag === 'P' ? 'le mardi' : 'le jeudi'}"`,
    `${tag}-1;Rochat${tag};Anne;079 111 22 33;1110;Morges;`,
    `${tag}-2;Favre${tag};Luc;;ABCD;Genève;`,
    `${tag}-3;Meier${tag};Urs;;8001;Zürich;`,
    `;Zryd${tag};Max;;1950;Sion;`, // no card: only the import's own memory keeps it from being made twice
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function upload(page: Page, name: string, body: Buffer): Promise<void> {
  await page.goto(`${s.url}/clients/import`);
  await page.setInputFiles('#import-file', { name, mimeType: 'text/csv', buffer: body });
  await page.click('button:has-text("Vérifier le fichier")');
}

const count = (page: Page, action: string) => page.locator(`[data-count="${action}"] strong`).innerText();

describe('importing a CSV file', () => {
  for (const [screen, tag] of [['phone', 'P'], ['till', 'T']] as const) {
    it(`choose a file, see the dry run, import the valid lines, see the counts (${screen})`, async () => {
      const { page, refused } = await pageAt(screen);
      // from the directory's toolbar
      await page.goto(`${s.url}/`);
      await page.click('a:has-text("Importer / exporter")');
      await page.waitForURL(`${s.url}/clients/import`);
      expect(await page.locator('h1').innerText()).toBe('Importer et exporter les clients (CSV)');
      await checkScreen(page, `import-choose-${screen}`);

      await upload(page, `clients-${tag}.csv`, shopFile(tag));
      await page.waitForURL(new RegExp(`${s.url}/clients/import/[A-Za-z0-9_-]{22}$`));
      const checked = page.url();
      expect(await page.locator('h2.import-file').innerText()).toContain(`clients-${tag}.csv`);
      expect(await count(page, 'create')).toBe('3');
      expect(await count(page, 'update')).toBe('1');
      expect(await count(page, 'invalid')).toBe('1');
      // the lines, with the file's own numbers: the note over two lines pushes the next ones down
      const rows = page.locator('table.import-lines tbody tr');
      expect(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-line')} ${tr.getAttribute('data-action')}`))).toEqual(['2 update', '4 create', '5 invalid', '6 create', '7 create']);
      const bad = page.locator('tr[data-line="5"]');
      expect(await bad.locator('li[data-column="address.postalCode"]').innerText()).toContain('NPA non valable');
      expect(await bad.innerText()).toContain(`Luc Favre${tag}`);
      expect(await page.locator('button:has-text("Importer")').allInnerTexts()).toEqual(['Importer les lignes valides']);
      // nothing is written by looking
      expect(s.agent.services.directory.findByReference(`${tag}-1`)).toBeNull();
      await checkScreen(page, `import-review-${screen}`);

      await page.click('button:has-text("Importer les lignes valides")');
      await page.waitForURL(checked);
      await page.locator('[data-done]').waitFor();
      expect(await count(page, 'create')).toBe('3');
      expect(await count(page, 'update')).toBe('1');
      expect(await count(page, 'invalid')).toBe('1');
      await checkScreen(page, `import-done-${screen}`);
      const d = s.agent.services.directory;
      expect(d.findByReference(`${tag}-1`)).toMatchObject({ lastName: `Rochat${tag}`, phone: '079 111 22 33', address: { city: 'Morges' } });
      expect(d.findByReference(`${tag}-3`)).toMatchObject({ lastName: `Meier${tag}`, address: { city: 'Zürich' } });
      expect(d.findByReference(`${tag}-2`)).toBeNull();
      const zryd = () => d.search(`zryd${tag}`).items.filter((c) => c.lastName === `Zryd${tag}`); // not the other run's (a close match)
      expect(zryd().map((c) => c.firstName)).toEqual(['Max']);
      expect(d.getClient('dupont-1')).toMatchObject({ phone: '+41 79 555 00 12', notes: `Client depuis 2015\nLivraison ${tag === 'P' ? 'le mardi' : 'le jeudi'}`, address: { postalCode: '1003' } });

      // a reload, or the button sent again (a double click, Back): the same answer, nothing imported twice
      const size = d.clientCount;
      await page.reload();
      await page.locator('[data-done]').waitFor();
      const again = await page.request.post(checked, { form: { skipInvalid: '1' }, headers: { origin: s.url }, maxRedirects: 0 });
      expect(again.status()).toBe(303);
      expect(d.clientCount).toBe(size);
      expect(zryd()).toHaveLength(1);

      // back to the directory, which has them
      await page.click('a:has-text("Retour au répertoire")');
      await page.waitForURL(`${s.url}/`);
      await page.fill('input[name="q"]', `rochat${tag}`);
      await page.locator(`#results :text("Rochat${tag}")`).waitFor();
      expect(refused).toEqual([]);
      await page.context().close();
    });
  }

  it('a file it cannot read is said on the page, with the column to fix', async () => {
    const { page } = await pageAt('phone');
    await upload(page, 'autre-logiciel.csv', Buffer.from('Nom;Prénom\nDupont;Jean\n'));
    const problem = page.locator('[data-problem]');
    expect(await problem.innerText()).toContain('Nom, Prénom');
    expect(page.url()).toBe(`${s.url}/clients/import`);
    await checkScreen(page, 'import-unknown-column-phone');
    await page.context().close();
  });

  it('"Importer" sent twice at once (a double click) imports once', async () => {
    const { page } = await pageAt('till');
    await upload(page, 'double.csv', Buffer.from('lastName;firstName\nDoppel;Anna\nDoppel;Bruno\n'));
    await page.locator('[data-counts]').waitFor();
    const post = () => page.request.post(page.url(), { form: {}, headers: { origin: s.url }, maxRedirects: 0 });
    const answers = await Promise.all([post(), post()]);
    expect(answers.map((r) => r.status())).toEqual([303, 303]);
    expect(s.agent.services.directory.search('doppel').items.map((c) => c.firstName)).toEqual(['Anna', 'Bruno']);
    await page.reload();
    expect(await count(page, 'create')).toBe('2');
    await page.context().close();
  });

  it('a file with nothing to change offers nothing to import', async () => {
    const { page } = await pageAt('till');
    await upload(page, 'same.csv', Buffer.from('id;lastName;firstName\naebi-1;Aebi;Ruth\n'));
    await page.locator('[data-counts]').waitFor();
    expect(await count(page, 'unchanged')).toBe('1');
    expect(await page.locator('.empty').innerText()).toContain('Rien à importer');
    expect(await page.locator('button:has-text("Importer")').count()).toBe(0);
    await page.context().close();
  });
});

describe('exporting', () => {
  it('"Exporter (CSV)" gives the whole directory as Excel opens it', async () => {
    const { page } = await pageAt('till');
    // from the settings page
    await page.goto(`${s.url}/settings`);
    await page.click('#directory-files a:has-text("Importer / exporter")');
    await page.waitForURL(`${s.url}/clients/import`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Exporter (CSV)")')]);
    expect(download.suggestedFilename()).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.csv$/);
    const res = await page.request.get(`${s.url}/clients/export.csv`);
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const body = await res.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text.slice(1, text.indexOf('\r\n')).split(';').slice(0, 4)).toEqual(['id', 'kind', 'civility', 'lastName']);
    expect(text).toContain('aebi-1;person;;Aebi;Ruth;;CARD-2');
    await page.context().close();
  });
});
