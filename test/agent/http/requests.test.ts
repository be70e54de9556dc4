import { describe, expect, it } from 'vitest';
import { agentPerTest, type TestAgent } from '../../helpers/agent.js';
import {
  AUTH,
  type ClientBody,
  clientCount,
  createClient,
  createGroup,
  errorPaths,
  expectJson,
  expectProblem,
  getClient,
  GOOD_HOST,
  type GroupBody,
  raw,
} from './api-util.js';

/** agent-api.md: body limits, malformed bodies, media types, 422 with every field, problem+json everywhere. */

const LIMIT = 256 * 1024;

const open = agentPerTest();

/** A JSON body of exactly `bytes` bytes: a valid client, padded with trailing spaces. */
function paddedClient(bytes: number): string {
  const json = JSON.stringify({ lastName: 'Favre', firstName: 'Anne' });
  return json + ' '.repeat(bytes - Buffer.byteLength(json));
}

function post(a: TestAgent, path: string, body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return raw(a, path, { method: 'POST', headers: { host: GOOD_HOST, authorization: AUTH, ...headers }, body });
}

describe('request body size (256 KiB)', () => {
  it('a body one byte over 256 KiB gets 413 and creates nothing', async () => {
    const a = await open();
    const body = paddedClient(LIMIT + 1);
    expect(Buffer.byteLength(body)).toBe(LIMIT + 1);
    await expectProblem(await post(a, '/api/v1/clients', body), 413);
    expect(await clientCount(a)).toBe(0);
  });

  it('a body of exactly 256 KiB is accepted', async () => {
    const a = await open();
    const res = await post(a, '/api/v1/clients', paddedClient(LIMIT));
    expect(res.status).toBe(201);
    expect(await clientCount(a)).toBe(1);
  });

  it('the limit counts bytes, not characters: 140,000 "é" (280,000 bytes of UTF-8) gets 413', async () => {
    const a = await open();
    const body = JSON.stringify({ lastName: 'Favre', firstName: 'Anne', notes: 'é'.repeat(140_000) });
    expect(body.length).toBeLessThan(LIMIT);
    expect(Buffer.byteLength(body)).toBeGreaterThan(LIMIT);
    await expectProblem(await post(a, '/api/v1/clients', body), 413);
    expect(await clientCount(a)).toBe(0);
  });

  it('a 1 MiB body gets 413 on groups and on PATCH too, and changes nothing', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    await expectProblem(await post(a, '/api/v1/groups', huge), 413);
    const patch = await raw(a, `/api/v1/clients/${c.id}`, {
      method: 'PATCH',
      headers: { host: GOOD_HOST, authorization: AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ lastName: 'Pirate', notes: 'x'.repeat(1024 * 1024) }),
    });
    await expectProblem(patch, 413);
    const after = await getClient(a, c.id);
    expect(after.lastName).toBe('Favre');
    expect(after.version).toBe(1);
    expect((await expectJson<{ items: GroupBody[] }>(await a.api('/api/v1/groups'), 200)).items).toEqual([]);
  });

  it('a too-large body sent as a stream (no Content-Length) gets 413', async () => {
    const a = await open();
    const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"lastName":"Favre","firstName":"Anne"}'));
        if (sent >= 6) controller.close();
        else controller.enqueue(chunk);
        sent++;
      },
    });
    const res = await raw(a, '/api/v1/clients', {
      method: 'POST',
      headers: { host: GOOD_HOST, authorization: AUTH, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413);
    expect(await clientCount(a)).toBe(0);
  });
});

describe('malformed JSON (400)', () => {
  it.each([
    ['a truncated object', '{"lastName":"Favre","firstName":'],
    ['plain text', 'lastName=Favre'],
    ['trailing garbage', '{"lastName":"Favre","firstName":"Anne"} x'],
    ['single quotes', "{'lastName':'Favre','firstName':'Anne'}"],
    ['an empty body', ''],
  ])('%s gets 400 problem+json and creates nothing', async (_what, body) => {
    const a = await open();
    const problem = await expectProblem(await post(a, '/api/v1/clients', body), 400);
    expect(problem.detail).toMatch(/JSON/);
    expect(await clientCount(a)).toBe(0);
  });

  it('malformed JSON on PATCH gets 400 and leaves the client unchanged', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const res = await raw(a, `/api/v1/clients/${c.id}`, {
      method: 'PATCH',
      headers: { host: GOOD_HOST, authorization: AUTH, 'content-type': 'application/json' },
      body: '{"lastName": "Pirate"',
    });
    await expectProblem(res, 400);
    const after = await getClient(a, c.id);
    expect(after.lastName).toBe('Favre');
    expect(after.version).toBe(1);
  });

  it('malformed JSON on groups gets 400', async () => {
    const a = await open();
    await expectProblem(await post(a, '/api/v1/groups', '{"name":'), 400);
  });

  it.each(['[]', '"Favre"', 'null', '42', '[{"lastName":"Favre","firstName":"Anne"}]'])(
    'valid JSON that is not an object (%s) gets 422, not 201',
    async (body) => {
      const a = await open();
      const problem = await expectProblem(await post(a, '/api/v1/clients', body), 422);
      expect(problem.errors?.length).toBeGreaterThan(0);
      expect(await clientCount(a)).toBe(0);
    },
  );
});

describe('media type (415)', () => {
  const valid = JSON.stringify({ lastName: 'Favre', firstName: 'Anne' });

  it.each([
    ['text/plain', valid],
    ['text/plain;charset=UTF-8', valid],
    ['application/x-www-form-urlencoded', 'lastName=Favre&firstName=Anne'],
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="lastName"\r\n\r\nFavre\r\n--xyz--\r\n'],
    ['application/xml', '<client><lastName>Favre</lastName></client>'],
  ])('Content-Type %s gets 415 and creates nothing', async (type, body) => {
    const a = await open();
    await expectProblem(await post(a, '/api/v1/clients', body, { 'content-type': type }), 415);
    expect(await clientCount(a)).toBe(0);
  });

  it('a JSON body with no Content-Type at all gets 415', async () => {
    const a = await open();
    await expectProblem(await post(a, '/api/v1/clients', new TextEncoder().encode(valid), {}), 415);
    expect(await clientCount(a)).toBe(0);
  });

  it('a form post to groups (what a hostile HTML form could send) gets 415', async () => {
    const a = await open();
    await expectProblem(await post(a, '/api/v1/groups', 'name=Hackers', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
  });

  it('a PATCH with text/plain gets 415 and changes nothing', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const res = await raw(a, `/api/v1/clients/${c.id}`, {
      method: 'PATCH',
      headers: { host: GOOD_HOST, authorization: AUTH, 'content-type': 'text/plain' },
      body: JSON.stringify({ lastName: 'Pirate' }),
    });
    await expectProblem(res, 415);
    expect((await getClient(a, c.id)).lastName).toBe('Favre');
  });

  it('application/json with a charset is accepted', async () => {
    const a = await open();
    expect((await post(a, '/api/v1/clients', valid, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
  });
});

describe('schema violations (422 with every offending field)', () => {
  it('lists every offending field with dotted paths, and creates nothing', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', {
      method: 'POST',
      json: {
        kind: 'robot', // not an allowed kind
        lastName: 42, // wrong type
        firstName: 'A'.repeat(81), // too long (80)
        civility: 'M.\u0007', // control character (BEL)
        companyName: 'ACME\nSA', // line break in a single-line field
        bogus: true, // unknown key
        email: ['a@b.ch'], // wrong type
        notes: 'x'.repeat(2001), // too long (2000)
        address: {
          city: 'Genève\u001b[2J', // ESC: a printer/terminal command
          zip: '1204', // unknown key inside address
          postalCode: 1204, // wrong type
        },
      },
    });
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(
      ['address.city', 'address.postalCode', 'address.zip', 'bogus', 'civility', 'companyName', 'email', 'firstName', 'kind', 'lastName', 'notes'].sort(),
    );
    for (const e of problem.errors ?? []) expect(e.message.length, e.path).toBeGreaterThan(0);
    expect(await clientCount(a)).toBe(0);
  });

  it('a control character in a name is refused, whichever one', async () => {
    const a = await open();
    for (const ch of ['\u0000', '\u0009', '\u000a', '\u000d', '\u001b', '\u001d', '\u007f']) {
      const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: `Mül${ch}ler`, firstName: 'Hélène' } });
      const problem = await expectProblem(res, 422);
      expect(errorPaths(problem), JSON.stringify(ch)).toEqual(['lastName']);
    }
    // notes may contain line breaks, nothing else
    expect((await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'A', firstName: 'B', notes: 'ligne 1\nligne 2' } })).status).toBe(201);
    for (const ch of ['\u0000', '\u001b', '\u001d', '\u007f']) {
      const bad = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'A', firstName: 'B', notes: `cut${ch}i` } });
      expect(errorPaths(await expectProblem(bad, 422)), JSON.stringify(ch)).toEqual(['notes']);
    }
    expect(await clientCount(a)).toBe(1);
  });

  it('notes with Windows line breaks (CRLF) are accepted and stored with \\n', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'A', firstName: 'B', notes: 'ligne 1\r\nligne 2\r\n' } });
    const c = await expectJson<ClientBody>(res, 201);
    expect(c.notes).toBe('ligne 1\nligne 2');
  });

  it('the directory rules list every broken rule at once', async () => {
    const a = await open();
    await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'CARD-1' });
    const res = await a.api('/api/v1/clients', {
      method: 'POST',
      json: { kind: 'person', reference: 'CARD-1', groupId: 'no-such-group', email: 'not-an-email', phone: 'call me', address: { country: 'XX' } },
    });
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(['address.country', 'email', 'firstName', 'groupId', 'lastName', 'phone', 'reference'].sort());
    expect(await clientCount(a)).toBe(1);
  });

  it('a body with both schema errors and rule errors lists all of them at once', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', {
      method: 'POST',
      json: { lastName: 42, firstName: 'Anne', email: 'not-an-email', groupId: 'no-such-group', address: { country: 'XX' } },
    });
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(['address.country', 'email', 'groupId', 'lastName'].sort());
    expect(await clientCount(a)).toBe(0);
  });

  it('a PATCH with several bad fields lists them all and changes nothing', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const res = await a.api(`/api/v1/clients/${c.id}`, {
      method: 'PATCH',
      json: { lastName: { first: 'x' }, firstName: 'Z'.repeat(200), nickname: 'Annie', address: { city: 7, planet: 'Mars' } },
    });
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(['address.city', 'address.planet', 'firstName', 'lastName', 'nickname'].sort());
    const after = await getClient(a, c.id);
    expect(after).toEqual(c);
  });

  it('group schema violations list every field', async () => {
    const a = await open();
    const res = await a.api('/api/v1/groups', { method: 'POST', json: { name: 'V\u0007IP', discountPercent: '10', color: 'gold' } });
    const problem = await expectProblem(res, 422);
    expect(errorPaths(problem)).toEqual(['color', 'discountPercent', 'name']);
    const res2 = await a.api('/api/v1/groups', { method: 'POST', json: {} });
    expect(errorPaths(await expectProblem(res2, 422))).toEqual(['name']);
  });

  it('query parameters are validated with 422 too', async () => {
    const a = await open();
    const problem = await expectProblem(await a.api(`/api/v1/clients?q=${'a'.repeat(201)}&limit=abc`), 422);
    expect(errorPaths(problem)).toEqual(['limit', 'q']);
  });
});

describe('problem+json on every error', () => {
  it('404 for an unknown route under /api/v1 (with the token) and outside it', async () => {
    const a = await open();
    await expectProblem(await a.api('/api/v1/no-such-thing'), 404);
    await expectProblem(await a.api('/no-such-page'), 404);
  });

  it('404 for an unknown client, group and reference', async () => {
    const a = await open();
    expect((await expectProblem(await a.api('/api/v1/clients/nobody'), 404)).detail).toContain('nobody');
    await expectProblem(await a.api('/api/v1/groups/none'), 404);
    await expectProblem(await a.api('/api/v1/clients/by-reference/0000'), 404);
    await expectProblem(await a.api('/api/v1/clients/nobody', { method: 'PATCH', json: { lastName: 'X' } }), 404);
    await expectProblem(await a.api('/api/v1/clients/nobody', { method: 'DELETE' }), 404);
    await expectProblem(await a.api('/api/v1/groups/none', { method: 'PATCH', json: { name: 'X' } }), 404);
    await expectProblem(await a.api('/api/v1/groups/none', { method: 'DELETE' }), 404);
  });

  it('409 for creating a client or group with an id that exists', async () => {
    const a = await open();
    await createClient(a, { id: 'c-1', lastName: 'Favre', firstName: 'Anne' });
    await expectProblem(await a.api('/api/v1/clients', { method: 'POST', json: { id: 'c-1', lastName: 'Pirate', firstName: 'Eve' } }), 409);
    expect((await getClient(a, 'c-1')).lastName).toBe('Favre');
    await createGroup(a, { id: 'g-1', name: 'VIP' });
    await expectProblem(await a.api('/api/v1/groups', { method: 'POST', json: { id: 'g-1', name: 'Other' } }), 409);
  });

  it('an id that is not a safe identifier (path traversal, spaces) gets 422', async () => {
    const a = await open();
    for (const id of ['../../etc/passwd', 'a b', 'x'.repeat(65), '', 'é']) {
      const res = await a.api('/api/v1/clients', { method: 'POST', json: { id, lastName: 'Favre', firstName: 'Anne' } });
      expect(errorPaths(await expectProblem(res, 422)), id).toEqual(['id']);
    }
    expect(await clientCount(a)).toBe(0);
  });

  it('the problem type is a URI and the title matches the status', async () => {
    const a = await open();
    const p = await expectProblem(await raw(a, '/api/v1/clients', { headers: { host: GOOD_HOST } }), 401);
    expect(() => new URL(p.type)).not.toThrow();
    expect(p.title).toBe('Unauthorized');
    const q = await expectProblem(await a.api('/api/v1/clients', { method: 'POST', json: {} }), 422);
    expect(() => new URL(q.type)).not.toThrow();
    expect(q.errors).toBeDefined();
  });
});

describe('text in, exactly', () => {
  const post = async (body: BodyInit, contentType = 'application/json') => {
    const { openTestAgent } = await import('../../helpers/agent.js');
    const t = await openTestAgent();
    try {
      const res = await t.api('/api/v1/clients', { method: 'POST', body, headers: { 'content-type': contentType } });
      return { status: res.status, body: (await res.json()) as { detail: string; errors?: Array<{ path: string; code?: string }> }, clients: t.agent.services.directoryStore.clients.size };
    } finally {
      await t.close();
    }
  };

  it('invalid UTF-8 in a JSON body is a 400 naming the byte, and nothing is stored', async () => {
    const good = Buffer.from('{"kind":"person","civility":"M.","lastName":"M', 'utf8');
    const body = Buffer.concat([good, Buffer.from([0xfc, 0x6c]), Buffer.from('ler","firstName":"Jo"}')]);
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(new RegExp(`not valid UTF-8 \\(byte ${good.length} is not part of a UTF-8 character\\)`));
    expect(r.clients).toBe(0);
  });

  it('a lone surrogate in a string is a 422 naming the field', async () => {
    const r = await post('{"kind":"person","civility":"M.","lastName":"Ab\\ud800c","firstName":"Jo"}');
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'lastName', code: 'text-invalid' })]);
    expect(r.clients).toBe(0);
  });

  it('a byte-order mark before the JSON is no error', async () => {
    const r = await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"kind":"person","civility":"M.","lastName":"Bom","firstName":"Jo"}')]));
    expect(r.status).toBe(201);
  });

  it('a charset other than UTF-8 is a 415; UTF-8 named or not, and a valid pair (an emoji), are fine', async () => {
    const latin1 = await post(Buffer.from('{"kind":"person","civility":"M.","lastName":"M\u00fcller","firstName":"Jo"}', 'latin1'), 'application/json; charset=iso-8859-1');
    expect(latin1.status).toBe(415);
    expect(latin1.body.detail).toMatch(/declared as iso-8859-1.*UTF-8 only/);
    expect((await post('{"kind":"person","civility":"M.","lastName":"Müller 😀","firstName":"Jo"}', 'application/json; charset=UTF-8')).status).toBe(201);
    expect((await post('{"kind":"person","civility":"M.","lastName":"Favre \\ud83d\\ude00","firstName":"Jo"}')).status).toBe(201);
  });
});
