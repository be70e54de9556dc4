import { nodeFs, type ReadScratch, type StoreFile, type StoreFs } from '../../agent/store/fs.js';

/**
 * A disk that misbehaves as real ones do, in place of the store's file system: it fills up (a
 * write past the free space is cut short, the next one fails with ENOSPC), an fsync fails with
 * EIO, a folder refuses access (EACCES), or the Nth write fails — for SQLite-style loops over N.
 * The bytes really land in a temporary folder (through node:fs), so a restart on the plain file
 * system reads what a real disk would hold.
 */
export class FaultyFs implements StoreFs {
  /** bytes the disk still takes; writes beyond it are short, then fail (Infinity: no limit) */
  free = Infinity;
  /** the next this many fsyncs (sync or datasync) fail with EIO */
  failSyncs = 0;
  /** the next fsync of a file whose path contains this fails with EIO (then it is cleared) */
  failSyncOf: string | null = null;
  /** every fsync takes this long (a slow disk) */
  syncDelayMs = 0;
  /** fsyncs of files whose path contains `match` take `ms` instead */
  syncDelayOf: { match: string; ms: number } | null = null;
  /** opens of paths containing one of these fail with EACCES */
  denyOpen: string[] = [];
  /** write calls so far, and the one (1-based) that fails with ENOSPC (0: none) */
  writeCalls = 0;
  failWriteCall = 0;

  constructor(private readonly inner: StoreFs = nodeFs) {}

  async open(path: string, flags: string | number, mode?: number): Promise<StoreFile> {
    if (this.denyOpen.some((d) => path.includes(d))) throw errno('EACCES', `permission denied, open '${path}'`);
    const file = await this.inner.open(path, flags, mode);
    return {
      write: async (buffer, offset, length, position) => {
        this.writeCalls++;
        if (this.failWriteCall > 0 && this.writeCalls === this.failWriteCall) throw errno('ENOSPC', 'no space left on device, write');
        if (this.free <= 0 && length > 0) throw errno('ENOSPC', 'no space left on device, write');
        const n = Math.min(length, this.free);
        const r = await file.write(buffer, offset, n, position);
        this.free -= r.bytesWritten;
        return r;
      },
      datasync: () => this.syncing(path, () => file.datasync()),
      sync: () => this.syncing(path, () => file.sync()),
      truncate: async (length) => {
        const before = (await file.stat()).size;
        await file.truncate(length);
        this.free += Math.max(0, before - length);
      },
      stat: () => file.stat(),
      close: () => file.close(),
    };
  }

  private async syncing(path: string, f: () => Promise<void>): Promise<void> {
    const delay = this.syncDelayOf && path.includes(this.syncDelayOf.match) ? this.syncDelayOf.ms : this.syncDelayMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (this.failSyncOf !== null && path.includes(this.failSyncOf)) {
      this.failSyncOf = null;
      throw errno('EIO', 'i/o error, fsync');
    }
    if (this.failSyncs > 0) {
      this.failSyncs--;
      throw errno('EIO', 'i/o error, fsync');
    }
    await f();
  }

  readFile = (path: string, scratch?: ReadScratch) => this.inner.readFile(path, scratch);
  rename = (from: string, to: string) => this.inner.rename(from, to);
  link = (existing: string, newPath: string) => this.inner.link(existing, newPath);
  copyFile = (from: string, to: string) => this.inner.copyFile(from, to);
  async rm(path: string, options?: { force?: boolean; recursive?: boolean }): Promise<void> {
    const size = await this.inner.stat(path).then(
      (s) => (s.isDirectory() ? 0 : s.size),
      () => 0,
    );
    await this.inner.rm(path, options);
    this.free += size;
  }
  mkdir = (path: string, options?: { recursive?: boolean; mode?: number }) => this.inner.mkdir(path, options);
  readdir = (path: string) => this.inner.readdir(path);
  async truncate(path: string, length: number): Promise<void> {
    const before = await this.inner.stat(path).then((s) => s.size);
    await this.inner.truncate(path, length);
    this.free += Math.max(0, before - length);
  }
  chmod = (path: string, mode: number) => this.inner.chmod(path, mode);
  stat = (path: string) => this.inner.stat(path);
  freeBytes = async () => (this.free === Infinity ? Number.MAX_SAFE_INTEGER : this.free);
}

function errno(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}
