import net from 'node:net';
import type { Dialect } from './dialect.js';
import { type ByteLink, unlessGone, within } from './link.js';
import { LinkTransport } from './session.js';
import { PrintFailure } from './transport.js';

export interface TcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** the printer answers status requests (DLE EOT); false: a clean close confirms a job */
  status?: boolean;
  stallMs?: number;
  /** how long a served connection takes to answer; beyond it the printer is serving another host */
  helloMs?: number;
}

/**
 * A network printer on its raw port (9100). Its port serves one connection at a time, and several
 * tills may share it: a connection is opened for one job (or one status check), confirmed, and
 * closed at once, never kept idle. A printer that takes the connection but does not answer is busy
 * with another host, not offline.
 */
export function tcpTransport(o: TcpOptions, dialect: Dialect): LinkTransport {
  const where = `the printer at ${o.host}:${o.port}`;
  return new LinkTransport('tcp', () => connectTcp(o, where), dialect, {
    where,
    shared: true,
    status: o.status ?? true,
    stallMs: o.stallMs ?? 10_000,
    helloMs: o.helloMs ?? 250,
  });
}

function explain(where: string, port: number, err: Error & { code?: string }): string {
  if (err.code === 'ECONNREFUSED') return `${where} refused the connection (is it on, and is ${port} its raw port?)`;
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ETIMEDOUT') return `${where} cannot be reached (is it on and on the network?)`;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return `${where} reset the connection`;
  return `${where}: ${err.message}`;
}

/** One-way: how long a new connection must stay open before the ticket goes. */
const ONE_WAY_SETTLE_MS = 50;

async function connectTcp(o: TcpOptions, where: string): Promise<ByteLink> {
  const connectMs = o.connectTimeoutMs ?? 3000;
  const socket = net.connect({ host: o.host, port: o.port });
  socket.setNoDelay(true); // a window is one write: send it now, not after Nagle's wait
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrintFailure('offline', `${where} did not answer within ${connectMs / 1000} s (is it on?)`));
    }, connectMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new PrintFailure('offline', explain(where, o.port, err)));
    });
  });
  let failure: string | null = null;
  socket.on('error', (err) => (failure ??= explain(where, o.port, err)));
  const gone = new Promise<string>((resolve) => socket.once('close', () => resolve(failure ?? `${where} closed the connection`)));
  // A printer that closes its side before we end ours did not read to the end: not a clean close.
  let ending = false;
  socket.once('end', () => {
    if (!ending) failure ??= `${where} closed the connection before the end of the ticket`;
  });
  if (o.status === false) {
    // One-way, the close is the only confirmation: a printer that takes the connection and drops it
    // at once (another program holds it) must be seen before a byte is sent, or it would look clean.
    const early = await within(gone.then(() => true), ONE_WAY_SETTLE_MS, false);
    if (early) throw new PrintFailure('offline', `${where} closed the connection at once (is another program holding it, and is ${o.port} its raw port?)`);
  }
  const link: ByteLink = {
    canRead: true,
    write: (bytes) =>
      unlessGone(
        link,
        new Promise<void>((resolve, reject) => {
          if (socket.destroyed) return reject(new Error(failure ?? `${where} closed the connection`));
          socket.write(bytes, (err) => (err ? reject(new Error(explain(where, o.port, err))) : resolve()));
        }),
      ),
    onData: (listener) => socket.on('data', listener),
    gone,
    async end(ms) {
      if (socket.destroyed) return false;
      // FIN after the last byte; the printer closes its side once it has read them all
      ending = true;
      socket.end();
      const closed = await within(gone.then(() => true), ms, false);
      if (!closed) socket.destroy();
      return closed && failure === null;
    },
    destroy: () => {
      failure ??= `${where}: the connection was dropped`;
      socket.destroy();
    },
  };
  return link;
}
