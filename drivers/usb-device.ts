/**
 * The part of a USB device the drivers use: a subset of the `usb` package 3.x `UsbDevice` (WebUSB's
 * USBDevice plus the kernel-driver calls). Tests pass fakes of this shape.
 */
export interface UsbEndpoint {
  endpointNumber: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous';
  packetSize: number;
}

export interface UsbDeviceLike {
  open(): Promise<void>;
  close(): Promise<void>;
  readonly configuration: { interfaces: Array<{ interfaceNumber: number; alternate: { interfaceClass: number; endpoints: UsbEndpoint[] } }> } | null | undefined;
  detachKernelDriver(interfaceNumber: number): Promise<void>;
  attachKernelDriver(interfaceNumber: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** Rejects with a message containing TIMEOUT when nothing came within `timeoutMs`. */
  transferIn(endpointNumber: number, length: number, timeoutMs: number): Promise<{ data?: DataView | undefined; status: string }>;
  transferOut(endpointNumber: number, data: Uint8Array, timeoutMs: number): Promise<{ bytesWritten: number; status: string }>;
}

export interface UsbBackend {
  /** The device, or null when none with these ids is plugged in. Rejects when there is no USB here. */
  find(vendorId: number, productId: number): Promise<UsbDeviceLike | null>;
}

/**
 * The real backend: the `usb` package, loaded only when a config has a USB device. On a machine
 * without a USB subsystem (no /sys/bus/usb) `usb` rejects or crashes the process on use
 * (FIELD-NOTES), so that is checked first and said plainly.
 */
export const usbBackend: UsbBackend = {
  async find(vendorId, productId) {
    const { existsSync } = await import('node:fs');
    if (process.platform === 'linux' && !existsSync('/sys/bus/usb')) {
      throw new Error('this machine has no USB subsystem (/sys/bus/usb is missing): a USB device cannot work here');
    }
    const { usb } = await import('usb');
    const d = await usb.findDeviceByIds(vendorId, productId);
    if (!d) return null;
    // usb 3.x adds transferIn/Out to its devices at run time but not to their type: use the native calls
    return {
      open: () => d.open(),
      close: () => d.close(),
      get configuration() {
        return d.configuration;
      },
      detachKernelDriver: (n) => d.detachKernelDriver(n),
      attachKernelDriver: (n) => d.attachKernelDriver(n),
      claimInterface: (n) => d.claimInterface(n),
      releaseInterface: (n) => d.releaseInterface(n),
      async transferIn(endpointNumber, length, timeoutMs) {
        const bytes = await d.nativeTransferIn(endpointNumber, timeoutMs, length);
        return { data: bytes ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined, status: bytes ? 'ok' : 'stall' };
      },
      async transferOut(endpointNumber, data, timeoutMs) {
        const written = await d.nativeTransferOut(endpointNumber, timeoutMs, data);
        return { bytesWritten: Math.max(0, written), status: written >= 0 ? 'ok' : 'stall' };
      },
    };
  },
};

/** A device's ids as `npm run devices` and the config show them: 0x04b8:0x0202. */
export function usbIds(vendorId: number, productId: number): string {
  const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
  return `${hex(vendorId)}:${hex(productId)}`;
}

/** What to tell an installer when opening a USB device failed (libusb says LIBUSB_ERROR_ACCESS for permissions). */
export function usbOpenFailure(what: string, message: string): string {
  return /ACCESS/.test(message) ? `no permission to open ${what}: add a udev rule giving the agent's user access` : `${what}: ${message}`;
}
