import path from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from '../log.js';
import { DurableJsonFile, errorCode, WriteScratch } from '../store/durable-file.js';
import { nodeFs, ReadScratch, type StoreFs } from '../store/fs.js';
import { type Manifest, manifestFile, StoreNeedsAttentionError } from '../store/manifest.js';
import { Journal, type JournalEntry, JournalUnavailableError } from '../store/journal.js';
import { type Client, compactClient, type Group, type ShardFile, parseShardFile } from './schema.js';
import { type DirectoryOp, type MetaFile, type SectionOp, directoryOpSchema, isDirectoryOp, metaFileSchema, opNameOf } from './store-format.js';

/**
 * The durable client directory: an in-memory copy that is the source of truth while running, a
 * write-ahead journal that makes each change durable in one small fsync'ed append, and snapshots
 * split into shards (lowdb files) so that a snapshot after an edit rewrites ~1/64 of the directory.
 *
 * A change is applied to memory first (so the next request sees it and rules such as a unique
 * reference hold), then acknowledged when its journal entry is durable. If the disk write fails,
 * the change is undone in memory and the caller gets the error: nothing is acknowledged that is not
 * on disk, and nothing on disk is left unacknowledged in memory.
 */

export type ChangeListener = (change: RecordChange) => void;
export type RecordChange =
  | { entity: 'client'; id: string; before: Client | undefined; after: Client | undefined }
  | { entity: 'group'; id: string; before: Group | undefined; after: Group | undefined };

/**
 * A part of the store's state that another module owns (the cloud sync: its outbox, cursor and
 * issues). It lives in the same journal and meta file as the records, so that a change of both is
 * one durable write, undone together when the write fails; the store knows it only through this.
 */
export interface StoreSection<Op extends SectionOp> {
  /** The names of its journal ops (`outbox.put`…): no other section nor the directory uses them. */
  readonly opNames: readonly string[];
  /** One of its ops read back from the journal (throws when it is not valid). */
  parseOp(raw: unknown): Op;
  /**
   * Reads its fields of meta.json (throws when they are not valid: the file's backup is read
   * then) and returns how to take them in, called once the whole file has been read.
   */
  readMeta(raw: unknown): () => void;
  /** Its fields for meta.json, as they are now (a snapshot takes them while no write is in flight). */
  metaFields(): Record<string, unknown>;
  /** Applies one of its ops in memory; returns how to undo it. */
  apply(op: Op): () => void;
  /** A commit holding these ops of its own is on its way to disk: what it returns is called once it settled. */
  writing?(ops: readonly Op[]): () => void;
}

/** meta.json as written: the directory's fields, then each section's. */
type StoredMeta = MetaFile & Record<string, unknown>;

export interface DirectoryStoreOptions {
  shardCount?: number;
  /** Snapshot once the journal holds this many bytes… */
  snapshotBytes?: number;
  /** …or after this long without changes, if anything is unsaved. */
  snapshotIdleMs?: number;
  /** the file system (tests put a failing one here) */
  fs?: StoreFs;
  /**
   * The store folder holding manifest.json (the directory folder's parent): with it, a start checks
   * that nothing is missing, and each snapshot writes the manifest. Without it (tests), no manifest.
   */
  storeDir?: string;
  /** The store was used before (its secrets or print queue are there): a missing directory folder is not a fresh start. */
  usedBefore?: boolean;
  /** Reads only and changes nothing (npm run store -- check). */
  readOnly?: boolean;
}

/** Options with the sections whose ops the store then takes (`S`), in the journal and in commits. */
export interface DirectoryStoreSetup<S extends SectionOp> extends DirectoryStoreOptions {
  sections?: ReadonlyArray<StoreSection<S>>;
}

export class DirectoryStore<S extends SectionOp = never> {
  readonly clients = new Map<string, Client>();
  readonly groups = new Map<string, Group>();
  /** op name → the section that owns it */
  private readonly sectionOf = new Map<string, StoreSection<S>>();
  private readonly sections: ReadonlyArray<StoreSection<S>>;
  private readonly shardCount: number;
  private readonly shards: Array<Low<ShardFile>> = [];
  private readonly shardFiles: Array<DurableJsonFile<ShardFile>> = [];
  private readonly shardSeqs: number[] = [];
  private readonly dirty = new Set<number>();
  /** While a snapshot takes its shards one per turn: the record (or none) each client changed since its cut had then. */
  private cutRecords: Map<string, Client | undefined> | null = null;
  /** The ids in each shard, so a snapshot of one shard does not hash every id of the directory; undefined until first needed (see idsOf). */
  private readonly shardIds: Array<Set<string> | undefined> = [];
  private metaDirty = false;
  private meta!: DurableJsonFile<StoredMeta>;
  private readonly journal: Journal;
  private listeners: ChangeListener[] = [];
  private snapshotting: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private lastSnapshotCut = 0;
  private snapshotHolds = 0;
  private closed = false;
  private readonly fs: StoreFs;
  /** the size of each shard file on disk (what a snapshot of the whole directory takes again) */
  private readonly shardBytes: number[] = [];
  /** the manifest as last written (null: none yet, or no manifest kept) */
  private manifest: Manifest | null = null;
  /** commits applied in memory whose write has not settled */
  private inFlight = 0;
  /** while a snapshot takes what is on disk, new commits wait for this */
  private gate: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly options: DirectoryStoreSetup<S> = {},
  ) {
    this.sections = options.sections ?? [];
    for (const section of this.sections) {
      for (const name of section.opNames) {
        if (this.sectionOf.has(name) || isDirectoryOp({ op: name })) throw new Error(`two parts of the directory store claim the journal op "${name}"`);
        this.sectionOf.set(name, section);
      }
    }
    this.shardCount = options.shardCount ?? 64;
    for (let k = 0; k < this.shardCount; k++) this.shardIds.push(undefined);
    this.fs = options.fs ?? nodeFs;
    this.journal = new Journal(path.join(dir, 'journal'), log, this.fs);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Durable writes so far (each is one fsync of the journal; snapshots aside). */
  get journalWrites(): number {
    return this.journal.writeCount;
  }

  /** A client or a group, by entity. */
  record(entity: 'client' | 'group', id: string): Client | Group | undefined {
    return entity === 'client' ? this.clients.get(id) : this.groups.get(id);
  }

  /** Loads snapshots, replays the journal and opens it for new changes. */
  async load(): Promise<{ /** journal ops applied on top of the snapshots */ replayed: number; recovered: string[] }> {
    const recovered: string[] = [];
    const storeDir = this.options.storeDir;
    const manifestAdapter = storeDir ? manifestFile(storeDir, this.log, this.fs) : null;
    const manifest = manifestAdapter ? await manifestAdapter.read() : null;
    if (manifestAdapter?.recoveredFromBackup) recovered.push('manifest.json');
    const folder = await this.fs.stat(this.dir).then(
      () => true,
      (err: unknown) => {
        if (errorCode(err) === 'ENOENT') return false;
        throw err;
      },
    );
    if (!folder && storeDir && manifest) {
      throw new StoreNeedsAttentionError(
        `The client directory folder ${this.dir} is missing, but this store held ${manifest.clients} clients and ${manifest.groups} groups at its last snapshot (${manifest.writtenAt}).`,
        storeDir,
      );
    }
    if (!folder && storeDir && this.options.usedBefore) {
      throw new StoreNeedsAttentionError(`The client directory folder ${this.dir} is missing, but this store was used before (its secrets and print queue are there).`, storeDir);
    }
    // The sections read their fields in the same check as the directory's: a file whose outbox is
    // damaged is as unreadable as one whose groups are, and its backup is read instead.
    let takeIn: Array<() => void> = [];
    let unclaimed: string[] = [];
    const readMeta = (raw: unknown): StoredMeta => {
      const meta = metaFileSchema.parse(raw);
      takeIn = this.sections.map((s) => s.readMeta(raw));
      // fields no part of this store reads would be gone at its next snapshot: refuse them instead
      const claimed = new Set([...Object.keys(metaFileSchema.shape), ...this.sections.flatMap((s) => Object.keys(s.metaFields()))]);
      unclaimed = typeof raw === 'object' && raw !== null ? Object.keys(raw).filter((k) => !claimed.has(k)) : [];
      return meta;
    };
    this.meta = new DurableJsonFile(path.join(this.dir, 'meta.json'), readMeta, this.log, { fs: this.fs });
    const meta = (await this.meta.read()) ?? {
      format: 1,
      seq: 0,
      shardCount: this.shardCount,
      shardSeqs: Array.from({ length: this.shardCount }, () => 0),
      groups: [],
    };
    if (unclaimed.length) {
      throw new Error(`${path.join(this.dir, 'meta.json')} holds ${unclaimed.join(', ')}, which nothing in this agent reads: the store was opened without the part that owns it`);
    }
    if (this.meta.recoveredFromBackup) recovered.push('meta.json');
    if (meta.shardCount !== this.shardCount) {
      throw new Error(
        `${path.join(this.dir, 'meta.json')} says the directory has ${meta.shardCount} shards, this agent expects ${this.shardCount}; ` +
          'the store was written by another version. Restore the store folder that goes with this version.',
      );
    }
    for (const g of meta.groups) this.groups.set(g.id, g);
    for (const take of takeIn) take();

    const scratch = new ReadScratch(); // the shards one after the other through one buffer
    for (let k = 0; k < this.shardCount; k++) {
      const adapter = new DurableJsonFile(this.shardFile(k), parseShardFile, this.log, { fs: this.fs });
      const shard = new Low<ShardFile>(adapter, { format: 1, seq: 0, clients: [] });
      const data = await adapter.read(scratch);
      if (data === null && (meta.shardSeqs[k] ?? 0) > 0) {
        const what = `${this.shardFile(k)} and its backup are missing, but ${path.join(this.dir, 'meta.json')} says it was written: part of the client directory is gone.`;
        throw storeDir ? new StoreNeedsAttentionError(what, storeDir) : new Error(what);
      }
      if (adapter.recoveredFromBackup) recovered.push(path.basename(this.shardFile(k)));
      this.shardBytes[k] = data === null ? 0 : await this.fileSize(this.shardFile(k));
      if (data) shard.data = data;
      for (const c of shard.data.clients) this.clients.set(c.id, c);
      this.shardSeqs[k] = shard.data.seq;
      this.shards.push(shard);
      this.shardFiles.push(adapter);
    }

    // A shard never written (seq 0) had no change up to the last snapshot (it would have been
    // written then): it holds back neither the replay nor the journal's trimming.
    const oldest = Math.min(meta.seq, ...this.shardSeqs.map((q) => (q === 0 ? meta.seq : q)));
    const entries = await this.journal.open(oldest, this.options.readOnly, Math.max(meta.seq, ...this.shardSeqs));
    try {
      return await this.afterJournalOpen(entries, manifest, meta.seq, oldest, recovered);
    } catch (err) {
      // a store that could not be read is left as it is, but not its open journal segment
      await this.journal.close().catch(() => undefined);
      throw err;
    }
  }

  /** The load's second half: the journal is open, its entries are replayed over the snapshots. */
  private async afterJournalOpen(entries: JournalEntry[], manifest: Manifest | null, metaSeq: number, oldest: number, recovered: string[]): Promise<{ replayed: number; recovered: string[] }> {
    const storeDir = this.options.storeDir;
    if (manifest && storeDir) await this.checkSegments(manifest, storeDir);
    // The counts at the manifest's point can be checked when the snapshots are not newer than it
    // (they are when a crash came between meta.json and the manifest: then the manifest is behind).
    const countable = manifest !== null && metaSeq <= manifest.seq && this.shardSeqs.every((q) => q <= manifest.seq);
    let counted = !countable;
    let replayed = 0;
    for (const entry of entries) {
      if (!counted && manifest && entry.seq > manifest.seq) {
        this.checkCounts(manifest, storeDir!);
        counted = true;
      }
      replayed += this.replay(entry, metaSeq);
    }
    if (!counted && manifest) {
      if (this.journal.seq < manifest.seq) {
        throw new StoreNeedsAttentionError(`The journal of ${this.dir} ends at change ${this.journal.seq}, but the last snapshot (${manifest.writtenAt}) covered changes up to ${manifest.seq}: journal segments are missing.`, storeDir!);
      }
      this.checkCounts(manifest, storeDir!);
    }
    this.lastSnapshotCut = oldest;
    this.manifest = manifest;
    if (this.options.readOnly) return { replayed, recovered };
    // a store from before the manifest (or whose manifest was behind): write it now
    if (storeDir && (!manifest || !countable)) {
      await this.writeManifest(this.journal.seq, await this.journal.segmentNames(), { clients: this.clients.size, groups: this.groups.size });
    }
    if (replayed > 0) this.scheduleSnapshot();
    return { replayed, recovered };
  }

  private async checkSegments(manifest: Manifest, storeDir: string): Promise<void> {
    const present = new Set(await this.journal.segmentNames());
    const missing = manifest.segments.filter((s) => !present.has(s));
    if (missing.length) {
      throw new StoreNeedsAttentionError(
        `The journal segment${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in ${this.journal.folder} ${missing.length > 1 ? 'are' : 'is'} missing: the changes made since the last snapshot (${manifest.writtenAt}) are in ${missing.length > 1 ? 'them' : 'it'}.`,
        storeDir,
      );
    }
  }

  private checkCounts(manifest: Manifest, storeDir: string): void {
    if (manifest.clients === null || manifest.groups === null) return;
    if (this.clients.size === manifest.clients && this.groups.size === manifest.groups) return;
    throw new StoreNeedsAttentionError(
      `The client directory in ${this.dir} does not add up: its last snapshot (${manifest.writtenAt}) held ${manifest.clients} clients and ${manifest.groups} groups, the files now give ${this.clients.size} and ${this.groups.size} (a file is missing or from another copy).`,
      storeDir,
    );
  }

  /**
   * The manifest: what the store holds at `seq` (the counts taken with the snapshot, while no
   * change was in flight), and the segments that must follow.
   */
  private async writeManifest(seq: number, segments: string[], counts: { clients: number; groups: number }): Promise<void> {
    const storeDir = this.options.storeDir;
    if (!storeDir) return;
    const next: Manifest = {
      format: 1,
      generation: (this.manifest?.generation ?? 0) + 1,
      writtenAt: new Date().toISOString(),
      seq,
      clients: counts.clients,
      groups: counts.groups,
      segments,
    };
    await manifestFile(storeDir, this.log, this.fs).write(next);
    this.manifest = next;
  }

  /** Applies ops in memory now; resolves when they are durable, or rejects after undoing them. */
  async commit(ops: Array<DirectoryOp | S>): Promise<void> {
    if (this.closed) throw new Error('the directory store is closed');
    if (this.options.readOnly) throw new Error('the directory store is open read-only');
    while (this.gate) await this.gate; // a snapshot is taking what is on disk
    if (this.closed) throw new Error('the directory store is closed');
    for (const op of ops) {
      // checked before anything is applied: a commit is all or nothing
      if (!isDirectoryOp(op) && !this.sectionOf.has(op.op)) throw new Error(`no part of the directory store takes "${op.op}" changes`);
    }
    this.inFlight++;
    const undo = ops.map((op) => this.apply(op));
    const { durable } = this.journal.append(ops);
    const settle = this.sections.map((section) => {
      const own = section.writing ? ops.filter((op): op is S => !isDirectoryOp(op) && this.sectionOf.get(op.op) === section) : [];
      return own.length ? section.writing!(own) : () => undefined;
    });
    this.scheduleSnapshot();
    try {
      await durable;
    } catch (err) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      if (err instanceof JournalUnavailableError) err.storeBytes = this.storeBytes;
      throw err;
    } finally {
      this.inFlight--;
      for (const done of settle) done();
    }
  }

  /** Resolves once the writes under way are on disk (or failed) and their commits have settled. */
  async settled(): Promise<void> {
    await this.journal.drain();
    await new Promise<void>((r) => setImmediate(r));
  }

  /** Writes every changed shard and the meta file, then trims the journal. Safe to call anytime. */
  async snapshot(): Promise<void> {
    while (this.snapshotting) await this.snapshotting;
    if (this.dirty.size === 0 && !this.metaDirty) return;
    this.snapshotting = this.writeSnapshot().finally(() => {
      this.snapshotting = null;
    });
    return this.snapshotting;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    await this.journal.drain();
    if (this.options.readOnly) return;
    // A snapshot that cannot be written (a full disk) loses nothing: the journal holds every change.
    await this.snapshot().catch(() => this.log.warn('the directory is closed without a last snapshot; the journal keeps every change and the next start replays it'));
    this.closed = true;
    await this.journal.close();
  }

  /**
   * A snapshot holds only what is on disk: new commits wait at a gate while the ones in flight
   * settle (one fsync at most), the dirty shards and the meta data are taken then, in one go, and
   * the gate opens again before anything is written. A change refused afterwards (its write failed)
   * can never be in a snapshot file.
   */
  private async writeSnapshot(): Promise<void> {
    const previousCut = this.lastSnapshotCut;
    await this.journal.rotate();
    // The new segment must be found at the next start too, even if this snapshot does not finish.
    if (this.manifest) {
      const segments = [...this.manifest.segments, this.journal.currentSegment].filter((x, i, a) => a.indexOf(x) === i);
      await manifestFile(this.options.storeDir!, this.log, this.fs)
        .write({ ...this.manifest, segments })
        .then(() => (this.manifest = { ...this.manifest!, segments }))
        .catch(() => undefined); // a full disk: the snapshot fails next anyway, and says so
    }
    const { cut, shards, meta } = await this.whileQuiet(() => {
      const dirty = [...this.dirty].sort((a, b) => a - b);
      this.dirty.clear();
      this.metaDirty = false;
      const at = this.journal.seq; // every entry up to it is settled: what memory holds is on disk
      this.cutRecords = new Map();
      return {
        cut: at,
        // the ids only (a copy of each shard's set, native and quick); the records are taken one
        // shard per turn below, as they were at the cut (`cutRecords` keeps those changed since)
        shards: dirty.map((k) => ({ k, ids: [...this.idsOf(k)] })),
        meta: { groups: [...this.groups.values()], sections: this.sections.map((s) => s.metaFields()), clients: this.clients.size },
      };
    });
    try {
      const scratch = new WriteScratch(); // the shards' bytes, one at a time, in one buffer
      for (const { k, ids } of shards) {
        // One shard per turn of the event loop: a lookup never waits for the whole directory.
        await new Promise<void>((r) => setImmediate(r));
        const data = { format: 1 as const, seq: cut, clients: this.clientsAtCut(ids) };
        this.shards[k]!.data = data;
        await this.shardFiles[k]!.writePieces(shardPieces(data), scratch);
        this.shardSeqs[k] = data.seq;
        this.shardBytes[k] = await this.fileSize(this.shardFile(k));
      }
      this.cutRecords = null;
      await this.meta.write(Object.assign({ format: 1 as const, seq: cut, shardCount: this.shardCount, shardSeqs: [...this.shardSeqs], groups: meta.groups }, ...meta.sections));
      await this.writeManifest(cut, [this.journal.currentSegment], { clients: meta.clients, groups: meta.groups.length });
      // Keep one snapshot's worth of journal behind: a shard restored from its .bak can replay it.
      await this.journal.removeBefore(previousCut);
      this.lastSnapshotCut = cut;
    } catch (err) {
      this.cutRecords = null;
      for (const { k } of shards) this.dirty.add(k);
      this.metaDirty = true;
      this.log.error('directory snapshot failed; the journal keeps every change, will retry', { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  /** Runs `take` once no commit is in flight, holding new ones back meanwhile. */
  private async whileQuiet<T>(take: () => T): Promise<T> {
    let open: () => void = () => undefined;
    this.gate = new Promise<void>((r) => (open = r));
    try {
      while (this.inFlight > 0) await new Promise<void>((r) => setImmediate(r));
      return take();
    } finally {
      this.gate = null;
      open();
    }
  }

  /** The records of `ids` as they were at the snapshot's cut (the ids were all there then). */
  private clientsAtCut(ids: readonly string[]): Client[] {
    const out: Client[] = [];
    const changed = this.cutRecords;
    for (const id of ids) {
      const c = changed?.has(id) ? changed.get(id) : this.clients.get(id);
      if (!c) throw new Error(`internal: ${id} was in the snapshot's cut but has no record then`);
      out.push(c);
    }
    return out;
  }

  /**
   * Until the returned function is called, no snapshot starts (the journal keeps everything
   * durable meanwhile); then one is taken. For a full pull, where snapshots of a directory that
   * grows page by page would rewrite every shard several times while competing with the pages.
   * The returned promise settles when that snapshot is written.
   */
  holdSnapshots(): () => Promise<void> {
    this.snapshotHolds++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return () => {
      if (--this.snapshotHolds > 0 || this.closed) return Promise.resolve();
      return this.snapshot().catch(() => undefined);
    };
  }

  private scheduleSnapshot(): void {
    if (this.closed || this.snapshotHolds > 0) return;
    const bytes = this.options.snapshotBytes ?? 8 * 1024 * 1024;
    if (this.journal.segmentBytes >= bytes) {
      this.snapshot().catch(() => undefined);
      return;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.snapshot().catch(() => undefined);
    }, this.options.snapshotIdleMs ?? 30_000);
    this.idleTimer.unref();
  }

  /** Applies the entry's ops that the snapshots do not hold yet; returns how many. */
  private replay(entry: JournalEntry, metaSeq: number): number {
    let applied = 0;
    for (const raw of entry.ops) {
      const name = opNameOf(raw);
      const section = name === undefined ? undefined : this.sectionOf.get(name);
      if (section) {
        if (entry.seq <= metaSeq) continue;
        this.metaChange(section.apply(section.parseOp(raw)));
        applied++;
        continue;
      }
      if (name !== undefined && !isDirectoryOp({ op: name })) {
        throw new Error(`the journal of ${this.dir} holds a "${name}" change (entry ${entry.seq}) that nothing in this agent reads: the store was opened without the part that owns it`);
      }
      const op = directoryOpSchema.parse(raw);
      if (op.op === 'client.put' || op.op === 'client.del') {
        const id = op.op === 'client.put' ? op.record.id : op.id;
        if (entry.seq <= this.shardSeqs[shardOf(id, this.shardCount)]!) continue;
      } else if (entry.seq <= metaSeq) {
        continue;
      }
      this.apply(op);
      applied++;
    }
    return applied;
  }

  /** Applies one op to memory, tells listeners, and returns how to undo it. */
  private apply(op: DirectoryOp | S): () => void {
    if (isDirectoryOp(op)) return this.applyRecord(op);
    return this.metaChange(this.sectionOf.get(op.op)!.apply(op));
  }

  private applyRecord(op: DirectoryOp): () => void {
    switch (op.op) {
      case 'client.put':
        return this.setClient(op.record.id, compactClient(op.record));
      case 'client.del':
        return this.setClient(op.id, undefined);
      case 'group.put':
        return this.setGroup(op.record.id, op.record);
      case 'group.del':
        return this.setGroup(op.id, undefined);
    }
  }

  /** A section's state changed: meta.json holds it, the next snapshot writes it. */
  private metaChange(undo: () => void): () => void {
    this.metaDirty = true;
    return undo;
  }

  /**
   * The ids of shard `k`, made from the records its file held at the load the first time they are
   * needed (a change in it, or its snapshot: both go through here first, so that set and file
   * never differ). Most shards of a large store are not written in a session, and the sets of
   * 1,000,000 ids took ~0.1 s of every start and ~25 MB (RSS 1,204-1,213 -> 1,179-1,184 MB).
   */
  private idsOf(k: number): Set<string> {
    let ids = this.shardIds[k];
    if (ids === undefined) {
      ids = new Set((this.shards[k]?.data.clients ?? []).map((c) => c.id));
      this.shardIds[k] = ids;
    }
    return ids;
  }

  private setClient(id: string, after: Client | undefined): () => void {
    const before = this.clients.get(id);
    const shard = shardOf(id, this.shardCount);
    const put = (value: Client | undefined, previous: Client | undefined) => {
      // a snapshot is taking its shards: it must still find this client as it was at its cut
      if (this.cutRecords && !this.cutRecords.has(id)) this.cutRecords.set(id, this.clients.get(id));
      if (value) {
        this.clients.set(id, value);
        this.idsOf(shard).add(id);
      } else {
        this.clients.delete(id);
        this.idsOf(shard).delete(id);
      }
      this.dirty.add(shard);
      for (const l of this.listeners) l({ entity: 'client', id, before: previous, after: value });
    };
    put(after, before);
    return () => put(before, after);
  }

  private setGroup(id: string, after: Group | undefined): () => void {
    const before = this.groups.get(id);
    const put = (value: Group | undefined, previous: Group | undefined) => {
      if (value) this.groups.set(id, value);
      else this.groups.delete(id);
      this.metaDirty = true;
      for (const l of this.listeners) l({ entity: 'group', id, before: previous, after: value });
    };
    put(after, before);
    return () => put(before, after);
  }

  /** The bytes of the directory's snapshot files: about what the next full snapshot needs free. */
  get storeBytes(): number {
    return this.shardBytes.reduce((n, b) => n + b, 0);
  }

  private async fileSize(file: string): Promise<number> {
    return this.fs.stat(file).then(
      (st) => st.size,
      () => 0,
    );
  }

  private shardFile(k: number): string {
    return path.join(this.dir, 'clients', `shard-${String(k).padStart(3, '0')}.json`);
  }
}

/** FNV-1a: a stable, fast spread of ids over shards. */
export function shardOf(id: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/** `JSON.stringify(shard)` in pieces of one record each (see `DurableJsonFile.writePieces`). */
export function* shardPieces(shard: ShardFile): Generator<string> {
  yield `{"format":${JSON.stringify(shard.format)},"seq":${JSON.stringify(shard.seq)},"clients":[`;
  for (let i = 0; i < shard.clients.length; i++) yield (i === 0 ? '' : ',') + JSON.stringify(shard.clients[i]);
  yield ']}';
}
