import { constants, promises as fsp } from 'node:fs';

/**
 * The file system as the store sees it: every writer (the directory's journal and snapshots, the
 * print queue, the secrets) goes through this, so tests can put a disk that fills up, writes
 * short, fails an fsync or refuses access in its place (test/fakes/faulty-fs.ts), as SQLite's
 * tests do at each I/O call in turn.
 */
export interface StoreFile {
  /** Writes at `position`; may write fewer bytes than asked (a filling disk does): callers loop. */
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface StoreFs {
  /** `flags` as for fs.open; `mode` for a file it creates. */
  open(path: string, flags: string | number, mode?: number): Promise<StoreFile>;
  /** With `scratch`, the bytes are in its buffer, good until its next read (see ReadScratch). */
  readFile(path: string, scratch?: ReadScratch): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  rm(path: string, options?: { force?: boolean; recursive?: boolean }): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<unknown>;
  readdir(path: string): Promise<string[]>;
  truncate(path: string, length: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  stat(path: string): Promise<{ size: number; mode: number; isDirectory(): boolean }>;
  /** Free bytes for an unprivileged writer on the file system holding `path`. */
  freeBytes(path: string): Promise<number>;
}

export const nodeFs: StoreFs = {
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  readFile: (path, scratch) => (scratch ? scratch.read(path) : fsp.readFile(path)),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, newPath) => fsp.link(existing, newPath),
  copyFile: (from, to) => fsp.copyFile(from, to),
  rm: (path, options) => fsp.rm(path, options),
  mkdir: (path, options) => fsp.mkdir(path, options),
  readdir: (path) => fsp.readdir(path),
  truncate: (path, length) => fsp.truncate(path, length),
  chmod: (path, mode) => fsp.chmod(path, mode),
  stat: (path) => fsp.stat(path),
  async freeBytes(path) {
    const s = await fsp.statfs(path);
    return s.bavail * s.bsize;
  },
};

/**
 * One buffer a run of file reads goes into (a store's load: its 64 shards), grown to the largest
 * file and reused. A buffer of each file's size is memory outside V8's heap, and V8 answers every
 * 64 MB more of that with a full collection of its heap: at 1,000,000 clients (475 MB of shards)
 * a start made 9 instead of 15, and took 9.9 s instead of 11.7 (A/B, one store). A read's bytes
 * stay good until the next read into the same scratch: decode them first.
 */
export class ReadScratch {
  private buf = Buffer.allocUnsafeSlow(0);

  async read(path: string): Promise<Buffer> {
    const handle = await fsp.open(path, 'r');
    try {
      const { size } = await handle.stat();
      // one byte more than the size: a read that fills it means the file grew since, and goes on
      if (size + 1 > this.buf.length) this.grow(size + 1, 0);
      let n = 0;
      for (;;) {
        if (n === this.buf.length) this.grow(n + 1, n);
        const { bytesRead } = await handle.read(this.buf, n, this.buf.length - n, n);
        if (bytesRead === 0) return this.buf.subarray(0, n);
        n += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }

  /** A quarter more than asked: the shards of a store differ a little in size, and one buffer serves them all. */
  private grow(atLeast: number, keep: number): void {
    const next = Buffer.allocUnsafeSlow(Math.ceil(atLeast * 1.25));
    this.buf.copy(next, 0, 0, keep);
    this.buf = next;
  }
}

/** Read and write, created if missing, never truncated, and without O_APPEND: a write lands where it is told. */
export const READ_WRITE_CREATE = constants.O_RDWR | constants.O_CREAT;

/**
 * Writes all of `buf` at `position`, a piece at a time if the file system takes less: a write that
 * takes 0 bytes, or fails, throws (nothing is ever counted as written that was not).
 */
export async function writeAll(file: StoreFile, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await file.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error(`no space left: ${done} of ${buf.length} bytes written`), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

/** Whether an error says the disk (or the user's quota) is full. */
export function isDiskFull(err: unknown): boolean {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  return code === 'ENOSPC' || code === 'EDQUOT';
}
