import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import type { Client } from '../../../agent/directory/schema.js';
import { memoryLogger } from '../../../agent/log.js';
import type { Journal } from '../../../agent/store/journal.js';
import { tempDir } from '../../helpers/agent.js';
import { openFilesUnder } from '../../helpers/open-files.js';
import { personRecord } from '../../fixtures/records.js';

const person = (id: string, lastName: string): Client => personRecord(id, { lastName });

async function open(dir: string, shardCount = 4) {
  const log = memoryLogger();
  const store = new DirectoryStore(dir, log, { shardCount, snapshotIdleMs: 60_000 });
  const result = await store.load();
  return { store, log, ...result };
}

describe('DirectoryStore', () => {
  it('a load refused after the journal was opened (a segment missing) leaves no file open', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const store = new DirectoryStore(dir, memoryLogger(), { shardCount: 4, snapshotIdleMs: 60_000, storeDir });
    await store.load();
    await store.commit([{ op: 'client.put', record: person('a', 'Aebi') }]);
    await store.snapshot();
    await store.commit([{ op: 'client.put', record: person('b', 'Blanc') }]);
    await store.close();
    expect(openFilesUnder(storeDir)).toEqual([]);
    const journal = path.join(dir, 'journal');
    const segments = readdirSync(journal).sort();
    rmSync(path.join(journal, segments.at(-1)!));
    const again = new DirectoryStore(dir, memoryLogger(), { shardCount: 4, snapshotIdleMs: 60_000, storeDir });
    await expect(again.load()).rejects.toThrow(/is missing: the changes made since the last snapshot/);
    // the journal's segment it had opened for appending is closed, not left for the GC to find
    expect(openFilesUnder(storeDir)).toEqual([]);
  });

  it('keeps every committed change across a restart (journal replay, no snapshot)', async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    await store.commit([{ op: 'client.put', record: person('a', 'Aebi') }]);
    await store.commit([{ op: 'client.put', record: person('b', 'Blanc') }]);
    await store.commit([{ op: 'client.del', id: 'a' }]);
    await store.commit([{ op: 'group.put', record: { id: 'vip', name: 'VIP', discountPercent: 10, version: 1, updatedAt: 'x' } }]);
    // no close(): as after a crash, only the journal holds the changes
    const again = await open(dir);
    expect([...again.store.clients.keys()]).toEqual(['b']);
    expect(again.store.groups.get('vip')?.discountPercent).toBe(10);
    expect(again.replayed).toBe(4);
    await again.store.close();
    await store.close().catch(() => undefined);
  });

  it('a shard changed after a restart is written whole: the clients it held from its file, less the one removed, plus the one added', async () => {
    const dir = tempDir();
    const first = await open(dir);
    for (let i = 0; i < 40; i++) await first.store.commit([{ op: 'client.put', record: person(`c${i}`, `Name${i}`) }]);
    await first.store.snapshot();
    await first.store.close();
    // each shard's ids come from its file at the load: one removal, one edit, one new client, then a snapshot and a start
    const second = await open(dir);
    await second.store.commit([{ op: 'client.del', id: 'c7' }]);
    await second.store.commit([{ op: 'client.put', record: person('c8', 'Renamed') }]);
    await second.store.commit([{ op: 'client.put', record: person('new', 'Neu') }]);
    await second.store.snapshot();
    await second.store.close();
    rmSync(path.join(dir, 'journal'), { recursive: true }); // the shards alone must hold it all
    const third = await open(dir);
    const expected = [...Array.from({ length: 40 }, (_, i) => `c${i}`).filter((id) => id !== 'c7'), 'new'].sort();
    expect([...third.store.clients.keys()].sort()).toEqual(expected);
    expect(third.store.clients.get('c8')?.lastName).toBe('Renamed');
    await third.store.close();
  });

  it('snapshots into shards and trims the journal; reload gives the same directory', async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    for (let i = 0; i < 40; i++) await store.commit([{ op: 'client.put', record: person(`c${i}`, `Name${i}`) }]);
    await store.snapshot();
    await store.commit([{ op: 'client.put', record: person('late', 'Zeller') }]);
    await store.snapshot();
    await store.close();
    expect(readdirSync(path.join(dir, 'clients')).filter((f) => f.endsWith('.json')).length).toBe(4);
    const segments = readdirSync(path.join(dir, 'journal'));
    expect(segments.length).toBeLessThanOrEqual(3);
    const again = await open(dir);
    expect(again.store.clients.size).toBe(41);
    expect(again.replayed).toBe(0);
    await again.store.close();
  });

  it('a snapshot of only the changed shard leaves the others untouched', async () => {
    const dir = tempDir();
    const { store } = await open(dir, 8);
    for (let i = 0; i < 40; i++) await store.commit([{ op: 'client.put', record: person(`c${i}`, `N${i}`) }]);
    await store.snapshot();
    const before = new Map(readdirSync(path.join(dir, 'clients')).map((f) => [f, 1]));
    await store.commit([{ op: 'client.put', record: { ...person('c1', 'Changed'), version: 2 } }]);
    await store.snapshot();
    const withBak = readdirSync(path.join(dir, 'clients')).filter((f) => f.endsWith('.bak'));
    // only shards written twice have a .bak: the first snapshot wrote each once, the second only c1's
    expect(withBak).toHaveLength(1);
    expect(before.size).toBeGreaterThan(0);
    await store.close();
  });

  it('recovers a corrupt shard from its backup and replays the journal on top', async () => {
    const dir = tempDir();
    const { store } = await open(dir, 1);
    await store.commit([{ op: 'client.put', record: person('a', 'Aebi') }]);
    await store.snapshot();
    await store.commit([{ op: 'client.put', record: person('b', 'Blanc') }]);
    await store.snapshot();
    await store.close();
    writeFileSync(path.join(dir, 'clients', 'shard-000.json'), '{"format":1,"seq":');
    const again = await open(dir, 1);
    expect(again.recovered).toEqual(['shard-000.json']);
    expect([...again.store.clients.keys()].sort()).toEqual(['a', 'b']);
    expect(again.log.lines.some((l) => l.startsWith('error STORE RECOVERY'))).toBe(true);
    await again.store.close();
  });

  it('refuses to start when a shard is unreadable and has no backup', async () => {
    const dir = tempDir();
    const { store } = await open(dir, 1);
    await store.commit([{ op: 'client.put', record: person('a', 'Aebi') }]);
    await store.close();
    writeFileSync(path.join(dir, 'clients', 'shard-000.json'), 'x');
    const err = await open(dir, 1).catch((e: unknown) => e);
    expect(String(err)).toMatch(/unreadable.*will not start with an empty directory/s);
  });

  it('undoes a change in memory when it cannot be written, and tells listeners', async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    await store.commit([{ op: 'client.put', record: person('a', 'Aebi') }]);
    const seen: string[] = [];
    store.onChange((c) => seen.push(`${c.id}:${c.after ? 'put' : 'del'}`));
    // Break the disk under the journal.
    const journal = (store as unknown as { journal: Journal }).journal;
    await journal.close();
    await expect(store.commit([{ op: 'client.del', id: 'a' }])).rejects.toThrow(/could not be saved/);
    expect(store.clients.has('a')).toBe(true);
    expect(seen).toEqual(['a:del', 'a:put']);
  });
});
