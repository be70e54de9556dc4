import path from 'node:path';
import { fsyncDir } from './durable-file.js';
import { nodeFs, READ_WRITE_CREATE, type StoreFs, writeAll } from './fs.js';

/**
 * The store folder's audit log (`store.dir/audit.log`): one JSON line per act the shop may have to
 * account for later (a client's personal data erased, two clients merged), appended and fsync'ed
 * before the act is answered. It says when and which record (ids), never what the record held:
 * it must not keep what an erasure removed.
 *
 * Small and append-only: a few lines a month. A line cut short by a power cut is closed with a
 * line break before the next one, so every complete line stays readable.
 */
export interface AuditEntry {
  /** ISO time of the act */
  at: string;
  /** what was done: `client.anonymize`, `client.merge` */
  action: string;
  /** the record acted on */
  id: string;
  [detail: string]: string | number | boolean | null;
}

export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();
  private tailChecked = false;

  constructor(
    readonly file: string,
    private readonly fs: StoreFs = nodeFs,
  ) {}

  /** Appends one line and makes it durable (its write, its fsync, and the folder's for a new file). One at a time. */
  append(entry: AuditEntry): Promise<void> {
    const next = this.queue.then(() => this.write(entry));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every complete line, oldest first (a torn one is left out). */
  async read(): Promise<AuditEntry[]> {
    const text = await this.fs.readFile(this.file).then(
      (b) => b.toString('utf8'),
      (err: unknown) => {
        if (err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT') return '';
        throw err;
      },
    );
    const out: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as AuditEntry);
      } catch {
        // a line cut short by a power cut: never acknowledged, left out
      }
    }
    return out;
  }

  private async write(entry: AuditEntry): Promise<void> {
    const existed = await this.fs.stat(this.file).then(
      () => true,
      () => false,
    );
    const handle = await this.fs.open(this.file, READ_WRITE_CREATE, 0o600);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0 && !this.tailChecked) {
        const text = await this.fs.readFile(this.file);
        if (text.length > 0 && text[text.length - 1] !== 0x0a) prefix = '\n';
      }
      try {
        await writeAll(handle, Buffer.from(`${prefix}${JSON.stringify(entry)}\n`, 'utf8'), size);
        await handle.datasync();
        this.tailChecked = true;
      } catch (err) {
        // not acknowledged: cut back what was written of it (or, failing that, look at the tail next time)
        this.tailChecked = false;
        await handle.truncate(size).catch(() => undefined);
        throw err;
      }
    } finally {
      await handle.close();
    }
    if (!existed) await fsyncDir(path.dirname(this.file), this.fs);
  }
}
