import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDevices } from '../../agent/devices.js';
import { tempDir } from '../helpers/agent.js';

/** A fake /dev and /sys tree, shaped like Linux's, for a machine with a printer and a scanner. */
function fakeRoot(): string {
  const root = tempDir('devices-');
  mkdirSync(path.join(root, 'dev', 'usb'), { recursive: true });
  writeFileSync(path.join(root, 'dev', 'ttyACM0'), '');
  // /sys/class/tty/ttyACM0/device → the scanner's USB interface, whose parent holds the ids
  mkdirSync(path.join(root, 'sys', 'class', 'tty', 'ttyACM0'), { recursive: true });
  writeFileSync(path.join(root, 'dev', 'usb', 'lp0'), '');
  const dev = (name: string, vendor: string, product: string, cls: string, label: string) => {
    const base = path.join(root, 'sys', 'bus', 'usb', 'devices', name);
    mkdirSync(path.join(base, `${name}:1.0`), { recursive: true });
    writeFileSync(path.join(base, 'idVendor'), `${vendor}\n`);
    writeFileSync(path.join(base, 'idProduct'), `${product}\n`);
    writeFileSync(path.join(base, 'product'), `${label}\n`);
    writeFileSync(path.join(base, `${name}:1.0`, 'bInterfaceClass'), `${cls}\n`);
  };
  dev('1-1', '04b8', '0202', '07', 'TM-T20II');
  dev('1-2', '05e0', '1200', '03', 'Symbol Scanner');
  dev('usb1', '1d6b', '0002', '09', 'Root hub');
  dev('1-3', '0c2e', '0b61', '02', 'Honeywell 1900');
  writeFileSync(path.join(root, 'sys', 'bus', 'usb', 'devices', '1-3', 'manufacturer'), 'Honeywell\n');
  symlinkSync(path.join(root, 'sys', 'bus', 'usb', 'devices', '1-3', '1-3:1.0'), path.join(root, 'sys', 'class', 'tty', 'ttyACM0', 'device'));
  return root;
}

describe('npm run devices', () => {
  it('lists serial ports (with their USB ids), printer nodes and USB printers/scanners with a config hint', async () => {
    const { devices, notes } = await findDevices(fakeRoot(), async () => []);
    expect(devices.map((d) => [d.kind, d.path ?? `${d.vendorId}:${d.productId}`])).toEqual([
      ['serial', '/dev/ttyACM0'],
      ['printer-node', '/dev/usb/lp0'],
      ['usb', '0x04b8:0x0202'],
      ['usb', '0x05e0:0x1200'],
      ['usb', '0x0c2e:0x0b61'],
    ]);
    expect(devices[0]).toMatchObject({ vendorId: '0x0c2e', productId: '0x0b61', manufacturer: 'Honeywell' });
    expect(devices[0]!.hint).toBe('{ "type": "serial", "path": "/dev/ttyACM0", "baudRate": 9600 } in scanners[]');
    expect(devices[2]!.description).toContain('printer');
    expect(devices[2]!.hint).toBe('{ "type": "usb", "vendorId": "0x04b8", "productId": "0x0202" } in printers[]');
    expect(devices[3]!.hint).toBe('{ "type": "usb", "vendorId": "0x05e0", "productId": "0x1200", "mode": "keyboard", "layout": "us" } in scanners[] (if it is a scanner)');
    expect(notes).toEqual([]);
  });

  it('uses what SerialPort.list() knows, and says so when it fails for want of udevadm', async () => {
    const listed = await findDevices(fakeRoot(), async () => [{ path: '/dev/ttyACM0', manufacturer: 'Datalogic', vendorId: '05f9', productId: '4204' }]);
    expect(listed.devices[0]!.manufacturer).toBe('Datalogic');
    const failing = await findDevices(fakeRoot(), async () => {
      throw new Error('spawn udevadm ENOENT');
    });
    expect(failing.devices[0]).toMatchObject({ path: '/dev/ttyACM0', vendorId: '0x0c2e' });
    expect(failing.notes.join('\n')).toContain('udevadm is missing');
  });

  it('says so, without failing, on a machine with no USB bus', async () => {
    const { devices, notes } = await findDevices(tempDir('empty-'), async () => []);
    expect(devices).toEqual([]);
    expect(notes.join('\n')).toContain('no USB bus');
  });
});
