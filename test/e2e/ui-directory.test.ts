import { describe, expect, it } from 'vitest';
import { browserSuite, screenshotPath } from '../helpers/browser.js';
import { TEST_TOKEN } from '../helpers/config.js';

/** The directory page in real headless Chromium: what staff see when they search. */

const s = browserSuite({
  afterStart: async (u) => {
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    const create = async (body: unknown) => {
      const res = await fetch(`${u}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(res.status).toBe(201);
    };
    const vip = await fetch(`${u}/api/v1/groups`, { method: 'POST', headers, body: JSON.stringify({ id: 'vip', name: 'VIP', discountPercent: 10 }) });
    expect(vip.status).toBe(201);
    await create({ civility: 'Mme', lastName: 'Müller', firstName: 'Hélène', address: { city: 'Genève', postalCode: '1204' }, phone: '+41 22 000 00 00', reference: '7612345000015', groupId: 'vip' });
    await create({ lastName: 'Zürcher', firstName: 'Hans', address: { city: 'Zürich', postalCode: '8001' } });
    await create({ kind: 'company', companyName: 'Boulangerie Favre SA', lastName: 'Favre', firstName: 'Luc', address: { city: 'Morges', postalCode: '1110' } });
    await create({ lastName: '<img src=x onerror="window.pwned=1">', firstName: 'Evil' });
  },
});

describe('Clients > Répertoire in Chromium', () => {
  it('finds a client as staff type, ignoring accents, and the search can be bookmarked', async () => {
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    const offsite: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(s.url)) offsite.push(r.url());
    });
    await page.goto(`${s.url}/`);
    // the search box has the focus on load: staff can type at once
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
    expect(await page.locator('table.results tbody tr').count()).toBe(4);

    await page.keyboard.type('helene mul');
    // on a loaded machine the debounce may fire mid-word ('helene ' already gives one row):
    // wait for the search of the whole text, whose URL is pushed with its results
    await page.waitForURL((url) => url.searchParams.get('q') === 'helene mul');
    await page.waitForFunction(() => document.querySelectorAll('table.results tbody tr').length === 1);
    const row = page.locator('table.results tbody tr');
    expect(await row.locator('.name').innerText()).toBe('Mme Hélène Müller');
    expect(await row.innerText()).toContain('1204 Genève');
    expect(await row.innerText()).toContain('VIP −10%');
    expect(new URL(page.url()).searchParams.get('q')).toBe('helene mul');
    await page.screenshot({ path: screenshotPath('directory-search') });

    // the pushed URL reloads to the same results, rendered by the server
    await page.reload();
    expect(await page.locator('table.results tbody tr .name').allInnerTexts()).toEqual(['Mme Hélène Müller']);
    expect(await page.inputValue('input[name="q"]')).toBe('helene mul');

    // German spelling of an umlaut, and a word that matches nothing
    await page.fill('input[name="q"]', 'zuercher');
    await page.waitForFunction(() => document.querySelector('table.results .name')?.textContent === 'Hans Zürcher');
    await page.fill('input[name="q"]', 'xyzzy');
    await page.waitForSelector('p.empty');
    expect(await page.locator('p.empty').innerText()).toContain('xyzzy');
    expect(offsite).toEqual([]); // htmx and CSS come from the agent: works with the internet down
    await page.close();
  });

  it('shows markup in a client name as text, never as HTML', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${s.url}/?q=evil`);
    const name = await page.locator('table.results tbody tr .name').innerText();
    expect(name).toBe('Evil <img src=x onerror="window.pwned=1">');
    expect(await page.locator('table.results img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });
});

describe('long result lists', () => {
  it('shows 25 results, then "Plus de résultats" adds the next ones in order, each once', async () => {
    const d = s.agent.services.directory;
    for (let i = 0; i < 120; i++) {
      await d.createClient({ lastName: `Pittet${String(i).padStart(3, '0')}`, firstName: 'Noé', address: { city: 'Payerne' } });
    }
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(8000);
    await page.goto(`${s.url}/?q=payerne`);
    const names = () => page.locator('#results .name a').allInnerTexts();
    expect(await names()).toHaveLength(25);
    for (const shown of [50, 75, 100, 120]) {
      await page.click('tr.more button');
      await page.waitForFunction((n) => document.querySelectorAll('#results .name a').length === n, shown);
    }
    expect(await page.locator('tr.more').count()).toBe(0);
    const all = await names();
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => `Noé Pittet${String(i).padStart(3, '0')}`));
    await page.close();
  });

  it('a close match is shown after the exact ones and says so; phones show in their international form', async () => {
    await s.agent.services.directory.createClient({ kind: 'person', lastName: 'Meyer', firstName: 'Eva', phone: '079 555 00 13', address: { country: 'CH' } });
    await s.agent.services.directory.createClient({ kind: 'person', lastName: 'Meier', firstName: 'Ida', address: { country: 'CH' } });
    const page = await s.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${s.url}/?q=meier`);
    const rows = page.locator('#results tbody tr[data-client-id]');
    expect(await rows.locator('.name').allInnerTexts()).toEqual(['Ida Meier', 'Eva Meyer']);
    expect(await rows.nth(0).locator('.badge.close').count()).toBe(0);
    expect(await rows.nth(1).locator('.badge.close').innerText()).toBe('orthographe proche');
    expect(await rows.nth(1).locator('.col-phone').innerText()).toBe('+41 79 555 00 13');
    await page.screenshot({ path: screenshotPath('directory-close-match') });
    await page.goto(`${s.url}/?q=${encodeURIComponent('+41 79 555 00 13')}`);
    expect(await rows.locator('.name').allInnerTexts()).toEqual(['Eva Meyer']); // saved as 079…, found as +41…
    await page.close();
  });
});
