import { appendFileSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import type { Client } from '../../../agent/directory/schema.js';
import { memoryLogger } from '../../../agent/log.js';
import { EventBus } from '../../../agent/events.js';
import { JobStore } from '../../../agent/printing/jobs.js';
import { JournalUnavailableError } from '../../../agent/store/journal.js';
import { loadOrCreateSecrets } from '../../../agent/secrets.js';
import { tempDir } from '../../helpers/agent.js';
import { CrashableFs } from '../../fakes/crashable-fs.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { personRecord } from '../../fixtures/records.js';
import { until } from '../../helpers/until.js';

/**
 * Every writer of the store on a disk that fails (test/fakes/faulty-fs.ts), as SQLite tests its
 * own: a full disk that writes short first, an fsync that fails, a fault at each write call in turn.
 * What counts is what a restart on the plain file system finds, against what was acknowledged.
 */

const person = (id: string, notes: string | null = null): Client => personRecord(id, { notes });

// The stores a test drops without closing (a crash) have their files closed after it, as the OS would.
const processes: CrashableFs[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.crash()));
});

async function open(dir: string, fs?: FaultyFs, opts: { snapshotBytes?: number; storeDir?: string; usedBefore?: boolean } = {}) {
  const log = memoryLogger();
  const crashable = new CrashableFs(fs);
  processes.push(crashable);
  const store = new DirectoryStore(dir, log, { shardCount: 4, snapshotIdleMs: 60_000, ...opts, fs: crashable });
  await store.load();
  return { store, log };
}

const segments = (dir: string) => readdirSync(path.join(dir, 'journal')).filter((n) => n.endsWith('.log')).sort();
const journalBytes = (dir: string) => segments(dir).reduce((n, s) => n + statSync(path.join(dir, 'journal', s)).size, 0);

describe('the directory store on a disk that fails', () => {
  it('a write cut short by a full disk is refused and undone, the journal cut back to its last entry (never padded); once space is freed, writes work again without a restart', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    const { store } = await open(dir, fs);
    await store.commit([{ op: 'client.put', record: person('a') }]);
    const before = journalBytes(dir);
    fs.free = 100; // the next line is longer: written short, then refused
    const err = await store.commit([{ op: 'client.put', record: person('b', 'x'.repeat(500)) }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalUnavailableError);
    expect(err).toMatchObject({ diskFull: true });
    expect(store.clients.has('b')).toBe(false);
    expect(journalBytes(dir)).toBe(before);
    const text = readFileSync(path.join(dir, 'journal', segments(dir).at(-1)!), 'latin1');
    expect(text.includes('\0')).toBe(false);
    // a second try while still full: refused the same way, nothing padded
    await expect(store.commit([{ op: 'client.put', record: person('c') }])).rejects.toBeInstanceOf(JournalUnavailableError);
    expect(journalBytes(dir)).toBe(before);
    fs.free = Infinity; // space freed
    await store.commit([{ op: 'client.put', record: person('d') }]);
    // as after a crash
    const again = await open(dir);
    expect([...again.store.clients.keys()].sort()).toEqual(['a', 'd']);
  });

  it('an fsync that fails (EIO): the change is refused and undone, and the journal is as before', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    const { store } = await open(dir, fs);
    await store.commit([{ op: 'client.put', record: person('a') }]);
    const before = journalBytes(dir);
    fs.failSyncs = 1;
    await expect(store.commit([{ op: 'client.put', record: person('b') }])).rejects.toBeInstanceOf(JournalUnavailableError);
    expect(store.clients.has('b')).toBe(false);
    expect(journalBytes(dir)).toBe(before);
    await store.commit([{ op: 'client.put', record: person('c') }]);
    const again = await open(dir);
    expect([...again.store.clients.keys()].sort()).toEqual(['a', 'c']);
  });

  it('a snapshot that fails on a full disk (after its journal rotated to a new, empty segment) leaves nothing that blocks the next start', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    const { store } = await open(dir, fs);
    for (const id of ['a', 'b', 'c']) await store.commit([{ op: 'client.put', record: person(id, 'n'.repeat(200)) }]);
    fs.free = 600; // a torn line, then the snapshot cannot write its shards
    await store.commit([{ op: 'client.put', record: person('d', 'n'.repeat(2000)) }]).catch(() => undefined);
    await expect(store.snapshot()).rejects.toThrow();
    expect(segments(dir).length).toBeGreaterThanOrEqual(2); // the rotation happened
    expect(readdirSync(path.join(dir, 'clients')).filter((n) => n.endsWith('.tmp'))).toEqual([]); // no temp file holds space
    // stopped here (no close), space freed, started again
    const again = await open(dir);
    expect([...again.store.clients.keys()].sort()).toEqual(['a', 'b', 'c']);
  });

  it('a torn last write followed only by empty segments (a power cut, then a rotation) is a torn tail, not damage', async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    for (const id of ['a', 'b']) await store.commit([{ op: 'client.put', record: person(id) }]);
    const seg = path.join(dir, 'journal', segments(dir).at(-1)!);
    appendFileSync(seg, '0badc0de {"seq":3,"ops":[{"op":"client.put"'); // cut mid-line, never acknowledged
    writeFileSync(path.join(dir, 'journal', 'journal-000000000099.log'), '');
    const again = await open(dir);
    expect([...again.store.clients.keys()].sort()).toEqual(['a', 'b']);
    expect(again.log.lines.some((l) => /dropping an unfinished last write .* bytes=\d+/.test(l))).toBe(true);
  });

  it('a full disk at each write call in turn: after a restart (with the manifest checks) the store holds exactly what was acknowledged', async () => {
    for (let n = 1; n <= 40; n++) {
      const storeDir = tempDir();
      const dir = path.join(storeDir, 'directory');
      const fs = new FaultyFs();
      // small journal: snapshots (shards, meta, manifest, rotations) happen inside the run too
      const { store } = await open(dir, fs, { snapshotBytes: 1500, storeDir });
      fs.failWriteCall = n;
      const acknowledged = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const id = `c${i}`;
        const ok = await store.commit([{ op: 'client.put', record: person(id, 'z'.repeat(100)) }]).then(
          () => true,
          () => false,
        );
        if (ok) acknowledged.add(id);
        if (i % 4 === 3) await store.snapshot().catch(() => undefined);
      }
      await store.settled();
      fs.failWriteCall = 0;
      await store.close(); // a stop after the fault: its snapshot and manifest too
      const again = await open(dir, undefined, { storeDir, usedBefore: true });
      expect({ n, ids: [...again.store.clients.keys()].sort() }).toEqual({ n, ids: [...acknowledged].sort() });
    }
  });

  it('a write refused on a full disk, then a snapshot that fails after rotating, a crash, more writes and restarts: no number is given twice', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const fs = new FaultyFs();
    const first = await open(dir, fs, { storeDir });
    for (const id of ['a', 'b']) await first.store.commit([{ op: 'client.put', record: person(id) }]);
    fs.free = 0;
    await expect(first.store.commit([{ op: 'client.put', record: person('x') }])).rejects.toMatchObject({ diskFull: true }); // its number holds nothing
    await expect(first.store.snapshot()).rejects.toThrow(); // rotated to a segment named after that number, then no room
    // a crash here; space freed
    const second = await open(dir, undefined, { storeDir, usedBefore: true });
    await second.store.commit([{ op: 'client.put', record: person('c') }]);
    await second.store.snapshot();
    await second.store.commit([{ op: 'client.put', record: person('d') }]);
    // a crash again
    const third = await open(dir, undefined, { storeDir, usedBefore: true });
    expect([...third.store.clients.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    await third.store.commit([{ op: 'client.put', record: person('e') }]);
    await third.store.close();
    const fourth = await open(dir, undefined, { storeDir, usedBefore: true });
    expect([...fourth.store.clients.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a change refused while a snapshot is being written is never in a snapshot file', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const fs = new FaultyFs();
    const { store } = await open(dir, fs, { storeDir });
    for (let i = 0; i < 12; i++) await store.commit([{ op: 'client.put', record: person(`p${i}`) }]);
    fs.syncDelayMs = 10; // the snapshot's shards take a while
    fs.syncDelayOf = { match: 'journal-', ms: 200 }; // and the journal's next write longer, to fail at the end
    fs.failSyncOf = 'journal-';
    // the change comes while the snapshot switches segments: its write is still on its way when the snapshot takes the shards
    const snapshot = store.snapshot();
    await expect(store.commit([{ op: 'client.put', record: person('refused') }])).rejects.toBeInstanceOf(JournalUnavailableError);
    await snapshot;
    fs.syncDelayMs = 0;
    fs.syncDelayOf = null;
    // a crash now, before another snapshot could write the shard again
    const again = await open(dir, undefined, { storeDir, usedBefore: true });
    expect(again.store.clients.has('refused')).toBe(false);
    expect(again.store.clients.size).toBe(12);
  });
});

describe('a snapshot that takes its shards one per turn', () => {
  it('a change made after its cut, then refused, is in no shard file (each shard is taken as it was at the cut)', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const fs = new FaultyFs();
    const { store } = await open(dir, fs, { storeDir });
    for (let i = 0; i < 12; i++) await store.commit([{ op: 'client.put', record: person(`p${i}`) }]);
    fs.syncDelayMs = 10; // each shard takes a while to write
    fs.syncDelayOf = { match: 'journal-', ms: 200 }; // the refused change stays in memory meanwhile
    const snapshot = store.snapshot();
    const clients = path.join(dir, 'clients');
    // the cut is made once the first shard is being written
    await until('a shard being written', () => existsSync(clients) && readdirSync(clients).some((n) => n.endsWith('.tmp')), 5000, 1);
    fs.failSyncOf = 'journal-';
    const renamed = Array.from({ length: 12 }, (_, i) => ({ op: 'client.put' as const, record: { ...person(`p${i}`), lastName: 'Refused', version: 2 } }));
    await expect(store.commit(renamed)).rejects.toBeInstanceOf(JournalUnavailableError);
    await snapshot;
    fs.syncDelayMs = 0;
    fs.syncDelayOf = null;
    for (const name of readdirSync(clients).filter((n) => n.endsWith('.json'))) expect(readFileSync(path.join(clients, name), 'utf8')).not.toContain('Refused');
    // a crash now: what a restart finds
    const again = await open(dir, undefined, { storeDir, usedBefore: true });
    expect([...again.store.clients.values()].filter((c) => c.lastName === 'Refused')).toEqual([]);
    expect(again.store.clients.size).toBe(12);
  });
});

describe('the print queue on a full disk', () => {
  it('a new job is refused while the disk is full; a job being printed goes on, and its progress is saved once the disk takes it', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    const log = memoryLogger();
    const jobs = new JobStore(dir, new EventBus(), log, Date.now, fs);
    await jobs.load();
    const job = await jobs.create({ type: 'receipt', printer: 'front', bytes: Buffer.from('ticket') });
    fs.free = 0;
    await expect(jobs.create({ type: 'receipt', printer: 'front', bytes: Buffer.from('another') })).rejects.toMatchObject({ diskFull: true });
    await jobs.update(job.id, { status: 'printing', attempts: 1 });
    const done = await jobs.update(job.id, { status: 'done', confirmed: 'printed' });
    expect(done.status).toBe('done');
    expect(log.lines.some((l) => /progress could not be saved; printing goes on.* problem="disk full"/.test(l))).toBe(true);
    fs.free = Infinity;
    await until('every job saved again', () => log.lines.some((l) => /every job is saved again/.test(l)), 5000, 50);
    const again = new JobStore(dir, new EventBus(), memoryLogger());
    await again.load();
    expect(again.get(job.id)).toMatchObject({ status: 'done', confirmed: 'printed' });
    expect(again.list(null, 10)).toHaveLength(1);
    await again.close();
    await jobs.close();
  }, 15_000);
});

describe('the print queue while a job is being written', () => {
  it('a job whose write is still on its way is not printed (nor snapshotted): if the write fails, no ticket came of a refused request', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    const jobs = new JobStore(dir, new EventBus(), memoryLogger(), Date.now, fs);
    await jobs.load();
    fs.syncDelayOf = { match: 'journal-', ms: 100 };
    fs.failSyncOf = 'journal-';
    const pending = jobs.create({ type: 'receipt', printer: 'front', bytes: Buffer.from('t') });
    await new Promise((r) => setTimeout(r, 20));
    expect(jobs.queuedFor('front')).toEqual([]); // the worker sees nothing to print yet
    await expect(pending).rejects.toBeInstanceOf(JournalUnavailableError);
    expect(jobs.queuedFor('front')).toEqual([]);
    fs.syncDelayOf = null;
    await jobs.close();
  });
});

describe('secrets', () => {
  it('the store folder is 0700 and secrets.json 0600; looser ones from before are tightened at start, and the log says so', async () => {
    const { openTestAgent } = await import('../../helpers/agent.js');
    const root = tempDir();
    const dir = path.join(root, 'store');
    const first = await openTestAgent({ dir });
    await first.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'secrets.json'), 0o644);
    const second = await openTestAgent({ dir });
    await second.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(second.log.lines.filter((l) => /was readable by other users; its mode is tightened .* was=(755|644) now=(700|600)/.test(l))).toHaveLength(2);
  });

  it('a store folder the agent may not write: the first start says so, with the path', async () => {
    const dir = tempDir();
    const fs = new FaultyFs();
    fs.denyOpen = ['secrets.json'];
    await expect(loadOrCreateSecrets(dir, memoryLogger(), fs)).rejects.toThrow(/EACCES.*secrets\.json/);
  });
});

describe('the agent on a full disk', () => {
  it('writes answer 507 saying what is free and what to do; reads, search and scans go on; freed, writes work again with no restart', async () => {
    const { openTestAgent } = await import('../../helpers/agent.js');
    const fs = new FaultyFs();
    const t = await openTestAgent({ options: { store: { fs } } });
    try {
      const created = await t.api('/api/v1/clients', { method: 'POST', json: { kind: 'person', civility: 'Mme', lastName: 'Müller', firstName: 'Hélène', reference: 'CARD-1' } });
      expect(created.status).toBe(201);
      fs.free = 0;
      const full = await t.api('/api/v1/clients', { method: 'POST', json: { kind: 'person', civility: 'M.', lastName: 'Favre', firstName: 'Luc' } });
      expect(full.status).toBe(507);
      expect(full.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await full.json()) as { title: string; detail: string; needBytes: number };
      expect(problem.title).toBe('Disk full');
      expect(problem.detail).toMatch(/is full .*nothing changed.*Free space on that disk.*no restart is needed/);
      expect(problem.needBytes).toBeGreaterThan(0);
      const print = await t.api('/api/v1/print', { method: 'POST', json: { type: 'client', client: { reference: 'CARD-1' } } });
      expect(print.status).toBe(507);
      // reads, search, scans
      expect((await t.api('/api/v1/clients?q=helene')).status).toBe(200);
      expect(((await (await t.api('/api/v1/clients?q=favre')).json()) as { items: unknown[] }).items).toHaveLength(0);
      const scan = (await (await t.api('/api/v1/scans', { method: 'POST', json: { code: 'CARD-1' } })).json()) as { client: { lastName: string } | null };
      expect(scan.client?.lastName).toBe('Müller');
      fs.free = Infinity;
      const again = await t.api('/api/v1/clients', { method: 'POST', json: { kind: 'person', civility: 'M.', lastName: 'Favre', firstName: 'Luc' } });
      expect(again.status).toBe(201);
    } finally {
      fs.free = Infinity;
      await t.close();
    }
  });
});

describe('the manifest', () => {
  it('meta.json and its copy removed (the groups with them): the counts do not add up, and the start is refused', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const log = memoryLogger();
    const first = new DirectoryStore(dir, log, { shardCount: 4, storeDir });
    await first.load();
    await first.commit([{ op: 'group.put', record: { id: 'vip', name: 'VIP', discountPercent: 10, version: 1, updatedAt: 'x' } }]);
    await first.close();
    // two more snapshots: the journal that held the group is trimmed (one snapshot's worth is kept)
    for (const id of ['a', 'b']) {
      const s = new DirectoryStore(dir, log, { shardCount: 4, storeDir, usedBefore: true });
      await s.load();
      await s.commit([{ op: 'client.put', record: person(id) }]);
      await s.close();
    }
    rmSync(path.join(dir, 'meta.json'));
    rmSync(path.join(dir, 'meta.json.bak'), { force: true });
    const again = new DirectoryStore(dir, memoryLogger(), { shardCount: 4, storeDir, usedBefore: true });
    await expect(again.load()).rejects.toThrow(/does not add up: its last snapshot .* held 2 clients and 1 groups, the files now give 2 and 0/);
  });

  it('a store from before the manifest starts as it is and gets one', async () => {
    const storeDir = tempDir();
    const dir = path.join(storeDir, 'directory');
    const old = new DirectoryStore(dir, memoryLogger(), { shardCount: 4 }); // no manifest kept
    await old.load();
    await old.commit([{ op: 'client.put', record: person('a') }]);
    await old.close();
    const upgraded = new DirectoryStore(dir, memoryLogger(), { shardCount: 4, storeDir, usedBefore: true });
    await upgraded.load();
    expect(upgraded.clients.size).toBe(1);
    expect(JSON.parse(readFileSync(path.join(storeDir, 'manifest.json'), 'utf8').split('\n')[1]!)).toMatchObject({ clients: 1, groups: 0 });
    await upgraded.close();
  });
});
