import { KeyboardReportDecoder, type KeyboardLayout, PosReportDecoder } from './hid.js';
import { RetryingScanner, ScannerProblem } from './retrying.js';
import { type UsbBackend, usbBackend, type UsbDeviceLike as HidDevice, type UsbEndpoint as HidEndpoint, usbIds, usbOpenFailure } from '../usb-device.js';

export type { UsbBackend, HidDevice, HidEndpoint };
import type { ScannerEvents } from './types.js';

const HID_CLASS = 3;
/** A transfer that waits this long for a scan is started again (closing the device ends it sooner). */
const READ_TIMEOUT_MS = 1000;

export interface UsbScannerConfig {
  id: string;
  vendorId: number;
  productId: number;
  mode: 'keyboard' | 'pos';
  layout: KeyboardLayout;
}

/**
 * A USB HID scanner read directly: find it by ids, detach the kernel's keyboard driver (so codes do
 * not also type into whatever window has the focus), claim its HID interface and poll the
 * interrupt IN endpoint. Missing, unplugged or failing: retried in the background with backoff.
 */
export class UsbScanner extends RetryingScanner {
  private open: Opened | null = null;

  constructor(
    private readonly config: UsbScannerConfig,
    events: ScannerEvents,
    private readonly backend: UsbBackend = usbBackend,
  ) {
    super(config.id, events);
  }

  private ids(): string {
    return usbIds(this.config.vendorId, this.config.productId);
  }

  /** A new decoder per connection: half a code from before an unplug is not glued to the next. */
  private decoder(): (report: Uint8Array) => void {
    const onCode = (code: string) => this.events.code(code);
    const d = this.config.mode === 'pos' ? new PosReportDecoder(onCode) : new KeyboardReportDecoder(this.config.layout, onCode);
    return (r) => d.push(r);
  }

  protected async attach(current: () => boolean): Promise<void> {
    const device = await this.backend.find(this.config.vendorId, this.config.productId);
    if (!device) throw new ScannerProblem('waiting', `no USB device ${this.ids()} plugged in (npm run devices lists them)`);
    // Recorded as soon as there is something to give back, so detach() undoes exactly what was done
    const o: Opened = { device, opened: false, detachedKernel: null, claimed: null };
    this.open = o;
    let endpoint: HidEndpoint;
    try {
      await device.open();
      o.opened = true;
      if (!current()) return await release(o); // stopped meanwhile: detach() found nothing yet
      const iface = device.configuration?.interfaces.find((i) => i.alternate.interfaceClass === HID_CLASS);
      if (!iface) throw new ScannerProblem('error', `USB device ${this.ids()} has no HID interface: is it a scanner, set to USB HID mode?`);
      const found = iface.alternate.endpoints.find((e) => e.direction === 'in' && e.type === 'interrupt');
      if (!found) throw new ScannerProblem('error', `USB device ${this.ids()} has no interrupt IN endpoint to read`);
      endpoint = found;
      try {
        // The kernel reads HID keyboards itself (the codes would type into the focused window)
        await device.detachKernelDriver(iface.interfaceNumber);
        o.detachedKernel = iface.interfaceNumber;
      } catch {
        // no kernel driver bound (or not Linux): nothing to detach
      }
      await device.claimInterface(iface.interfaceNumber);
      o.claimed = iface.interfaceNumber;
      if (!current()) return await release(o);
    } catch (err) {
      if (err instanceof ScannerProblem) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new ScannerProblem('error', usbOpenFailure(`USB device ${this.ids()}`, message));
    }
    void this.read(o, endpoint, this.decoder());
  }

  /** One interrupt transfer after the other while the device is ours; a failure means it went away. */
  private async read(o: Opened, endpoint: HidEndpoint, decode: (report: Uint8Array) => void): Promise<void> {
    while (this.open === o) {
      let result: Awaited<ReturnType<HidDevice['transferIn']>>;
      try {
        result = await o.device.transferIn(endpoint.endpointNumber, endpoint.packetSize, READ_TIMEOUT_MS);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/TIMEOUT/i.test(message)) continue; // nobody scanned for a while
        if (this.open === o) this.lost(new ScannerProblem('waiting', `USB device ${this.ids()} stopped answering (${message}): unplugged?`));
        return;
      }
      if (result.data && result.data.byteLength > 0) {
        if (this.open === o) decode(new Uint8Array(result.data.buffer, result.data.byteOffset, result.data.byteLength));
      } else {
        await new Promise((r) => setTimeout(r, 10)); // a stalled endpoint must not spin the CPU
      }
    }
  }

  protected async detach(): Promise<void> {
    const o = this.open;
    this.open = null;
    if (o) await release(o);
  }
}

/**
 * Gives back what attach took, in reverse: the interface, the kernel's driver, the device. Each
 * step is marked undone, so an attach that finds itself stale after a stop can finish the job.
 */
async function release(o: Opened): Promise<void> {
  const quietly = async (f: () => Promise<void>) => {
    try {
      await f();
    } catch {
      // unplugged meanwhile: nothing to give back
    }
  };
  const { claimed, detachedKernel } = o;
  o.claimed = null;
  o.detachedKernel = null;
  if (claimed !== null) await quietly(() => o.device.releaseInterface(claimed));
  if (detachedKernel !== null) await quietly(() => o.device.attachKernelDriver(detachedKernel));
  if (o.opened) {
    o.opened = false;
    await quietly(() => o.device.close());
  }
}

interface Opened {
  device: HidDevice;
  opened: boolean;
  detachedKernel: number | null;
  claimed: number | null;
}
