import { describe, expect, it } from 'vitest';
import { printedText } from '../../../drivers/printer/decode.js';
import { epson } from '../../../drivers/printer/dialect.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { PermanentPrintError } from '../../../drivers/printer/transport.js';
import { usbTransport } from '../../../drivers/printer/usb.js';
import { type EngineOptions, PrinterEngine } from '../../fakes/printer-engine.js';
import { FakeUsbDevice } from '../../fakes/usb.js';

/**
 * The USB printer transport through a fake device shaped like usb 3.x's UsbDevice (no USB here),
 * with the same printer inside as the network stand-in: bulk OUT feeds it, its answers come on bulk IN.
 */

const ticket = encode([{ kind: 'text', text: 'Café 4.20 €' }, { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });

function usbPrinter(o: EngineOptions = {}) {
  const d = new FakeUsbDevice();
  d.interfaceClass = 7;
  const e = new PrinterEngine(o);
  const feed = { reply: (bytes: Uint8Array) => d.report(bytes), open: true };
  d.onOut = (data) => e.receive(feed, Buffer.from(data));
  return { d, e };
}

describe('USB printer (fake device)', () => {
  it('finds it by ids, takes the printer interface from the kernel for the session, gives it back after; printed when the printer says so', async () => {
    const { d, e } = usbPrinter({ bytesPerSecond: 20_000 });
    let asked: number[] = [];
    const t = usbTransport({ vendorId: 0x04b8, productId: 0x0202 }, epson, { find: async (v, p) => ((asked = [v, p]), d) });
    const session = await t.open();
    expect([d.opened, d.claimed, d.kernelDriver]).toEqual([true, true, false]);
    expect(await session.print(ticket)).toBe('printed');
    expect(printedText(e.printed())).toEqual(['Café 4.20 €']);
    expect(asked).toEqual([0x04b8, 0x0202]);
    await session.close();
    expect([d.opened, d.claimed, d.kernelDriver]).toEqual([false, false, true]);
  });

  it('a hung printer: the transfer never completes, yet stopping the job lets go of the device at once', async () => {
    const { d } = usbPrinter();
    const t = usbTransport({ vendorId: 1, productId: 2, stallMs: 60_000 }, epson, { find: async () => d });
    const session = await t.open();
    d.hangOut = true;
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('the agent is stopping')), 100);
    const t0 = Date.now();
    await expect(session.print(ticket, { signal: stop.signal })).rejects.toMatchObject({ kind: 'aborted' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect([d.claimed, d.opened, d.kernelDriver]).toEqual([false, false, true]);
  });

  it('DLE EOT over bulk IN: online, paper out', async () => {
    const { d, e } = usbPrinter();
    const t = usbTransport({ vendorId: 1, productId: 2 }, epson, { find: async () => d });
    expect(await t.check()).toBe('online');
    e.paper = 'out';
    expect(await t.check()).toBe('paper-out');
  });

  it('unplugged: offline, and opening says what to check; a device that is no printer can never print', async () => {
    const none = usbTransport({ vendorId: 1, productId: 2 }, epson, { find: async () => null });
    expect(await none.check()).toBe('offline');
    await expect(none.open()).rejects.toThrow(/no USB printer 0x0001:0x0002 plugged in/);
    const hid = new FakeUsbDevice(); // class 3: a keyboard, not a printer
    const wrong = usbTransport({ vendorId: 1, productId: 2 }, epson, { find: async () => hid });
    await expect(wrong.open()).rejects.toBeInstanceOf(PermanentPrintError);
    expect(hid.opened).toBe(false);
    const noUsb = usbTransport({ vendorId: 1, productId: 2 }, epson, {
      find: async () => {
        throw new Error('this machine has no USB subsystem (/sys/bus/usb is missing): a USB device cannot work here');
      },
    });
    await expect(noUsb.open()).rejects.toThrow(/no USB subsystem/);
  });
});
