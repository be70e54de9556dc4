import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { PrinterConfig } from '../../agent/config.js';
import { transportFor } from '../../agent/printing/printers.js';
import { PermanentPrintError, type PrinterTransport } from '../../drivers/printer/transport.js';
import { en } from '../../web/i18n/en.js';
import { fr } from '../../web/i18n/fr.js';
import { ReferenceCloud } from '../fakes/cloud.js';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { pageAtScreen, SCREENS, screenProblems } from '../helpers/screens.js';
import { TEST_TOKEN } from '../helpers/config.js';
import { until } from '../helpers/until.js';

/**
 * Every staff page of a French agent, in Chromium, says nothing in English: the text a person
 * sees (and what a screen reader says: the title, labels, confirmations, alternative text) holds
 * no word of the English catalogue that the French catalogue does not have too. The agent is
 * seeded with clients and groups, printers of every transport and several models and roles,
 * named and unnamed tokens, tickets printed, waiting, failed and with warnings, and a sync with a
 * conflict, a refused edit and the back-office out of reach.
 *
 * What is English on purpose is not text staff read: the driver's or the back-office's own detail,
 * folded away under "Détail technique" (and marked lang="en"), the lines printed on the paper
 * (the till's words, not the page's), and a CSV file's column names (`code lang="en"`: the file's
 * format, the same in every language, each shown beside its name in the staff's words).
 */

// ---- the words ------------------------------------------------------------------------------

const wordsOf = (text: string): string[] => (text.normalize('NFC').match(/\p{L}+/gu) ?? []).map((w) => w.toLowerCase());
/** A catalogue's words, less its placeholders ({printer} is not a word of the sentence). */
const catalogueWords = (cat: Record<string, string>): string[] => Object.values(cat).flatMap((v) => wordsOf(v.replace(/\{\w+\}/g, ' ')));

/** Brand and product names, the same in every language (a catalogue may have them in one only). */
const NAMES = new Set(['kleek', 'epson', 'star']);

/** English words that are not French: from the English catalogue, less every word of the French one; short words and names left out. */
function englishOnlyWords(): Set<string> {
  const french = new Set(catalogueWords(fr));
  return new Set(catalogueWords(en).filter((w) => w.length >= 4 && !french.has(w) && !NAMES.has(w)));
}

const ENGLISH = englishOnlyWords();

/** The English-only words a text holds, each once; `data`: words of the shop's records, which are not the page's to translate. */
function englishIn(text: string, data: ReadonlySet<string> = new Set()): string[] {
  return [...new Set(wordsOf(text).filter((w) => ENGLISH.has(w) && !data.has(w)))].sort();
}

/** Every word of a record's text fields (a reference such as CARD-000123 is the shop's, not the page's). */
function recordWords(records: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') for (const w of wordsOf(v)) out.add(w);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  records.forEach(visit);
  return out;
}

/**
 * What staff read on the page: its title, its rendered text (innerText: nothing hidden, nor the
 * content of a closed <details>), the labels and titles a screen reader or a tooltip says, the
 * confirmations htmx asks, the choices of each list, the notices kept in templates for later. The
 * lines of a ticket's paper are left out: they are what the till sent.
 */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    for (const line of document.querySelectorAll<HTMLElement>('.paper .l, .paper .hri, code[lang="en"]')) line.style.display = 'none';
    const parts = [document.title, document.body.innerText];
    const said = ['aria-label', 'title', 'alt', 'placeholder', 'hx-confirm', 'data-done', 'data-hide'];
    for (const el of document.querySelectorAll(said.map((a) => `[${a}]`).join(', '))) for (const a of said) parts.push(el.getAttribute(a) ?? '');
    for (const o of document.querySelectorAll('option')) parts.push(o.textContent ?? '');
    for (const t of document.querySelectorAll('template')) parts.push(t.content.textContent ?? '');
    return parts.join('\n');
  });
}

// ---- a French agent with something on every page ---------------------------------------------

const CLOUD_TOKEN = 'cloud-token-for-words';
const cloudClients = generateClients(12);
const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, groups: generateGroups(), clients: cloudClients });
let cloudUrl = '';
let storeDir = '';
let refusedPort = 0;

/** A USB printer that can never print (no printer interface): its jobs fail at once. */
const broken: PrinterTransport = {
  kind: 'usb',
  twoWay: true,
  open: () => Promise.reject(new PermanentPrintError('USB device 04b8:0e28 has no printer interface: check vendorId and productId (npm run devices)')),
  check: () => Promise.resolve('offline'),
};

const s = browserSuite({
  beforeStart: async (dir) => {
    storeDir = dir;
    cloudUrl = await cloud.listen();
    writeFileSync(path.join(dir, 'lp0'), ''); // a device file that takes bytes
    // a port nobody listens on: the network printer is switched off
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    refusedPort = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
  },
  config: () => ({
    ui: { locale: 'fr', pin: '2468' },
    api: {
      tokens: [
        TEST_TOKEN,
        { name: 'caisse-1', token: 'till-token-0123456789abcdef', scopes: ['print', 'drawer'] },
        { name: 'back-office', token: 'office-token-0123456789abcdef', scopes: ['directory:read', 'directory:write'] },
      ],
    },
    cloud: { url: cloudUrl, token: CLOUD_TOKEN, intervalSeconds: 3600 },
    printers: [
      { id: 'front', name: 'Caisse', profile: 'epson-tm-t20iii', roles: ['receipt', 'client'], transport: { type: 'virtual' } },
      { id: 'mobile', name: 'Mobile', profile: 'generic-58mm', roles: [], transport: { type: 'file', path: path.join(storeDir, 'lp0') } },
      { id: 'cuisine', name: 'Cuisine', profile: 'star-tsp143iv', roles: ['preparation'], transport: { type: 'tcp', host: '127.0.0.1', port: refusedPort } },
      { id: 'terrasse', name: 'Terrasse', model: 'epson', width: 42, roles: [], transport: { type: 'serial', path: '/dev/ttyNOPE-terrasse' } },
      { id: 'comptoir', name: 'Comptoir', model: 'star', roles: [], transport: { type: 'usb', vendorId: '0x04b8', productId: '0x0e28' } },
    ],
    scanners: [{ id: 'entree', name: 'Douchette entrée', transport: { type: 'serial', path: '/dev/ttyNOPE-lecteur' } }],
  }),
  options: {
    printerTransport: (p: PrinterConfig) => (p.id === 'comptoir' ? broken : transportFor(p, storeDir)),
    sync: { backoffMinMs: 100, backoffMaxMs: 300, nudgeMs: 20, timeoutMs: 1_000 },
  },
});
afterAll(() => cloud.close());

const api = (pathname: string, body: unknown) =>
  fetch(`${s.url}${pathname}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

const receipt = (number: string, extra: Record<string, unknown> = {}) => ({
  number,
  issuedAt: '2026-11-27T10:15:00+01:00',
  currency: 'CHF',
  lines: [{ label: 'Tresse au beurre', quantity: 1, amount: 690 }],
  total: 690,
  ...extra,
});

/** Tickets of every kind and fate, clients, a conflict, a refused edit, and the back-office gone. */
async function seed() {
  const { directory, jobs, sync } = s.agent.services;
  await until('the first sync', () => sync?.status().lastSyncAt != null, 10_000);
  const helene = await directory.createClient({ civility: 'Mme', firstName: 'Hélène', lastName: 'Müller', reference: 'CARD-0042', groupId: 'vip', address: { street: 'Rue du Lac 1', postalCode: '1003', city: 'Lausanne' } });
  const garage = await directory.createClient({ kind: 'company', companyName: 'Garage du Lac Sàrl', phone: '+41 21 801 00 00', groupId: 'pro' });

  const ids: string[] = [];
  const print = async (body: unknown) => {
    const res = await api('/api/v1/print', body);
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  };
  await print({ type: 'receipt', openDrawer: true, client: { reference: 'CARD-0042' }, ticket: receipt('R-2026-0042', { barcode: '2026000042' }) });
  await print({ type: 'receipt', printer: 'mobile', ticket: receipt('R-2026-0043', { barcode: 'REF-ABCDEFGHIJ-KLMNOP' }) });
  await print({ type: 'receipt', printer: 'mobile', ticket: receipt('R-2026-0044', { barcode: 'Café-é' }) });
  await print({ type: 'preparation', ticket: { number: '42', issuedAt: '2026-11-27T10:15:00+01:00', table: '7', lines: [{ label: 'Croûte au fromage', quantity: 2 }] } });
  await print({ type: 'receipt', printer: 'terrasse', ticket: receipt('R-2026-0045') });
  await print({ type: 'client', printer: 'comptoir', client: { id: garage.id } });
  await s.agent.services.print.testPage('front');
  await s.agent.services.print.reprint(ids[0]!);
  await until('each ticket printed, waiting or failed with its reason', () => {
    const by = (i: number) => jobs.get(ids[i]!)!;
    return by(0).status === 'done' && by(1).status === 'done' && by(3).error !== null && by(4).error !== null && by(5).status === 'failed';
  }, 10_000);

  // the back-office goes out of reach; meanwhile a phone number changes here and there, and a
  // client is made here with a reference the back-office gave another client
  const c = cloudClients[3]!;
  await cloud.goOffline();
  await directory.updateClient(c.id, { phone: '+41 21 111 11 11' });
  cloud.patchClient(c.id, { phone: '+41 22 222 22 22' });
  cloud.upsertClient({ ...generateClients(13)[12]!, reference: 'CARD-7777' });
  await directory.createClient({ firstName: 'Urs', lastName: 'Jäggi', reference: 'CARD-7777' });
  await cloud.goOnline();
  await sync!.syncNow();
  await until('a conflict and a refusal to check', () => s.agent.services.syncIssues.list().length >= 2, 10_000);
  await cloud.goOffline();
  await sync!.syncNow();
  await until('offline', () => sync!.status().state === 'offline', 10_000);
  const data = recordWords([...directory.search('', 500).items, ...directory.listGroups(), ...cloudClients]);
  return { helene, garage, jobIds: ids, data };
}

let seeding: ReturnType<typeof seed> | null = null;
/** The seed, once for the file's tests (a second would double every ticket and conflict). */
const seeded = () => (seeding ??= seed());

// ---- the pages --------------------------------------------------------------------------------

describe('the French staff pages', () => {
  it('finds English where there is some (the check itself)', () => {
    expect(ENGLISH.size).toBeGreaterThan(100);
    for (const w of ['receipt', 'printer', 'drawer', 'generated', 'virtual', 'serial', 'language', 'waiting']) expect(ENGLISH.has(w)).toBe(true);
    for (const w of ['client', 'type', 'agent', 'ticket', 'imprimante']) expect(ENGLISH.has(w)).toBe(false);
    // what the pages said before this check
    expect(englishIn('Caisse front receipt, client')).toEqual(['receipt']);
    expect(englishIn('virtual · epson · 48 col.')).toEqual(['virtual']);
    expect(englishIn('print, drawer, directory:read')).toEqual(['directory', 'drawer', 'print', 'read']);
    expect(englishIn('Caisse: paper out')).toEqual(['paper']);
    expect(englishIn('Réimprimer Aperçu Tiroir-caisse')).toEqual([]);
  });

  it('say every word in French, on every page', async () => {
    const { helene, garage, jobIds, data } = await seeded();
    const context = await s.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const leaks: Record<string, string[]> = {};
    const check = async (name: string, on: Page = page) => {
      const text = await visibleText(on);
      const found = englishIn(text, data);
      // WORDS_DEBUG=1 prints the text of each page with English, to find where it is
      if (process.env.WORDS_DEBUG && found.length > 0) console.log(`---- ${name}: ${found.join(', ')}\n${text}`);
      if (found.length > 0) leaks[name] = found;
    };

    await page.goto(`${s.url}/`);
    await page.waitForURL(/\/login/);
    await check('login');
    await page.fill('#pin', '0000');
    await page.click('button[type="submit"]');
    await check('login (wrong PIN)');
    await page.fill('#pin', '2468');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${s.url}/`);

    const pages: Array<[string, string, number]> = [
      ['directory', '/', 200],
      ['directory (search, nothing found)', '/?q=zzzyx', 200],
      ['client card', `/clients/${helene.id}`, 200],
      ['client form (new)', '/clients/new', 200],
      ['client form (edit)', `/clients/${helene.id}/edit`, 200],
      ['merge (find the other client)', `/clients/${helene.id}/merge`, 200],
      ['merge (side by side)', `/clients/${helene.id}/merge?from=${garage.id}`, 200],
      ['anonymise (confirmation)', `/clients/${helene.id}/anonymize`, 200],
      ['groups', '/groups', 200],
      ['group form', '/groups/vip/edit', 200],
      ['printers', '/printers', 200],
      ['settings', '/settings', 200],
      ['sync', '/sync', 200],
      ['duplicates', '/duplicates', 200],
      ['import and export', '/clients/import', 200],
      ['client not found', '/clients/no-such-client', 404],
      ['page not found', '/no-such-page', 404],
      ...jobIds.map((id, i): [string, string, number] => [`ticket preview ${i + 1}`, `/jobs/${id}/preview`, 200]),
    ];
    for (const [name, url, status] of pages) {
      const res = await page.goto(`${s.url}${url}`);
      expect([name, res?.status(), new URL(page.url()).pathname]).toEqual([name, status, url.replace(/\?.*/, '')]);
      await page.locator('h1').first().waitFor();
      await check(name);
      if (name === 'printers' || name === 'settings' || name === 'sync') await page.screenshot({ path: screenshotPath(`words-${name}`), fullPage: true });
    }

    // a client form sent empty: the rule messages
    await page.goto(`${s.url}/clients/new`);
    await page.locator('main form button[type="submit"]').first().click();
    await page.locator('.error').first().waitFor();
    await check('client form (refused)');

    // a new client like Hélène: the look-alikes, then created anyway; Back to the form already saved
    await page.fill('#f-lastName', 'Müller');
    await page.fill('#f-firstName', 'Hélène');
    await page.fill('#f-postalCode', '1003');
    await page.locator('main form button[type="submit"]').first().click();
    await page.locator('.duplicates').waitFor();
    await check('client form (look-alikes)');
    await page.locator('.duplicates button[type="submit"]').click();
    await page.locator('article.client').waitFor();
    await page.goBack();
    await page.locator('.banner.info').waitFor();
    await check('client form (already saved)');

    // deleted, with the message that offers to undo it, then undone
    await page.locator('.banner.info a').first().click();
    page.once('dialog', (d) => void d.accept());
    await page.locator('article.client button.icon-danger').click();
    await page.locator('#toast [data-undo]').waitFor();
    await check('client deleted (undo offered)');
    await page.locator('#toast [data-undo]').click();
    await page.locator('article.client:not(.gone)').waitFor();
    await check('client restored');

    // a part of a page htmx asked for, refused: the notice above the page
    const notice = await fetch(`${s.url}/jobs/job_nope/reprint`, { method: 'POST', headers: { 'hx-request': 'true', cookie: (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; '), origin: s.url } });
    await page.goto(`${s.url}/printers`);
    await page.evaluate((html) => (document.querySelector('#error-notice')!.innerHTML = html), await notice.text());
    await page.locator('#error-notice .notice').waitFor();
    await check('error notice');

    // a phone: the menu opened
    const phone = await s.browser.newContext({ viewport: SCREENS.phone, storageState: await context.storageState() });
    const small = await phone.newPage();
    await small.goto(`${s.url}/`);
    await small.click('button.menu-toggle');
    await small.locator('#site-nav a').first().waitFor();
    await check('menu (phone)', small);
    await phone.close();

    await context.close();
    expect(leaks).toEqual({});
  }, 60_000);

  it('the pages in trouble (printers offline, tickets failed, a sync with a conflict and the back-office gone) pass the screen checks at each size', async () => {
    const { jobIds } = await seeded();
    const problems: Record<string, unknown> = {};
    for (const screen of ['phone', 'tablet', 'till'] as const) {
      const { page } = await pageAtScreen(s.browser, screen);
      await page.goto(`${s.url}/login`);
      await page.fill('#pin', '2468');
      await page.click('button[type="submit"]');
      await page.waitForURL(`${s.url}/`);
      for (const [name, url] of [['printers', '/printers'], ['sync', '/sync'], ['settings', '/settings'], ...jobIds.map((id, i) => [`ticket ${i + 1}`, `/jobs/${id}/preview`])] as const) {
        await page.goto(`${s.url}${url}`);
        await page.locator('h1').first().waitFor();
        for (const [kind, what] of Object.entries(await screenProblems(page))) problems[`${screen}, ${name}: ${kind}`] = what;
        if (name === 'printers' || name === 'sync') await page.screenshot({ path: screenshotPath(`trouble-${screen}-${name}`), fullPage: true });
      }
      await page.context().close();
    }
    expect(problems).toEqual({});
  }, 90_000);
});
