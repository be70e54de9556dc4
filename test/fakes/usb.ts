import type { UsbDeviceLike, UsbEndpoint } from '../../drivers/usb-device.js';

/** Shaped like usb 3.x's UsbDevice: one HID interface with an interrupt IN endpoint. */
export class FakeUsbDevice implements UsbDeviceLike {
  opened = false;
  kernelDriver = true;
  claimed = false;
  interfaceClass = 3;
  /** Reports waiting to be read, and a reader waiting for one. */
  private queue: Uint8Array[] = [];
  private waiting: { resolve: (r: { data?: DataView; status: string }) => void; reject: (e: Error) => void } | null = null;
  /** what the agent sent (a printer's bulk OUT) */
  written: number[] = [];
  /** a printer behind bulk OUT: gets every transfer (see usbPrinter) */
  onOut: ((data: Uint8Array) => void) | null = null;
  /** a hung printer: bulk OUT transfers never complete */
  hangOut = false;
  get configuration() {
    const endpoints: UsbEndpoint[] =
      this.interfaceClass === 7
        ? [
            { endpointNumber: 1, direction: 'out', type: 'bulk', packetSize: 64 },
            { endpointNumber: 2, direction: 'in', type: 'bulk', packetSize: 64 },
          ]
        : [
            { endpointNumber: 1, direction: 'out', type: 'interrupt', packetSize: 8 },
            { endpointNumber: 2, direction: 'in', type: 'interrupt', packetSize: 8 },
          ];
    return { interfaces: [{ interfaceNumber: 0, alternate: { interfaceClass: this.interfaceClass, endpoints } }] };
  }
  async open() {
    this.opened = true;
  }
  async close() {
    this.opened = false;
    this.fail(new Error('LIBUSB_ERROR_NO_DEVICE'));
  }
  async detachKernelDriver() {
    if (!this.kernelDriver) throw new Error('LIBUSB_ERROR_NOT_FOUND');
    this.kernelDriver = false;
  }
  async attachKernelDriver() {
    this.kernelDriver = true;
  }
  async claimInterface() {
    if (!this.opened) throw new Error('not open');
    this.claimed = true;
  }
  async releaseInterface() {
    this.claimed = false;
  }
  async transferOut(endpointNumber: number, data: Uint8Array) {
    if (endpointNumber !== 1) throw new Error(`no OUT endpoint ${endpointNumber}`);
    if (!this.claimed) throw new Error('interface not claimed');
    if (this.hangOut) return new Promise<never>(() => undefined);
    this.written.push(...data);
    this.onOut?.(Uint8Array.from(data));
    return { bytesWritten: data.length, status: 'ok' };
  }
  transferIn(endpointNumber: number) {
    if (endpointNumber !== 2) return Promise.reject(new Error(`no IN endpoint ${endpointNumber}`));
    const next = this.queue.shift();
    if (next) return Promise.resolve({ data: new DataView(next.buffer, next.byteOffset, next.byteLength), status: 'ok' });
    return new Promise<{ data?: DataView; status: string }>((resolve, reject) => (this.waiting = { resolve, reject }));
  }
  /** The scanner sends a report. */
  report(bytes: Uint8Array) {
    const w = this.waiting;
    this.waiting = null;
    if (w) w.resolve({ data: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), status: 'ok' });
    else this.queue.push(bytes);
  }
  /** The pending read fails (unplugged, or a timeout). */
  fail(err: Error) {
    const w = this.waiting;
    this.waiting = null;
    w?.reject(err);
  }
}

