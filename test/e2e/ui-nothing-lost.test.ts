import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ReferenceCloud } from '../fakes/cloud.js';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { SCREENS } from '../helpers/screens.js';
import { until } from '../helpers/until.js';

/**
 * No accidental duplicates, nothing lost, the list keeps its place: Back, double clicks and reloads
 * on a new client's form, look-alikes before saving, leaving a form with changes, undoing a delete
 * (and the cloud getting the client back), and coming back to a long list. Counted in the agent's
 * directory and in the cloud, not from what the page says.
 */

const CLOUD_TOKEN = 'cloud-token-nothing-lost';
const cloud = new ReferenceCloud({ token: CLOUD_TOKEN });
let cloudUrl = '';

const s = browserSuite({
  beforeStart: async () => {
    cloudUrl = await cloud.listen();
  },
  config: () => ({ cloud: { url: cloudUrl, token: CLOUD_TOKEN, intervalSeconds: 3600 } }),
  options: { sync: { backoffMinMs: 100, backoffMaxMs: 500, nudgeMs: 20, timeoutMs: 1_000 } },
});
afterAll(() => cloud.close());

const directory = () => s.agent.services.directory;
const named = (q: string) => directory().search(q, 100).items;

async function newPage(size: { width: number; height: number } = SCREENS.till): Promise<Page> {
  const page = await s.browser.newPage({ viewport: size });
  page.setDefaultTimeout(8_000);
  return page;
}

async function fillPerson(page: Page, last: string, first: string, extra: Record<string, string> = {}) {
  await page.selectOption('#f-civility', 'Mme');
  await page.fill('#f-lastName', last);
  await page.fill('#f-firstName', first);
  for (const [field, value] of Object.entries(extra)) await page.fill(`#f-${field}`, value);
}

describe('a new client is made once', () => {
  it('Back after saving, then Valider again: the client it made opens, no second one', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/clients/new`);
    await fillPerson(page, 'Rossier', 'Léa', { postalCode: '1700', city: 'Fribourg' });
    await page.click('button:has-text("Valider")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    const made = page.url();

    await page.goBack();
    await page.waitForURL(/\/clients\/new\?draft=/);
    expect(await page.locator('.banner.info').innerText()).toContain('Ce formulaire a déjà créé le client « Mme Léa Rossier »');
    await page.screenshot({ path: screenshotPath('form-back-after-save') });
    expect(await page.locator('#client-form').count()).toBe(0); // nothing to send twice
    await page.click('.banner.info a:has-text("Ouvrir la fiche")');
    await page.waitForURL(made);
    expect(named('rossier')).toHaveLength(1);
    await page.close();
  });

  it('the same form sent again (a reload of the answer, an old tab) opens the client it made', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/clients/new`);
    await fillPerson(page, 'Berset', 'Alain');
    const id = await page.inputValue('input[name="id"]');
    const again = await page.evaluate(() => new URLSearchParams(new FormData(document.querySelector<HTMLFormElement>('#client-form')!) as unknown as Record<string, string>).toString());
    await page.click('button:has-text("Valider")');
    await page.waitForURL(`${s.url}/clients/${id}`);
    const location = await page.evaluate(async (body) => {
      const res = await fetch('/clients', { method: 'POST', body: new URLSearchParams(body), redirect: 'follow' });
      return new URL(res.url).pathname;
    }, again);
    expect(location).toBe(`/clients/${id}`);
    expect(named('berset')).toHaveLength(1);
    await page.close();
  });

  it('two submits of the same form at once (a double click) make one client', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/clients/new`);
    const statuses = await page.evaluate(async () => {
      const form = document.querySelector<HTMLFormElement>('#client-form')!;
      const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>);
      body.set('lastName', 'Aebischer');
      body.set('firstName', 'Marc');
      const post = () => fetch('/clients', { method: 'POST', body, redirect: 'manual' }).then((r) => r.type);
      return Promise.all([post(), post(), post()]);
    });
    expect(statuses).toEqual(['opaqueredirect', 'opaqueredirect', 'opaqueredirect']); // each answered "go to the client"
    expect(named('aebischer')).toHaveLength(1);
    await page.close();
  });
});

describe('look-alikes before saving', () => {
  it('the same name in the same NPA, or the same phone: shown with "Ouvrir" and "Créer quand même"; nothing saved until chosen', async () => {
    await directory().createClient({ kind: 'person', civility: 'Mme', lastName: 'Dupont', firstName: 'Hélène', phone: '079 555 00 13', address: { postalCode: '1204', city: 'Genève', country: 'CH' } });
    await directory().createClient({ kind: 'person', civility: 'M.', lastName: 'Dupont', firstName: 'Hélène', address: { postalCode: '2000', city: 'Neuchâtel', country: 'CH' } }); // another NPA: not alike
    const page = await newPage(SCREENS.phone);
    await page.goto(`${s.url}/clients/new`);
    await fillPerson(page, 'DUPONT', 'Helene', { postalCode: '1204', phone: '+41 79 555 00 13' });
    await page.click('button:has-text("Valider")');
    const panel = page.locator('.duplicates');
    await panel.waitFor();
    expect(await panel.locator('h2').innerText()).toBe('Ce client existe peut-être déjà');
    expect(await panel.locator('li').count()).toBe(1);
    expect(await panel.locator('li .reasons').innerText()).toBe('même téléphone, même nom et même NPA');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('duplicates-title');
    await page.screenshot({ path: screenshotPath('form-duplicates-phone'), fullPage: true });
    expect(named('dupont')).toHaveLength(2);

    // Enter in a field is still "Valider": the look-alikes again, not "Créer quand même"
    await page.press('#f-city', 'Enter');
    await panel.waitFor();
    expect(named('dupont')).toHaveLength(2);

    await page.click('.duplicates button:has-text("Créer quand même")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    expect(named('dupont')).toHaveLength(3);
    await page.close();
  });

  it('"Ouvrir" goes to the client that exists (after asking, since the form has changes)', async () => {
    const existing = await directory().createClient({ kind: 'company', companyName: 'Fromagerie Gruyère SA', email: 'info@fromagerie.example.ch', address: { postalCode: '1663', country: 'CH' } });
    const page = await newPage();
    await page.goto(`${s.url}/clients/new`);
    await page.check('input[name="kind"][value="company"]');
    await page.fill('#f-companyName', 'Fromagerie du Village');
    await page.fill('#f-email', 'INFO@fromagerie.example.ch');
    await page.click('button:has-text("Valider")');
    await page.locator('.duplicates').waitFor();
    expect(await page.locator('.duplicates .reasons').innerText()).toBe('même e-mail');
    page.once('dialog', (d) => void d.accept());
    await page.click('.duplicates a:has-text("Ouvrir")');
    await page.waitForURL(`${s.url}/clients/${existing.id}`);
    expect(named('fromagerie village')).toHaveLength(0);
    await page.close();
  });
});

describe('leaving a form with changes asks first', () => {
  it('a nav click or a reload asks; staying keeps what was typed; an untouched form leaves without asking', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/clients/new`);
    const dialogs: string[] = [];
    // untouched: leaves freely
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await page.click('#site-nav a:has-text("Groupes")');
    await page.waitForURL(`${s.url}/groups`);
    expect(dialogs).toEqual([]);

    await page.goto(`${s.url}/clients/new`);
    await page.fill('#f-lastName', 'Perrin');
    await page.click('#site-nav a:has-text("Groupes")');
    await until('the browser asked', () => dialogs.length === 1);
    expect(dialogs).toEqual(['beforeunload']);
    expect(page.url()).toMatch(/\/clients\/new\?draft=/);
    expect(await page.inputValue('#f-lastName')).toBe('Perrin');

    await page.reload().catch(() => undefined); // dismissed: the reload does not happen
    await until('the browser asked again', () => dialogs.length === 2);
    expect(await page.inputValue('#f-lastName')).toBe('Perrin');

    // a refused save has unsaved changes even if nothing is typed after
    await page.click('button:has-text("Valider")');
    await page.locator('.banner.error:visible').waitFor();
    await page.click('#site-nav a:has-text("Groupes")');
    await until('asked after a refused save', () => dialogs.length === 3);
    await page.close();
  });

  it('the group form asks too: a changed discount is not dropped by a nav click; saved, it leaves freely', async () => {
    const group = await s.agent.services.directory.createGroup({ name: 'Voisins', discountPercent: 5 });
    const page = await newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await page.goto(`${s.url}/groups/${group.id}/edit`);
    await page.fill('#g-discountPercent', '7');
    await page.click('#site-nav a:has-text("Répertoire")');
    await until('the browser asked', () => dialogs.length === 1);
    expect(page.url()).toBe(`${s.url}/groups/${group.id}/edit`);
    expect(await page.inputValue('#g-discountPercent')).toBe('7');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(`${s.url}/groups`);
    expect(s.agent.services.directory.getGroup(group.id).discountPercent).toBe(7);
    await page.click('#site-nav a:has-text("Répertoire")');
    await page.waitForURL(`${s.url}/`);
    expect(dialogs).toEqual(['beforeunload']);
    await page.close();
  });
});

describe('delete, then "Annuler"', () => {
  it('from the results: the row goes, "Annuler" brings the client back as it was, and the cloud gets it back too', async () => {
    const client = await directory().createClient({ kind: 'person', civility: 'M.', lastName: 'Zbinden', firstName: 'Urs', phone: '+41 31 555 44 33', reference: 'CARD-7788', address: { street: 'Bärenplatz 2', postalCode: '3011', city: 'Bern', country: 'CH' } });
    await s.agent.services.sync!.syncNow();
    expect(cloud.client(client.id)?.lastName).toBe('Zbinden');

    const page = await newPage();
    await page.goto(`${s.url}/?q=zbinden`);
    page.once('dialog', (d) => void d.accept());
    await page.click('button[aria-label="Supprimer M. Urs Zbinden"]');
    const toast = page.locator('#toast .toast');
    await toast.waitFor();
    expect(await toast.innerText()).toContain('« M. Urs Zbinden » a été supprimé du répertoire.');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Annuler'); // Enter undoes
    await page.screenshot({ path: screenshotPath('delete-undo') });
    expect(directory().findById(client.id)).toBeNull();
    await s.agent.services.sync!.syncNow();
    expect(cloud.client(client.id)).toBeUndefined();

    await page.keyboard.press('Enter');
    await until('the client is back', () => directory().findById(client.id) !== null);
    await page.locator('#toast .toast:has-text("« M. Urs Zbinden » est de retour au répertoire.")').waitFor();
    const back = directory().findById(client.id)!;
    expect({ ...back, version: 0, updatedAt: '', etag: '' }).toEqual({ ...client, version: 0, updatedAt: '', etag: '' });
    await page.locator('#results tbody tr[data-client-id]').first().waitFor();
    expect(await page.locator('#results .name').allInnerTexts()).toEqual(['M. Urs Zbinden']);

    await s.agent.services.sync!.syncNow();
    expect(cloud.client(client.id)).toMatchObject({ lastName: 'Zbinden', reference: 'CARD-7788', address: { city: 'Bern' } });
    await page.close();
  });

  it('from the card: the card says it is gone; "Annuler" brings the card back', async () => {
    const client = await directory().createClient({ kind: 'company', companyName: 'Boucherie Centrale', address: { postalCode: '1950', city: 'Sion', country: 'CH' } });
    const page = await newPage(SCREENS.phone);
    await page.goto(`${s.url}/clients/${client.id}`);
    page.once('dialog', (d) => void d.accept());
    await page.click('article.client button.icon-danger');
    await page.locator('article.client.gone').waitFor();
    await page.click('#toast button:has-text("Annuler")');
    await page.locator('article.client:not(.gone) h1').waitFor();
    expect(await page.locator('article.client h1').innerText()).toBe('Boucherie Centrale');
    expect(directory().findById(client.id)?.companyName).toBe('Boucherie Centrale');
    await page.close();
  });

  it('"Annuler" shows for 10 s, then goes; the delete stays', async () => {
    const client = await directory().createClient({ kind: 'person', lastName: 'Kohler', firstName: 'Eva', address: { country: 'CH' } });
    const page = await newPage();
    await page.clock.install();
    await page.goto(`${s.url}/?q=kohler`);
    page.once('dialog', (d) => void d.accept());
    await page.click('button.icon-danger');
    await page.locator('#toast .toast').waitFor();
    await page.clock.runFor(9_000);
    expect(await page.locator('#toast .toast').count()).toBe(1);
    await page.clock.runFor(1_500);
    expect(await page.locator('#toast .toast').count()).toBe(0);
    expect(directory().findById(client.id)).toBeNull();
    await page.close();
  });

  it('the trash icon stands apart from the edit icon, named for screen readers', async () => {
    await directory().createClient({ kind: 'person', lastName: 'Imhof', firstName: 'Pia', address: { country: 'CH' } });
    const page = await newPage();
    await page.goto(`${s.url}/?q=imhof`);
    const row = page.locator('#results tbody tr').first();
    const edit = (await row.locator('a.icon-edit').boundingBox())!;
    const trash = (await row.locator('button.icon-danger').boundingBox())!;
    expect(trash.x - (edit.x + edit.width)).toBeGreaterThanOrEqual(20);
    expect(await row.locator('button.icon-danger').getAttribute('aria-label')).toBe('Supprimer Pia Imhof');
    await page.goto(`${s.url}/clients/${named('imhof')[0]!.id}`);
    const print = (await page.locator('button:has-text("Imprimer la carte")').boundingBox())!;
    const del = (await page.locator('article.client button.icon-danger').boundingBox())!;
    expect(del.x - (print.x + print.width)).toBeGreaterThanOrEqual(40); // not between "Modifier" and "Imprimer la carte"
    await page.close();
  });
});

describe('the list keeps its place', () => {
  it('after "Plus de résultats" and scrolling, opening a client and coming back shows as many rows, scrolled where they were', async () => {
    for (let i = 0; i < 60; i++) {
      await directory().createClient({ kind: 'person', lastName: `Vonlanthen${String(i).padStart(2, '0')}`, firstName: 'Nico', address: { postalCode: '1712', city: 'Tafers', country: 'CH' } });
    }
    const page = await newPage();
    await page.goto(`${s.url}/?q=vonlanthen`);
    const rows = page.locator('#results tbody tr[data-client-id]');
    expect(await rows.count()).toBe(25);
    await page.click('button:has-text("Plus de résultats")');
    await until('50 rows', async () => (await rows.count()) === 50);
    await page.waitForURL(/shown=50/);
    const target = rows.nth(41);
    await target.scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(500);
    const name = await target.locator('.name').innerText();
    await target.locator('.name a').click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    expect(await page.locator('article.client h1').innerText()).toBe(name);

    await page.goBack();
    await page.waitForURL(/\?q=vonlanthen&shown=50/);
    await until('50 rows again', async () => (await rows.count()) === 50);
    await until('scrolled back', async () => Math.abs((await page.evaluate(() => window.scrollY)) - scrolled) <= 2);
    expect(await rows.nth(41).locator('.name').innerText()).toBe(name);
    await page.close();
  });
});
