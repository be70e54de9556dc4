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
  readFile(path: string): Promise<Buffer>;
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
  readFile: (path) => fsp.readFile(path),
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
