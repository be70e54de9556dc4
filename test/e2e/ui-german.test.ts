import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** The same pages with `ui.locale: "de"`: every string from the German catalogue, amounts in Swiss style. */

const s = browserSuite({ config: { ui: { locale: 'de', pin: null } } });

describe('German locale', () => {
  it('directory, form (Anrede Herr/Frau), rule messages and groups in German', async () => {
    const d = s.agent.services.directory;
    const stamm = await d.createGroup({ name: 'Stammkunden', discountPercent: 10 });
    await d.createClient({ civility: 'Frau', lastName: 'Müller', firstName: 'Verena', groupId: stamm.id, address: { postalCode: '8001', city: 'Zürich' } });
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(8000);
    await page.goto(`${s.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').innerText()).toBe('Kunden — Verzeichnis');
    expect(await page.locator('header nav a').allInnerTexts()).toEqual(['Kundenverzeichnis', 'Gruppen', 'Drucker', 'Einstellungen']);
    await page.keyboard.type('muller');
    await page.waitForURL(`${s.url}/?q=muller`);
    expect(await page.locator('#results .name a').innerText()).toBe('Frau Verena Müller');
    expect(await page.locator('#results .badge').innerText()).toBe('Stammkunden −10%');
    await page.screenshot({ path: screenshotPath('directory-de') });

    await page.click('a:has-text("Neu")');
    await page.waitForURL(/\/clients\/new\?draft=[0-9a-f-]{36}$/);
    expect(await page.locator('#f-civility option').allInnerTexts()).toEqual(['', 'Herr', 'Frau', 'Dr.']);
    expect(await page.locator('label[for="f-postalCode"]').innerText()).toBe('PLZ');
    await page.selectOption('#f-civility', 'Herr');
    await page.fill('#f-lastName', 'Keller');
    await page.fill('#f-postalCode', '80011');
    await page.click('button:has-text("Speichern")');
    expect(await page.locator('.field:has(#f-firstName) .error').innerText()).toBe('Pflichtfeld für eine natürliche Person.');
    expect(await page.locator('.field:has(#f-postalCode) .error').innerText()).toBe('Ungültige PLZ für CH (z. B. 1204).');
    await page.screenshot({ path: screenshotPath('client-form-de') });

    await page.goto(`${s.url}/groups`);
    page.once('dialog', (dlg) => void dlg.accept());
    await page.click('tr:has-text("Stammkunden") button.icon-danger');
    const dialog = page.locator('[role="alertdialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').innerText()).toBe('Die Gruppe «Stammkunden» hat noch 1 Kunden: Sie kann nicht gelöscht werden, solange sie Kunden hat.');
    expect(await dialog.locator('button.danger').innerText()).toBe('Kunden verschieben und Gruppe löschen');
    await page.close();
  });

  it('the client card shows balances in Swiss format with German labels', async () => {
    const c = s.agent.services.directory.search('muller').items[0]!;
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/clients/${c.id}`);
    const card = await page.locator('article.client').innerText();
    expect(await page.locator('[data-updated]').innerText()).toMatch(/^Geändert am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    for (const text of ['Natürliche Person', 'Salden (nur lesen)', 'Konto', 'Guthaben', 'CHF 0.00', 'Stammkunden (automatischer Rabatt 10 %)', '8001 Zürich']) {
      expect(card).toContain(text);
    }
    await page.close();
  });
});
