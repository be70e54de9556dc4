import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '../../../agent/directory/schema.js';
import type { SyncStatus } from '../../../agent/sync/status.js';
import { ReferenceCloud } from '../../fakes/cloud.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';
import { type TestAgent, openTestAgent } from '../../helpers/agent.js';

/**
 * The agent's sync against the project's reference cloud (test/fakes/cloud.ts), over real HTTP
 * on 127.0.0.1. Timings are shortened (backoff from 50 ms, pages of 7) so each case runs in well
 * under a second; the behaviour is the contract's.
 */

const CLOUD_TOKEN = 'cloud-token-for-tests-0123456789';
let clouds: ReferenceCloud[] = [];
let agents: TestAgent[] = [];

afterEach(async () => {
  for (const a of agents) await a.close();
  for (const c of clouds) await c.close();
  agents = [];
  clouds = [];
});

async function startCloud(clients = generateClients(30)): Promise<{ cloud: ReferenceCloud; url: string }> {
  const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, groups: generateGroups(), clients });
  clouds.push(cloud);
  return { cloud, url: await cloud.listen() };
}

async function startAgent(
  url: string,
  opts: { token?: string; dir?: string; fetch?: typeof fetch; backoffMinMs?: number; probeMs?: number } = {},
): Promise<TestAgent> {
  const backoffMinMs = opts.backoffMinMs ?? 50;
  const a = await openTestAgent({
    dir: opts.dir,
    config: { cloud: { url, token: opts.token ?? CLOUD_TOKEN, intervalSeconds: 3600 } },
    options: {
      sync: { backoffMinMs, backoffMaxMs: backoffMinMs * 8, pageLimit: 7, nudgeMs: 10, timeoutMs: 1_000, probeMs: opts.probeMs ?? 60_000, fetch: opts.fetch },
    },
  });
  agents.push(a);
  return a;
}

function sync(a: TestAgent) {
  const s = a.agent.services.sync;
  if (!s) throw new Error('the agent has no cloud sync');
  return s;
}

/** Waits for a sync status that passes `test` (from events; checks the current one first). */
function statusWhere(a: TestAgent, test: (s: SyncStatus) => boolean, timeoutMs = 5_000): Promise<SyncStatus> {
  const now = sync(a).status();
  if (test(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no such sync status within ${timeoutMs} ms; last: ${JSON.stringify(sync(a).status())}`));
    }, timeoutMs);
    const off = a.agent.bus.on('sync', (s) => {
      if (!test(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

async function json<T>(res: Response): Promise<T> {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as T;
}

describe('pull', () => {
  it('first pull in several pages brings every client and group, with the cloud versions, and shows progress', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    const progress: number[] = [];
    a.agent.bus.on('sync', (s) => {
      if (s.progress) progress.push(s.progress.received);
    });
    await sync(a).syncNow();
    expect(a.agent.services.directory.clientCount).toBe(30);
    expect(a.agent.services.directory.listGroups().map((g) => g.id).sort()).toEqual(generateGroups().map((g) => g.id).sort());
    const one = generateClients(30)[12]!;
    expect(a.agent.services.directory.getClient(one.id).version).toBe(cloud.client(one.id)!.version);
    const pulls = cloud.requests.filter((r) => r.path === '/v1/directory/changes');
    expect(pulls.length).toBeGreaterThanOrEqual(5); // 30 clients + groups in pages of 7
    expect(pulls.every((r) => r.agentId === a.agent.services.agentId)).toBe(true);
    expect(Math.max(...progress)).toBeGreaterThan(7);
    expect(sync(a).status()).toMatchObject({ state: 'idle', pending: 0, progress: null });
    expect(sync(a).status().lastSyncAt).not.toBeNull();
  });

  it('applies deltas and tombstones; a cycle with nothing to do is one request and no disk write', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const [first, second] = generateClients(30);
    cloud.patchClient(first!.id, { phone: '+41 21 555 66 77' });
    cloud.deleteClient(second!.id);
    await sync(a).syncNow();
    expect(a.agent.services.directory.getClient(first!.id).phone).toBe('+41 21 555 66 77');
    expect(a.agent.services.directory.findById(second!.id)).toBeNull();

    const before = cloud.requests.length;
    const journal = a.agent.services.directoryStore.journalWrites;
    await sync(a).syncNow();
    expect(cloud.requests.length - before).toBe(1);
    expect(a.agent.services.directoryStore.journalWrites).toBe(journal);
  });
});

describe('push', () => {
  it('a create, an edit and a delete made in the shop reach the cloud once each and take its versions', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const created = await json<Client & { etag: string }>(
      await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Rochat', firstName: 'Léa', reference: 'CARD-9001', groupId: 'vip' } }),
    );
    expect(created.version).toBe(0); // not in the cloud yet: the agent never invents versions
    const victim = generateClients(30)[3]!;
    await json(await a.api(`/api/v1/clients/${victim.id}`, { method: 'PATCH', json: { phone: '+41 79 111 22 33' } }));
    const gone = generateClients(30)[4]!;
    expect((await a.api(`/api/v1/clients/${gone.id}`, { method: 'DELETE' })).status).toBe(204);
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(created.id)).toMatchObject({ lastName: 'Rochat', reference: 'CARD-9001', version: 1 });
    expect(cloud.client(victim.id)!.phone).toBe('+41 79 111 22 33');
    expect(cloud.client(gone.id)).toBeUndefined();
    expect([...cloud.appliedCount.values()]).toEqual([1, 1, 1]);
    expect(a.agent.services.directory.getClient(created.id).version).toBe(1);
    expect(a.agent.services.directory.getClient(victim.id).version).toBe(cloud.client(victim.id)!.version);
  });

  it('two edits of the same record offline go one after the other, each on the version the previous got', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[5]!;
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { phone: '+41 21 000 00 01' } }));
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { phone: '+41 21 000 00 02', notes: 'allergie noix' } }));
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(cloud.client(c.id)).toMatchObject({ phone: '+41 21 000 00 02', notes: 'allergie noix' });
    expect(sync(a).status().pending).toBe(0);
    expect(a.agent.services.syncIssues.list()).toEqual([]);
  });

  it('while the cloud is down, editing goes on; the edits wait, then go up once each when it is back', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    await cloud.goOffline();
    const ids = generateClients(30).slice(0, 10).map((c) => c.id);
    for (const [i, id] of ids.entries()) {
      await json(await a.api(`/api/v1/clients/${id}`, { method: 'PATCH', json: { notes: `offline ${i}` } }));
    }
    const offline = await statusWhere(a, (s) => s.state === 'offline');
    expect(offline.pending).toBe(10);
    expect(offline.reason).toMatch(/cannot reach/);
    // lookups still answer from the local copy
    expect(a.agent.services.directory.getClient(ids[0]!).notes).toBe('offline 0');

    await cloud.goOnline();
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0);
    for (const [i, id] of ids.entries()) expect(cloud.client(id)!.notes).toBe(`offline ${i}`);
    expect([...cloud.appliedCount.values()].every((n) => n === 1)).toBe(true);
    expect(cloud.appliedCount.size).toBe(10);
  });

  it('offline with a long backoff ahead: a TCP probe sees the cloud back and the edits go up at once', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url, { backoffMinMs: 60_000, probeMs: 50 });
    await sync(a).syncNow();
    await cloud.goOffline();
    const c = generateClients(30)[13]!;
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: 'probe' } }));
    const offline = await statusWhere(a, (s) => s.state === 'offline');
    expect(Date.parse(offline.nextAttemptAt!) - Date.now()).toBeGreaterThan(30_000); // the backoff alone: a minute
    await new Promise((r) => setTimeout(r, 300)); // probes fail meanwhile, and send no request
    const requests = cloud.requests.length;
    await cloud.goOnline();
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0, 3_000);
    expect(cloud.client(c.id)!.notes).toBe('probe');
    expect(cloud.requests.slice(requests).map((r) => r.path)).toEqual(['/v1/directory/mutations', '/v1/directory/changes']);
    expect(a.log.lines.some((l) => l.includes('can be reached again'))).toBe(true);
  });

  it('a push whose answer is lost is sent again with the same mutationIds, and applied once', async () => {
    const { cloud, url } = await startCloud();
    let dropNext = false;
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (dropNext && init?.method === 'POST') {
        dropNext = false;
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      }
      return res;
    };
    const a = await startAgent(url, { fetch: lossy });
    await sync(a).syncNow();
    dropNext = true;
    const c = generateClients(30)[6]!;
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { email: 'lost@example.ch' } }));
    await statusWhere(a, (s) => s.state === 'offline');
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0);
    const posts = cloud.requests.filter((r) => r.path === '/v1/directory/mutations');
    expect(posts.length).toBe(2);
    expect([...cloud.appliedCount.values()]).toEqual([1]);
    expect(cloud.client(c.id)!.email).toBe('lost@example.ch');
    expect(a.agent.services.directory.getClient(c.id).version).toBe(cloud.client(c.id)!.version);
  });
});

describe('conflicts', () => {
  it('different fields: the shop change is re-applied on top of the cloud one, no issue', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[7]!;
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { address: { city: 'Morges', postalCode: '1110' } } }));
    cloud.patchClient(c.id, { phone: '+41 22 123 45 67' });
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(cloud.client(c.id)).toMatchObject({ phone: '+41 22 123 45 67', address: { city: 'Morges', postalCode: '1110' } });
    expect(a.agent.services.directory.getClient(c.id)).toMatchObject({ phone: '+41 22 123 45 67', address: { city: 'Morges' } });
    expect(a.agent.services.syncIssues.list()).toEqual([]);
    expect(sync(a).status().pending).toBe(0);
  });

  it("same field: the cloud's value wins, the shop's is kept as an issue staff can re-apply", async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[8]!;
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { phone: '+41 21 999 99 99', notes: 'shop note' } }));
    cloud.patchClient(c.id, { phone: '+41 22 888 88 88' });
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(cloud.client(c.id)).toMatchObject({ phone: '+41 22 888 88 88', notes: 'shop note' });
    expect(a.agent.services.directory.getClient(c.id).phone).toBe('+41 22 888 88 88');
    const { items } = await json<{ items: Array<{ id: string; kind: string; fields: unknown[] }> }>(await a.api('/api/v1/sync/issues'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'conflict', fields: [{ path: 'phone', shop: '+41 21 999 99 99', cloud: '+41 22 888 88 88' }] });
    expect(sync(a).status().issues).toBe(1);

    expect((await a.api(`/api/v1/sync/issues/${items[0]!.id}/reapply`, { method: 'POST' })).status).toBe(204);
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle' && s.issues === 0);
    expect(cloud.client(c.id)!.phone).toBe('+41 21 999 99 99');
  });

  it('a group deletion the cloud refuses (group-in-use) comes back, with the reason for staff', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const group = await json<{ id: string }>(await a.api('/api/v1/groups', { method: 'POST', json: { name: 'Fidèles 2027', discountPercent: 3 } }));
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    // the back office puts a client into it; before the agent hears of it, the shop deletes the group
    await cloud.goOffline();
    const c = generateClients(30)[9]!;
    cloud.patchClient(c.id, { groupId: group.id });
    expect((await a.api(`/api/v1/groups/${group.id}`, { method: 'DELETE' })).status).toBe(204);
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(a.agent.services.directory.getGroup(group.id).name).toBe('Fidèles 2027');
    expect(a.agent.services.directory.getClient(c.id).groupId).toBe(group.id);
    const [issue] = a.agent.services.syncIssues.list();
    expect(issue).toMatchObject({ kind: 'rejected', code: 'group-in-use', entity: 'group', op: 'delete', label: 'Fidèles 2027' });
    expect(issue!.message).toMatch(/1 client/);
  });
});

describe('more conflicts and refusals', () => {
  it('an edit of a client the cloud deleted: the client goes, the shop version is kept and can be created again', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[10]!;
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: 'edited here' } }));
    cloud.deleteClient(c.id);
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(a.agent.services.directory.findById(c.id)).toBeNull();
    const [issue] = a.agent.services.syncIssues.list();
    expect(issue).toMatchObject({ kind: 'deleted-in-cloud', recordId: c.id, record: { notes: 'edited here' } });

    await a.agent.services.syncIssues.reapply(issue!.id);
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(c.id)).toMatchObject({ lastName: c.lastName, notes: 'edited here' });
    expect(a.agent.services.syncIssues.list()).toEqual([]);
  });

  it('a deletion of a client the cloud changed meanwhile: the client stays, staff can delete it anyway', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[11]!;
    await cloud.goOffline();
    expect((await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE' })).status).toBe(204);
    cloud.patchClient(c.id, { walletBalance: 4200 });
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(a.agent.services.directory.getClient(c.id).walletBalance).toBe(4200);
    const [issue] = a.agent.services.syncIssues.list();
    expect(issue).toMatchObject({ kind: 'changed-in-cloud', op: 'delete' });
    await a.agent.services.syncIssues.reapply(issue!.id);
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(c.id)).toBeUndefined();
    expect(a.agent.services.directory.findById(c.id)).toBeNull();
  });

  it('a client created here with a reference the cloud already has is refused, removed here, and kept for staff', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const taken = generateClients(30).find((c) => c.reference !== null)!;
    await cloud.goOffline();
    // the cloud gives the card to someone else before this shop hears of it
    cloud.patchClient(taken.id, { reference: 'CARD-777' });
    const made = await json<Client>(await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Double', firstName: 'Carte', reference: 'CARD-777' } }));
    await json(await a.api(`/api/v1/clients/${made.id}`, { method: 'PATCH', json: { phone: '+41 21 000 00 00' } }));
    await cloud.goOnline();
    await sync(a).syncNow();
    expect(a.agent.services.directory.findById(made.id)).toBeNull();
    expect(a.agent.services.directory.getClientByReference('CARD-777').id).toBe(taken.id);
    const [issue] = a.agent.services.syncIssues.list();
    expect(issue).toMatchObject({ kind: 'rejected', code: 'duplicate-reference', op: 'create', label: 'Carte Double' });
    expect(issue!.record).toMatchObject({ reference: 'CARD-777', phone: '+41 21 000 00 00' });
    expect(sync(a).status().pending).toBe(0); // the later edit of the refused client went with it
    expect(cloud.appliedCount.size).toBe(0);
  });

  it('records made before the cloud was configured are sent to it on the first sync', async () => {
    const dir = (await import('../../helpers/config.js')).tempDir();
    const standalone = await openTestAgent({ dir });
    await json(await standalone.api('/api/v1/groups', { method: 'POST', json: { id: 'amis', name: 'Amis du lac', discountPercent: 5 } }));
    const made = await json<Client>(
      await standalone.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Avant', firstName: 'Cloud', groupId: 'amis' } }),
    );
    await standalone.close();
    const { cloud, url } = await startCloud();
    const a = await startAgent(url, { dir });
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0 && s.lastSyncAt !== null);
    expect(cloud.group('amis')).toMatchObject({ name: 'Amis du lac', discountPercent: 5 });
    expect(cloud.client(made.id)).toMatchObject({ lastName: 'Avant', groupId: 'amis', version: 1 });
    expect(a.agent.services.directory.clientCount).toBe(31);
  });
});

describe('review cases', () => {
  it('edited then deleted offline while the cloud changed it: the issue is a deletion, and "delete anyway" deletes', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[14]!;
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: 'first' } }));
    expect((await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE' })).status).toBe(204);
    cloud.patchClient(c.id, { phone: '+41 26 000 00 00' });
    await cloud.goOnline();
    await sync(a).syncNow();
    const [issue] = a.agent.services.syncIssues.list();
    expect(issue).toMatchObject({ kind: 'changed-in-cloud', op: 'delete' });
    await a.agent.services.syncIssues.reapply(issue!.id);
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(c.id)).toBeUndefined();
  });

  it('a conflict keeps each edit in its place: a move into a group made after the group still goes after it', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const [c1, c2] = generateClients(30).slice(15, 17);
    await cloud.goOffline();
    await json(await a.api(`/api/v1/clients/${c1!.id}`, { method: 'PATCH', json: { phone: '+41 27 111 11 11' } }));
    await json(await a.api(`/api/v1/clients/${c2!.id}`, { method: 'PATCH', json: { notes: 'a' } }));
    await json(await a.api(`/api/v1/clients/${c2!.id}`, { method: 'PATCH', json: { notes: 'b' } }));
    await json(await a.api('/api/v1/groups', { method: 'POST', json: { id: 'nouveaux', name: 'Nouveaux' } }));
    await json(await a.api(`/api/v1/clients/${c1!.id}`, { method: 'PATCH', json: { groupId: 'nouveaux' } }));
    cloud.patchClient(c1!.id, { notes: 'changed in the cloud' }); // c1's first push will conflict
    await cloud.goOnline();
    await sync(a).syncNow();
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(c1!.id)).toMatchObject({ phone: '+41 27 111 11 11', groupId: 'nouveaux', notes: 'changed in the cloud' });
    expect(cloud.client(c2!.id)!.notes).toBe('b');
    expect(a.agent.services.syncIssues.list()).toEqual([]);
  });

  it('after 410, a record the cloud made again at a lower version replaces the stale copy', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    const c = generateClients(30)[17]!;
    for (let i = 0; i < 3; i++) cloud.patchClient(c.id, { notes: `v${i}` });
    await sync(a).syncNow();
    expect(a.agent.services.directory.getClient(c.id).version).toBe(cloud.client(c.id)!.version);
    // the back office restores an older copy of the client: its version goes back
    cloud.deleteClient(c.id);
    cloud.expireCursors();
    const restored = cloud.upsertClient({ ...c, notes: 'restored' });
    const localBefore = a.agent.services.directory.getClient(c.id).version;
    await sync(a).syncNow();
    expect(a.agent.services.directory.getClient(c.id)).toMatchObject({ notes: 'restored', version: restored.version });
    expect(restored.version === localBefore).toBe(false);
  });

  it('a store synced, then run standalone, then synced again: edits made standalone are not lost', async () => {
    const { cloud, url } = await startCloud();
    const dir = (await import('../../helpers/config.js')).tempDir();
    const first = await startAgent(url, { dir });
    await sync(first).syncNow();
    const lastSync = sync(first).status().lastSyncAt;
    await first.close();
    agents = agents.filter((x) => x !== first);

    const alone = await openTestAgent({ dir });
    const c = generateClients(30)[18]!;
    await json(await alone.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: 'made standalone' } }));
    await alone.close();

    const again = await startAgent(url, { dir });
    expect(sync(again).status().lastSyncAt).toBeNull(); // another state: the last sync was another life
    await statusWhere(again, (s) => s.state === 'idle' && s.pending === 0 && s.lastSyncAt !== null, 10_000);
    expect(lastSync).not.toBeNull();
    // offered to the cloud again: the cloud's copy differs, so staff decide, nothing silently dropped
    const issue = again.agent.services.syncIssues.list().find((i) => i.recordId === c.id);
    expect(issue?.fields).toContainEqual({ path: 'notes', shop: 'made standalone', cloud: c.notes ?? null });
    await again.agent.services.syncIssues.reapply(issue!.id);
    await statusWhere(again, (s) => s.state === 'idle' && s.pending === 0);
    expect(cloud.client(c.id)!.notes).toBe('made standalone');
  });

  it('an applied answer with a record that is not valid does not block the outbox: it becomes an issue', async () => {
    const { cloud, url } = await startCloud();
    let corrupt = false;
    const faulty: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!corrupt || init?.method !== 'POST') return res;
      corrupt = false;
      const body = (await res.json()) as { results: Array<{ data?: Record<string, unknown> }> };
      if (body.results[0]?.data) body.results[0].data.kind = 'robot';
      return new Response(JSON.stringify(body), { status: res.status, headers: { 'content-type': 'application/json' } });
    };
    const a = await startAgent(url, { fetch: faulty });
    await sync(a).syncNow();
    const [c1, c2] = generateClients(30).slice(19, 21);
    corrupt = true;
    await json(await a.api(`/api/v1/clients/${c1!.id}`, { method: 'PATCH', json: { notes: 'odd answer' } }));
    await statusWhere(a, (s) => s.issues === 1 && s.pending === 0);
    expect(a.agent.services.syncIssues.list()[0]).toMatchObject({ kind: 'rejected', code: 'invalid-answer' });
    await json(await a.api(`/api/v1/clients/${c2!.id}`, { method: 'PATCH', json: { notes: 'next one' } }));
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0);
    expect(cloud.client(c2!.id)!.notes).toBe('next one');
    expect(a.agent.services.directory.getClient(c1!.id).notes).toBe('odd answer');
  });

  it('an edit still on its way to disk is not sent, and the push waits for it rather than send nothing', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    // a slow disk: every journal write takes 200 ms more to be durable
    const journal: unknown = Reflect.get(a.agent.services.directoryStore, 'journal');
    const append: unknown = Reflect.get(journal as object, 'append');
    if (typeof append !== 'function') throw new Error('no journal.append');
    Reflect.set(journal as object, 'append', (ops: unknown) => {
      const r = Reflect.apply(append, journal, [ops]) as { durable: Promise<void> };
      return { ...r, durable: r.durable.then(() => new Promise<void>((ok) => setTimeout(ok, 200))) };
    });
    const c = generateClients(30)[21]!;
    await json(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: 'slow disk' } }));
    await statusWhere(a, (s) => s.state === 'idle' && s.pending === 0);
    expect(cloud.client(c.id)!.notes).toBe('slow disk');
    expect(cloud.requests.filter((r) => r.path === '/v1/directory/mutations').map((r) => r.status)).toEqual([200]);
  });

  it('the last sync time survives a restart', async () => {
    const { url } = await startCloud();
    const dir = (await import('../../helpers/config.js')).tempDir();
    const first = await startAgent(url, { dir });
    await sync(first).syncNow();
    const at = sync(first).status().lastSyncAt;
    await first.close();
    agents = agents.filter((x) => x !== first);
    const again = await startAgent(url, { dir, token: 'wrong-token' });
    expect(sync(again).status().lastSyncAt).toBe(at);
  });
});

describe('failures', () => {
  it('410: pulls everything again, removes what the cloud no longer has, keeps an edit still pending', async () => {
    const { cloud, url } = await startCloud();
    let holdPull: (() => void) | null = null;
    let gate: Promise<void> | null = null;
    const gated: typeof fetch = async (input, init) => {
      if (gate && String(input).includes('/changes')) await gate;
      return fetch(input, init);
    };
    const a = await startAgent(url, { fetch: gated });
    await sync(a).syncNow();
    const [kept, gone, edited] = generateClients(30);
    cloud.deleteClient(gone!.id);
    cloud.expireCursors(); // the tombstone is forgotten: only a full pull can tell
    gate = new Promise((r) => (holdPull = r));
    const cycle = sync(a).syncNow();
    await new Promise((r) => setTimeout(r, 50)); // the cycle's pull is waiting at the gate
    await json(await a.api(`/api/v1/clients/${edited!.id}`, { method: 'PATCH', json: { notes: 'edited during the pull' } }));
    gate = null;
    holdPull!();
    await cycle;
    expect(a.log.lines.some((l) => l.includes('410'))).toBe(true);
    expect(a.agent.services.directory.findById(gone!.id)).toBeNull();
    expect(a.agent.services.directory.findById(kept!.id)).not.toBeNull();
    expect(a.agent.services.directory.getClient(edited!.id).notes).toBe('edited during the pull');
    await statusWhere(a, (s) => s.pending === 0 && s.state === 'idle');
    expect(cloud.client(edited!.id)!.notes).toBe('edited during the pull');
  });

  it('a refused token stops syncing with the reason, keeps the local copy, and does not hammer', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url, { token: 'wrong-token' });
    const s = await statusWhere(a, (x) => x.state === 'error');
    expect(s.stopped).toBe(true);
    expect(s.problem).toBe('auth');
    expect(s.reason).toMatch(/refused the agent's token: 401.*cloud\.token/);
    await json(await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Local', firstName: 'Only' } }));
    const seen = cloud.requests.length;
    await new Promise((r) => setTimeout(r, 600)); // many backoff periods at these test timings
    expect(cloud.requests.length).toBe(seen);
    expect(sync(a).status().pending).toBe(1);
    const events = await json<SyncStatus>(await a.api('/api/v1/sync'));
    expect(events).toMatchObject({ state: 'error', stopped: true, pending: 1 });
  });

  it('5xx: backs off and retries; edits made meanwhile go up when the cloud recovers', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    cloud.fault = { status: 503 };
    await json(await a.api(`/api/v1/clients/${generateClients(30)[0]!.id}`, { method: 'PATCH', json: { notes: 'during 503' } }));
    const s = await statusWhere(a, (x) => x.state === 'error' && x.problem === 'server');
    expect(s.reason).toMatch(/503/);
    await new Promise((r) => setTimeout(r, 700));
    const tries = cloud.requests.filter((r) => r.status === 503).length;
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThan(8); // 50, 100, 200, 400 ms…: backoff, not a loop
    cloud.fault = null;
    await statusWhere(a, (x) => x.state === 'idle' && x.pending === 0, 3_000);
    expect(cloud.client(generateClients(30)[0]!.id)!.notes).toBe('during 503');
  });

  it('a cloud that does not answer times out (offline), the edit waits', async () => {
    const { cloud, url } = await startCloud();
    const a = await startAgent(url);
    await sync(a).syncNow();
    cloud.fault = 'hang';
    await json(await a.api(`/api/v1/clients/${generateClients(30)[1]!.id}`, { method: 'PATCH', json: { notes: 'hang' } }));
    const s = await statusWhere(a, (x) => x.state === 'offline' && x.problem === 'timeout', 4_000);
    expect(s.reason).toMatch(/did not answer within 1 s/);
    expect(s.pending).toBe(1);
  });
});
