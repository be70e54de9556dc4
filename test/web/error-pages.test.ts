import { describe, expect, it, vi } from 'vitest';
import { AgentError, StorageError } from '../../agent/errors.js';
import { agentPerTest, type TestAgent } from '../helpers/agent.js';

/** The staff pages' own error and not-found pages (web/error-pages.tsx): HTML in the staff's language. */

const open = agentPerTest();
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** A request as Chromium sends it: no token, HTML wanted. */
const browser = (t: TestAgent, path: string, init: RequestInit = {}) =>
  t.api(path, { ...init, headers: { authorization: '', accept: BROWSER, ...Object.fromEntries(new Headers(init.headers)) } });

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('not found', () => {
  it('a browser asking for an unknown staff path gets a 404 page in French', async () => {
    const t = await open();
    const res = await browser(t, '/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html lang="fr">/);
    expect(html).toContain('Cette page n’existe pas (ou plus).');
    expect(html).toContain('href="/"');
    // the staff pages' CSP still applies
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('in the configured language', async () => {
    const t = await open({ config: { ui: { locale: 'de' } } });
    const res = await browser(t, '/nope');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Diese Seite gibt es nicht (mehr).');
  });

  it('the API and scripts still get problem+json', async () => {
    const t = await open();
    const api = await t.api('/api/v1/nope', { headers: { accept: BROWSER } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    const script = await t.api('/nope', { headers: { authorization: '' } });
    expect(script.status).toBe(404);
    expect(script.headers.get('content-type')).toBe('application/problem+json');
  });

  it('an unknown client or print job is a 404 page saying which', async () => {
    const t = await open({ config: { ui: { locale: 'en' } } });
    for (const path of ['/clients/nobody', '/clients/nobody/edit']) {
      const res = await browser(t, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(await res.text()).toContain('<p class="empty" role="alert">This client does not exist (any more).</p>');
    }
    const job = await browser(t, '/jobs/none/preview');
    expect(job.status).toBe(404);
    expect(await job.text()).toContain('This ticket is not (or no longer) in the print history.');
  });

  it('a visitor without a session gets the page without the navigation or the live stream', async () => {
    const t = await open({ config: { ui: { pin: '4821' } } });
    const html = await (await browser(t, '/nope')).text();
    expect(html).toContain('Cette page n’existe pas (ou plus).');
    expect(html).not.toContain('sse-connect');
    expect(html).not.toContain('href="/settings"');
  });
});

describe('errors on the staff pages', () => {
  it('a full disk on saving a client is a 507 page in French, with the way back to the form', async () => {
    const t = await open();
    vi.spyOn(t.agent.services.directory, 'createClient').mockRejectedValue(new StorageError('no space', true, 300, t.dir));
    const res = await browser(t, '/clients', {
      ...form({ kind: 'person', lastName: 'Favre', firstName: 'Anne', country: 'CH' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: 'http://127.0.0.1:8410/clients/new' },
    });
    expect(res.status).toBe(507);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Le disque de ce poste est plein');
    expect(html).toContain('href="/clients/new"');
    expect(html).toContain('href="/settings"'); // staff (no PIN set): the page in the usual frame
  });

  it('a write the disk refused is 503, and one whose outcome is unknown says to check first', async () => {
    const t = await open();
    const spy = vi.spyOn(t.agent.services.directory, 'createClient').mockRejectedValue(new StorageError('EIO'));
    const post = () => browser(t, '/clients', form({ kind: 'person', lastName: 'Favre', firstName: 'Anne', country: 'CH' }));
    let res = await post();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('n’a pas pu enregistrer la modification');
    spy.mockRejectedValue(new StorageError('EIO', false, 0, '', true));
    res = await post();
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('la modification a peut-être été faite');
  });

  it.each([
    ['in-use', 409, 'C’est encore utilisé ailleurs'],
    ['refused', 409, 'Ce n’est pas possible dans l’état actuel'],
    ['stale', 412, 'Quelqu’un d’autre a modifié cette fiche'],
    ['unavailable', 503, 'Ce n’est pas possible pour l’instant'],
    ['forbidden', 403, 'Cette action n’est pas permise ici'],
  ] as const)('a %s error is %i, in French', async (kind, status, text) => {
    const t = await open();
    vi.spyOn(t.agent.services.printers, 'reprint').mockRejectedValue(new AgentError(kind, 'x', 'x'));
    const res = await browser(t, '/jobs/j-1/reprint', { method: 'POST' });
    expect(res.status).toBe(status);
    expect(await res.text()).toContain(text);
  });

  it('an htmx request that fails gets a notice aimed above the page, which app.js shows', async () => {
    const t = await open();
    vi.spyOn(t.agent.services.directory, 'deleteClient').mockRejectedValue(new StorageError('no space', true));
    const res = await browser(t, '/clients/c-1', { method: 'DELETE', headers: { 'hx-request': 'true', 'hx-current-url': 'http://127.0.0.1:8410/' } });
    expect(res.status).toBe(507);
    expect(res.headers.get('hx-retarget')).toBe('#error-notice');
    expect(res.headers.get('hx-reswap')).toBe('innerHTML');
    const html = await res.text();
    expect(html).toMatch(/^<section class="notice" role="alert">/);
    expect(html).toContain('Le disque de ce poste est plein');
    expect(html).not.toContain('<html');
    // the staff layout has the place it lands in
    expect(await (await browser(t, '/')).text()).toContain('<div id="error-notice" aria-live="assertive"></div>');
  });

  it('an unexpected error is a 500 page, and logged', async () => {
    const t = await open();
    vi.spyOn(t.agent.services.printers, 'reprint').mockRejectedValue(new Error('boom'));
    const res = await browser(t, '/jobs/j-1/reprint', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('L’agent a rencontré une erreur inattendue');
    expect(t.log.lines.some((l) => l.includes('boom'))).toBe(true);
  });

  it('the page’s own fetch of a scan still gets problem+json', async () => {
    const t = await open();
    vi.spyOn(t.agent.services.scans, 'scan').mockImplementation(() => {
      throw new StorageError('no space', true);
    });
    const res = await t.api('/scans', { method: 'POST', headers: { authorization: '', accept: '*/*' }, json: { code: '12345678' } });
    expect(res.status).toBe(507);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});
