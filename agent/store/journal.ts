import path from 'node:path';
import { crc32 } from 'node:zlib';
import { StorageError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorCode, fsyncDir } from './durable-file.js';
import { isDiskFull, nodeFs, READ_WRITE_CREATE, type StoreFile, type StoreFs, writeAll } from './fs.js';

/**
 * An append-only write-ahead journal with group commit.
 *
 * Why: the directory at 100k clients is ~44 MB of JSON, and rewriting it takes ~700 ms, far too slow
 * to acknowledge an edit. An edit is one short line appended here and fdatasync'ed; every append
 * that arrives while a write is in flight shares the next write (group commit). Snapshots of the
 * directory are written later, in the background, and the journal is cut at each snapshot.
 *
 * Line format: `<crc32 as 8 hex> <json>\n`, json = `{ "seq": n, "ops": [...] }`. A line is
 * acknowledged only once it and its newline are on disk, so a torn last line (power cut mid-write)
 * was never acknowledged and is dropped on open. A bad line followed by good ones is corruption,
 * and the journal refuses to open rather than silently skip an acknowledged change.
 */

export interface JournalEntry {
  seq: number;
  ops: unknown[];
}

export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    line: number,
    reason: string,
  ) {
    super(
      `${file} line ${line} is damaged (${reason}) and later lines follow it, so acknowledged changes ` +
        `cannot be replayed in order.`,
    );
    this.name = 'JournalCorruptError';
  }
}

export class JournalUnavailableError extends StorageError {
  constructor(reason: string, diskFull = false, needBytes = 0, where = '', uncertain = false) {
    super(
      uncertain
        ? `the change could not be confirmed on disk (${reason})`
        : diskFull
          ? `the disk holding ${where || 'the store'} is full: the change (${needBytes} bytes) could not be saved, and nothing was changed. Free space on that disk, then try again (no restart needed).`
          : `the change could not be saved to disk (${reason}); nothing was changed. Check free disk space and the store folder's permissions.`,
      diskFull,
      needBytes,
      where,
      uncertain,
    );
    this.name = 'JournalUnavailableError';
  }
}

interface Pending {
  seq: number;
  line: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

const SEGMENT_RE = /^journal-(\d{12})\.log$/;

export class Journal {
  private handle: StoreFile | null = null;
  private segmentFile = '';
  private size = 0;
  private lastSeq = 0;
  private durable = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private broken: string | null = null;
  /** Set while the segment file is being switched: writes wait for it. */
  private switching: Promise<void> | null = null;
  /** Bytes in the current segment: the owner uses them to decide when to snapshot. */
  segmentBytes = 0;
  /** fdatasync'ed writes so far: with group commit, fewer than the entries appended. */
  writeCount = 0;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly fs: StoreFs = nodeFs,
  ) {}

  /** The folder of the segments. */
  get folder(): string {
    return this.dir;
  }

  /** The segment new entries go to. */
  get currentSegment(): string {
    return path.basename(this.segmentFile);
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** The newest number whose entry, and every one before it, is settled: on disk, or failed and gone. */
  get durableSeq(): number {
    return this.durable;
  }

  /**
   * Reads every segment, oldest first, and opens the newest for appending (`readOnly`: reads only,
   * changes nothing, for `npm run store -- check`). A torn last write is dropped; "last" means no
   * entry follows it, so a torn tail followed only by empty segments (a snapshot that failed on a
   * full disk rotates to a new, empty one) is still a torn tail.
   */
  async open(minSeq = 0, readOnly = false, floorSeq = 0): Promise<JournalEntry[]> {
    if (!readOnly) await this.fs.mkdir(this.dir, { recursive: true });
    const segments = await this.segments();
    const sizes = await Promise.all(segments.map((seg) => this.fs.stat(seg.file).then((st) => st.size)));
    let lastWithBytes = sizes.length - 1;
    while (lastWithBytes > 0 && sizes[lastWithBytes] === 0) lastWithBytes--;
    const entries: JournalEntry[] = [];
    for (const [i, seg] of segments.entries()) {
      const isLast = i >= lastWithBytes;
      const next = segments[i + 1];
      if (next && next.firstSeq - 1 <= minSeq) {
        // Entirely covered by the snapshots: kept for a restore from .bak, not read at each start.
        this.lastSeq = Math.max(this.lastSeq, next.firstSeq - 1);
        continue;
      }
      const { entries: segEntries, goodBytes, totalBytes } = await this.readSegment(seg.file, isLast);
      if (isLast && goodBytes < totalBytes) {
        this.log.warn('journal: dropping an unfinished last write (never acknowledged)', { file: seg.file, bytes: totalBytes - goodBytes });
        if (!readOnly) await this.fs.truncate(seg.file, goodBytes);
      }
      for (const e of segEntries) {
        if (e.seq <= this.lastSeq) throw new JournalCorruptError(seg.file, 0, `sequence ${e.seq} goes backwards`);
        this.lastSeq = e.seq;
        if (e.seq > minSeq) entries.push(e);
      }
      if (isLast) this.segmentBytes = goodBytes;
    }
    // A number is never given twice, even one a failed write used (it left no line): past the
    // snapshots (`floorSeq`) and past the names of the segments on disk (a rotation after a failed
    // write names its segment by the number that write took).
    const last = segments.at(-1);
    this.lastSeq = Math.max(this.lastSeq, minSeq, floorSeq, last ? last.firstSeq - 1 : 0);
    this.durable = this.lastSeq;
    if (readOnly) this.segmentFile = last?.file ?? '';
    else await this.openSegment(last ? last.file : this.segmentName(this.lastSeq + 1));
    return entries;
  }

  /** The segments on disk, oldest first (their names, for the manifest's check). */
  async segmentNames(): Promise<string[]> {
    return (await this.segments()).map((s) => path.basename(s.file));
  }

  /**
   * Appends one entry. The returned seq is assigned now, in call order; `durable` resolves once the
   * entry is on disk. Callers apply the change in memory first and acknowledge after `durable`.
   */
  append(ops: unknown[]): { seq: number; durable: Promise<void> } {
    const seq = ++this.lastSeq;
    const json = JSON.stringify({ seq, ops });
    const line = `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
    const durable = new Promise<void>((resolve, reject) => {
      this.queue.push({ seq, line, resolve, reject });
    });
    this.flushing ??= this.flushLoop();
    return { seq, durable };
  }

  /** Resolves when everything appended so far is durable (or has failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Starts a new segment; entries up to `seq` stay in the older ones until removeBefore(). */
  async rotate(): Promise<void> {
    while (this.switching) await this.switching;
    await this.drain();
    const next = this.segmentName(this.lastSeq + 1);
    if (next === this.segmentFile) return;
    // Appends made meanwhile queue up; their write waits for the new segment.
    this.switching = (async () => {
      const old = this.handle;
      await this.openSegment(next);
      await old?.close();
    })().finally(() => {
      this.switching = null;
    });
    await this.switching;
  }

  /** Deletes segments whose every entry is ≤ seq (they are covered by a snapshot). */
  async removeBefore(seq: number): Promise<void> {
    const segments = await this.segments();
    for (let i = 0; i < segments.length - 1; i++) {
      const next = segments[i + 1];
      // a segment ends just before the next one starts
      if (next && next.firstSeq - 1 <= seq) await this.fs.rm(segments[i]!.file, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.drain();
    await this.handle?.close();
    this.handle = null;
  }

  private async flushLoop(): Promise<void> {
    // Let every append made in this turn of the event loop join the first write.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.writeBatch(batch.map((p) => p.line).join(''));
          this.durable = Math.max(this.durable, batch.at(-1)!.seq);
          for (const p of batch) p.resolve();
        } catch (err) {
          this.durable = Math.max(this.durable, batch.at(-1)!.seq); // settled: those numbers hold nothing
          const bytes = batch.reduce((n, p) => n + Buffer.byteLength(p.line), 0);
          const e =
            err instanceof JournalUnavailableError ? err : new JournalUnavailableError(errorCode(err) || String(err), isDiskFull(err), bytes, path.dirname(this.dir));
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async writeBatch(text: string): Promise<void> {
    while (this.switching) await this.switching;
    if (this.broken) throw new JournalUnavailableError(this.broken);
    const handle = this.handle;
    if (!handle) throw new JournalUnavailableError('the journal is closed');
    const buf = Buffer.from(text, 'utf8');
    try {
      // every byte counted (a filling disk writes short before it refuses), at the end of the last complete entry
      await writeAll(handle, buf, this.size);
      await handle.datasync();
      this.writeCount++;
      this.size += buf.length;
      this.segmentBytes += buf.length;
    } catch (err) {
      // Cut the file back to the last complete entry (never padded): the next line follows it directly.
      try {
        await handle.truncate(this.size);
        await handle.datasync();
      } catch {
        this.broken = `write failed (${errorCode(err) || String(err)}) and the journal could not be repaired`;
        this.log.error('journal broken; restart the agent once the disk is fixed', { file: this.segmentFile, problem: this.broken });
        // The line may be on disk whole: after a restart the change may be there. Say so, not "nothing changed".
        throw new JournalUnavailableError(
          `${errorCode(err) || String(err)}; the change may or may not have reached the disk and the journal could not be repaired: restart the agent once the disk is fixed, then check the change`,
          false,
          0,
          '',
          true,
        );
      }
      throw err;
    }
  }

  /** Opens (creating) a segment for writing at its end; the journal's state changes only once it is open. */
  private async openSegment(file: string): Promise<void> {
    const handle = await this.fs.open(file, READ_WRITE_CREATE, 0o644);
    let size: number;
    try {
      size = (await handle.stat()).size;
      if (size === 0) await fsyncDir(this.dir, this.fs);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.handle = handle;
    this.segmentFile = file;
    this.size = size;
    if (size === 0) this.segmentBytes = 0;
  }

  private segmentName(firstSeq: number): string {
    return path.join(this.dir, `journal-${String(firstSeq).padStart(12, '0')}.log`);
  }

  private async segments(): Promise<Array<{ file: string; firstSeq: number }>> {
    const names = await this.fs.readdir(this.dir).catch((err: unknown) => {
      if (errorCode(err) === 'ENOENT') return [];
      throw err;
    });
    return names
      .map((n) => ({ n, m: SEGMENT_RE.exec(n) }))
      .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
      .map((x) => ({ file: path.join(this.dir, x.n), firstSeq: Number(x.m[1]) }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
  }

  private async readSegment(file: string, isLast: boolean) {
    const buf = await this.fs.readFile(file);
    const entries: JournalEntry[] = [];
    let offset = 0;
    let lineNo = 0;
    let badAt: { line: number; reason: string } | null = null;
    let goodEnd = 0;
    while (offset < buf.length) {
      const nl = buf.indexOf(0x0a, offset);
      lineNo++;
      if (nl < 0) {
        badAt ??= { line: lineNo, reason: 'unfinished line' };
        break;
      }
      const parsed = parseLine(buf.toString('utf8', offset, nl));
      if (typeof parsed === 'string') {
        badAt ??= { line: lineNo, reason: parsed };
      } else if (badAt) {
        // A good line after a bad one: the damage is in the middle, not a torn tail.
        throw new JournalCorruptError(file, badAt.line, badAt.reason);
      } else {
        entries.push(parsed);
      }
      offset = nl + 1;
      if (!badAt) goodEnd = offset;
    }
    if (badAt && !isLast) throw new JournalCorruptError(file, badAt.line, badAt.reason);
    return { entries, goodBytes: goodEnd, totalBytes: buf.length };
  }
}

function parseLine(line: string): JournalEntry | string {
  const m = /^([0-9a-f]{8}) (.*)$/s.exec(line);
  if (!m) return 'not a journal line';
  const json = m[2]!;
  if (crc32(json).toString(16).padStart(8, '0') !== m[1]) return 'checksum mismatch';
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return 'not valid JSON';
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !('seq' in value) ||
    !('ops' in value) ||
    typeof value.seq !== 'number' ||
    !Array.isArray(value.ops)
  ) {
    return 'not a journal entry';
  }
  return { seq: value.seq, ops: value.ops };
}
