import { afterEach, describe, expect, it } from 'vitest';
import { openTestAgent, TEST_TOKEN, type TestAgent } from '../../helpers/agent.js';
import {
  AUTH,
  type ClientBody,
  clientCount,
  createClient,
  createGroup,
  expectJson,
  expectProblem,
  GOOD_HOST,
  type GroupBody,
  type PageBody,
  raw,
} from './api-util.js';

/** agent-api.md, "Transport and security": every rule, each with a hostile request. */

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function open(config?: Record<string, unknown>): Promise<TestAgent> {
  t = await openTestAgent(config ? { config } : {});
  return t;
}

describe('Host check (DNS rebinding)', () => {
  const paths = ['/api/v1/clients', '/api/v1/groups', '/api/v1/openapi.json', '/api/v1/events', '/healthz', '/', '/no-such-page', '/api/v1/no-such-thing'];

  it.each(paths)('Host evil.example on %s gets 421 problem+json without a token', async (p) => {
    const a = await open();
    const res = await raw(a, p, { headers: { host: 'evil.example' } });
    const problem = await expectProblem(res, 421);
    expect(problem.detail).toContain('evil.example');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it.each(paths)('Host evil.example:8410 on %s gets 421 even with a valid token', async (p) => {
    const a = await open();
    await expectProblem(await raw(a, p, { headers: { host: 'evil.example:8410', authorization: AUTH } }), 421);
  });

  it('a rebinding request to create a client gets 421 and creates nothing', async () => {
    const a = await open();
    const res = await raw(a, '/api/v1/clients', {
      method: 'POST',
      headers: { host: 'evil.example:8410', authorization: AUTH, 'content-type': 'application/json', origin: 'http://evil.example:8410' },
      body: JSON.stringify({ lastName: 'Pirate', firstName: 'Eve' }),
    });
    await expectProblem(res, 421);
    expect(await clientCount(a)).toBe(0);
  });

  it('the Host check runs before the Origin check and answers preflights with 421 too', async () => {
    const a = await open({ http: { allowedOrigins: ['https://till.example.ch'] } });
    const res = await raw(a, '/api/v1/clients', {
      method: 'OPTIONS',
      headers: { host: 'evil.example', origin: 'https://till.example.ch', 'access-control-request-method': 'POST' },
    });
    await expectProblem(res, 421);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    '127.0.0.1.evil.example',
    'localhost.evil.example:8410',
    'evil.example.localhost.', // not a loopback name
    '127.0.0.2:8410',
    '[::2]:8410',
    '0.0.0.0:8410',
  ])('look-alike Host %s gets 421', async (host) => {
    const a = await open();
    await expectProblem(await raw(a, '/api/v1/clients', { headers: { host, authorization: AUTH } }), 421);
  });

  it.each(['localhost', 'localhost:8410', 'LOCALHOST:1', '127.0.0.1', '127.0.0.1:8410', '127.0.0.1:65535', '[::1]', '[::1]:8410'])(
    'loopback Host %s is accepted',
    async (host) => {
      const a = await open();
      const page = await expectJson<PageBody>(await raw(a, '/api/v1/clients', { headers: { host, authorization: AUTH } }), 200);
      expect(page).toEqual({ items: [], next: null });
      const health = await raw(a, '/healthz', { headers: { host } });
      expect(health.status).toBe(200);
    },
  );

  it('a name in http.allowedHosts is accepted, case-insensitively and with any port; others still get 421', async () => {
    const a = await open({ http: { allowedHosts: ['Caisse-PC.local'] } });
    for (const host of ['caisse-pc.local', 'CAISSE-PC.LOCAL:8410', 'Caisse-PC.local:9000']) {
      const res = await raw(a, '/api/v1/clients', { headers: { host, authorization: AUTH } });
      expect(res.status, host).toBe(200);
    }
    for (const host of ['caisse-pc.local.evil.example', 'evil-caisse-pc.local', 'caisse-pc']) {
      await expectProblem(await raw(a, '/api/v1/clients', { headers: { host, authorization: AUTH } }), 421);
    }
  });

  it('an allowedHosts entry written with a port accepts that name', async () => {
    const a = await open({ http: { allowedHosts: ['till-gateway:8410'] } });
    expect((await raw(a, '/healthz', { headers: { host: 'till-gateway:8410' } })).status).toBe(200);
  });
});

describe('API token', () => {
  const protectedReads = ['/api/v1/clients', '/api/v1/clients?q=a', '/api/v1/clients/some-id', '/api/v1/clients/by-reference/123', '/api/v1/groups', '/api/v1/groups/g1', '/api/v1/openapi.json', '/api/v1/events'];

  it.each(protectedReads)('GET %s without a token gets 401 with WWW-Authenticate', async (p) => {
    const a = await open();
    const res = await raw(a, p, { headers: { host: GOOD_HOST } });
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b/);
  });

  it('reads of personal data need the token: a real client is not readable without it', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Müller', firstName: 'Hélène', reference: '7612345000015' });
    for (const p of [`/api/v1/clients/${c.id}`, '/api/v1/clients/by-reference/7612345000015', '/api/v1/clients?q=muller', '/api/v1/clients']) {
      const res = await raw(a, p, { headers: { host: GOOD_HOST } });
      const problem = await expectProblem(res, 401);
      expect(JSON.stringify(problem)).not.toContain('Müller');
      const wrong = await raw(a, p, { headers: { host: GOOD_HOST, authorization: 'Bearer not-the-token-0123456789' } });
      expect(JSON.stringify(await expectProblem(wrong, 401))).not.toContain('Müller');
    }
    // and with the token they are
    expect((await a.api(`/api/v1/clients/${c.id}`)).status).toBe(200);
    expect((await a.api('/api/v1/clients/by-reference/7612345000015')).status).toBe(200);
  });

  it.each([
    ['a wrong token of the same length', `Bearer ${'x'.repeat(TEST_TOKEN.length)}`],
    ['the token minus its last character', `Bearer ${TEST_TOKEN.slice(0, -1)}`],
    ['the token plus one character', `Bearer ${TEST_TOKEN}x`],
    ['a much shorter token', 'Bearer abc'],
    ['a much longer token', `Bearer ${TEST_TOKEN.repeat(50)}`],
    ['the token with the Basic scheme', `Basic ${TEST_TOKEN}`],
    ['Basic credentials', `Basic ${Buffer.from(`user:${TEST_TOKEN}`).toString('base64')}`],
    ['the bare token with no scheme', TEST_TOKEN],
    ['Bearer with nothing after it', 'Bearer '],
    ['two tokens', `Bearer wrong-token-0123456789 ${TEST_TOKEN}`],
    ['an empty header', ''],
  ])('%s gets 401', async (_what, authorization) => {
    const a = await open();
    const res = await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization } });
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b/);
  });

  it('a wrong token cannot write either', async () => {
    const a = await open();
    const res = await raw(a, '/api/v1/clients', {
      method: 'POST',
      headers: { host: GOOD_HOST, authorization: 'Bearer not-the-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ lastName: 'Pirate', firstName: 'Eve' }),
    });
    await expectProblem(res, 401);
    expect(await clientCount(a)).toBe(0);
  });

  it('the valid token gets 200 (scheme name is case-insensitive)', async () => {
    const a = await open();
    expect((await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: AUTH } })).status).toBe(200);
    expect((await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: `bearer ${TEST_TOKEN}` } })).status).toBe(200);
  });

  it('any of several configured tokens is accepted, and only those', async () => {
    const a = await open({ api: { tokens: [TEST_TOKEN, 'second-token-abcdefghijkl'] } });
    expect((await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: 'Bearer second-token-abcdefghijkl' } })).status).toBe(200);
    expect((await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: AUTH } })).status).toBe(200);
    await expectProblem(await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: 'Bearer second-token-abcdefghijk' } }), 401);
  });

  it('with no configured token the agent makes a random one: no fixed default is accepted', async () => {
    const a = await open({ api: { tokens: [] } });
    const tokens = a.agent.services.tokens;
    expect(tokens).toHaveLength(1);
    const generated = tokens[0]!.token;
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(generated).not.toBe(TEST_TOKEN);
    await expectProblem(await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: AUTH } }), 401);
    expect((await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, authorization: `Bearer ${generated}` } })).status).toBe(200);
  });

  it('/healthz needs no token', async () => {
    const a = await open();
    const body = await expectJson<{ status: string; version: string }>(await raw(a, '/healthz', { headers: { host: GOOD_HOST } }), 200);
    expect(body.status).toBe('ok');
    expect(typeof body.version).toBe('string');
  });

  it('?token= opens the event stream (EventSource) without an Authorization header', async () => {
    const a = await open();
    const res = await raw(a, `/api/v1/events?token=${encodeURIComponent(TEST_TOKEN)}`, { headers: { host: GOOD_HOST } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type') ?? '').toMatch(/^text\/event-stream/);
    await res.body?.cancel();
  });

  it('an EventSource from another site gets 403 even with a valid ?token=', async () => {
    const a = await open({ http: { allowedOrigins: ['https://till.example.ch'] } });
    const res = await raw(a, `/api/v1/events?token=${encodeURIComponent(TEST_TOKEN)}`, { headers: { host: GOOD_HOST, origin: 'https://evil.example' } });
    await expectProblem(res, 403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a wrong ?token= on the event stream gets 401', async () => {
    const a = await open();
    const res = await raw(a, '/api/v1/events?token=not-the-token-0123456789', { headers: { host: GOOD_HOST } });
    await expectProblem(res, 401);
  });

  it.each(['/api/v1/clients', '/api/v1/groups', '/api/v1/openapi.json', '/api/v1/clients/by-reference/1'])(
    '?token= is not accepted on %s',
    async (p) => {
      const a = await open();
      const sep = p.includes('?') ? '&' : '?';
      const res = await raw(a, `${p}${sep}token=${encodeURIComponent(TEST_TOKEN)}`, { headers: { host: GOOD_HOST } });
      await expectProblem(res, 401);
    },
  );

  it('?token= is not accepted for a write either', async () => {
    const a = await open();
    const res = await raw(a, `/api/v1/clients?token=${encodeURIComponent(TEST_TOKEN)}`, {
      method: 'POST',
      headers: { host: GOOD_HOST, 'content-type': 'application/json' },
      body: JSON.stringify({ lastName: 'Pirate', firstName: 'Eve' }),
    });
    await expectProblem(res, 401);
    expect(await clientCount(a)).toBe(0);
  });
});

describe('token scopes', () => {
  const READ_ONLY = 'read-only-token-0123456789';
  const PRINT_ONLY = 'print-only-token-0123456789';
  const scoped = {
    api: {
      tokens: [
        TEST_TOKEN,
        { name: 'till-ro', token: READ_ONLY, scopes: ['directory:read'] },
        { name: 'printer', token: PRINT_ONLY, scopes: ['print', 'drawer'] },
      ],
    },
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a directory:read token reads clients and groups (200)', async () => {
    const a = await open(scoped);
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'R-1', groupId: g.id });
    for (const p of ['/api/v1/clients', '/api/v1/clients?q=favre', `/api/v1/clients/${c.id}`, '/api/v1/clients/by-reference/R-1', '/api/v1/groups', `/api/v1/groups/${g.id}`]) {
      const res = await a.api(p, { headers: as(READ_ONLY) });
      expect(res.status, p).toBe(200);
    }
    const res = await a.api(`/api/v1/events`, { headers: as(READ_ONLY) });
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });

  it('a directory:read token gets 403 naming "directory:write" on every write, and nothing changes', async () => {
    const a = await open(scoped);
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/clients', { lastName: 'Pirate', firstName: 'Eve' }],
      ['PATCH', `/api/v1/clients/${c.id}`, { lastName: 'Pirate' }],
      ['DELETE', `/api/v1/clients/${c.id}`, undefined],
      ['POST', '/api/v1/groups', { name: 'Hackers' }],
      ['PATCH', `/api/v1/groups/${g.id}`, { discountPercent: 100 }],
      ['DELETE', `/api/v1/groups/${g.id}`, undefined],
    ];
    for (const [method, p, json] of writes) {
      const res = await a.api(p, { method, headers: as(READ_ONLY), ...(json === undefined ? {} : { json }) });
      const problem = await expectProblem(res, 403);
      expect(problem.detail, `${method} ${p}`).toContain('directory:write');
    }
    const after = await expectJson<ClientBody>(await a.api(`/api/v1/clients/${c.id}`), 200);
    expect(after.lastName).toBe('Favre');
    expect(after.version).toBe(1);
    const groups = await expectJson<{ items: GroupBody[] }>(await a.api('/api/v1/groups'), 200);
    expect(groups.items.map((x) => [x.name, x.discountPercent])).toEqual([['VIP', 10]]);
    expect(await clientCount(a)).toBe(1);
  });

  it('the scope is checked before the body: a read-only token sending invalid or malformed bodies still gets 403', async () => {
    const a = await open(scoped);
    const invalid = await a.api('/api/v1/clients', { method: 'POST', headers: as(READ_ONLY), json: { lastName: 42, bogus: true } });
    expect((await expectProblem(invalid, 403)).detail).toContain('directory:write');
    const malformed = await a.api('/api/v1/clients', {
      method: 'POST',
      headers: { ...as(READ_ONLY), 'content-type': 'application/json' },
      body: '{"lastName":',
    });
    await expectProblem(malformed, 403);
  });

  it('a token without directory:read gets 403 naming "directory:read" on reads', async () => {
    const a = await open(scoped);
    for (const p of ['/api/v1/clients', '/api/v1/clients/x', '/api/v1/clients/by-reference/1', '/api/v1/groups', '/api/v1/groups/x', '/api/v1/events']) {
      const problem = await expectProblem(await a.api(p, { headers: as(PRINT_ONLY) }), 403);
      expect(problem.detail, p).toContain('directory:read');
    }
  });

  it('a string token has every scope', async () => {
    const a = await open(scoped);
    expect((await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre', firstName: 'Anne' } })).status).toBe(201);
  });
});

describe('Origin and CORS', () => {
  const TILL = 'https://till.example.ch';
  const withTill = { http: { allowedOrigins: [TILL, 'http://192.168.1.20:3000'] } };

  it('a request from another site with a VALID token gets 403 and no CORS header', async () => {
    const a = await open(withTill);
    const res = await a.api('/api/v1/clients', { headers: { origin: 'https://evil.example' } });
    const problem = await expectProblem(res, 403);
    expect(problem.detail).toContain('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a write from another site with a valid token gets 403 and changes nothing', async () => {
    const a = await open(withTill);
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const post = await a.api('/api/v1/clients', { method: 'POST', headers: { origin: 'https://evil.example' }, json: { lastName: 'Pirate', firstName: 'Eve' } });
    await expectProblem(post, 403);
    const del = await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE', headers: { origin: 'https://evil.example' } });
    await expectProblem(del, 403);
    const patch = await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', headers: { origin: 'https://evil.example' }, json: { lastName: 'Pirate' } });
    await expectProblem(patch, 403);
    expect((await getClientRaw(a, c.id)).lastName).toBe('Favre');
    expect(await clientCount(a)).toBe(1);
  });

  it.each([
    ['"null" (sandboxed iframe, file://)', 'null'],
    ['a look-alike of a listed origin', 'https://till.example.ch.evil.example'],
    ['a listed host with another scheme', 'http://till.example.ch'],
    ['a listed host with another port', 'https://till.example.ch:8443'],
    ['the agent host on another port', 'http://127.0.0.1:9999'],
    ['an empty Origin', ''],
  ])('Origin %s gets 403 even with a valid token', async (_what, origin) => {
    const a = await open(withTill);
    const res = await a.api('/api/v1/clients', { headers: { origin } });
    await expectProblem(res, 403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the staff UI and /healthz refuse a foreign Origin too', async () => {
    const a = await open(withTill);
    await expectProblem(await raw(a, '/', { headers: { host: GOOD_HOST, origin: 'https://evil.example' } }), 403);
    await expectProblem(await raw(a, '/healthz', { headers: { host: GOOD_HOST, origin: 'https://evil.example' } }), 403);
  });

  it("the agent's own origin is allowed", async () => {
    const a = await open(withTill);
    const res = await a.api('/api/v1/clients', { headers: { host: '127.0.0.1:8410', origin: 'http://127.0.0.1:8410' } });
    expect(res.status).toBe(200);
    const post = await a.api('/api/v1/clients', {
      method: 'POST',
      headers: { host: 'localhost:8410', origin: 'http://localhost:8410' },
      json: { lastName: 'Favre', firstName: 'Anne' },
    });
    expect(post.status).toBe(201);
  });

  it('a listed origin gets Access-Control-Allow-Origin equal to it (never *), Vary: Origin, and exposed ETag/Location', async () => {
    const a = await open(withTill);
    const res = await a.api('/api/v1/clients', { headers: { origin: TILL } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(TILL);
    expect(res.headers.get('vary') ?? '').toMatch(/\bOrigin\b/i);
    const post = await a.api('/api/v1/clients', { method: 'POST', headers: { origin: TILL }, json: { lastName: 'Favre', firstName: 'Anne' } });
    expect(post.status).toBe(201);
    expect(post.headers.get('access-control-allow-origin')).toBe(TILL);
    const exposed = (post.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    expect(exposed).toContain('etag');
    expect(exposed).toContain('location');
    const other = await a.api('/api/v1/clients', { headers: { origin: 'http://192.168.1.20:3000' } });
    expect(other.headers.get('access-control-allow-origin')).toBe('http://192.168.1.20:3000');
  });

  it('a listed origin also gets CORS headers on errors, so the till can read them', async () => {
    const a = await open(withTill);
    const unauth = await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST, origin: TILL } });
    await expectProblem(unauth.clone(), 401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe(TILL);
    const invalid = await a.api('/api/v1/clients', { method: 'POST', headers: { origin: TILL }, json: { kind: 'company' } });
    await expectProblem(invalid.clone(), 422);
    expect(invalid.headers.get('access-control-allow-origin')).toBe(TILL);
    const missing = await a.api('/api/v1/clients/nobody', { headers: { origin: TILL } });
    await expectProblem(missing.clone(), 404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(TILL);
  });

  it('a preflight from a listed origin gets 204 with the methods and headers the till needs, without a token', async () => {
    const a = await open(withTill);
    const res = await raw(a, '/api/v1/clients/abc', {
      method: 'OPTIONS',
      headers: {
        host: GOOD_HOST,
        origin: TILL,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization, content-type, if-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(TILL);
    expect(res.headers.get('vary') ?? '').toMatch(/\bOrigin\b/i);
    const methods = (res.headers.get('access-control-allow-methods') ?? '').split(',').map((s) => s.trim().toUpperCase());
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
    const headers = (res.headers.get('access-control-allow-headers') ?? '').split(',').map((s) => s.trim().toLowerCase());
    expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key']));
    expect(res.headers.get('access-control-allow-private-network')).toBeNull();
  });

  it("Chrome's Private Network Access preflight gets Access-Control-Allow-Private-Network: true", async () => {
    const a = await open(withTill);
    const res = await raw(a, '/api/v1/clients', {
      method: 'OPTIONS',
      headers: {
        host: GOOD_HOST,
        origin: TILL,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
        'access-control-request-private-network': 'true',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(TILL);
    expect(res.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('a preflight from an unlisted origin gets 403 and no CORS headers (also with the PNA header)', async () => {
    const a = await open(withTill);
    for (const origin of ['https://evil.example', 'null']) {
      const res = await raw(a, '/api/v1/clients', {
        method: 'OPTIONS',
        headers: {
          host: GOOD_HOST,
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
          'access-control-request-private-network': 'true',
        },
      });
      await expectProblem(res, 403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-private-network')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('with no allowed origins, even a well-formed foreign origin gets no CORS header and 403', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', { headers: { origin: TILL } });
    await expectProblem(res, 403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never answers with Access-Control-Allow-Origin: *', async () => {
    const a = await open(withTill);
    for (const origin of [TILL, 'https://evil.example', 'null', '*']) {
      const res = await a.api('/api/v1/clients', { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
    }
    const noOrigin = await a.api('/api/v1/clients');
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });
});

async function getClientRaw(a: TestAgent, id: string): Promise<ClientBody> {
  return expectJson<ClientBody>(await a.api(`/api/v1/clients/${id}`), 200);
}
