import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, printedText } from '../../../drivers/printer/decode.js';
import { epson } from '../../../drivers/printer/dialect.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { fileTransport } from '../../../drivers/printer/file.js';
import { tcpTransport, type TcpOptions } from '../../../drivers/printer/tcp.js';
import { PrintFailure, type PrinterTransport } from '../../../drivers/printer/transport.js';
import { VirtualTransport } from '../../../drivers/printer/virtual.js';
import { tempDir } from '../../helpers/config.js';
import { PrinterStandIn, type StandInOptions } from '../../fakes/printer-standin.js';

const ticket = (text: string) => encode([{ kind: 'text', text }, { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });

let standIn: PrinterStandIn | null = null;
afterEach(async () => {
  await standIn?.stop();
  standIn = null;
});

async function networkPrinter(o: StandInOptions = {}, t: Partial<TcpOptions> = {}) {
  standIn = new PrinterStandIn(o);
  await standIn.start();
  // a loaded test machine can take longer than a printer to answer: busy is tested on its own below
  return { s: standIn, t: tcpTransport({ host: '127.0.0.1', port: standIn.port, stallMs: 1000, helloMs: 1000, ...t }, epson) };
}

/** One job through a session: open, print, close. */
async function printOne(t: PrinterTransport, bytes: Uint8Array) {
  const session = await t.open();
  try {
    return await session.print(bytes);
  } finally {
    await session.close();
  }
}

describe('TCP printer (raw port 9100) against the stand-in', () => {
  it('a job is done once the printer printed it: every byte on paper when print() resolves, accents and € intact', async () => {
    const { s, t } = await networkPrinter({ bytesPerSecond: 20_000, bufferBytes: 8192 });
    expect(await printOne(t, ticket('Café 4.20 € — Müller'))).toBe('printed');
    // counted from the paper, at the moment the agent says printed: nothing still on its way
    expect(printedText(s.printed())).toEqual(['Café 4.20 € - Müller']);
    expect(await printOne(t, ticket('Deuxième ticket: À bientôt'))).toBe('printed');
    expect(printedText(s.printed())).toEqual(['Café 4.20 € - Müller', 'Deuxième ticket: À bientôt']);
    expect(s.connections).toBe(2); // a connection per job, closed after it
  });

  it('a model without a completion answer: "received" once the printer acknowledged every byte', async () => {
    const { s, t } = await networkPrinter({ processId: false, bytesPerSecond: Infinity });
    expect(await printOne(t, ticket('Reçu sans ID'))).toBe('received');
    expect(printedText(s.printed())).toEqual(['Reçu sans ID']);
    // it learned: the next job does not wait for an answer that never comes
    const started = Date.now();
    expect(await printOne(t, ticket('Deuxième'))).toBe('received');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a large job through an 8 KiB buffer read at 20 KB/s: the agent never has more than a few KiB unanswered', async () => {
    const { s, t } = await networkPrinter({ bytesPerSecond: 20_000, bufferBytes: 8192 });
    const big = encode([...Array.from({ length: 400 }, (_, i) => ({ kind: 'text' as const, text: `Ligne ${i} ${'x'.repeat(30)}` })), { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });
    expect(big.length).toBeGreaterThan(15_000);
    expect(await printOne(t, big)).toBe('printed');
    expect(printedText(s.printed())).toHaveLength(400);
    // what waited on its way unread by the printer (in a kernel, with a real one): two windows at most
    expect(s.engine.maxBacklog).toBeGreaterThan(0);
    expect(s.engine.maxBacklog).toBeLessThanOrEqual(2 * (1024 + 20) + 64);
  });

  it('a logo (20 KiB of raster bands) through the same small slow buffer: cut between bands, never more than two windows unread', async () => {
    const { s, t } = await networkPrinter({ bytesPerSecond: 20_000, bufferBytes: 8192 });
    const rows = 300;
    const image = { width: 576, height: rows, bits: new Uint8Array(72 * rows).fill(0xaa) };
    const job = encode([{ kind: 'image', image }, { kind: 'text', text: 'Boulangerie du Lac' }, { kind: 'cut' }], { model: 'epson', width: 48, codePage: 'PC858_EURO' });
    expect(job.length).toBeGreaterThan(20_000);
    expect(await printOne(t, job)).toBe('printed');
    // counted from the paper: the whole picture, then the text
    const paper = s.printed();
    expect(paper.filter((x) => x.kind === 'image').map((x) => (x.kind === 'image' ? x.height : 0))).toEqual([rows]);
    expect(printedText(s.printed())).toEqual(['Boulangerie du Lac']);
    // a band (2 KiB at most) is never split, but a window ends after one: two windows and their requests
    expect(s.engine.maxBacklog).toBeLessThanOrEqual(2 * (2048 + 8 + 20) + 64);
  });

  it('check(): online, paper near end, paper out, cover open, from DLE EOT; nothing printed by asking', async () => {
    const { s, t } = await networkPrinter();
    expect(await t.check()).toBe('online');
    s.paper = 'near-end';
    expect(await t.check()).toBe('paper-near-end');
    s.paper = 'out';
    expect(await t.check()).toBe('paper-out');
    s.paper = 'ok';
    s.cover = true;
    expect(await t.check()).toBe('cover-open');
    expect(s.received().length).toBe(0);
  });

  it('a printer that takes the connection but does not answer is busy, not offline; nothing of a job is sent into it', async () => {
    const { s, t } = await networkPrinter({ neverRead: true }, { helloMs: 250 });
    expect(await t.check()).toBe('busy');
    const err = await t.open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PrintFailure);
    expect(err).toMatchObject({ kind: 'busy' });
    expect((err as Error).message).toMatch(/does not answer: another till is printing on it/);
    expect(s.received().length).toBe(0);
  });

  it('switched off: offline with what to check; back on, it prints again', async () => {
    const { s, t } = await networkPrinter({}, { connectTimeoutMs: 500 });
    expect(await printOne(t, ticket('one'))).toBe('printed');
    await s.stop();
    expect(await t.check()).toBe('offline');
    await expect(t.open()).rejects.toThrow(/refused the connection \(is it on/);
    await s.start();
    expect(await printOne(t, ticket('three'))).toBe('printed');
    expect(printedText(s.printed())).toEqual(['one', 'three']);
  });

  it('a printer that accepts and closes at once: the job is not confirmed, and says why', async () => {
    const { s, t } = await networkPrinter({ acceptThenClose: true });
    await expect(t.open()).rejects.toThrow(/closed the connection|reset the connection/);
    expect(s.connections).toBe(1);
    expect(s.received().length).toBe(0);
  });

  it('hangs after some KiB: print() rejects as stalled within stallSeconds, marked partial', async () => {
    const { s, t } = await networkPrinter({ hangAfterBytes: 3000 }, { stallMs: 500 });
    const big = encode(Array.from({ length: 300 }, (_, i) => ({ kind: 'text' as const, text: `Ligne ${i}` })), { model: 'epson', width: 42, codePage: 'PC858_EURO' });
    const session = await t.open();
    const started = Date.now();
    const err = await session.print(big).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: 'stalled', partial: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.engine.isHung).toBe(true);
  });

  // the agent's memory under a flood is measured on a real agent process in test/e2e/print-hostile.test.ts
  it('status answers mixed with noise and a 20 MB flood of garbage: every job prints', async () => {
    const { s, t } = await networkPrinter({ noisyAnswers: true, floodBytes: 20 * 1024 * 1024, bytesPerSecond: 20_000 });
    const long = (n: number) => encode([...Array.from({ length: 60 }, (_, i) => ({ kind: 'text' as const, text: `Bruit ${n} ligne ${i} ${'-'.repeat(20)}` })), { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });
    let jobs = 0;
    // each job's connection is flooded while it prints, until 20 MB of garbage went through
    while (s.flooded < 20 * 1024 * 1024 && jobs < 50) expect(['printed', 'received']).toContain(await printOne(t, long(jobs++)));
    expect(s.flooded).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    expect(printedText(s.printed())).toHaveLength(60 * jobs);
  }, 30_000);

  it('random bytes on the line and a printer without completion answers that hangs: never "received"', async () => {
    const { s, t } = await networkPrinter({ processId: false, hangAfterBytes: 700, lineNoise: 8 });
    const big = encode(Array.from({ length: 150 }, (_, i) => ({ kind: 'text' as const, text: `Ligne ${i} ${'-'.repeat(10)}` })), { model: 'epson', width: 42, codePage: 'PC858_EURO' });
    const session = await t.open();
    const err = await session.print(big).then(
      (c) => c,
      (e: unknown) => e,
    );
    session.abort();
    expect(err).toMatchObject({ kind: 'stalled', partial: true });
    expect(s.engine.isHung).toBe(true);
  });

  it('noise that never stops: the ticket cannot be confirmed, and the printer is named with what to check; noise that stops: "received"', async () => {
    const { s, t } = await networkPrinter({ processId: false, lineNoise: 8 });
    const session = await t.open();
    await expect(session.print(ticket('Jamais confirmé'))).rejects.toThrow(/sends bytes that answer nothing .*check its port and baud rate/);
    session.abort();
    expect(printedText(s.printed())).toEqual(['Jamais confirmé']); // it did print: the agent just cannot know
    setTimeout(() => (s.lineNoise = 0), 300);
    expect(await printOne(t, ticket('Confirmé'))).toBe('received');
  });

  it('a model first seen without completion answers is asked again at the next check', async () => {
    const { s, t } = await networkPrinter({ processId: false });
    expect(await printOne(t, ticket('Sans'))).toBe('received');
    s.engine.processId = true; // a setting changed, or the first answer was late behind another till's ticket
    expect(await t.check()).toBe('online');
    expect(await printOne(t, ticket('Avec'))).toBe('printed');
  });

  it('"status": false and a printer that accepts and closes at once: not "sent", and says why', async () => {
    const { s, t } = await networkPrinter({ acceptThenClose: true, answersStatus: false }, { status: false });
    await expect(t.open()).rejects.toThrow(/closed the connection at once/);
    expect(s.received().length).toBe(0);
  });

  it('"status": false: done once written and the connection closed cleanly ("sent")', async () => {
    const { s, t } = await networkPrinter({ answersStatus: false, processId: false }, { status: false });
    expect(t.twoWay).toBe(false);
    expect(await printOne(t, ticket('Sans statut'))).toBe('sent');
    expect(printedText(s.printed())).toEqual(['Sans statut']);
  });
});

describe('file and virtual printers', () => {
  it('a file transport appends to the device node ("sent"); a missing one is offline with what to check', async () => {
    const dir = tempDir();
    const node = path.join(dir, 'lp0');
    writeFileSync(node, '');
    const f = fileTransport(node, epson);
    expect(await printOne(f, ticket('Zürich'))).toBe('sent');
    expect(printedText(decode(readFileSync(node)))).toEqual(['Zürich']);
    const missing = fileTransport(path.join(dir, 'lp9'), epson);
    expect(await missing.check()).toBe('offline');
    await expect(missing.open()).rejects.toThrow(/does not exist \(is the printer plugged in/);
  });

  it('a device that stops taking bytes: stalled, and not opened again while the write hangs (it would take one of libuv\'s four threads each time)', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'lp0');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK); // a printer that reads nothing
    const drain = () => {
      const buf = Buffer.alloc(65536);
      let total = 0;
      for (;;) {
        try {
          const n = readSync(reader, buf);
          if (n <= 0) return total;
          total += n;
        } catch {
          return total; // EAGAIN: empty
        }
      }
    };
    try {
      const f = fileTransport(fifo, epson, 300);
      const big = Buffer.alloc(256 * 1024, 0x41); // more than the pipe holds
      const session = await f.open();
      await expect(session.print(big)).rejects.toMatchObject({ kind: 'stalled' });
      await expect(f.open()).rejects.toThrow(/has not returned from the last write .*switch it off and on/);
      let got = 0;
      for (let i = 0; i < 200 && got < big.length; i++) {
        got += drain();
        await new Promise((r) => setTimeout(r, 5));
      }
      // the hung write returned: the device can be opened again
      for (let i = 0; i < 100; i++) {
        const ok = await f.open().then(
          async (s) => (await s.close(), true),
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const next = await f.open();
      await next.close();
    } finally {
      drain();
      closeSync(reader);
    }
  });

  it('the virtual printer keeps each ticket, bytes and preview, the newest ones only', async () => {
    const dir = tempDir();
    const v = new VirtualTransport(dir, { model: 'epson', width: 42, name: 'Caisse' }, 3);
    for (const n of [1, 2, 3, 4]) expect(await printOne(v, ticket(`Ticket ${n}`))).toBe('printed');
    const kept = await v.list();
    expect(kept).toHaveLength(3);
    expect(readFileSync(kept[0]!.html, 'utf8')).toContain('Ticket 4');
    expect(readFileSync(kept[2]!.html, 'utf8')).toContain('Ticket 2');
    expect(await v.check()).toBe('online');
  });
});
