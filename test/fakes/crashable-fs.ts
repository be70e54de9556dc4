import { nodeFs, type ReadScratch, type StoreFile, type StoreFs } from '../../agent/store/fs.js';

/**
 * A process that can "crash": tests drop a store without stopping it, as a power cut would, and
 * open the folder again. A real crash has the OS close the dead process's files; `crash()` does
 * that here (closes every file still open through this fs, writing nothing), so an abandoned store
 * leaves no handle for the garbage collector to close (Node's DEP0137 warning).
 */
export class CrashableFs implements StoreFs {
  private readonly open_ = new Set<StoreFile>();

  constructor(private readonly inner: StoreFs = nodeFs) {}

  async open(path: string, flags: string | number, mode?: number): Promise<StoreFile> {
    const file = await this.inner.open(path, flags, mode);
    this.open_.add(file);
    return {
      write: (b, o, l, p) => file.write(b, o, l, p),
      datasync: () => file.datasync(),
      sync: () => file.sync(),
      truncate: (n) => file.truncate(n),
      stat: () => file.stat(),
      close: () => {
        this.open_.delete(file);
        return file.close();
      },
    };
  }

  /** The OS reclaiming a dead process's files. */
  async crash(): Promise<void> {
    const files = [...this.open_];
    this.open_.clear();
    await Promise.all(files.map((f) => f.close().catch(() => undefined)));
  }

  readFile = (p: string, scratch?: ReadScratch) => this.inner.readFile(p, scratch);
  rename = (a: string, b: string) => this.inner.rename(a, b);
  link = (a: string, b: string) => this.inner.link(a, b);
  copyFile = (a: string, b: string) => this.inner.copyFile(a, b);
  rm = (p: string, o?: { force?: boolean; recursive?: boolean }) => this.inner.rm(p, o);
  mkdir = (p: string, o?: { recursive?: boolean; mode?: number }) => this.inner.mkdir(p, o);
  readdir = (p: string) => this.inner.readdir(p);
  truncate = (p: string, n: number) => this.inner.truncate(p, n);
  chmod = (p: string, m: number) => this.inner.chmod(p, m);
  stat = (p: string) => this.inner.stat(p);
  freeBytes = (p: string) => this.inner.freeBytes(p);
}
