import { describe, expect, it } from 'vitest';
import { agentPerTest } from '../helpers/agent.js';

/** ui.pin: the staff page asks for the PIN; the API is not affected (it has its tokens). */

const open = agentPerTest();
const PIN = '4821';

async function login(t: Awaited<ReturnType<typeof open>>, pin: string, next = '/') {
  return t.api('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: '' },
    body: new URLSearchParams({ pin, next }).toString(),
  });
}

describe('staff PIN', () => {
  it('sends a browser without a session to the login page, and htmx requests too', async () => {
    const t = await open({ config: { ui: { pin: PIN } } });
    const res = await t.api('/?q=mul', { headers: { authorization: '' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2F%3Fq%3Dmul');
    const hx = await t.api('/?q=mul', { headers: { authorization: '', 'hx-request': 'true' } });
    expect(hx.status).toBe(401);
    expect(hx.headers.get('hx-redirect')).toBe('/login?next=%2F%3Fq%3Dmul');
    // a fragment fetched for a page (the scanners panel of /settings): back to the page after the PIN
    const fragment = await t.api('/settings/scanners', { headers: { authorization: '', 'hx-request': 'true', 'hx-current-url': 'http://127.0.0.1:8410/settings' } });
    expect(fragment.headers.get('hx-redirect')).toBe('/login?next=%2Fsettings');
    // every staff route: the pages, the page's event stream, its scan path, groups, settings
    const routes: Array<[string, string]> = [
      ['GET', '/events'], ['POST', '/scans'], ['GET', '/groups'], ['POST', '/groups'], ['DELETE', '/groups/x'],
      ['POST', '/groups/x/move-and-delete'], ['GET', '/settings'], ['GET', '/settings/tokens/0'], ['GET', '/settings/diagnostics.tar.gz'], ['GET', '/clients/new'], ['POST', '/clients'], ['DELETE', '/clients/x'],
    ];
    for (const [method, path] of routes) {
      const r = await t.api(path, { method, headers: { authorization: '' } });
      expect([method, path, r.status]).toEqual([method, path, 303]);
    }
    // the API answers with its own rules, never a redirect to a page
    expect((await t.api('/api/v1/clients')).status).toBe(200);
    expect((await t.api('/api/v1/nope')).status).toBe(404);
  });

  it('a right PIN gives an HttpOnly, SameSite=Strict session cookie that opens the page', async () => {
    const t = await open({ config: { ui: { pin: PIN } } });
    const res = await login(t, PIN, '/?q=mul');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?q=mul');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^agent_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await t.api('/', { headers: { authorization: '', cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Répertoire');
    // signing out ends the session
    await t.api('/logout', { method: 'POST', headers: { authorization: '', cookie: cookie.split(';')[0]! } });
    expect((await t.api('/', { headers: { authorization: '', cookie: cookie.split(';')[0]! } })).status).toBe(303);
  });

  it('a wrong PIN says so; five wrong PINs lock the form for a minute, even for the right PIN', async () => {
    const t = await open({ config: { ui: { pin: PIN } } });
    const wrong = await login(t, '0000');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Code incorrect');
    for (let i = 0; i < 4; i++) await login(t, '0000');
    const locked = await login(t, PIN);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toMatch(/Trop d’essais\. Réessayez dans \d+ secondes\./);
  });

  it('never redirects off the agent after login', async () => {
    const t = await open({ config: { ui: { pin: PIN } } });
    // a tab or newline is dropped by browsers from a Location: "/\t/evil.example" would be "//evil.example"
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/%2F/x']) {
      const location = (await login(t, PIN, next)).headers.get('location');
      expect([next, location?.startsWith('//') || /^\/[\t\n]/.test(location ?? '') || /^https?:/.test(location ?? '')]).toEqual([next, false]);
    }
    expect((await login(t, PIN, '/clients/42?tab=1')).headers.get('location')).toBe('/clients/42?tab=1');
  });

  it('the staff pages answer only their own origin: a till origin listed for the API gets 403 there, and no CORS', async () => {
    const till = 'https://till.example.ch';
    const t = await open({ config: { http: { allowedOrigins: [till] } } });
    const settings = await t.api('/settings', { headers: { origin: till, authorization: '' } });
    expect(settings.status).toBe(403);
    expect(settings.headers.get('access-control-allow-origin')).toBeNull();
    const scan = await t.api('/scans', { method: 'POST', headers: { origin: till, authorization: '', 'content-type': 'application/json' }, body: '{"code":"1234"}' });
    expect(scan.status).toBe(403);
    const api = await t.api('/api/v1/clients', { headers: { origin: till } });
    expect([api.status, api.headers.get('access-control-allow-origin')]).toEqual([200, till]);
    // the page itself, from its own origin: fine
    const own = await t.api('/settings', { headers: { origin: 'http://127.0.0.1:8410', authorization: '' } });
    expect(own.status).toBe(200);
    expect(own.headers.get('cache-control')).toBe('no-store');
  });

  it('a cross-site post from a browser that hides its Origin is refused (Sec-Fetch-Site); a scan must be JSON', async () => {
    const t = await open();
    const crossSite = await t.api('/groups', {
      method: 'POST',
      headers: { 'sec-fetch-site': 'cross-site', authorization: '', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Pirates',
    });
    expect(crossSite.status).toBe(403);
    expect(t.agent.services.directory.listGroups()).toEqual([]);
    const plain = await t.api('/scans', { method: 'POST', headers: { authorization: '', 'content-type': 'text/plain' }, body: '{"code":"1234"}' });
    expect(plain.status).toBe(415);
    const sameSite = await t.api('/groups', {
      method: 'POST',
      headers: { 'sec-fetch-site': 'same-origin', authorization: '', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Fid%C3%A8les',
    });
    expect(sameSite.status).toBe(303);
  });

  it('static files: only the page assets, named by content, cached for good', async () => {
    const t = await open();
    for (const name of ['constructor', '__proto__', 'toString', 'app.js']) {
      expect([name, (await t.api(`/static/${name}`, { headers: { authorization: '' } })).status]).toEqual([name, 404]);
    }
    const page = await (await t.api('/', { headers: { authorization: '' } })).text();
    const js = /src="(\/static\/page-[0-9a-f]{12}\.js)"/.exec(page)?.[1];
    expect(js).toBeDefined();
    const res = await t.api(js!, { headers: { authorization: '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toContain('htmx');
  });

  it('a login form posted from another site is refused (Origin check)', async () => {
    const t = await open({ config: { ui: { pin: PIN } } });
    const res = await t.api('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', authorization: '' },
      body: new URLSearchParams({ pin: PIN }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('without ui.pin the page opens directly and /login goes home', async () => {
    const t = await open();
    expect((await t.api('/', { headers: { authorization: '' } })).status).toBe(200);
    expect((await t.api('/login', { headers: { authorization: '' } })).headers.get('location')).toBe('/');
  });
});
