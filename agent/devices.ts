import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSerialPorts, type SerialLister, type SerialPortInfo } from '../drivers/serial-ports.js';

/**
 * `npm run devices`: what an installer needs to fill in `printers[]` and `scanners[]`.
 *
 * It reads what Linux shows in /dev and /sys (no native module, so it runs anywhere and never
 * crashes where there is no USB subsystem), and adds what serialport's `SerialPort.list()` knows
 * (manufacturer, ids) when it works: it needs `udevadm`, which minimal systems lack.
 */

export interface FoundDevice {
  kind: 'serial' | 'usb' | 'printer-node';
  path?: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  description: string;
  /** A config entry to start from. */
  hint: string;
}

const USB_CLASS: Record<string, string> = { '07': 'printer', '03': 'HID (keyboard-wedge or HID POS scanner)', '02': 'CDC serial (virtual COM)', '0a': 'CDC data' };

async function readText(file: string): Promise<string | null> {
  return fs.readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => null,
  );
}

async function list(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}

/** The USB ids above a tty in /sys (its device link points into the USB interface). */
async function ttyUsbIds(root: string, name: string): Promise<{ vendorId?: string; productId?: string; manufacturer?: string }> {
  let dir = await fs.realpath(path.join(root, 'sys', 'class', 'tty', name, 'device')).catch(() => null);
  for (let i = 0; dir && i < 4; i++, dir = path.dirname(dir)) {
    const vendor = await readText(path.join(dir, 'idVendor'));
    if (vendor) {
      const product = await readText(path.join(dir, 'idProduct'));
      const manufacturer = await readText(path.join(dir, 'manufacturer'));
      return { vendorId: `0x${vendor}`, productId: product ? `0x${product}` : undefined, manufacturer: manufacturer ?? undefined };
    }
  }
  return {};
}

export async function findDevices(root = '/', listSerial: SerialLister = listSerialPorts): Promise<{ devices: FoundDevice[]; notes: string[] }> {
  const devices: FoundDevice[] = [];
  const notes: string[] = [];
  if (process.platform !== 'linux') {
    notes.push(`device listing reads Linux's /dev and /sys; on ${process.platform}, look in the Device Manager for COM ports and USB ids`);
    return { devices, notes };
  }
  const dev = path.join(root, 'dev');
  let listed: SerialPortInfo[] = [];
  try {
    listed = await listSerial();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    notes.push(
      /udevadm/.test(message)
        ? 'serialport could not list ports (udevadm is missing on this system): serial ports and their ids were read from /dev and /sys instead'
        : `serialport could not list ports (${message}): serial ports were read from /dev and /sys instead`,
    );
  }
  for (const name of (await list(dev)).filter((n) => /^tty(USB|ACM)\d+$/.test(n)).sort()) {
    const p = `/dev/${name}`;
    const info = listed.find((l) => l.path === p);
    const ids = await ttyUsbIds(root, name);
    const vendorId = ids.vendorId ?? (info?.vendorId ? `0x${info.vendorId}` : undefined);
    const productId = ids.productId ?? (info?.productId ? `0x${info.productId}` : undefined);
    const manufacturer = info?.manufacturer ?? ids.manufacturer;
    const what = name.startsWith('ttyACM') ? 'USB CDC serial port (often a scanner in virtual COM mode)' : 'USB-serial adapter (RS-232 printer or scanner)';
    devices.push({
      kind: 'serial',
      path: p,
      vendorId,
      productId,
      manufacturer,
      description: [manufacturer, what, vendorId && productId ? `${vendorId}:${productId}` : null].filter(Boolean).join(' — '),
      hint: `{ "type": "serial", "path": "${p}", "baudRate": 9600 } in ${name.startsWith('ttyACM') ? 'scanners[]' : 'printers[] or scanners[]'}`,
    });
  }
  for (const name of (await list(path.join(dev, 'usb'))).filter((n) => /^lp\d+$/.test(n)).sort()) {
    const p = `/dev/usb/${name}`;
    devices.push({ kind: 'printer-node', path: p, description: 'USB printer device node', hint: `{ "type": "file", "path": "${p}" }` });
  }
  const usbRoot = path.join(root, 'sys', 'bus', 'usb', 'devices');
  const usbEntries = await list(usbRoot);
  if (usbEntries.length === 0) {
    notes.push('this machine shows no USB bus (/sys/bus/usb is missing): USB printers and scanners cannot be used here');
  }
  for (const entry of usbEntries.filter((e) => !e.includes(':')).sort()) {
    const base = path.join(usbRoot, entry);
    const vendor = await readText(path.join(base, 'idVendor'));
    const product = await readText(path.join(base, 'idProduct'));
    if (!vendor || !product) continue;
    const classes = new Set<string>();
    for (const iface of (await list(base)).filter((e) => e.startsWith(`${entry}:`))) {
      const cls = await readText(path.join(base, iface, 'bInterfaceClass'));
      if (cls) classes.add(cls.toLowerCase());
    }
    if ([...classes].every((c) => c === '09')) continue; // hubs
    const label = [await readText(path.join(base, 'manufacturer')), await readText(path.join(base, 'product'))].filter(Boolean).join(' ');
    const kinds = [...classes].map((c) => USB_CLASS[c]).filter(Boolean);
    const ids = `"vendorId": "0x${vendor}", "productId": "0x${product}"`;
    devices.push({
      kind: 'usb',
      vendorId: `0x${vendor}`,
      productId: `0x${product}`,
      description: `${label || 'USB device'}${kinds.length ? ` — ${kinds.join(', ')}` : ''}`,
      hint: classes.has('07')
        ? `{ "type": "usb", ${ids} } in printers[]`
        : classes.has('03')
          ? `{ "type": "usb", ${ids}, "mode": "keyboard", "layout": "us" } in scanners[] (if it is a scanner)`
          : `(not a printer or scanner class) ${ids}`,
    });
  }
  if (devices.length === 0) notes.push('no serial ports or USB printers/scanners found; a network printer needs { "type": "tcp", "host": "…", "port": 9100 }');
  return { devices, notes };
}

async function main(): Promise<void> {
  const { devices, notes } = await findDevices();
  for (const d of devices) {
    console.log(`${d.kind.padEnd(12)} ${d.path ?? `${d.vendorId}:${d.productId}`}  ${d.description}`);
    console.log(`${' '.repeat(13)}transport: ${d.hint}`);
  }
  for (const n of notes) console.log(`note: ${n}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`could not list devices: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
