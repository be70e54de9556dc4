import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Directory } from '../../../agent/directory/directory.js';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import { decodeFile } from '../../../agent/store/durable-file.js';
import { EventBus } from '../../../agent/events.js';
import { memoryLogger } from '../../../agent/log.js';
import { OutboxRecorder } from '../../../agent/sync/outbox-recorder.js';
import type { Mutation } from '../../../agent/sync/records.js';
import { SyncStore, type SyncedStore } from '../../../agent/sync/sync-store.js';
import { tempDir } from '../../helpers/agent.js';

/**
 * The directory with a cloud, without the network: every edit lands in the outbox in the same
 * durable write, versions stay the cloud's, the etag still changes at every edit, and the outbox
 * (with the cursor and the issues) survives a restart, from the journal or from a snapshot.
 */

let stores: SyncedStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  stores = [];
});

async function open(dir: string): Promise<{ store: SyncedStore; sync: SyncStore; directory: Directory }> {
  const sync = new SyncStore();
  const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger(), { shardCount: 4, sections: [sync.section] });
  await store.load();
  stores.push(store);
  const directory = new Directory(store, new EventBus(), { recorder: new OutboxRecorder(sync.outbox) });
  directory.start();
  return { store, sync, directory };
}

const outbox = (sync: SyncStore): Mutation[] => [...sync.outbox.values()];

describe('the outbox', () => {
  it('gets one mutation per edit, in order, with only the changed fields and the cloud base; versions are not invented', async () => {
    const { sync, directory } = await open(tempDir());
    const g = await directory.createGroup({ name: 'VIP', discountPercent: 10 });
    const c = await directory.createClient({ lastName: 'Favre', firstName: 'Luc', groupId: g.id, address: { city: 'Nyon', postalCode: '1260' } });
    expect(c.version).toBe(0);
    expect(c.etag).toMatch(/^0-[0-9a-f]{8}$/);
    const edited = await directory.updateClient(c.id, { phone: '+41 22 000 00 00', address: { city: 'Gland' } }, c.etag);
    expect(edited.version).toBe(0);
    expect(edited.etag).not.toBe(c.etag);
    await directory.deleteClient(c.id, edited.etag);

    const m = outbox(sync);
    expect(m.map((x) => [x.entity, x.op, x.id])).toEqual([
      ['group', 'create', g.id],
      ['client', 'create', c.id],
      ['client', 'update', c.id],
      ['client', 'delete', c.id],
    ]);
    expect(m[1]!.data).toMatchObject({ lastName: 'Favre', groupId: g.id, address: { city: 'Nyon', country: 'CH' } });
    expect(m[2]!.data).toEqual({ phone: '+41 22 000 00 00', address: { city: 'Gland' } });
    // the client is not in the cloud yet: the update stands on nothing until its create is applied
    expect(m[2]!.base).toBeNull();
    expect(new Set(m.map((x) => x.mutationId)).size).toBe(4);
  });

  it('a stale If-Match is refused while an edit waits for the cloud (the etag names the edit)', async () => {
    const { directory } = await open(tempDir());
    const c = await directory.createClient({ lastName: 'Meier', firstName: 'Eva' });
    await directory.updateClient(c.id, { notes: 'a' }, c.etag);
    await expect(directory.updateClient(c.id, { notes: 'b' }, c.etag)).rejects.toMatchObject({ kind: 'stale' });
  });

  it('a failed disk write leaves neither the record nor its outbox entry', async () => {
    const { store, sync, directory } = await open(tempDir());
    const c = await directory.createClient({ lastName: 'Rochat', firstName: 'Anne' });
    const before = outbox(sync).length;
    // break the journal under it: the next write fails
    const journal: unknown = Reflect.get(store, 'journal');
    Reflect.set(store, 'journal', {
      append: () => ({ durable: Promise.reject(new Error('disk full')) }),
      segmentBytes: 0,
    });
    await expect(directory.updateClient(c.id, { notes: 'lost' })).rejects.toThrow('disk full');
    expect(directory.getClient(c.id).notes).toBeNull();
    expect(outbox(sync)).toHaveLength(before);
    expect(sync.outbox.pendingFor('client', c.id)).toHaveLength(1);
    Reflect.set(store, 'journal', journal); // the real one again, so that the store closes its file
  });

  it('survives a restart from the journal alone, and from a snapshot', async () => {
    const dir = tempDir();
    const first = await open(dir);
    const c = await first.directory.createClient({ lastName: 'Bühler', firstName: 'Jürg' });
    await first.directory.updateClient(c.id, { email: 'jurg@example.ch' });
    await first.store.commit([{ op: 'sync.cursor', state: { cursor: 'abc', full: null, adopted: true, url: 'https://cloud.example.ch', lastSyncAt: null } }]);
    const keys = outbox(first.sync).map((m) => m.key);
    // no close(): as after a crash, only the journal holds them
    stores = [];

    const second = await open(dir);
    expect(outbox(second.sync).map((m) => m.key)).toEqual(keys);
    expect(second.sync.cursor.cursor).toBe('abc');
    expect(second.sync.outbox.pendingFor('client', c.id)).toHaveLength(2);
    await second.store.close(); // writes a snapshot, trims the journal
    stores = [];

    const third = await open(dir);
    expect(outbox(third.sync).map((m) => m.key)).toEqual(keys);
    expect(third.sync.cursor).toEqual({ cursor: 'abc', full: null, adopted: true, url: 'https://cloud.example.ch', lastSyncAt: null });
    expect(third.directory.getClient(c.id).email).toBe('jurg@example.ch');
  });

  it('keeps meta.json as it always was: the directory\'s fields, then outbox, sync, issues', async () => {
    const dir = tempDir();
    const { store, directory } = await open(dir);
    const c = await directory.createClient({ lastName: 'Jaquet', firstName: 'Iris' });
    await store.snapshot();
    const meta = decodeFile(readFileSync(path.join(dir, 'directory', 'meta.json'), 'utf8'));
    expect(Object.keys(meta as object)).toEqual(['format', 'seq', 'shardCount', 'shardSeqs', 'groups', 'outbox', 'sync', 'issues']);
    expect(meta).toMatchObject({ outbox: [{ entity: 'client', op: 'create', id: c.id }], sync: { cursor: null, adopted: false }, issues: [] });
  });

  it('a store opened without the sync\'s part refuses a journal that holds sync changes, rather than losing them', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.directory.createClient({ lastName: 'Rey', firstName: 'Marc' });
    stores = []; // as after a crash: only the journal holds the edit and its outbox entry
    const bare = new DirectoryStore(path.join(dir, 'directory'), memoryLogger(), { shardCount: 4 });
    await expect(bare.load()).rejects.toThrow(/holds a "outbox.put" change .* that nothing in this agent reads/);
  });

  it('a store opened without the sync\'s part refuses a meta.json that holds the outbox, rather than dropping it at its next snapshot', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await first.directory.createClient({ lastName: 'Rey', firstName: 'Marc' });
    await first.store.close(); // the outbox entry is in meta.json now, the journal trimmed
    stores = [];
    const bare = new DirectoryStore(path.join(dir, 'directory'), memoryLogger(), { shardCount: 4 });
    await expect(bare.load()).rejects.toThrow(/meta.json holds outbox, sync, issues, which nothing in this agent reads/);
    const again = await open(dir);
    expect(outbox(again.sync)).toHaveLength(1);
  });
});
