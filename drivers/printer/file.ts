import { constants, promises as fs } from 'node:fs';
import type { PrinterState, PrinterTransport } from './transport.js';

/** A printer device node (/dev/usb/lp0) or a file: write-only, so its status is unknown. */
export class FileTransport implements PrinterTransport {
  readonly kind = 'file';

  constructor(private readonly path: string) {}

  async send(bytes: Uint8Array): Promise<void> {
    let handle: fs.FileHandle;
    try {
      // Append, never create: a missing device node means the printer is off or unplugged.
      handle = await fs.open(this.path, constants.O_WRONLY | constants.O_APPEND);
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? err.code : null;
      throw new Error(
        code === 'ENOENT'
          ? `${this.path} does not exist (is the printer plugged in and on? npm run devices lists the device nodes)`
          : code === 'EACCES'
            ? `no permission to write to ${this.path}: add the agent's user to the "lp" group`
            : `${this.path}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    try {
      await handle.write(bytes);
      await handle.sync().catch(() => undefined); // a device node may not support fsync
    } finally {
      await handle.close();
    }
  }

  async status(): Promise<PrinterState> {
    try {
      await fs.access(this.path);
      return 'unknown';
    } catch {
      return 'offline';
    }
  }

  async close(): Promise<void> {}
}
