import { afterEach, describe, expect, it } from 'vitest';
import { printedText } from '../../../drivers/printer/decode.js';
import { epson } from '../../../drivers/printer/dialect.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { serialTransport } from '../../../drivers/printer/serial.js';
import type { PrinterTransport } from '../../../drivers/printer/transport.js';
import { tempDir } from '../../helpers/config.js';
import { type EngineOptions, type Feed, PrinterEngine } from '../../fakes/printer-engine.js';
import { type PtyPair, ptyPair } from '../../helpers/pty.js';

/**
 * A serial printer on a real pseudo-terminal (socat): the test plays the printer on the other end,
 * with the same inside as the network stand-in (small buffer, paper speed, DLE EOT, process ID).
 */

let pair: PtyPair | null = null;
let engine: PrinterEngine | null = null;
afterEach(async () => {
  engine?.powerOff();
  await pair?.close();
  pair = null;
  engine = null;
});

async function serialPrinter(o: EngineOptions, stallMs = 1000) {
  pair = await ptyPair(tempDir(), 'printer');
  const p = pair;
  const e = new PrinterEngine(o);
  engine = e;
  const feed: Feed = {
    reply: (bytes) => void p.write(bytes).catch(() => undefined),
    open: true,
  };
  p.onData((chunk) => e.receive(feed, chunk));
  return { e, t: serialTransport({ path: p.app, baudRate: 9600, stallMs }, epson) };
}

/** Prints each ticket on one session; for each, how it was confirmed and how many lines were on paper at that moment. */
async function printAll(t: PrinterTransport, e: PrinterEngine, tickets: Uint8Array[]) {
  const session = await t.open();
  try {
    const out = [];
    for (const b of tickets) out.push([await session.print(b), printedText(e.printed()).length]);
    return out;
  } finally {
    await session.close();
  }
}

const ticket = (text: string, lines = 1) =>
  encode([...Array.from({ length: lines }, (_, i) => ({ kind: 'text' as const, text: lines > 1 ? `${text} ${i}` : text })), { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' });

describe('serial printer on a pty', () => {
  it('a run of tickets through a 4 KiB buffer at paper speed: each printed when the agent says so, none waiting unread beyond two windows', async () => {
    const { e, t } = await serialPrinter({ bufferBytes: 4096, bytesPerSecond: 30_000 });
    const results = await printAll(t, e, [ticket('Reçu Zürich 12.50 €'), ticket('Long', 200), ticket('Dernier')]);
    expect(results).toEqual([
      ['printed', 1],
      ['printed', 201],
      ['printed', 202],
    ]);
    const lines = printedText(e.printed());
    expect(lines[0]).toBe('Reçu Zürich 12.50 €');
    expect(lines).toHaveLength(202);
    expect(lines.at(-1)).toBe('Dernier');
    expect(e.maxBacklog).toBeLessThanOrEqual(2 * (1024 + 20) + 64);
  });

  it('check(): online, then paper out, from DLE EOT on the port', async () => {
    const { e, t } = await serialPrinter({});
    expect(await t.check()).toBe('online');
    e.paper = 'out';
    expect(await t.check()).toBe('paper-out');
  });

  it('a printer that hangs mid-ticket: stalled within stallSeconds, partial', async () => {
    const { t } = await serialPrinter({ hangAfterBytes: 2500 }, 500);
    const session = await t.open();
    const err = await session.print(ticket('Ligne', 200)).then(
      () => null,
      (x: unknown) => x,
    );
    session.abort();
    expect(err).toMatchObject({ kind: 'stalled', partial: true });
  });

  it('a printer that never answers: the port opens but the session says it does not answer, and how to fix it', async () => {
    const { t } = await serialPrinter({ answersStatus: false });
    await expect(t.open()).rejects.toThrow(/no answer from .*printer-app: is it switched on\? \(a model that cannot answer status requests needs "status": false/);
  });

  it('a port that is not there: offline, and says what to check', async () => {
    const t = serialTransport({ path: `${tempDir()}/ttyNOPE`, baudRate: 9600 }, epson);
    expect(await t.check()).toBe('offline');
    await expect(t.open()).rejects.toThrow(/not found: is the printer plugged in and on\?/);
  });
});
