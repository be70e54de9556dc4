import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { printedText } from '../../drivers/printer/decode.js';
import { encode } from '../../drivers/printer/escpos.js';
import { FileTransport } from '../../drivers/printer/file.js';
import { TcpTransport } from '../../drivers/printer/tcp.js';
import { stateFromStatus } from '../../drivers/printer/transport.js';
import { VirtualTransport } from '../../drivers/printer/virtual.js';
import { tempDir } from '../helpers/config.js';
import { PrinterStandIn } from '../helpers/printer-standin.js';

/** Waits until the stand-in has printed `text` (bytes travel after send() resolves). */
async function printedBy(s: PrinterStandIn, text: string) {
  for (let i = 0; i < 500 && !printedText(s.printed()).includes(text); i++) await new Promise((r) => setTimeout(r, 5));
  expect(printedText(s.printed())).toContain(text);
}

const ticket = (text: string) => encode([{ kind: 'text', text }, { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });

let standIn: PrinterStandIn | null = null;
let tcp: TcpTransport | null = null;
afterEach(async () => {
  await tcp?.close();
  await standIn?.stop();
  tcp = null;
  standIn = null;
});

async function networkPrinter(opts: Partial<ConstructorParameters<typeof TcpTransport>[0]> = {}) {
  standIn = new PrinterStandIn();
  await standIn.start();
  tcp = new TcpTransport({ host: '127.0.0.1', port: standIn.port, ...opts });
  return { s: standIn, t: tcp };
}

describe('TCP printer (raw port 9100) against the stand-in', () => {
  it('sends the bytes; the stand-in prints them, accents and € intact', async () => {
    const { s, t } = await networkPrinter();
    await t.send(ticket('Café 4.20 € — Müller'));
    await t.send(ticket('Deuxième ticket: À bientôt'));
    await printedBy(s, 'Deuxième ticket: À bientôt');
    expect(printedText(s.printed())).toEqual(['Café 4.20 € - Müller', 'Deuxième ticket: À bientôt']);
  });

  it('real-time status with DLE EOT: online, paper near end, paper out, cover open; unknown if it does not answer', async () => {
    const { s, t } = await networkPrinter({ statusTimeoutMs: 300 });
    expect(await t.status()).toBe('online');
    s.paper = 'near-end';
    expect(await t.status()).toBe('paper-near-end');
    s.paper = 'out';
    expect(await t.status()).toBe('paper-out');
    s.paper = 'ok';
    s.cover = true;
    expect(await t.status()).toBe('cover-open');
    s.cover = false;
    s.answersStatus = false;
    expect(await t.status()).toBe('unknown');
    expect(s.received().length).toBe(0); // status requests are not printed
  });

  it('a printer switched off: offline status, a send fails with what to check; back on, it prints again', async () => {
    const { s, t } = await networkPrinter({ connectTimeoutMs: 500 });
    await t.send(ticket('one'));
    await printedBy(s, 'one');
    await s.stop();
    expect(await t.status()).toBe('offline');
    await expect(t.send(ticket('two'))).rejects.toThrow(/refused the connection \(is it on/);
    await s.start();
    await t.send(ticket('three'));
    await printedBy(s, 'three');
    expect(printedText(s.printed())).toEqual(['one', 'three']);
  });

  it('a connection idle long enough for the printer to drop it is replaced before the next job', async () => {
    const { s, t } = await networkPrinter({ maxIdleMs: 30 });
    await t.send(ticket('before'));
    await printedBy(s, 'before');
    await new Promise((r) => setTimeout(r, 60));
    s.dropConnections(); // as printers do after ~90 s idle; the agent has not heard of it yet
    await t.send(ticket('after'));
    await printedBy(s, 'after');
    expect(printedText(s.printed())).toEqual(['before', 'after']);
  });

  it('status bytes that are not status bytes give unknown', () => {
    expect(stateFromStatus(0x12, 0x12, 0x12)).toBe('online');
    expect(stateFromStatus(0x00, 0x12, 0x12)).toBe('unknown');
    expect(stateFromStatus(0x1a, 0x12, 0x12)).toBe('offline');
  });
});

describe('file and virtual printers', () => {
  it('a file transport appends to the device node; a missing one is offline with what to check', async () => {
    const dir = tempDir();
    const node = path.join(dir, 'lp0');
    writeFileSync(node, '');
    const f = new FileTransport(node);
    await f.send(ticket('Zürich'));
    expect(printedText((await import('../../drivers/printer/decode.js')).decode(readFileSync(node)))).toEqual(['Zürich']);
    const missing = new FileTransport(path.join(dir, 'lp9'));
    expect(await missing.status()).toBe('offline');
    await expect(missing.send(ticket('x'))).rejects.toThrow(/does not exist \(is the printer plugged in/);
  });

  it('the virtual printer keeps each ticket, bytes and preview, the newest ones only', async () => {
    const dir = tempDir();
    const v = new VirtualTransport(dir, { model: 'epson', width: 42, name: 'Caisse' }, 3);
    for (const n of [1, 2, 3, 4]) await v.send(ticket(`Ticket ${n}`));
    const kept = await v.list();
    expect(kept).toHaveLength(3);
    expect(readFileSync(kept[0]!.html, 'utf8')).toContain('Ticket 4');
    expect(readFileSync(kept[2]!.html, 'utf8')).toContain('Ticket 2');
    expect(await v.status()).toBe('online');
  });
});
