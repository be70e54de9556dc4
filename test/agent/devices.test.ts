import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDevices } from '../../agent/devices.js';
import { tempDir } from '../helpers/agent.js';

/** A fake /dev and /sys tree, shaped like Linux's, for a machine with a printer and a scanner. */
function fakeRoot(): string {
  const root = tempDir('devices-');
  mkdirSync(path.join(root, 'dev', 'usb'), { recursive: true });
  writeFileSync(path.join(root, 'dev', 'ttyACM0'), '');
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
  return root;
}

describe('npm run devices', () => {
  it('lists serial ports, printer nodes and USB printers/scanners with a config hint', async () => {
    const { devices, notes } = await findDevices(fakeRoot());
    expect(devices.map((d) => [d.kind, d.path ?? `${d.vendorId}:${d.productId}`])).toEqual([
      ['serial', '/dev/ttyACM0'],
      ['printer-node', '/dev/usb/lp0'],
      ['usb', '0x04b8:0x0202'],
      ['usb', '0x05e0:0x1200'],
    ]);
    expect(devices[2]!.description).toContain('printer');
    expect(devices[3]!.hint).toBe('{ "type": "usb", "vendorId": "0x05e0", "productId": "0x1200" }');
    expect(notes).toEqual([]);
  });

  it('says so, without failing, on a machine with no USB bus', async () => {
    const { devices, notes } = await findDevices(tempDir('empty-'));
    expect(devices).toEqual([]);
    expect(notes.join('\n')).toContain('no USB bus');
  });
});
