import { rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.js';
import { memoryLogger } from '../../../agent/log.js';
import { TEST_TOKEN, tempDir, testConfig } from '../../helpers/agent.js';
import type { ClientBody, PageBody, ProblemBody } from './api-util.js';

/** The same rules on a real listening server, with real sockets and real headers. */

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch() does not let a caller forge the Host header. */
function send(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean; agent?: HttpAgent },
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: Number(u.port),
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers ?? {},
        setHost: !opts.headers?.host,
        // a fresh connection per request unless a test wants keep-alive
        agent: opts.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) {
      if (opts.chunked) {
        // several writes without Content-Length: Transfer-Encoding: chunked
        const buf = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
        for (let i = 0; i < buf.length; i += 16 * 1024) req.write(buf.subarray(i, i + 16 * 1024));
      } else {
        req.setHeader('content-length', Buffer.byteLength(opts.body));
        req.write(opts.body);
      }
    }
    req.end();
  });
}

let agent: Agent | undefined;
let dir: string | undefined;
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function startAgent(overrides: Record<string, unknown> = {}): Promise<string> {
  dir = tempDir();
  agent = new Agent({ config: testConfig(dir, { http: { host: '127.0.0.1', port: 0 }, ...overrides }), file: null, storeDir: dir }, { log: memoryLogger() });
  return agent.start();
}

const auth = { authorization: `Bearer ${TEST_TOKEN}` };

describe('a real agent on 127.0.0.1', () => {
  it('serves the till API over real HTTP: create, search, health, Host check, token, then stops', async () => {
    const url = await startAgent();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const created = await fetch(`${url}/api/v1/clients`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ lastName: 'Müller', firstName: 'Hélène', reference: '7612345000015', address: { city: 'Zürich', postalCode: '8001' } }),
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as ClientBody;
    expect(created.headers.get('location')).toBe(`/api/v1/clients/${client.id}`);
    expect(created.headers.get('etag')).toBe(`"${client.etag}"`);

    const found = await fetch(`${url}/api/v1/clients?q=${encodeURIComponent('helene mul')}`, { headers: auth });
    expect(found.status).toBe(200);
    expect(((await found.json()) as PageBody).items.map((c) => c.id)).toEqual([client.id]);
    const zurich = await fetch(`${url}/api/v1/clients?q=zurich`, { headers: auth });
    expect(((await zurich.json()) as PageBody).items.map((c) => c.id)).toEqual([client.id]);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const noToken = await fetch(`${url}/api/v1/clients/${client.id}`);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer\b/);

    // DNS rebinding: the browser sends the attacker's name as Host
    for (const path of ['/api/v1/clients', '/healthz', '/']) {
      const rebinding = await send(url, { path, headers: { host: 'evil.example', ...auth } });
      expect(rebinding.status, path).toBe(421);
      expect(String(rebinding.headers['content-type'])).toMatch(/^application\/problem\+json/);
      const p = JSON.parse(rebinding.body) as ProblemBody;
      expect(p.status).toBe(421);
      expect(rebinding.body).not.toContain('Müller');
    }
    const port = new URL(url).port;
    expect((await send(url, { path: '/healthz', headers: { host: `localhost:${port}` } })).status).toBe(200);

    await agent!.stop();
    agent = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('refuses bodies over 256 KiB with 413, with Content-Length or chunked, and stores nothing', async () => {
    const url = await startAgent();
    const big = JSON.stringify({ lastName: 'Favre', firstName: 'Anne', notes: 'x'.repeat(300 * 1024) });
    const withLength = await send(url, { method: 'POST', path: '/api/v1/clients', headers: { ...auth, 'content-type': 'application/json' }, body: big });
    expect(withLength.status).toBe(413);
    expect(String(withLength.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const chunked = await send(url, { method: 'POST', path: '/api/v1/clients', headers: { ...auth, 'content-type': 'application/json' }, body: big, chunked: true });
    expect(chunked.status).toBe(413);
    const list = await fetch(`${url}/api/v1/clients`, { headers: auth });
    expect(((await list.json()) as PageBody).items).toEqual([]);
    // a normal body still works on the same server afterwards
    const ok = await send(url, { method: 'POST', path: '/api/v1/clients', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ lastName: 'Favre', firstName: 'Anne' }) });
    expect(ok.status).toBe(201);
  });

  it('after a 413, the next request on the same keep-alive connection still works', async () => {
    const url = await startAgent();
    const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers = { ...auth, 'content-type': 'application/json' };
      const big = JSON.stringify({ lastName: 'Favre', firstName: 'Anne', notes: 'x'.repeat(300 * 1024) });
      const tooBig = await send(url, { method: 'POST', path: '/api/v1/clients', headers, body: big, agent: keepAlive });
      expect(tooBig.status).toBe(413);
      // what a till does next: a normal request, on the connection its HTTP client kept open
      const next = await send(url, { method: 'POST', path: '/api/v1/clients', headers, body: JSON.stringify({ lastName: 'Favre', firstName: 'Anne' }), agent: keepAlive });
      expect(next.status).toBe(201);
      const list = await send(url, { path: '/api/v1/clients', headers: auth, agent: keepAlive });
      expect(list.status).toBe(200);
      expect((JSON.parse(list.body) as PageBody).items).toHaveLength(1);
    } finally {
      keepAlive.destroy();
    }
  });

  it('answers a Private Network Access preflight from a listed origin and refuses another origin', async () => {
    const url = await startAgent({ http: { host: '127.0.0.1', port: 0, allowedOrigins: ['https://till.example.ch'] } });
    const pre = await send(url, {
      method: 'OPTIONS',
      path: '/api/v1/clients',
      headers: {
        origin: 'https://till.example.ch',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
        'access-control-request-private-network': 'true',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://till.example.ch');
    expect(pre.headers['access-control-allow-private-network']).toBe('true');
    const evil = await fetch(`${url}/api/v1/clients`, { headers: { ...auth, origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
