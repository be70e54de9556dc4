import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN } from '../helpers/config.js';
import { browserSuite, scannerTypes, screenshotPath } from '../helpers/browser.js';

/**
 * What the page does with the agent's events, in Chromium: scans (from the till's API, a scanner,
 * or a keyboard-wedge scanner typing into the page) and changes made elsewhere.
 */

const s = browserSuite();

async function api(path: string, method: string, json?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return res;
}

/** A page whose event stream is connected (so an event sent now reaches it). */
async function openPage(path: string): Promise<Page> {
  const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(8000);
  const connected = page.waitForEvent('response', (r) => r.url().endsWith('/events'));
  await page.goto(`${s.url}${path}`);
  await connected;
  return page;
}

describe('scan events', () => {
  it('a scan of a known card opens the client on the page', async () => {
    const anne = await s.agent.services.directory.createClient({ lastName: 'Rochat', firstName: 'Anne', reference: '7612345000015' });
    const page = await openPage('/');
    const res = await api('/api/v1/scans', 'POST', { code: '7612345000015', device: 'scanner-1' });
    expect(res.status).toBe(200);
    await page.waitForURL(`${s.url}/clients/${anne.id}`);
    expect(await page.locator('article.client h1').innerText()).toBe('Anne Rochat');
    await page.close();
  });

  it('an unknown card offers to create a client with that reference, pre-filled', async () => {
    const page = await openPage('/');
    await api('/api/v1/scans', 'POST', { code: '<b>2000000000077</b>', device: 'scanner-1' });
    const notice = page.locator('#scan-notice [role="alert"]');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Aucun client n’a la carte <b>2000000000077</b>'); // shown as text
    await page.screenshot({ path: screenshotPath('scan-unknown') });
    await page.click('a:has-text("Créer un client avec cette référence")');
    await page.waitForURL(/\/clients\/new\?reference=/);
    expect(await page.inputValue('#f-reference')).toBe('<b>2000000000077</b>');
    await page.close();
  });

  it('a scan while the client form is open fills its reference field', async () => {
    const page = await openPage('/clients/new');
    await page.fill('#f-lastName', 'Meier');
    await api('/api/v1/scans', 'POST', { code: '7610000000011', device: 'scanner-1' });
    await page.waitForFunction(() => (document.querySelector('#f-reference') as HTMLInputElement).value === '7610000000011');
    expect(page.url()).toMatch(/\/clients\/new\?draft=[0-9a-f-]{36}$/); // still the same new form
    expect(await page.inputValue('#f-lastName')).toBe('Meier');
    await page.close();
  });
});

describe('keyboard-wedge scanner', () => {
  it('a burst of digits and Enter in the search box goes through the scan path once and opens the client', async () => {
    const urs = await s.agent.services.directory.createClient({ lastName: 'Jäggi', firstName: 'Urs', reference: '7640000000028' });
    const heard: Array<{ code: string; device: string }> = [];
    const off = s.agent.bus.on('scan', (scan) => heard.push({ code: scan.code, device: scan.device }));
    const page = await openPage('/');
    await scannerTypes(page, '7640000000028');
    await page.waitForURL(`${s.url}/clients/${urs.id}`);
    off();
    // the till heard it too, once, from this page's keyboard
    expect(heard).toEqual([{ code: '7640000000028', device: expect.stringMatching(/^keyboard:[a-z0-9]+$/) }]);
    await page.close();
  });

  it('a wedge scan belongs to its page: a client form open on another page is not filled', async () => {
    const other = await openPage('/clients/new');
    const page = await openPage('/');
    const urs = s.agent.services.directory.findByReference('7640000000028')!;
    await scannerTypes(page, '7640000000028');
    await page.waitForURL(`${s.url}/clients/${urs.id}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(await other.inputValue('#f-reference')).toBe('');
    expect(other.url()).toMatch(/\/clients\/new\?draft=[0-9a-f-]{36}$/);
    await page.close();
    await other.close();
  });

  it('outside a text field: a focused link does not open, the scan goes through', async () => {
    const urs = s.agent.services.directory.findByReference('7640000000028')!;
    const page = await openPage('/groups');
    await page.focus('header nav a:has-text("Réglages")');
    await scannerTypes(page, '7640000000028');
    await page.waitForURL(`${s.url}/clients/${urs.id}`);
    await page.close();
  });

  it('a person typing the same digits at human speed is not taken for a scan', async () => {
    const page = await openPage('/');
    await scannerTypes(page, '7640000000028', 110); // a fast typist's rhythm
    await page.waitForURL(`${s.url}/?q=7640000000028`);
    await page.waitForTimeout(300);
    expect(page.url()).toBe(`${s.url}/?q=7640000000028`);
    expect(await page.inputValue('input[name="q"]')).toBe('7640000000028');
    await page.close();
  });

  it('in the client form, a scan goes to the reference field and does not submit the form', async () => {
    const page = await openPage('/clients/new');
    await page.fill('#f-lastName', 'Bonvin');
    await page.focus('#f-firstName');
    await scannerTypes(page, '7651111111117');
    expect(await page.inputValue('#f-reference')).toBe('7651111111117');
    expect(await page.inputValue('#f-firstName')).toBe('');
    expect(page.url()).toMatch(/\/clients\/new\?draft=[0-9a-f-]{36}$/); // still the same new form
    expect(s.agent.services.directory.search('bonvin').items).toHaveLength(0);
    await page.close();
  });
});

describe('live updates', () => {
  it('results on screen follow changes made through the till API', async () => {
    const page = await openPage('/?q=zbinden');
    expect(await page.locator('.empty').innerText()).toContain('zbinden');
    const created = (await (await api('/api/v1/clients', 'POST', { lastName: 'Zbinden', firstName: 'Marc' })).json()) as { id: string };
    await page.locator('#results .name a:has-text("Marc Zbinden")').waitFor();
    await api(`/api/v1/clients/${created.id}`, 'PATCH', { firstName: 'Marco' });
    await page.locator('#results .name a:has-text("Marco Zbinden")').waitFor();
    await api(`/api/v1/clients/${created.id}`, 'DELETE');
    await page.locator('#results .empty').waitFor();
    await page.close();
  });

  it('a client card follows an edit elsewhere, and says so when the client is deleted', async () => {
    const c = await s.agent.services.directory.createClient({ lastName: 'Vuille', firstName: 'Léa', phone: '021 111 11 11' });
    const page = await openPage(`/clients/${c.id}`);
    await api(`/api/v1/clients/${c.id}`, 'PATCH', { phone: '021 222 22 22' }); // typed nationally, shown internationally
    await page.locator('article.client:has-text("+41 21 222 22 22")').waitFor();
    await api(`/api/v1/clients/${c.id}`, 'DELETE');
    await page.locator('article.client.gone').waitFor();
    expect(await page.locator('article.client').innerText()).toContain('Ce client vient d’être supprimé.');
    await page.close();
  });
});
