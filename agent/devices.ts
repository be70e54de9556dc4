import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run devices`: what an installer needs to fill in `printers[]` and `scanners[]`.
 *
 * This version reads what the operating system shows without native modules (Linux: /dev and
 * /sys/bus/usb), so it runs on any machine and never crashes where there is no USB subsystem.
 */

export interface FoundDevice {
  kind: 'serial' | 'usb' | 'printer-node';
  path?: string;
  vendorId?: string;
  productId?: string;
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

export async function findDevices(root = '/'): Promise<{ devices: FoundDevice[]; notes: string[] }> {
  const devices: FoundDevice[] = [];
  const notes: string[] = [];
  if (process.platform !== 'linux') {
    notes.push(`device listing reads Linux's /dev and /sys; on ${process.platform}, look in the Device Manager for COM ports and USB ids`);
    return { devices, notes };
  }
  const dev = path.join(root, 'dev');
  for (const name of (await list(dev)).filter((n) => /^tty(USB|ACM)\d+$/.test(n)).sort()) {
    const p = `/dev/${name}`;
    devices.push({
      kind: 'serial',
      path: p,
      description: name.startsWith('ttyACM') ? 'USB CDC serial port (often a scanner in virtual COM mode)' : 'USB-serial adapter (RS-232 printer or scanner)',
      hint: `{ "type": "serial", "path": "${p}", "baudRate": 9600 }`,
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
      hint: classes.has('07') || classes.has('03') ? `{ "type": "usb", ${ids} }` : `(not a printer or scanner class) ${ids}`,
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
