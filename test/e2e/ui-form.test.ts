import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** Creating and editing clients with the form, in Chromium: the API's rules, shown next to the fields. */

const s = browserSuite();

describe('client form', () => {
  it('creates a person: a missing first name is shown next to the field and nothing is saved', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${s.url}/`);
    await page.click('a:has-text("Nouveau")');
    await page.waitForURL(/\/clients\/new\?draft=[0-9a-f-]{36}$/);
    await page.selectOption('#f-civility', 'Mme');
    await page.fill('#f-lastName', 'Jäggi');
    await page.fill('#f-postalCode', '120');
    await page.click('button:has-text("Valider")');

    expect(await page.locator('.banner:visible').innerText()).toContain('n’a pas été enregistré');
    expect(await page.locator('.field.invalid #f-firstName').count()).toBe(1);
    expect(await page.locator('.field.invalid #f-postalCode').count()).toBe(1);
    // The API's rules, said in the staff's language
    expect(await page.locator('.field:has(#f-firstName) .error').innerText()).toBe('Obligatoire pour une personne physique.');
    expect(await page.locator('.field:has(#f-postalCode) .error').innerText()).toBe('NPA non valable pour CH (p. ex. 1204).');
    expect(await page.inputValue('#f-lastName')).toBe('Jäggi'); // what was typed is kept
    await page.screenshot({ path: screenshotPath('client-form-errors') });
    expect(s.agent.services.directory.clientCount).toBe(0);

    await page.fill('#f-firstName', 'Françoise');
    await page.fill('#f-postalCode', '1204');
    await page.fill('#f-city', 'Genève');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    expect(await page.locator('article.client h1').innerText()).toBe('Mme Françoise Jäggi');
    expect(s.agent.services.directory.search('jaeggi').items.map((c) => c.firstName)).toEqual(['Françoise']);
    await page.close();
  });

  it('creates a company with a contact person, then edits it', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/clients/new`);
    await page.check('input[name="kind"][value="company"]');
    await page.fill('#f-companyName', 'Garage du Lac Sàrl');
    await page.fill('#f-lastName', 'Rochat');
    await page.fill('#f-firstName', 'Paul');
    await page.fill('#f-reference', 'CARD-000777');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    expect(await page.locator('article.client').innerText()).toContain('Personne morale');

    await page.click('a:has-text("Modifier")');
    expect(await page.inputValue('#f-companyName')).toBe('Garage du Lac Sàrl');
    await page.fill('#f-city', 'Morges');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);
    expect(await page.locator('article.client').innerText()).toContain('Morges');

    // the pencil on a result row opens the same form
    await page.goto(`${s.url}/?q=garage`);
    await page.click('a.icon-edit[aria-label="Modifier Garage du Lac Sàrl"]');
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}\/edit$/);
    expect(await page.inputValue('#f-city')).toBe('Morges');
    await page.close();
  });

  it('a form edited while someone else saved the same client is refused with a clear message', async () => {
    const a = await s.browser.newPage();
    const b = await s.browser.newPage();
    await a.goto(`${s.url}/?q=garage`);
    const href = await a.locator('#results .name a').getAttribute('href');
    await a.goto(`${s.url}${href}/edit`);
    await b.goto(`${s.url}${href}/edit`);
    await a.fill('#f-phone', '021 000 00 01');
    await a.click('button:has-text("Valider")');
    await a.waitForURL(`${s.url}${href}`);
    // b hears of it at once, over the page's event stream, before trying to save
    await b.locator('#changed-elsewhere').waitFor({ state: 'visible' });
    expect(await b.locator('#changed-elsewhere').innerText()).toContain('modifié ailleurs');
    await b.fill('#f-phone', '021 000 00 02');
    await b.click('button:has-text("Valider")');
    await b.locator('.banner:visible', { hasText: 'modifié entre-temps' }).waitFor();
    expect(await b.locator('#changed-elsewhere').isVisible()).toBe(false);
    expect(s.agent.services.directory.search('garage').items[0]?.phone).toBe('021 000 00 01');
    await a.close();
    await b.close();
  });

  it('deletes from the results with the red trash icon, after a confirmation that can be refused', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/?q=jaggi`);
    const rows = page.locator('table.results tbody tr');
    expect(await rows.count()).toBe(1);
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.click('button.icon-danger');
    await page.waitForTimeout(200);
    expect(asked).toBe('Supprimer Mme Françoise Jäggi du répertoire ?');
    expect(await rows.count()).toBe(1);
    expect(s.agent.services.directory.search('jaggi').items).toHaveLength(1);

    page.once('dialog', (d) => void d.accept());
    await page.click('button.icon-danger');
    await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 0);
    expect(s.agent.services.directory.search('jaggi').items).toHaveLength(0);
    await page.close();
  });

  it('deletes from the client card: the card says so, with the way back to the directory', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/?q=garage`);
    await page.click('#results .name a');
    page.once('dialog', (d) => void d.accept());
    await page.click('article.client button.icon-danger');
    await page.locator('article.client.gone').waitFor();
    expect(await page.locator('article.client.gone').innerText()).toContain('Ce client vient d’être supprimé.');
    expect(await page.locator('#toast .toast').innerText()).toContain('« Garage du Lac Sàrl » a été supprimé du répertoire.');
    expect(s.agent.services.directory.search('garage').items).toHaveLength(0);
    await page.click('article.client.gone a.back');
    await page.waitForURL(`${s.url}/`);
    await page.close();
  });
});
