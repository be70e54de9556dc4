import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { SCREENS } from '../helpers/screens.js';

/**
 * A form that fits who the client is, in Chromium: a person's names first and required, a company's
 * name first with an optional contact person; sections; countries by name in the staff's language;
 * the API's limits in the fields; the keyboard alone from the search box to a saved client.
 */

const s = browserSuite();

/** The labels of the identity section, in the order shown (required ones end with " *"). */
const identityLabels = (page: import('playwright-core').Page) =>
  page.locator('.grid.identity .field label, .grid.identity .contact-heading').evaluateAll((els) =>
    els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
  );

describe('the client form fits who the client is', () => {
  it('a person: civilité, nom, prénom first, nom and prénom required; a company: raison sociale first, then an optional contact', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.tablet });
    await page.goto(`${s.url}/clients/new`);
    expect(await page.locator('fieldset.section > legend').allInnerTexts()).toEqual(['Identité', 'Adresse', 'Contact', 'Fidélité et comptabilité']);
    expect(await identityLabels(page)).toEqual(['Civilité', 'Nom *', 'Prénom *', 'Société']);
    expect(await page.locator('#f-lastName').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#f-companyName').getAttribute('aria-required')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-civility'); // ready to type

    await page.check('input[name="kind"][value="company"]');
    expect(await identityLabels(page)).toEqual(['Raison sociale *', 'Personne de contact (facultatif)', 'Civilité', 'Nom', 'Prénom']);
    expect(await page.locator('#f-companyName').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#f-lastName').getAttribute('aria-required')).toBeNull();
    // the keyboard follows the order shown
    await page.focus('input[name="kind"][value="company"]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-companyName');
    await page.screenshot({ path: screenshotPath('form-company-tablet'), fullPage: true });

    await page.check('input[name="kind"][value="person"]');
    expect(await identityLabels(page)).toEqual(['Civilité', 'Nom *', 'Prénom *', 'Société']);
  });

  it('a company saved with a contact comes back to the form company-first', async () => {
    const client = await s.agent.services.directory.createClient({ kind: 'company', companyName: 'Cave du Rhône SA', lastName: 'Métrailler', firstName: 'Joël', address: { country: 'CH' } });
    const page = await s.browser.newPage({ viewport: SCREENS.phone });
    await page.goto(`${s.url}/clients/${client.id}/edit`);
    expect(await identityLabels(page)).toEqual(['Raison sociale *', 'Personne de contact (facultatif)', 'Civilité', 'Nom', 'Prénom']);
    expect(await page.inputValue('#f-lastName')).toBe('Métrailler');
    await page.screenshot({ path: screenshotPath('form-company-phone'), fullPage: true });
  });

  it('the country is a list of names in the staff’s language, Suisse and Liechtenstein first; a foreign client keeps its country', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.till });
    await page.goto(`${s.url}/clients/new`);
    const names = await page.locator('#f-country option').allInnerTexts();
    expect(names.slice(0, 4)).toEqual(['Suisse', 'Liechtenstein', 'Afghanistan', 'Afrique du Sud']);
    expect(names).toContain('France');
    expect(names).toContain('Allemagne');
    expect(await page.inputValue('#f-country')).toBe('CH');
    await page.selectOption('#f-civility', 'M.');
    await page.fill('#f-lastName', 'Moreau');
    await page.fill('#f-firstName', 'Luc');
    await page.fill('#f-postalCode', '74100');
    await page.selectOption('#f-country', { label: 'France' });
    await page.click('button:has-text("Valider")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(s.agent.services.directory.findById(id)?.address).toMatchObject({ country: 'FR', postalCode: '74100' });
    expect(await page.locator('article.client dd.multiline').first().innerText()).toBe('74100\nFrance'); // the card names it too
    await page.goto(`${s.url}/clients/${id}/edit`);
    expect(await page.locator('#f-country option:checked').innerText()).toBe('France');
  });

  it('fields stop at the API’s limits and have the right keyboards', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.phone });
    await page.goto(`${s.url}/clients/new`);
    await page.fill('#f-lastName', 'x'.repeat(300));
    expect((await page.inputValue('#f-lastName')).length).toBe(80);
    const attrs = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('#client-form input[maxlength], #client-form textarea')].map((el) => [el.name, `${el.getAttribute('type') ?? el.tagName.toLowerCase()} ${el.maxLength}`]),
      ),
    );
    expect(attrs).toEqual({
      companyName: 'text 120', lastName: 'text 80', firstName: 'text 80', street: 'text 120', street2: 'text 120', postalCode: 'text 16',
      city: 'text 80', phone: 'tel 32', email: 'email 254', notes: 'textarea 2000', reference: 'text 64', accountNumber: 'text 32',
    });
  });

  it('after a refused save the cursor is in the first field in error, and the error is tied to its field', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.till });
    await page.goto(`${s.url}/clients/new`);
    await page.fill('#f-lastName', 'Chappuis');
    await page.fill('#f-postalCode', '12');
    await page.click('button:has-text("Valider")');
    await page.locator('.banner.error:visible').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-firstName');
    expect(await page.locator('#f-firstName').getAttribute('aria-describedby')).toBe('e-firstName');
    expect(await page.locator('#e-firstName').innerText()).toBe('Obligatoire pour une personne physique.');
  });

  it('a form sent empty: the cursor is in the first field a person needs, the name', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.phone });
    const before = s.agent.services.directory.clientCount;
    await page.goto(`${s.url}/clients/new`);
    await page.click('button:has-text("Valider")');
    await page.locator('.banner.error:visible').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-lastName');
    expect(await page.locator('#e-lastName').innerText()).toBe('Obligatoire pour une personne physique.');
    expect(s.agent.services.directory.clientCount).toBe(before); // refused, nothing made
  });
});

describe('the keyboard alone', () => {
  it('from the search box to a new client, saved, then deleted and brought back, without the mouse', async () => {
    const page = await s.browser.newPage({ viewport: SCREENS.till });
    await page.goto(`${s.url}/`);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
    await page.keyboard.type('Rochat');
    await page.waitForURL(/\?q=Rochat/); // the search has answered: nothing swaps under the keyboard after
    await page.keyboard.press('Tab'); // "Nouveau"
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Nouveau');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/clients\/new\?draft=/);
    await page.waitForFunction(() => document.activeElement?.id === 'f-civility'); // the form starts at its first field
    await page.keyboard.press('Tab'); // civilité → nom
    await page.keyboard.type('Rochat');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Paul');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    expect(s.agent.services.directory.findById(id)?.lastName).toBe('Rochat');

    // Tab from the top of the card to "Supprimer": it is reachable, after the everyday actions
    const passed: string[] = [];
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.matches('article.client button.icon-danger'))); i++) {
      await page.keyboard.press('Tab');
      passed.push(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText.trim() ?? ''));
    }
    expect(passed.slice(-5)).toEqual(['Modifier', 'Imprimer la carte', 'Fusionner avec…', 'Anonymiser…', 'Supprimer']);
    page.once('dialog', (d) => void d.accept());
    await page.keyboard.press('Enter');
    await page.locator('#toast [data-undo]').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Annuler');
    await page.keyboard.press('Enter');
    await page.locator('article.client:not(.gone) h1').waitFor();
    expect(s.agent.services.directory.findById(id)?.firstName).toBe('Paul');
  }, 40_000);
});
