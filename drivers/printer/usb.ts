import { type UsbBackend, usbBackend, type UsbDeviceLike, type UsbEndpoint, usbIds, usbOpenFailure } from '../usb-device.js';
import { PermanentPrintError, type PrinterState, type PrinterTransport, STATUS_REQUESTS, stateFromStatus, OneAtATime } from './transport.js';

const PRINTER_CLASS = 7;

/**
 * A USB printer read and written directly (usb 3.x): found by vendor/product id, its
 * printer-class interface claimed (taken from the kernel's usblp driver while the agent holds it),
 * bytes sent on the bulk OUT endpoint, DLE EOT answered on the bulk IN endpoint where it has one.
 * Where the machine has no USB subsystem, every call says so instead of crashing.
 */
export class UsbPrinterTransport implements PrinterTransport {
  readonly kind = 'usb';
  private held: { device: UsbDeviceLike; iface: number; out: UsbEndpoint; in: UsbEndpoint | null; reattach: boolean } | null = null;
  private readonly link = new OneAtATime();

  constructor(
    private readonly vendorId: number,
    private readonly productId: number,
    private readonly backend: UsbBackend = usbBackend,
  ) {}

  private ids(): string {
    return usbIds(this.vendorId, this.productId);
  }

  send(bytes: Uint8Array): Promise<void> {
    return this.link.run(async () => {
      const h = await this.open();
      let at = 0;
      try {
        while (at < bytes.length) {
          const chunk = bytes.subarray(at, at + 4096);
          const r = await h.device.transferOut(h.out.endpointNumber, chunk, 10_000);
          if (r.status !== 'ok') throw new Error(`the printer refused the data (${r.status}): paper or cover?`);
          at += r.bytesWritten > 0 ? r.bytesWritten : chunk.length;
        }
      } catch (err) {
        await this.release();
        throw new Error(`USB printer ${this.ids()}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  status(): Promise<PrinterState> {
    return this.link.run(async () => {
      let h;
      try {
        h = await this.open();
      } catch {
        return 'offline';
      }
      if (!h.in) return 'unknown';
      try {
        const answers: number[] = [];
        for (let i = 0; i < 3; i++) {
          await h.device.transferOut(h.out.endpointNumber, STATUS_REQUESTS.subarray(i * 3, i * 3 + 3), 1000);
          const r = await h.device.transferIn(h.in.endpointNumber, h.in.packetSize, 1000);
          if (!r.data || r.data.byteLength < 1) return 'unknown';
          answers.push(r.data.getUint8(0));
        }
        const [a = 0, b = 0, c = 0] = answers;
        return stateFromStatus(a, b, c);
      } catch {
        return 'unknown';
      }
    });
  }

  close(): Promise<void> {
    return this.link.run(() => this.release());
  }


  private async open() {
    if (this.held) return this.held;
    const device = await this.backend.find(this.vendorId, this.productId);
    if (!device) throw new Error(`no USB printer ${this.ids()} plugged in (is it on? npm run devices lists them)`);
    await device.open();
    try {
      const iface = device.configuration?.interfaces.find((i) => i.alternate.interfaceClass === PRINTER_CLASS);
      if (!iface) throw new PermanentPrintError(`USB device ${this.ids()} has no printer interface: check vendorId and productId (npm run devices)`);
      const out = iface.alternate.endpoints.find((e) => e.direction === 'out' && e.type === 'bulk');
      if (!out) throw new Error(`USB printer ${this.ids()} has no bulk OUT endpoint`);
      const inEp = iface.alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'bulk') ?? null;
      let reattach = false;
      try {
        await device.detachKernelDriver(iface.interfaceNumber); // usblp holds it as /dev/usb/lp0
        reattach = true;
      } catch {
        // no kernel driver bound
      }
      await device.claimInterface(iface.interfaceNumber);
      this.held = { device, iface: iface.interfaceNumber, out, in: inEp, reattach };
      return this.held;
    } catch (err) {
      await device.close().catch(() => undefined);
      if (err instanceof PermanentPrintError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(/ACCESS/.test(message) ? usbOpenFailure(`USB printer ${this.ids()}`, message) : message);
    }
  }

  private async release(): Promise<void> {
    const h = this.held;
    this.held = null;
    if (!h) return;
    await h.device.releaseInterface(h.iface).catch(() => undefined);
    if (h.reattach) await h.device.attachKernelDriver(h.iface).catch(() => undefined);
    await h.device.close().catch(() => undefined);
  }
}
