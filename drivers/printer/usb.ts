import { type UsbBackend, usbBackend, usbIds, usbOpenFailure } from '../usb-device.js';
import type { Dialect } from './dialect.js';
import { type ByteLink, unlessGone } from './link.js';
import { LinkTransport } from './session.js';
import { PermanentPrintError, PrintFailure } from './transport.js';

const PRINTER_CLASS = 7;
/** each read of the bulk IN endpoint waits this long, then reads again while the link is open */
const IN_POLL_MS = 200;

export interface UsbOptions {
  vendorId: number;
  productId: number;
  status?: boolean;
  stallMs?: number;
  helloMs?: number;
}

/**
 * A USB printer read and written directly (usb 3.x): found by vendor/product id, its printer-class
 * interface claimed for a run of jobs (taken from the kernel's usblp driver, given back after), bytes
 * sent on bulk OUT, the printer's answers read from bulk IN. A printer without a bulk IN endpoint is
 * one-way. Where the machine has no USB subsystem, every call says so instead of crashing.
 */
export function usbTransport(o: UsbOptions, dialect: Dialect, backend: UsbBackend = usbBackend): LinkTransport {
  const ids = usbIds(o.vendorId, o.productId);
  return new LinkTransport('usb', () => openUsb(o, ids, backend, o.stallMs ?? 10_000), dialect, {
    where: `USB printer ${ids}`,
    shared: false,
    status: o.status ?? true,
    stallMs: o.stallMs ?? 10_000,
    helloMs: o.helloMs ?? 1000,
  });
}

/** `outTimeoutMs`: a bulk OUT transfer the printer does not take in this long fails (a stall). */
async function openUsb(o: UsbOptions, ids: string, backend: UsbBackend, outTimeoutMs: number): Promise<ByteLink> {
  const device = await backend.find(o.vendorId, o.productId).catch((err: unknown) => {
    throw new PrintFailure('offline', err instanceof Error ? err.message : String(err));
  });
  if (!device) throw new PrintFailure('offline', `no USB printer ${ids} plugged in (is it on? npm run devices lists them)`);
  try {
    await device.open();
  } catch (err) {
    throw new PrintFailure('offline', usbOpenFailure(`USB printer ${ids}`, err instanceof Error ? err.message : String(err)));
  }
  let held: { iface: number; out: number; in: { endpoint: number; packetSize: number } | null; reattach: boolean };
  try {
    const iface = device.configuration?.interfaces.find((i) => i.alternate.interfaceClass === PRINTER_CLASS);
    if (!iface) throw new PermanentPrintError(`USB device ${ids} has no printer interface: check vendorId and productId (npm run devices)`);
    const out = iface.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk');
    if (!out) throw new PermanentPrintError(`USB printer ${ids} has no bulk OUT endpoint`);
    const inEp = iface.alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'bulk') ?? null;
    let reattach = false;
    try {
      await device.detachKernelDriver(iface.interfaceNumber); // usblp holds it as /dev/usb/lp0
      reattach = true;
    } catch {
      // no kernel driver bound
    }
    await device.claimInterface(iface.interfaceNumber);
    held = { iface: iface.interfaceNumber, out: out.endpointNumber, in: inEp ? { endpoint: inEp.endpointNumber, packetSize: inEp.packetSize } : null, reattach };
  } catch (err) {
    await device.close().catch(() => undefined);
    if (err instanceof PrintFailure) throw err;
    throw new PrintFailure('offline', usbOpenFailure(`USB printer ${ids}`, err instanceof Error ? err.message : String(err)));
  }

  let open = true;
  let lost: (reason: string) => void = () => undefined;
  const gone = new Promise<string>((resolve) => (lost = resolve));
  const listeners: Array<(chunk: Uint8Array) => void> = [];
  const release = async (reason: string) => {
    if (!open) return;
    open = false;
    await device.releaseInterface(held.iface).catch(() => undefined);
    if (held.reattach) await device.attachKernelDriver(held.iface).catch(() => undefined);
    await device.close().catch(() => undefined);
    lost(reason);
  };
  if (held.in) {
    const inEp = held.in;
    void (async () => {
      while (open) {
        try {
          const r = await device.transferIn(inEp.endpoint, inEp.packetSize, IN_POLL_MS);
          if (r.data && r.data.byteLength > 0) {
            const chunk = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
            for (const l of listeners) l(chunk);
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (/TIMEOUT|TIMED_OUT|timed out/i.test(message)) continue; // nothing to read: read again
          await release(`USB printer ${ids}: ${message} (unplugged?)`);
        }
      }
    })();
  }
  const writeAll = async (bytes: Uint8Array): Promise<void> => {
    let at = 0;
    while (at < bytes.length) {
      if (!open) throw new Error(`USB printer ${ids} was let go`);
      const chunk = bytes.subarray(at, at + 4096);
      let r;
      try {
        r = await device.transferOut(held.out, chunk, outTimeoutMs);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await release(`USB printer ${ids}: ${message}`);
        throw new Error(`USB printer ${ids}: ${message}`);
      }
      if (r.status !== 'ok') throw new Error(`USB printer ${ids} refused the data (${r.status}): paper or cover?`);
      if (r.bytesWritten <= 0) throw new Error(`USB printer ${ids} took no bytes`);
      at += r.bytesWritten;
    }
  };
  const link: ByteLink = {
    canRead: held.in !== null,
    // a transfer in flight when the link is let go (stop, fallback) does not hold up the caller
    write: (bytes) => unlessGone(link, writeAll(bytes)),
    onData: (listener) => listeners.push(listener),
    gone,
    async end() {
      if (!open) return false;
      await release(`USB printer ${ids} let go`);
      return true;
    },
    destroy: () => void release(`USB printer ${ids} let go`),
  };
  return link;
}
