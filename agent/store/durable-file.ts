import { isAscii } from 'node:buffer';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Adapter } from 'lowdb';
import type { Logger } from '../log.js';
import { nodeFs, type ReadScratch, type StoreFs, writeAll } from './fs.js';

/**
 * A lowdb Adapter that survives power cuts. lowdb's own TextFile (steno) renames a temp file but
 * never fsyncs it nor the folder, and keeps no previous copy, so a power cut can leave an empty or
 * half-written file. Here a write is: temp file → fsync → keep the current file as `.bak` → rename
 * → fsync the folder. A read checks and validates, and falls back to `.bak` with a loud log line.
 *
 * File format: a header line `{"format":"shop-agent/1","crc":"<crc32>","length":n}` then the JSON
 * body with every non-ASCII character escaped (`\u00e9`). The checksum catches damage that still
 * parses (a flipped bit in a name); the pure-ASCII body reads several times faster than UTF-8,
 * which matters for the 40+ MB directory at start.
 */

export class StoreCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly reasons: string[],
  ) {
    super(
      `${file} and its backup ${file}.bak are both unreadable (${reasons.join('; ')}). ` +
        `The agent will not start with an empty directory as if nothing had happened.`,
    );
    this.name = 'StoreCorruptError';
  }
}

/** Checks a parsed file; returns the data or throws an Error whose message says what is wrong. */
export type Validate<T> = (raw: unknown) => T;

const RENAME_RETRY_CODES = new Set(['EPERM', 'EBUSY', 'EACCES']);

export async function renameWithRetry(from: string, to: string, attempts = 8, fs: StoreFs = nodeFs): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (err) {
      // Antivirus and indexers on Windows hold files open for a moment after they are written.
      if (i + 1 >= attempts || !RENAME_RETRY_CODES.has(errorCode(err))) throw err;
      await new Promise((r) => setTimeout(r, 10 * 2 ** i));
    }
  }
}

export async function fsyncDir(dir: string, fs: StoreFs = nodeFs): Promise<void> {
  if (process.platform === 'win32') return; // NTFS metadata is journaled; a folder cannot be opened for fsync there
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function errorCode(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
}

export interface DurableFileOptions {
  fs?: StoreFs;
  /** POSIX mode of the files it writes (0o600 for secrets); default 0o644 less the umask */
  mode?: number;
}

export class DurableJsonFile<T> implements Adapter<T> {
  /** Set by read() when the main file was bad and the backup was used. */
  recoveredFromBackup = false;
  private readonly fs: StoreFs;

  constructor(
    readonly file: string,
    private readonly validate: Validate<T>,
    private readonly log: Logger,
    private readonly options: DurableFileOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs;
  }

  /** With `scratch`, the file is read into its buffer (a run of reads: see ReadScratch). */
  async read(scratch?: ReadScratch): Promise<T | null> {
    this.recoveredFromBackup = false;
    const main = await this.tryRead(this.file, scratch);
    if (main.ok) return main.data;
    const backup = await this.tryRead(`${this.file}.bak`, scratch);
    if (backup.ok) {
      this.recoveredFromBackup = true;
      this.log.error('STORE RECOVERY: a store file is missing or unreadable; using its previous copy (.bak). Changes written after that copy may be missing.', {
        file: this.file,
        problem: main.missing ? 'missing' : main.reason,
      });
      return backup.data;
    }
    if (main.missing && backup.missing) return null;
    throw new StoreCorruptError(this.file, [
      main.missing ? 'file missing' : main.reason,
      backup.missing ? 'backup missing' : `backup: ${backup.reason}`,
    ]);
  }

  async write(data: T): Promise<void> {
    // encodeFile's text is ASCII: latin1 gives the same bytes, three times as fast as utf8
    await this.writeBytes(Buffer.from(encodeFile(JSON.stringify(data)), 'latin1'));
  }

  /**
   * The same file as `write(data)` would make, from `pieces` whose concatenation is
   * `JSON.stringify(data)`, encoded into `scratch`. For the large files written in a run (a
   * snapshot's shards): `write` makes the file's text several times over as strings of its whole
   * size, which live in V8's large-object space until a full collection, so a snapshot of 100,000
   * clients left ~100 MB of them behind. Pieces of a record each die young instead, and the bytes
   * go into one buffer the run reuses.
   */
  async writePieces(pieces: Iterable<string>, scratch: WriteScratch): Promise<void> {
    await this.writeBytes(scratch.encode(pieces));
  }

  /**
   * temp file (every byte counted) → fsync → the current file kept as `.bak` → rename → fsync the
   * folder. A failure at any step leaves the current file as it was; a temp file left behind by a
   * full disk is removed, so it holds no space.
   */
  private async writeBytes(bytes: Uint8Array): Promise<void> {
    const fs = this.fs;
    const tmp = `${this.file}.tmp`;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await fs.open(tmp, 'w', this.options.mode);
    try {
      await writeAll(handle, bytes, 0);
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    await handle.close();
    if (this.options.mode !== undefined) await fs.chmod(tmp, this.options.mode); // whatever the umask
    await this.keepBackup();
    await renameWithRetry(tmp, this.file, 8, fs);
    await fsyncDir(path.dirname(this.file), fs);
  }

  /** The current file becomes `.bak` without a moment where neither name holds a good copy. */
  private async keepBackup(): Promise<void> {
    const fs = this.fs;
    const bak = `${this.file}.bak`;
    const linkTmp = `${bak}.tmp`;
    try {
      await fs.rm(linkTmp, { force: true });
      await fs.link(this.file, linkTmp);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return; // first write: nothing to keep
      await fs.copyFile(this.file, linkTmp); // file systems without hard links
    }
    await renameWithRetry(linkTmp, bak, 8, fs);
  }

  private async tryRead(
    file: string,
    scratch: ReadScratch | undefined,
  ): Promise<{ ok: true; data: T } | { ok: false; missing: true } | { ok: false; missing: false; reason: string }> {
    let text: string;
    let bytes: Buffer | undefined;
    try {
      // `buf` may be the scratch's: decoded below before anything else is read into it
      const buf = await this.fs.readFile(file, scratch);
      bytes = isAscii(buf) ? buf : undefined;
      text = bytes ? buf.toString('latin1') : buf.toString('utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return { ok: false, missing: true };
      return { ok: false, missing: false, reason: `cannot read: ${errorCode(err) || String(err)}` };
    }
    try {
      return { ok: true, data: this.validate(decodeFile(text, bytes)) };
    } catch (err) {
      return { ok: false, missing: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }
}

const FORMAT = 'shop-agent/1';

function crcHex(data: string | Uint8Array): string {
  return crc32(data).toString(16).padStart(8, '0');
}

const NON_ASCII = /[\u007f-\uffff]/g;
const escapeNonAscii = (json: string) => json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const headerLine = (crc: string, length: number) => `${JSON.stringify({ format: FORMAT, crc, length })}\n`;

/** JSON → the file's text: header line with the body's checksum, then the ASCII-escaped body. */
export function encodeFile(json: string): string {
  const body = escapeNonAscii(json);
  return `${headerLine(crcHex(body), body.length)}${body}\n`;
}

/** Room before the body for the header line (`{"format":…,"crc":…,"length":…}` is ~60 bytes). */
const HEADER_ROOM = 128;

/**
 * One buffer a run of file writes encodes into, grown to the largest file and reused: what
 * `encodeFile` makes, bytes for bytes, without a string or a buffer of the file's size. A buffer
 * holds one file at a time (the next `encode` overwrites it): write each file before the next.
 */
export class WriteScratch {
  private buf = Buffer.allocUnsafe(64 * 1024);

  encode(pieces: Iterable<string>): Buffer {
    let n = HEADER_ROOM;
    for (const piece of pieces) {
      NON_ASCII.lastIndex = 0;
      const ascii = NON_ASCII.test(piece) ? escapeNonAscii(piece) : piece;
      this.room(n + ascii.length + 1);
      n += this.buf.write(ascii, n, 'latin1');
    }
    const header = headerLine(crc32(this.buf.subarray(HEADER_ROOM, n)).toString(16).padStart(8, '0'), n - HEADER_ROOM);
    const start = HEADER_ROOM - header.length;
    this.buf.write(header, start, 'latin1');
    this.buf[n] = 0x0a;
    return this.buf.subarray(start, n + 1);
  }

  private room(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(bytes, this.buf.length * 2));
    this.buf.copy(next);
    this.buf = next;
  }
}

/**
 * The file's text → parsed body; throws with the reason when the file is damaged. `asciiBytes`,
 * when given, are the bytes `text` was decoded from, one a character (every file the agent writes
 * is ASCII): the checksum is taken over them, as `crc32` of the string would first encode it to
 * UTF-8 again (7.4 MB shard: 1.5 ms instead of 6; 0.75 → 0.19 s for a start at 1,000,000 clients).
 */
export function decodeFile(text: string, asciiBytes?: Uint8Array): unknown {
  const nl = text.indexOf('\n');
  if (nl < 0) throw new Error('no header line (truncated or not written by the agent)');
  let header: unknown;
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    throw new Error('damaged header line');
  }
  if (typeof header !== 'object' || header === null || !('format' in header) || header.format !== FORMAT) {
    throw new Error(`not a ${FORMAT} file`);
  }
  const length = 'length' in header && typeof header.length === 'number' ? header.length : -1;
  const crc = 'crc' in header && typeof header.crc === 'string' ? header.crc : '';
  const body = text.slice(nl + 1, nl + 1 + length);
  if (length < 0 || body.length !== length) throw new Error(`truncated: ${body.length} of ${length} bytes`);
  const summed = asciiBytes && asciiBytes.length === text.length ? asciiBytes.subarray(nl + 1, nl + 1 + length) : body;
  if (crcHex(summed) !== crc) throw new Error('checksum mismatch (the content was damaged)');
  return JSON.parse(body);
}
