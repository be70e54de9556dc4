import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PrinterModel } from './codepage.js';
import { previewOfBytes } from './preview.js';
import type { Confirmation, PrinterSession, PrinterState, PrinterTransport } from './transport.js';

/**
 * No hardware: each ticket's bytes and its preview are kept in a folder (under store.dir), for the
 * page to show. The embedded default config prints here. The newest `keep` tickets are kept.
 */
export class VirtualTransport implements PrinterTransport {
  readonly kind = 'virtual';
  readonly twoWay = false;
  private seq = 0;

  constructor(
    private readonly dir: string,
    private readonly paper: { model: PrinterModel; width: number; name: string },
    private readonly keep = 200,
  ) {}

  async open(): Promise<PrinterSession> {
    return {
      state: 'online',
      reusable: true,
      print: (bytes) => this.print(bytes),
      close: async () => undefined,
      abort: () => undefined,
    };
  }

  async check(): Promise<PrinterState> {
    return 'online';
  }

  /** The tickets kept, newest first: name → bytes file and preview file. */
  async list(): Promise<Array<{ name: string; bin: string; html: string }>> {
    const names = (await fs.readdir(this.dir).catch(() => [])).filter((n) => n.endsWith('.bin')).sort().reverse();
    return names.map((n) => ({ name: n.slice(0, -4), bin: path.join(this.dir, n), html: path.join(this.dir, `${n.slice(0, -4)}.html`) }));
  }

  /** The ticket's paper is its file: once it is on disk, the ticket is printed. */
  private async print(bytes: Uint8Array): Promise<Confirmation> {
    await fs.mkdir(this.dir, { recursive: true });
    const base = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(++this.seq).padStart(4, '0')}`;
    await fs.writeFile(path.join(this.dir, `${base}.html`), previewOfBytes(bytes, this.paper, this.paper.name));
    const handle = await fs.open(path.join(this.dir, `${base}.bin`), 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.prune();
    return 'printed';
  }

  private async prune(): Promise<void> {
    const all = await this.list();
    for (const old of all.slice(this.keep)) {
      await fs.rm(old.bin, { force: true });
      await fs.rm(old.html, { force: true });
    }
  }
}
