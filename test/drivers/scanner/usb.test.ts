import { afterEach, describe, expect, it } from 'vitest';
import type { ScannerStatus } from '../../../drivers/scanner/types.js';
import { type UsbBackend, UsbScanner } from '../../../drivers/scanner/usb.js';
import { FakeUsbDevice as FakeDevice } from '../../fakes/usb.js';
import { until } from '../../helpers/until.js';

/**
 * The USB scanner driver through a fake device shaped like the `usb` package's Device (no USB
 * here: no kernel modules, no emulation). What it checks: the device found by ids, the kernel's
 * keyboard driver detached and given back, the HID interface claimed, reports decoded, unplug and
 * a missing USB subsystem reported, never a crash.
 */

const press = (usage: number, mods = 0) => Uint8Array.from([mods, 0, usage, 0, 0, 0, 0, 0]);
const up = () => new Uint8Array(8);
const tick = () => new Promise((r) => setTimeout(r, 5));
async function typeCode(d: FakeDevice, usages: number[]) {
  for (const u of [...usages, 0x28]) {
    d.report(press(u));
    await tick();
    d.report(up());
    await tick();
  }
}

let scanner: UsbScanner | null = null;
afterEach(async () => {
  await scanner?.stop();
  scanner = null;
});

function make(backend: UsbBackend, mode: 'keyboard' | 'pos' = 'keyboard') {
  const codes: string[] = [];
  const statuses: ScannerStatus[] = [];
  scanner = new UsbScanner(
    { id: 'usb-1', vendorId: 0x05e0, productId: 0x1200, mode, layout: 'ch-de' },
    { code: (c) => codes.push(c), status: (s) => statuses.push(s) },
    backend,
  );
  return { codes, statuses, scanner };
}

describe('USB HID scanner (fake device)', () => {
  it('finds the device by ids, takes it from the kernel, reads codes, and gives it back on stop', async () => {
    const device = new FakeDevice();
    let asked: [number, number] | null = null;
    const { codes, statuses, scanner: s } = make({
      find: async (v, p) => {
        asked = [v, p];
        return device;
      },
    });
    s.start();
    await tick();
    expect(asked).toEqual([0x05e0, 0x1200]);
    expect(s.status.state).toBe('connected');
    expect([device.opened, device.kernelDriver, device.claimed]).toEqual([true, false, true]);
    // "zürich-7" on a scanner emulating a Swiss German keyboard (y/z swapped, ü on the [ key)
    await typeCode(device, [0x1c, 0x2f, 0x15, 0x0c, 0x06, 0x0b, 0x38, 0x24]);
    expect(codes).toEqual(['zürich-7']);
    await s.stop();
    await tick();
    expect([device.opened, device.kernelDriver, device.claimed]).toEqual([false, true, false]);
    expect(statuses.map((x) => x.state)).toEqual(['connecting', 'connected', 'stopped']);
  });

  it('HID POS mode reads barcode reports', async () => {
    const device = new FakeDevice();
    const { codes, scanner: s } = make({ find: async () => device }, 'pos');
    s.start();
    await tick();
    const report = new Uint8Array(64);
    report[0] = 0x02;
    report[1] = 13;
    report.set(Buffer.from(']E07612345000015'), 2);
    device.report(report);
    await tick();
    expect(codes).toEqual(['7612345000015']);
  });

  it('an unplugged scanner (read error) waits and comes back when plugged in again', async () => {
    let device: FakeDevice | null = new FakeDevice();
    const { codes, scanner: s } = make({ find: async () => device });
    s.start();
    await tick();
    const first = device!;
    first.fail(new Error('LIBUSB_ERROR_TIMEOUT')); // a quiet minute is not an unplug
    await tick();
    expect(s.status.state).toBe('connected');
    first.fail(new Error('LIBUSB_ERROR_NO_DEVICE'));
    await tick();
    expect(s.status.state).toBe('waiting');
    expect(s.status.detail).toMatch(/stopped answering \(LIBUSB_ERROR_NO_DEVICE\): unplugged\?; trying again in 0\.5 s/);
    device = null; // still unplugged at the first retry
    await until('the first retry', () => /no USB device/.test(s.status.detail ?? ''), 3000, 5);
    expect(s.status.detail).toMatch(/no USB device 0x05e0:0x1200 plugged in.*trying again in 1 s/);
    device = new FakeDevice();
    await until('plugged in again', () => s.status.state === 'connected', 3000, 5);
    await typeCode(device, [0x1e, 0x1f]);
    expect(codes).toEqual(['12']);
  }, 10_000);

  it('a machine without USB is an error status with the reason, not a crash', async () => {
    const { scanner: s } = make({
      find: async () => {
        throw new Error('this machine has no USB subsystem (/sys/bus/usb is missing): a USB scanner cannot work here');
      },
    });
    s.start();
    await tick();
    expect(s.status.state).toBe('error');
    expect(s.status.detail).toContain('no USB subsystem');
  });

  it('a device that is not a HID scanner, or not accessible, says what to do', async () => {
    const notHid = new FakeDevice();
    notHid.interfaceClass = 7; // a printer
    const a = make({ find: async () => notHid });
    a.scanner.start();
    await tick();
    expect(a.scanner.status.detail).toContain('has no HID interface');
    expect(notHid.opened).toBe(false);
    await a.scanner.stop();

    const locked = new FakeDevice();
    locked.open = async () => {
      throw new Error('LIBUSB_ERROR_ACCESS');
    };
    const b = make({ find: async () => locked });
    b.scanner.start();
    await tick();
    expect(b.scanner.status).toMatchObject({ state: 'error' });
    expect(b.scanner.status.detail).toContain('udev rule');
  });

  it('a claim that fails gives the keyboard back to the kernel (the scanner is not left dead)', async () => {
    const device = new FakeDevice();
    device.claimInterface = async () => {
      throw new Error('LIBUSB_ERROR_BUSY');
    };
    const { scanner: s } = make({ find: async () => device });
    s.start();
    await tick();
    expect(s.status.state).toBe('error');
    expect([device.kernelDriver, device.opened]).toEqual([true, false]);
  });

  it('stop while the device is still opening: nothing stays claimed, no retry after', async () => {
    const device = new FakeDevice();
    let finishOpen: () => void = () => undefined;
    device.open = () =>
      new Promise<void>((resolve) => {
        finishOpen = () => {
          device.opened = true;
          resolve();
        };
      });
    const { scanner: s, statuses } = make({ find: async () => device });
    s.start();
    await tick();
    const stopped = s.stop();
    finishOpen();
    await stopped;
    await tick();
    expect([device.claimed, device.kernelDriver, device.opened]).toEqual([false, true, false]);
    expect(statuses.at(-1)?.state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 600));
    expect(statuses.at(-1)?.state).toBe('stopped');
  });
});
