import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientRecordSchema, groupRecordSchema, type Client } from '../../agent/directory/schema.js';
import { createRng, generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { ReferenceCloud, type ReferenceCloudOptions } from './cloud.js';

/** The reference cloud against shared/contracts/cloud-sync.md, through real HTTP on 127.0.0.1. */

const TOKEN = 'test-cloud-token-0123456789';
const AGENT_ID = '0b7e2a52-7d1e-4c1a-9a55-3f0e4c2d9b11';

const changeSchema = z.object({
  entity: z.enum(['client', 'group']),
  op: z.enum(['upsert', 'delete']),
  id: z.string(),
  version: z.number().int(),
  data: z.union([clientRecordSchema, groupRecordSchema]).optional(),
});
const pageSchema = z.object({ changes: z.array(changeSchema), cursor: z.string(), hasMore: z.boolean(), remaining: z.number().int() });
type Page = z.infer<typeof pageSchema>;

const resultSchema = z.object({
  mutationId: z.string(),
  status: z.enum(['applied', 'conflict', 'rejected']),
  version: z.number().int().optional(),
  data: z.union([clientRecordSchema, groupRecordSchema]).nullable().optional(),
  current: z.union([clientRecordSchema, groupRecordSchema]).nullable().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});
const resultsSchema = z.object({ results: z.array(resultSchema) });
type Result = z.infer<typeof resultSchema>;

const problemSchema = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() });

let running: ReferenceCloud[] = [];
afterEach(async () => {
  await Promise.all(running.map((c) => c.close()));
  running = [];
});

async function start(options: Partial<ReferenceCloudOptions> = {}): Promise<{ cloud: ReferenceCloud; url: string }> {
  const cloud = new ReferenceCloud({ token: TOKEN, groups: generateGroups(), clients: generateClients(40), ...options });
  running.push(cloud);
  return { cloud, url: await cloud.listen() };
}

const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'X-Agent-Id': AGENT_ID };

async function pullRaw(url: string, query: Record<string, string>): Promise<Response> {
  return fetch(`${url}/v1/directory/changes?${new URLSearchParams(query).toString()}`, { headers: HEADERS });
}

async function pull(url: string, query: Record<string, string> = {}): Promise<Page> {
  const res = await pullRaw(url, query);
  expect(res.status).toBe(200);
  return pageSchema.parse(await res.json());
}

async function pushRaw(url: string, mutations: unknown[]): Promise<Response> {
  return fetch(`${url}/v1/directory/mutations`, {
    method: 'POST',
    headers: { ...HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ mutations }),
  });
}

async function push(url: string, mutations: unknown[]): Promise<Result[]> {
  const res = await pushRaw(url, mutations);
  expect(res.status).toBe(200);
  const { results } = resultsSchema.parse(await res.json());
  expect(results.map((r) => r.mutationId)).toEqual(mutations.map((m) => z.object({ mutationId: z.string() }).parse(m).mutationId));
  return results;
}

async function expectProblem(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const body = problemSchema.parse(await res.json());
  expect(body.status).toBe(status);
  return body.detail;
}

/** Follows the cursor until hasMore is false, applying every change to a local copy like an agent would. */
async function pullAll(url: string, copy: Map<string, unknown>, cursor: string | null, limit: number): Promise<string> {
  for (;;) {
    const page = await pull(url, { ...(cursor === null ? {} : { cursor }), limit: String(limit) });
    applyPage(copy, page);
    cursor = page.cursor;
    if (!page.hasMore) return cursor;
  }
}

function applyPage(copy: Map<string, unknown>, page: Page): void {
  for (const ch of page.changes) {
    const key = `${ch.entity}:${ch.id}`;
    if (ch.op === 'delete') copy.delete(key);
    else copy.set(key, ch.data);
  }
}

function serverState(cloud: ReferenceCloud, clientIds: Iterable<string>, groupIds: Iterable<string>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const id of groupIds) {
    const g = cloud.group(id);
    if (g) out.set(`group:${id}`, g);
  }
  for (const id of clientIds) {
    const c = cloud.client(id);
    if (c) out.set(`client:${id}`, c);
  }
  return out;
}

function newClient(id: string, fields: Partial<Client> = {}): Client {
  return {
    id,
    kind: 'person',
    civility: 'Mme',
    lastName: 'Müller',
    firstName: 'Hélène',
    companyName: null,
    reference: null,
    accountNumber: null,
    groupId: null,
    email: null,
    phone: '+41 22 000 00 00',
    address: { street: 'Rue du Rhône 1', street2: null, postalCode: '1204', city: 'Genève', country: 'CH' },
    notes: null,
    accountBalance: 0,
    walletBalance: 0,
    version: 0,
    updatedAt: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

describe('authentication', () => {
  it('refuses a missing or wrong token with 401, a missing X-Agent-Id with 400, and records each request', async () => {
    const { cloud, url } = await start();
    const path = `${url}/v1/directory/changes`;

    const none = await fetch(path);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await expectProblem(none, 401)).toMatch(/Authorization: Bearer/);
    await expectProblem(await fetch(path, { headers: { Authorization: 'Bearer wrong', 'X-Agent-Id': AGENT_ID } }), 401);
    await expectProblem(await fetch(path, { headers: { Authorization: `Basic ${TOKEN}`, 'X-Agent-Id': AGENT_ID } }), 401);
    expect(await expectProblem(await fetch(path, { headers: { Authorization: `Bearer ${TOKEN}` } }), 400)).toMatch(/X-Agent-Id/);

    expect(cloud.requests.map((r) => [r.method, r.path, r.status, r.agentId])).toEqual([
      ['GET', '/v1/directory/changes', 401, null],
      ['GET', '/v1/directory/changes', 401, AGENT_ID],
      ['GET', '/v1/directory/changes', 401, AGENT_ID],
      ['GET', '/v1/directory/changes', 400, null],
    ]);
  });
});

describe('pull', () => {
  it('a full pull in small pages delivers every record exactly once, groups first, with a falling remaining count', async () => {
    const { cloud, url } = await start();
    const seen: string[] = [];
    let cursor: string | null = null;
    const remaining: number[] = [];
    for (;;) {
      const page = await pull(url, { ...(cursor === null ? {} : { cursor }), limit: '7' });
      expect(page.changes.length).toBeLessThanOrEqual(7);
      for (const ch of page.changes) {
        expect(ch.op).toBe('upsert');
        expect(ch.data).toMatchObject({ id: ch.id, version: ch.version });
        seen.push(`${ch.entity}:${ch.id}`);
      }
      remaining.push(page.remaining);
      expect(page.hasMore).toBe(page.remaining > 0);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const expected = [...generateGroups().map((g) => `group:${g.id}`), ...generateClients(40).map((c) => `client:${c.id}`)];
    expect(seen).toEqual(expected);
    expect(remaining).toEqual([37, 30, 23, 16, 9, 2, 0]);
    expect(cloud.clientCount()).toBe(40);
  });

  it('a back-office edit between pages shows up later in the same pull, never lost, and a delete is not resurrected', async () => {
    const { cloud, url } = await start();
    const ids = generateClients(40).map((c) => c.id);
    const groupIds = generateGroups().map((g) => g.id);
    const copy = new Map<string, unknown>();

    const first = await pull(url, { limit: '10' });
    applyPage(copy, first);
    const delivered = ids[0]!; // in the first page (after the 4 groups)
    const notYet = ids[30]!;
    cloud.patchClient(delivered, { notes: 'changed after it was sent', address: { street: 'Bahnhofstrasse 1', street2: null, postalCode: '8001', city: 'Zürich', country: 'CH' } });
    cloud.patchClient(notYet, { walletBalance: 1234 });
    cloud.deleteClient(ids[1]!);
    cloud.upsertClient(newClient('new-during-pull'));

    await pullAll(url, copy, first.cursor, 10);
    expect(copy).toEqual(serverState(cloud, [...ids, 'new-during-pull'], groupIds));
    expect(copy.get(`client:${delivered}`)).toMatchObject({ notes: 'changed after it was sent', version: 2, address: { city: 'Zürich' } });
    expect(copy.get(`client:${notYet}`)).toMatchObject({ walletBalance: 1234 });
    expect(copy.has(`client:${ids[1]!}`)).toBe(false);
  });

  it('after a cursor: only the deltas, in order, with tombstones; an idle cursor comes back byte for byte', async () => {
    const { cloud, url } = await start();
    const ids = generateClients(40).map((c) => c.id);
    const cursor = await pullAll(url, new Map(), null, 1000);

    cloud.patchClient(ids[5]!, { phone: '+41 21 111 11 11' });
    cloud.deleteClient(ids[6]!);
    cloud.upsertGroup({ id: 'gold', name: 'Gold', discountPercent: 15, version: 0, updatedAt: '' });
    cloud.patchClient(ids[5]!, { email: 'h.muller@example.ch' }); // supersedes its first change

    const page = await pull(url, { cursor });
    expect(page.changes.map((c) => [c.entity, c.op, c.id, c.version])).toEqual([
      ['client', 'delete', ids[6]!, 2],
      ['group', 'upsert', 'gold', 1],
      ['client', 'upsert', ids[5]!, 3],
    ]);
    expect(page.changes[0]).not.toHaveProperty('data');
    expect(page.changes[2]!.data).toMatchObject({ phone: '+41 21 111 11 11', email: 'h.muller@example.ch' });
    expect(page).toMatchObject({ hasMore: false, remaining: 0 });

    const idle = await pull(url, { cursor: page.cursor });
    expect(idle).toEqual({ changes: [], cursor: page.cursor, hasMore: false, remaining: 0 });

    // a fresh full pull leaves the tombstone out
    const fresh = await pull(url, { limit: '1000' });
    expect(fresh.changes.every((c) => c.op === 'upsert')).toBe(true);
    expect(fresh.changes.some((c) => c.id === ids[6])).toBe(false);
  });

  it('random back-office edits between small pages (log compactions included): the copy always converges, remaining is exact', async () => {
    const { cloud, url } = await start();
    const rand = createRng(7);
    const ids = generateClients(40).map((c) => c.id);
    const groupIds = generateGroups().map((g) => g.id);
    const copy = new Map<string, unknown>();
    let cursor: string | null = null;
    let created = 0;
    for (let round = 0; round < 12; round++) {
      for (let k = 0; k < 8; k++) {
        const live = ids.filter((id) => cloud.client(id));
        const id = live[Math.floor(rand() * live.length)]!;
        const r = rand();
        if (r < 0.6) cloud.patchClient(id, { notes: `round ${round}.${k}` });
        else if (r < 0.75) cloud.deleteClient(id);
        else {
          const fresh = `fresh-${created++}`;
          ids.push(fresh);
          cloud.upsertClient(newClient(fresh));
        }
      }
      cursor = await pullAll(url, copy, cursor, 3 + Math.floor(rand() * 8));
      expect(copy).toEqual(serverState(cloud, ids, groupIds));
    }
    // an undisturbed pull from the start: each page's remaining is what the following pages bring
    const sizes: number[] = [];
    const remaining: number[] = [];
    const upserted: string[] = [];
    let next: string | null = null;
    for (;;) {
      const page: Page = await pull(url, { ...(next === null ? {} : { cursor: next }), limit: '9' });
      sizes.push(page.changes.length);
      for (const ch of page.changes) if (ch.op === 'upsert') upserted.push(ch.id);
      remaining.push(page.remaining);
      next = page.cursor;
      if (!page.hasMore) break;
    }
    expect(remaining).toEqual(sizes.map((_, i) => sizes.slice(i + 1).reduce((a, b) => a + b, 0)));
    expect(new Set(upserted).size).toBe(upserted.length);
    expect(upserted).toHaveLength(cloud.clientCount() + groupIds.length);
  });

  it('410 for cursors handed out before expireCursors(); 400 for a malformed cursor or limit; limit is clamped', async () => {
    const { cloud, url } = await start();
    const old = (await pull(url, { limit: '3' })).cursor;
    cloud.expireCursors();
    expect(await expectProblem(await pullRaw(url, { cursor: old }), 410)).toMatch(/without a cursor/);
    const fresh = await pull(url, { limit: '3' });
    expect((await pull(url, { cursor: fresh.cursor, limit: '3' })).changes).toHaveLength(3);

    const otherServer = Buffer.from(JSON.stringify({ s: 1, e: 'another-run' })).toString('base64url');
    await expectProblem(await pullRaw(url, { cursor: otherServer }), 410);
    await expectProblem(await pullRaw(url, { cursor: 'not a cursor!' }), 400);
    await expectProblem(await pullRaw(url, { cursor: Buffer.from('{"s":"x"}').toString('base64url') }), 400);
    await expectProblem(await pullRaw(url, { limit: 'ten' }), 400);
    expect((await pull(url, { limit: '0' })).changes).toHaveLength(1);
    expect((await pull(url, { limit: '5000' })).changes).toHaveLength(44);
  });
});

describe('push', () => {
  it('create, update and delete are applied with versions; a replayed mutationId changes nothing', async () => {
    const { cloud, url } = await start();
    const create = { mutationId: 'm-create', entity: 'client', op: 'create', id: 'c-new', baseVersion: null, data: newClient('ignored', { version: 9, walletBalance: 500, groupId: 'vip' }) };
    const [created] = await push(url, [create]);
    expect(created).toMatchObject({ status: 'applied', version: 1, data: { id: 'c-new', version: 1, walletBalance: 0, groupId: 'vip' } });

    const [updated, conflict] = await push(url, [
      { mutationId: 'm-update', entity: 'client', op: 'update', id: 'c-new', baseVersion: 1, data: { firstName: 'Françoise', address: { city: 'Carouge', postalCode: '1227' }, version: 77 } },
      { mutationId: 'm-stale', entity: 'client', op: 'update', id: 'c-new', baseVersion: 1, data: { phone: null } },
    ]);
    expect(updated).toMatchObject({
      status: 'applied',
      version: 2,
      data: { firstName: 'Françoise', lastName: 'Müller', address: { street: 'Rue du Rhône 1', postalCode: '1227', city: 'Carouge', country: 'CH' } },
    });
    // the second mutation of the batch saw the first one's effect
    expect(conflict).toMatchObject({ status: 'conflict', current: { id: 'c-new', version: 2, firstName: 'Françoise' } });

    const again = await push(url, [create, { mutationId: 'm-update', entity: 'client', op: 'update', id: 'c-new', baseVersion: 1, data: { firstName: 'X' } }]);
    expect(again[0]).toEqual(created);
    expect(again[1]).toEqual(updated);
    expect(cloud.client('c-new')).toMatchObject({ version: 2, firstName: 'Françoise' });
    expect(cloud.clientCount()).toBe(41);

    const [deleted] = await push(url, [{ mutationId: 'm-delete', entity: 'client', op: 'delete', id: 'c-new', baseVersion: 2 }]);
    expect(deleted).toMatchObject({ status: 'applied', version: 3 });
    expect(deleted?.data ?? null).toBeNull();
    expect(cloud.client('c-new')).toBeUndefined();

    const [gone] = await push(url, [{ mutationId: 'm-late', entity: 'client', op: 'update', id: 'c-new', baseVersion: 2, data: { notes: 'late' } }]);
    expect(gone).toEqual({ mutationId: 'm-late', status: 'conflict', current: null });

    expect([...cloud.appliedCount]).toEqual([['m-create', 1], ['m-update', 1], ['m-delete', 1]]);
  });

  it('a stale baseVersion after a back-office edit is a conflict with the current record; the rebased resend applies', async () => {
    const { cloud, url } = await start();
    const id = generateClients(1)[0]!.id;
    cloud.patchClient(id, { notes: 'from the office' });
    const stale = { mutationId: 'm-1', entity: 'client', op: 'update', id, baseVersion: 1, data: { phone: '+41 79 000 00 00' } };
    const [conflict] = await push(url, [stale]);
    expect(conflict).toMatchObject({ status: 'conflict', current: { id, version: 2, notes: 'from the office' } });
    const [applied] = await push(url, [{ ...stale, baseVersion: 2 }]);
    expect(applied).toMatchObject({ status: 'applied', version: 3, data: { notes: 'from the office', phone: '+41 79 000 00 00' } });
  });

  it('rejects what breaks a rule, with a code and a message that says why', async () => {
    const { cloud, url } = await start();
    const [a, b] = generateClients(2);
    const vipClients = generateClients(40).filter((c) => c.groupId === 'vip').length;
    expect(vipClients).toBeGreaterThan(0);
    const withRef = a!.reference === null ? cloud.patchClient(a!.id, { reference: 'CARD-999999' }) : a!;

    const results = await push(url, [
      { mutationId: 'r-1', entity: 'group', op: 'delete', id: 'vip', baseVersion: 1 },
      { mutationId: 'r-2', entity: 'client', op: 'update', id: b!.id, baseVersion: b!.version, data: { reference: withRef.reference } },
      { mutationId: 'r-3', entity: 'client', op: 'create', id: 'p-1', baseVersion: null, data: newClient('p-1', { lastName: null }) },
      { mutationId: 'r-4', entity: 'client', op: 'update', id: b!.id, baseVersion: b!.version, data: { groupId: 'nope' } },
      { mutationId: 'r-5', entity: 'group', op: 'create', id: 'vip2', baseVersion: null, data: { name: 'clients vip', discountPercent: 5 } },
      { mutationId: 'r-6', entity: 'group', op: 'create', id: 'big', baseVersion: null, data: { name: 'Big', discountPercent: 120 } },
      { mutationId: 'r-7', entity: 'group', op: 'delete', id: 'staff', baseVersion: 1 },
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', code: 'group-in-use' });
    expect(results[0]!.message).toContain(`has ${vipClients} client`);
    expect(results[1]).toMatchObject({ status: 'rejected', code: 'duplicate-reference' });
    expect(results[1]!.message).toContain(withRef.id);
    expect(results[2]).toMatchObject({ status: 'rejected', code: 'validation' });
    expect(results[2]!.message).toMatch(/lastName and firstName/);
    expect(results[3]).toMatchObject({ status: 'rejected', code: 'validation' });
    expect(results[3]!.message).toContain('"nope"');
    expect(results[4]).toMatchObject({ status: 'rejected', code: 'duplicate-name' });
    expect(results[5]).toMatchObject({ status: 'rejected', code: 'validation' });
    expect(results[5]!.message).toContain('discountPercent');
    const staffSize = generateClients(40).filter((c) => c.groupId === 'staff').length;
    expect(results[6]!.status).toBe(staffSize === 0 ? 'applied' : 'rejected');

    expect(cloud.group('vip')).toBeDefined();
    expect(cloud.client(b!.id)).toEqual(b);
    expect(cloud.client('p-1')).toBeUndefined();
  });

  it('answers 400 problem+json to an empty batch, a batch of 101 and an invalid mutation, and changes nothing', async () => {
    const { cloud, url } = await start();
    const one = (i: number) => ({ mutationId: `b-${i}`, entity: 'client', op: 'create', id: `b-${i}`, baseVersion: null, data: newClient(`b-${i}`) });
    await expectProblem(await pushRaw(url, []), 400);
    expect(await expectProblem(await pushRaw(url, Array.from({ length: 101 }, (_, i) => one(i))), 400)).toMatch(/1 to 100/);
    expect(await expectProblem(await pushRaw(url, [{ ...one(1), entity: 'invoice' }]), 400)).toContain('mutations.0.entity');
    await expectProblem(await pushRaw(url, [{ ...one(1), mutationId: '' }]), 400);
    const badJson = await fetch(`${url}/v1/directory/mutations`, { method: 'POST', headers: { ...HEADERS, 'Content-Type': 'application/json' }, body: '{"mutations": [' });
    await expectProblem(badJson, 400);
    expect(cloud.clientCount()).toBe(40);
    expect(cloud.appliedCount.size).toBe(0);
  });
});

describe('faults and availability', () => {
  it('a status fault answers problem+json before auth; a hang is never answered and close() still ends it', async () => {
    const { cloud, url } = await start();
    cloud.fault = { status: 503 };
    await expectProblem(await fetch(`${url}/v1/directory/changes`), 503);
    expect(cloud.requests.at(-1)).toMatchObject({ status: 503 });

    cloud.fault = 'hang';
    // sent together, so both have reached the server by the time the first one gives up
    const pending = fetch(`${url}/v1/directory/changes`, { headers: HEADERS }).then(
      () => 'answered',
      () => 'socket closed',
    );
    const hung = fetch(`${url}/v1/directory/changes`, { headers: HEADERS, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow(/abort|timeout/i);
    expect(cloud.requests).toHaveLength(1);
    await cloud.close();
    expect(await pending).toBe('socket closed');
    expect(cloud.requests).toHaveLength(1);

    cloud.fault = null;
    await cloud.goOnline();
    expect((await pull(url, { limit: '1' })).changes).toHaveLength(1);
  });

  it('goOffline refuses connections; goOnline serves again on the same URL with the same data', async () => {
    const { cloud, url } = await start();
    const cursor = await pullAll(url, new Map(), null, 1000);
    await cloud.goOffline();
    await expect(fetch(`${url}/v1/directory/changes`, { headers: HEADERS })).rejects.toThrow();
    cloud.deleteClient(generateClients(1)[0]!.id);
    await cloud.goOnline();
    const page = await pull(url, { cursor });
    expect(page.changes.map((c) => c.op)).toEqual(['delete']);
  });
});
