import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';

/** Clients > Groupes in Chromium: discounts, counts, and a group in use emptied into another one. */

const s = browserSuite();

const rowOf = (name: string) => `table.groups tr:has(td.name:text-is("${name}"))`;

describe('groups page', () => {
  it('creates groups (discount typed the Swiss way), refuses a bad discount or a taken name in French', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(5000);
    await page.goto(`${s.url}/`);
    await page.click('header nav a:has-text("Groupes")');
    await page.waitForURL(`${s.url}/groups`);
    expect(await page.locator('.empty').innerText()).toContain('Aucun groupe');

    await page.fill('#g-name', 'Fidèles');
    await page.fill('#g-discountPercent', '12,5');
    await page.click('button:has-text("Ajouter le groupe")');
    await page.waitForURL(`${s.url}/groups`);
    expect(await page.locator(`${rowOf('Fidèles')} td.num`).allInnerTexts()).toEqual(['12.5 %', '0']);

    await page.fill('#g-name', 'fidèles');
    await page.fill('#g-discountPercent', '150');
    await page.click('button:has-text("Ajouter le groupe")');
    expect(await page.locator('.field:has(#g-name) .error').innerText()).toBe('Un groupe « Fidèles » existe déjà.');
    expect(await page.locator('.field:has(#g-discountPercent) .error').innerText()).toBe('Un pourcentage de 0 à 100, 2 décimales au plus.');
    expect(await page.inputValue('#g-discountPercent')).toBe('150');
    expect(s.agent.services.directory.listGroups().map((g) => g.name)).toEqual(['Fidèles']);

    await page.fill('#g-name', 'Personnel');
    await page.fill('#g-discountPercent', 'vingt');
    await page.click('button:has-text("Ajouter le groupe")');
    expect(await page.locator('.field:has(#g-discountPercent) .error').innerText()).toBe('Un pourcentage de 0 à 100, 2 décimales au plus.');
    await page.fill('#g-discountPercent', '20 %');
    await page.click('button:has-text("Ajouter le groupe")');
    await page.waitForURL(`${s.url}/groups`);
    expect(s.agent.services.directory.listGroups().map((g) => [g.name, g.discountPercent])).toEqual([['Fidèles', 12.5], ['Personnel', 20]]);
    await page.close();
  });

  it('edits a group: rename and new discount', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/groups`);
    await page.click(`${rowOf('Personnel')} a:has-text("Modifier")`);
    expect(await page.inputValue('#g-name')).toBe('Personnel');
    await page.fill('#g-name', 'Personnel du magasin');
    await page.fill('#g-discountPercent', '25');
    await page.click('button:has-text("Valider")');
    await page.waitForURL(`${s.url}/groups`);
    expect(await page.locator(`${rowOf('Personnel du magasin')} td.num`).first().innerText()).toBe('25 %');
    await page.close();
  });

  it('deletes an empty group after a confirmation', async () => {
    const group = await s.agent.services.directory.createGroup({ name: 'Éphémère', discountPercent: 1 });
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/groups`);
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.click(`${rowOf('Éphémère')} button.icon-danger`);
    await page.locator(rowOf('Éphémère')).waitFor({ state: 'detached' });
    expect(asked).toBe('Supprimer le groupe Éphémère ?');
    expect(s.agent.services.directory.listGroups().some((g) => g.id === group.id)).toBe(false);
    await page.close();
  });

  it('refuses to delete a group in use with its count, then moves its clients and deletes it in one confirmation', async () => {
    const d = s.agent.services.directory;
    const pro = await d.createGroup({ name: 'Pro', discountPercent: 5 });
    const fideles = d.listGroups().find((g) => g.name === 'Fidèles')!;
    for (const [last, first] of [['Favre', 'Luc'], ['Rochat', 'Anne'], ['Jäggi', 'Urs']] as const) {
      await d.createClient({ lastName: last, firstName: first, groupId: pro.id });
    }
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${s.url}/groups`);
    expect(await page.locator(`${rowOf('Pro')} td[data-count]`).innerText()).toBe('3');
    page.once('dialog', (dlg) => void dlg.accept());
    await page.click(`${rowOf('Pro')} button.icon-danger`);

    const dialog = page.locator('[role="alertdialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('h2').innerText()).toBe('Le groupe « Pro » a encore 3 clients : il ne peut pas être supprimé tant qu’il a des clients.');
    expect(d.listGroups().some((g) => g.id === pro.id)).toBe(true); // refused: nothing changed
    expect(await page.locator(rowOf('Pro')).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('groups-in-use') });

    await page.selectOption('#move-to', fideles.id);
    await page.click('button:has-text("Déplacer les 3 clients et supprimer le groupe")');
    await page.waitForURL(`${s.url}/groups`);
    await page.locator(rowOf('Pro')).waitFor({ state: 'detached' });
    expect(await page.locator(`${rowOf('Fidèles')} td[data-count]`).innerText()).toBe('3');
    expect(d.listGroups().some((g) => g.id === pro.id)).toBe(false);
    expect(d.search('', 10).items.map((c) => c.group?.name)).toEqual(['Fidèles', 'Fidèles', 'Fidèles']);
    await page.screenshot({ path: screenshotPath('groups') });
    await page.close();
  });

  it('moves the clients to no group when asked, and cancelling the offer changes nothing', async () => {
    const d = s.agent.services.directory;
    const g = await d.createGroup({ name: 'Temporaire' });
    const c = await d.createClient({ lastName: 'Meier', firstName: 'Eva', groupId: g.id });
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/groups`);
    page.on('dialog', (dlg) => void dlg.accept());
    await page.click(`${rowOf('Temporaire')} button.icon-danger`);
    await page.locator('[role="alertdialog"]').waitFor();
    expect(await page.locator('[role="alertdialog"] button.danger').innerText()).toBe('Déplacer le client et supprimer le groupe');
    await page.click('[role="alertdialog"] button:has-text("Annuler")');
    await page.locator('[role="alertdialog"]').waitFor({ state: 'detached' });
    expect(d.findById(c.id)?.groupId).toBe(g.id);

    await page.click(`${rowOf('Temporaire')} button.icon-danger`);
    await page.selectOption('#move-to', '');
    await page.click('[role="alertdialog"] button.danger');
    await page.waitForURL(`${s.url}/groups`);
    await page.locator(rowOf('Temporaire')).waitFor({ state: 'detached' });
    expect(d.findById(c.id)?.groupId).toBeNull();
    await page.close();
  });
});
