import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Directory } from '../../../agent/directory/directory.js';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import type { Client } from '../../../agent/directory/schema.js';
import { EventBus } from '../../../agent/events.js';
import { memoryLogger } from '../../../agent/log.js';
import { OutboxRecorder } from '../../../agent/sync/outbox-recorder.js';
import { SyncStore, type SyncedStore } from '../../../agent/sync/sync-store.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';
import { tempDir } from '../../helpers/agent.js';

/**
 * The directory's JSON text of search pages and clients (what the HTTP API answers with) is
 * joined from cached per-client JSON: it must be `JSON.stringify` of the uncached value, byte for
 * byte, after any change of whatever a client's output is made of.
 */

let stores: SyncedStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  stores = [];
});

async function open(opts: { clients?: number; jsonCacheSize?: number; synced?: boolean; fs?: FaultyFs } = {}) {
  const sync = new SyncStore();
  const store = new DirectoryStore(path.join(tempDir(), 'directory'), memoryLogger(), { shardCount: 4, sections: [sync.section], fs: opts.fs });
  await store.load();
  stores.push(store);
  const groups = generateGroups();
  const clients = generateClients(opts.clients ?? 600);
  await store.commit(groups.map((record) => ({ op: 'group.put' as const, record })));
  await store.commit(clients.map((record) => ({ op: 'client.put' as const, record })));
  const directory = new Directory(store, new EventBus(), { jsonCacheSize: opts.jsonCacheSize, recorder: opts.synced ? new OutboxRecorder(sync.outbox) : undefined });
  directory.start();
  return { store, sync, directory, clients, groups };
}

/** Queries of every kind the till sends, from the data: letters, names, cities, NPAs, cards, nothing. */
function queriesOf(clients: readonly Client[]): string[] {
  const qs = new Set(['', 'm', 'mu', 'fav', 'gen', 'zurich', 'rue', 'sa', '079', '+41 7', 'xqzv', 'mueller', 'helene mul']);
  for (const c of clients.slice(0, 60)) {
    if (c.lastName) qs.add(c.lastName).add(c.lastName.slice(0, 2));
    if (c.companyName) qs.add(c.companyName.split(' ')[0]!);
    if (c.firstName && c.lastName) qs.add(`${c.firstName} ${c.lastName.slice(0, 3)}`);
    if (c.address.city) qs.add(c.address.city);
    if (c.address.postalCode) qs.add(c.address.postalCode);
    if (c.reference) qs.add(c.reference);
    if (c.accountNumber) qs.add(c.accountNumber);
    if (c.email) qs.add(c.email.slice(0, 6));
  }
  return [...qs];
}

/** Every page of every query (limits 20 and 100, following `next`), and every client alone, as text and as stringified value. */
function expectSameAsUncached(directory: Directory, queries: readonly string[]): void {
  for (const q of queries) {
    for (const limit of [20, 100]) {
      let cursor: string | null = null;
      for (let n = 0; n < 5; n++) {
        const text = directory.searchJson(q, limit, cursor);
        const page = directory.search(q, limit, cursor);
        expect(text, `q=${JSON.stringify(q)} limit=${limit} page ${n}`).toBe(JSON.stringify(page));
        if (!page.next) break;
        cursor = page.next;
      }
    }
  }
  for (const c of directory.eachClient()) {
    const one = directory.getClientJson(c.id);
    expect(one.json).toBe(JSON.stringify(directory.getClient(c.id)));
    expect(one.etag).toBe(directory.getClient(c.id).etag);
    if (c.reference) expect(directory.getClientByReferenceJson(c.reference).json).toBe(one.json);
  }
}

/** Fills the cache from every client (a listing of everyone), so that the next check meets cached entries. */
function serveAll(directory: Directory): void {
  let cursor: string | null = null;
  do cursor = JSON.parse(directory.searchJson('', 100, cursor)).next;
  while (cursor);
}

describe('the JSON of search pages and clients', () => {
  it.each([
    ['every client fits in the cache', undefined],
    ['a cache far smaller than one listing (entries evicted all the time)', 7],
  ])('is JSON.stringify of the uncached value for many queries, before and after edits of every input: %s', async (_, jsonCacheSize) => {
    const { store, directory, clients, groups } = await open({ jsonCacheSize });
    const queries = queriesOf(clients);
    expectSameAsUncached(directory, queries);
    expectSameAsUncached(directory, queries); // now from the cache

    const grouped = clients.filter((c) => c.groupId !== null);
    const [a, b, c, d] = [clients[0]!, clients[1]!, clients[2]!, clients[3]!];
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['a client edited', () => directory.updateClient(a.id, { lastName: 'Zwahlen', notes: 'new "notes"\nwith a line' })],
      ['a client moved to a group', () => directory.updateClient(b.id, { groupId: groups[0]!.id })],
      ['a client out of its group', () => directory.updateClient(grouped[0]!.id, { groupId: null })],
      ['a group renamed', () => directory.updateGroup(grouped[1]!.groupId!, { name: 'Renamed «ü»' })],
      ['a group discount changed', () => directory.updateGroup(grouped[2]!.groupId!, { discountPercent: 33 })],
      ['balances changed (as the care routes and the sync put them)', () => store.commit([{ op: 'client.put', record: { ...store.clients.get(c.id)!, accountBalance: 12345, walletBalance: -5 } }])],
      ['a client deleted', () => directory.deleteClient(d.id)],
      ['a deleted client restored', async () => directory.restoreClient(await directory.deleteClient(c.id))],
      ['a client created', () => directory.createClient({ lastName: 'Aebischer', firstName: 'Zoé', address: { city: 'Fribourg', postalCode: '1700' } })],
      ['a batch of edits', () => directory.commitClientChanges(clients.slice(10, 15).map((x) => ({ op: 'update' as const, id: x.id, patch: { firstName: 'Batch' } })))],
      ['a group deleted with its clients moved', () => directory.deleteGroupMovingClients(grouped[3]!.groupId!, null)],
      // a pull can remove a group whose clients the cloud moves later: their `group` is null meanwhile
      ['a group gone under its clients (a pull)', () => store.commit([{ op: 'group.del', id: grouped.find((x) => store.groups.has(x.groupId!))!.groupId! }])],
    ];
    for (const [what, step] of steps) {
      serveAll(directory);
      await step();
      try {
        expectSameAsUncached(directory, queries);
      } catch (err) {
        throw new Error(`after "${what}": ${(err as Error).message}`);
      }
    }
    expect(JSON.parse(directory.getClientJson(a.id).json)).toMatchObject({ lastName: 'Zwahlen' });
    expect(JSON.parse(directory.getClientJson(c.id).json)).toMatchObject({ accountBalance: 12345, walletBalance: -5 });
    expect(() => directory.getClientJson(d.id)).toThrow(/does not exist/);
  });

  it('never serves a changed client stale: each edit shows in the next search page', async () => {
    const { directory, clients } = await open({ clients: 200 });
    const target = clients.find((c) => c.kind === 'person' && c.reference)!;
    for (let i = 0; i < 20; i++) {
      directory.searchJson(target.reference!); // cached as it is now
      const saved = await directory.updateClient(target.id, { notes: `edit ${i}` });
      const page = JSON.parse(directory.searchJson(target.reference!)) as { items: Array<{ id: string; notes: string; version: number }> };
      expect(page.items[0]).toMatchObject({ id: target.id, notes: `edit ${i}`, version: saved.version });
      expect(JSON.parse(directory.getClientJson(target.id).json)).toMatchObject({ notes: `edit ${i}` });
    }
  });

  it('follows the etag when only the outbox changes (a push accepted: the record stays, its etag loses the pending edit)', async () => {
    const { store, sync, directory, clients } = await open({ clients: 50, synced: true });
    const c = clients[0]!;
    const before = directory.getClientJson(c.id);
    await directory.updateClient(c.id, { notes: 'waiting for the cloud' });
    const pending = directory.getClientJson(c.id);
    expect(pending.etag).toMatch(/^\d+-[0-9a-f]{8}$/);
    expect(pending.etag).not.toBe(before.etag);
    const record = store.clients.get(c.id);
    // what a push does when the cloud took the edit and has nothing newer: the outbox entry goes, the record stays
    await store.commit([...sync.outbox.values()].map((m) => ({ op: 'outbox.del' as const, key: m.key })));
    expect(store.clients.get(c.id)).toBe(record);
    const after = directory.getClientJson(c.id);
    expect(after.etag).toBe(String(record!.version));
    expect(after.json).toBe(JSON.stringify(directory.getClient(c.id)));
    expect(directory.searchJson(c.reference ?? c.id)).toBe(JSON.stringify(directory.search(c.reference ?? c.id)));
  });

  it('follows a failed write back: the client is served as it is again, not as the write would have made it', async () => {
    const fs = new FaultyFs();
    const { directory, clients } = await open({ clients: 50, fs });
    const c = clients[0]!;
    const asStored = directory.getClientJson(c.id).json;
    fs.failSyncs = 1;
    const failing = directory.updateClient(c.id, { notes: 'never durable' });
    // applied in memory at once, so a request meanwhile sees it (and it is cached)
    expect(JSON.parse(directory.getClientJson(c.id).json)).toMatchObject({ notes: 'never durable' });
    await expect(failing).rejects.toThrow();
    expect(directory.getClientJson(c.id).json).toBe(asStored);
    expect(asStored).toBe(JSON.stringify(directory.getClient(c.id)));
  });
});
