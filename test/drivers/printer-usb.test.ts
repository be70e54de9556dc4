import { describe, expect, it } from 'vitest';
import { decode, printedText } from '../../drivers/printer/decode.js';
import { encode } from '../../drivers/printer/escpos.js';
import { PermanentPrintError } from '../../drivers/printer/transport.js';
import { UsbPrinterTransport } from '../../drivers/printer/usb.js';
import { FakeUsbDevice } from '../helpers/usb-fake.js';

/** The USB printer transport through a fake device shaped like usb 3.x's UsbDevice (no USB here). */

const ticket = encode([{ kind: 'text', text: 'Café 4.20 €' }, { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });

function printerDevice() {
  const d = new FakeUsbDevice();
  d.interfaceClass = 7;
  return d;
}

describe('USB printer (fake device)', () => {
  it('finds it by ids, takes the printer interface from the kernel, sends on bulk OUT, gives it back on close', async () => {
    const d = printerDevice();
    let asked: number[] = [];
    const t = new UsbPrinterTransport(0x04b8, 0x0202, { find: async (v, p) => ((asked = [v, p]), d) });
    await t.send(ticket);
    expect(asked).toEqual([0x04b8, 0x0202]);
    expect([d.opened, d.claimed, d.kernelDriver]).toEqual([true, true, false]);
    expect(printedText(decode(Uint8Array.from(d.written)))).toEqual(['Café 4.20 €']);
    await t.close();
    expect([d.opened, d.claimed, d.kernelDriver]).toEqual([false, false, true]);
  });

  it('DLE EOT over bulk IN: online, paper out', async () => {
    const d = printerDevice();
    const t = new UsbPrinterTransport(1, 2, { find: async () => d });
    for (const b of [0x12, 0x12, 0x12]) d.report(Uint8Array.from([b]));
    expect(await t.status()).toBe('online');
    for (const b of [0x1a, 0x32, 0x72]) d.report(Uint8Array.from([b]));
    expect(await t.status()).toBe('paper-out');
    await t.close();
  });

  it('unplugged: offline, and a send says what to check; a device that is no printer can never print', async () => {
    const none = new UsbPrinterTransport(1, 2, { find: async () => null });
    expect(await none.status()).toBe('offline');
    await expect(none.send(ticket)).rejects.toThrow(/no USB printer 0x0001:0x0002 plugged in/);
    const hid = new FakeUsbDevice(); // class 3: a keyboard, not a printer
    const wrong = new UsbPrinterTransport(1, 2, { find: async () => hid });
    await expect(wrong.send(ticket)).rejects.toBeInstanceOf(PermanentPrintError);
    expect(hid.opened).toBe(false);
    const noUsb = new UsbPrinterTransport(1, 2, {
      find: async () => {
        throw new Error('this machine has no USB subsystem (/sys/bus/usb is missing): a USB device cannot work here');
      },
    });
    await expect(noUsb.send(ticket)).rejects.toThrow(/no USB subsystem/);
  });
});
