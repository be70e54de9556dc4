import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { TEST_TOKEN } from '../helpers/config.js';
import { axeViolations } from '../helpers/axe.js';
import { SCREENS, WIDTHS, screenProblems } from '../helpers/screens.js';
import { until } from '../helpers/until.js';

/**
 * Every staff page at the till's, a tablet's and a phone's size (and the narrowest and widest the
 * page promises): nothing scrolls sideways, every target is at least 48×48 px, axe-core finds no
 * violation. The directory holds the names that used to break the layout.
 */

const PIN = '4821';
const LONG_WORD = 'Zwetschgenkuchenbäckereigenossenschaftsverwaltungsratspräsidentinnenstellvertretung'; // 84 letters
const ids: Record<string, string> = {};

const s = browserSuite({
  config: {
    ui: { pin: PIN },
    printers: [
      { id: 'front', name: 'Caisse', roles: ['receipt', 'client'], transport: { type: 'virtual' } },
      { id: 'kitchen', name: 'Cuisine', profile: 'generic-80mm', roles: ['preparation'], transport: { type: 'virtual' } },
    ],
  },
  afterStart: async (url) => {
    const d = s.agent.services.directory;
    const group = await d.createGroup({ name: 'Fidèles', discountPercent: 10 });
    ids.group = group.id;
    const long = await d.createClient({
      kind: 'company',
      companyName: LONG_WORD,
      civility: 'Mme',
      lastName: 'de Montmollin-Vuilleumier',
      firstName: 'Anne-Françoise',
      phone: '+41 79 555 00 12',
      email: 'anne-francoise.de-montmollin-vuilleumier@zwetschgenkuchen-genossenschaft.example.ch',
      reference: 'CARD-0000000000000000000000000000000000000000000000000000001',
      groupId: group.id,
      address: { street: `Chemin du ${LONG_WORD} 128`, postalCode: '1204', city: 'Genève', country: 'CH' },
      notes: `${LONG_WORD} ${LONG_WORD}`,
    });
    ids.long = long.id;
    for (let i = 0; i < 30; i++) {
      await d.createClient({ kind: 'person', civility: 'M.', lastName: `Favre${String(i).padStart(2, '0')}`, firstName: 'Jean', phone: `079 555 10 ${String(i).padStart(2, '0')}`, groupId: group.id, address: { postalCode: '1003', city: 'Lausanne', country: 'CH' } });
    }
    const res = await fetch(`${url}/api/v1/print`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'receipt',
        client: { id: long.id },
        ticket: { number: '2026-000042', issuedAt: '2026-12-02T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Tresse au beurre', quantity: 1, amount: 690 }], total: 690, payments: [{ method: 'Espèces', amount: 1000 }] },
      }),
    });
    const job: unknown = await res.json();
    ids.job = typeof job === 'object' && job !== null && 'id' in job && typeof job.id === 'string' ? job.id : '';
  },
});

/** The pages, each reached as staff reach it. */
const PAGES: Record<string, (page: Page) => Promise<unknown>> = {
  directory: (p) => p.goto(`${s.url}/`),
  'no-results': (p) => p.goto(`${s.url}/?q=qqqqqq`),
  client: (p) => p.goto(`${s.url}/clients/${ids.long}`),
  edit: (p) => p.goto(`${s.url}/clients/${ids.long}/edit`),
  new: (p) => p.goto(`${s.url}/clients/new`),
  refused: async (p) => {
    await p.goto(`${s.url}/clients/new`);
    await p.click('button:has-text("Valider")');
    await p.locator('.banner.error:visible').waitFor();
  },
  duplicates: async (p) => {
    await p.goto(`${s.url}/clients/new`);
    await p.selectOption('#f-civility', 'M.');
    await p.fill('#f-lastName', 'Favre00');
    await p.fill('#f-firstName', 'Jean');
    await p.fill('#f-postalCode', '1003');
    await p.click('button:has-text("Valider")');
    await p.locator('.duplicates').waitFor();
  },
  'duplicate-pairs': (p) => p.goto(`${s.url}/duplicates`),
  'undo-message': async (p) => {
    await p.goto(`${s.url}/?q=favre`);
    p.once('dialog', (d) => void d.accept());
    await p.locator('#results button.icon-danger').last().click();
    await p.locator('#toast .toast').waitFor();
  },
  groups: (p) => p.goto(`${s.url}/groups`),
  'group-edit': (p) => p.goto(`${s.url}/groups/${ids.group}/edit`),
  printers: (p) => p.goto(`${s.url}/printers`),
  preview: (p) => p.goto(`${s.url}/jobs/${ids.job}/preview`),
  settings: (p) => p.goto(`${s.url}/settings`),
  import: (p) => p.goto(`${s.url}/clients/import`),
  'import-review': async (p) => {
    await p.goto(`${s.url}/clients/import`);
    const csv = `lastName;firstName;companyName;notes;address.postalCode\nFavre00;Jean;;Fidèle;1003\nNouveau;Client;${LONG_WORD};;ABC\n`;
    await p.setInputFiles('#import-file', { name: `${LONG_WORD}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await p.click('button:has-text("Vérifier le fichier")');
    await p.locator('table.import-lines').waitFor();
  },
  sync: (p) => p.goto(`${s.url}/sync`),
  'not-found': (p) => p.goto(`${s.url}/no-such-page`),
};

async function signedIn(size: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await s.browser.newContext({ viewport: size, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${s.url}/login`);
  await page.fill('#pin', PIN);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${s.url}/`);
  return { context, page };
}

beforeAll(async () => {
  await until('the receipt printed', () => s.agent.services.jobs.get(ids.job!)?.status === 'done');
});

const contexts: BrowserContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.close();
});

describe('every page on every screen', () => {
  for (const [screen, size] of Object.entries(SCREENS)) {
    it(`at ${screen} size (${size.width}×${size.height}): no sideways scroll, 48 px targets, no axe violation`, async () => {
      const { context, page } = await signedIn(size);
      contexts.push(context);
      const problems: Record<string, unknown> = {};
      for (const [name, open] of Object.entries(PAGES)) {
        await open(page);
        for (const [kind, what] of Object.entries(await screenProblems(page))) problems[`${name}: ${kind}`] = what;
        await page.screenshot({ path: screenshotPath(`screen-${screen}-${name}`), fullPage: true });
      }
      expect(problems).toEqual({});
    }, 120_000);
  }

  it(`at every width from 360 to 1920 px (${WIDTHS.join(', ')}): no page scrolls sideways or breaks a short word`, async () => {
    const problems: Record<string, unknown> = {};
    for (const width of WIDTHS) {
      const { context, page } = await signedIn({ width, height: 800 });
      contexts.push(context);
      for (const [name, open] of Object.entries(PAGES)) {
        await open(page);
        for (const [kind, what] of Object.entries(await screenProblems(page, { targets: false, axe: false }))) problems[`${width} px, ${name}: ${kind}`] = what;
      }
    }
    expect(problems).toEqual({});
  }, 180_000);

  it('the PIN page passes too, at each size', async () => {
    const problems: Record<string, unknown> = {};
    for (const [screen, size] of Object.entries(SCREENS)) {
      const context = await s.browser.newContext({ viewport: size, bypassCSP: true });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${s.url}/login`);
      for (const [kind, what] of Object.entries(await screenProblems(page))) problems[`${screen}: ${kind}`] = what;
    }
    expect(problems).toEqual({});
  });
});

describe('the navigation on a phone', () => {
  it('folds behind "Menu": the links appear in the dark header, 48 px high, and the keyboard lands on the first', async () => {
    const { context, page } = await signedIn(SCREENS.phone);
    contexts.push(context);
    await page.goto(`${s.url}/groups`);
    expect(await page.locator('#site-nav').isVisible()).toBe(false);
    const toggle = page.locator('button.menu-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const links = page.locator('#site-nav a');
    expect(await links.allInnerTexts()).toEqual(['Répertoire', 'Groupes', 'Imprimantes', 'Réglages']);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Répertoire');
    const header = await page.locator('header.top').boundingBox();
    for (const box of await links.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.height).toBeGreaterThanOrEqual(48);
      expect(box.bottom).toBeLessThanOrEqual((header?.y ?? 0) + (header?.height ?? 0)); // inside the dark header
    }
    expect(await page.locator('button:has-text("Quitter")').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('screen-phone-menu-open') });
    await page.click('#site-nav a:has-text("Imprimantes")');
    await page.waitForURL(`${s.url}/printers`);
    expect(await page.locator('#site-nav').isVisible()).toBe(false); // a new page starts folded
  });

  it('on a till the navigation is one row and the Menu button is not there', async () => {
    const { context, page } = await signedIn(SCREENS.till);
    contexts.push(context);
    expect(await page.locator('button.menu-toggle').isVisible()).toBe(false);
    const tops = await page.locator('#site-nav a').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(new Set(tops).size).toBe(1);
  });
});

describe('long text', () => {
  it('an 84-letter name wraps in the results at 1366 px: the row icons stay on screen', async () => {
    const { context, page } = await signedIn(SCREENS.till);
    contexts.push(context);
    await page.goto(`${s.url}/?q=zwetschgen`);
    const table = await page.locator('#results table').boundingBox();
    expect(table?.width).toBeLessThanOrEqual(1366);
    const trash = await page.locator('#results tbody tr').first().locator('button.icon-danger').boundingBox();
    expect((trash?.x ?? 0) + (trash?.width ?? 0)).toBeLessThanOrEqual(1366);
    expect(await page.locator('#results tbody tr').first().innerText()).toContain(LONG_WORD);
  });

  it('result rows are compact on a till: at least 10 clients on a 1366×768 screen, icons and text on one line', async () => {
    const { context, page } = await signedIn(SCREENS.till);
    contexts.push(context);
    await page.goto(`${s.url}/?q=favre`);
    const rows = await page.locator('#results tbody tr').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    expect(rows.filter((r) => r.bottom <= 768).length).toBeGreaterThanOrEqual(10);
    const row = page.locator('#results tbody tr').first();
    const name = await row.locator('.name a').boundingBox();
    const pencil = await row.locator('a.icon-edit').boundingBox();
    // text and icons centred on the same line
    expect(Math.abs((name?.y ?? 0) + (name?.height ?? 0) / 2 - ((pencil?.y ?? 0) + (pencil?.height ?? 0) / 2))).toBeLessThanOrEqual(2);
  });
});

describe('details', () => {
  it('a favicon, and no console error on any page', async () => {
    const { context, page } = await signedIn(SCREENS.tablet);
    contexts.push(context);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const icon = await fetch(`${s.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    for (const name of ['directory', 'client', 'new', 'groups', 'printers', 'settings', 'sync'] as const) await PAGES[name]!(page);
    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect((await fetch(`${s.url}${href}`)).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('focus is visible: a keyboard user sees where they are', async () => {
    const { context, page } = await signedIn(SCREENS.till);
    contexts.push(context);
    await page.goto(`${s.url}/groups`);
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth : '';
    });
    expect(outline).toBe('solid 3px');
  });
});
