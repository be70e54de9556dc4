import { constants, promises as fs } from 'node:fs';
import type { Dialect } from './dialect.js';
import type { ByteLink } from './link.js';
import { LinkTransport } from './session.js';
import { PrintFailure } from './transport.js';

/**
 * A printer device node (/dev/usb/lp0) or a file: write-only, so a job is `sent` once every byte
 * was written (each write's count checked: a device or a full disk may take fewer) and the file
 * closed.
 */
export function fileTransport(path: string, dialect: Dialect, stallMs = 10_000): LinkTransport {
  const writes = { pending: 0 };
  return new LinkTransport('file', () => openFile(path, writes), dialect, { where: path, shared: false, status: false, stallMs, helloMs: 0 });
}

/**
 * `writes.pending`: writes that have not returned. A write to a hung device node blocks one of
 * libuv's four threads until the device lets go; each retry would take another, until the journal's
 * fsyncs had none left. So while one is pending, the device is not opened again.
 */
async function openFile(path: string, writes: { pending: number }): Promise<ByteLink> {
  if (writes.pending > 0) throw new PrintFailure('stalled', `${path} has not returned from the last write (the printer is hung or off): switch it off and on`);
  let handle: fs.FileHandle;
  try {
    // Append, never create: a missing device node means the printer is off or unplugged.
    handle = await fs.open(path, constants.O_WRONLY | constants.O_APPEND);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : null;
    throw new PrintFailure(
      'offline',
      code === 'ENOENT'
        ? `${path} does not exist (is the printer plugged in and on? npm run devices lists the device nodes)`
        : code === 'EACCES'
          ? `no permission to write to ${path}: add the agent's user to the "lp" group`
          : `${path}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let closed = false;
  let lost: (reason: string) => void = () => undefined;
  const gone = new Promise<string>((resolve) => (lost = resolve));
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => undefined);
    lost(`${path} was closed`);
  };
  return {
    canRead: false,
    async write(bytes) {
      let at = 0;
      while (at < bytes.length) {
        writes.pending++;
        let bytesWritten: number;
        try {
          ({ bytesWritten } = await handle.write(bytes, at, bytes.length - at));
        } finally {
          writes.pending--;
        }
        if (bytesWritten <= 0) throw new Error(`${path} took no more bytes (${at} of ${bytes.length} written)`);
        at += bytesWritten;
      }
    },
    onData: () => undefined,
    gone,
    async end() {
      if (closed) return false;
      await handle.sync().catch(() => undefined); // a device node may not support fsync
      await close();
      return true;
    },
    destroy: () => void close(),
  };
}
