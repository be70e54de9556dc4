import { openSerialPort, type SerialOpener } from '../serial-ports.js';
import type { Dialect } from './dialect.js';
import { type ByteLink, unlessGone, within } from './link.js';
import { LinkTransport } from './session.js';
import { PrintFailure } from './transport.js';

export interface SerialOptions {
  path: string;
  baudRate: number;
  status?: boolean;
  stallMs?: number;
  /** how long the printer may take to answer on an opened port before it counts as not answering */
  helloMs?: number;
}

/**
 * A serial printer (RS-232, or USB in virtual COM mode): the port is opened for a run of jobs and
 * closed when the queue is empty. The port's drain is only the OS's word; the printer's own status
 * answers (DLE EOT) confirm each job, as on a network printer.
 */
export function serialTransport(o: SerialOptions, dialect: Dialect, opener: SerialOpener = openSerialPort): LinkTransport {
  return new LinkTransport('serial', () => openSerial(o, opener), dialect, {
    where: o.path,
    shared: false,
    status: o.status ?? true,
    stallMs: o.stallMs ?? 10_000,
    helloMs: o.helloMs ?? 1000,
  });
}

async function openSerial(o: SerialOptions, opener: SerialOpener): Promise<ByteLink> {
  const port = await opener(o.path, o.baudRate);
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PrintFailure(
      'offline',
      /ENOENT|No such file/.test(message)
        ? `${o.path} not found: is the printer plugged in and on?`
        : /EACCES|Permission denied/.test(message)
          ? `no permission to open ${o.path}: add the agent's user to the "dialout" group`
          : /EBUSY|Resource busy|lock/i.test(message)
            ? `${o.path} is in use by another program: close it (or stop the other agent)`
            : `${o.path}: ${message}`,
    );
  }
  let failure: string | null = null;
  port.on('error', (err: Error) => (failure ??= `${o.path}: ${err.message}`));
  const gone = new Promise<string>((resolve) => port.once('close', () => resolve(failure ?? `${o.path} was closed (unplugged?)`)));
  const link: ByteLink = {
    canRead: true,
    write: (bytes) =>
      unlessGone(
        link,
        new Promise<void>((resolve, reject) => {
          if (!port.isOpen) return reject(new Error(failure ?? `${o.path} was closed (unplugged?)`));
          port.write(Buffer.from(bytes), (err?: Error | null) => {
            if (err) return reject(new Error(`${o.path}: ${err.message}`));
            port.drain(() => resolve());
          });
        }),
      ),
    onData: (listener) => port.on('data', listener),
    gone,
    async end(ms) {
      if (!port.isOpen) return false;
      const closed = new Promise<boolean>((resolve) => port.drain(() => port.close((err) => resolve(!err))));
      const ok = await within(closed, ms, false);
      if (!ok) link.destroy(); // never left open: the next open would find the port busy
      return ok && failure === null;
    },
    destroy: () => {
      failure ??= `${o.path} was let go`;
      if (port.isOpen) port.close(() => undefined);
    },
  };
  return link;
}
