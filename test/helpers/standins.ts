import { afterEach } from 'vitest';
import { PrinterStandIn, type StandInOptions } from '../fakes/printer-standin.js';

/** For a test file: returns `start()`, which starts a TCP printer stand-in that is stopped after each test. */
export function standInsPerTest(): (o?: StandInOptions) => Promise<PrinterStandIn> {
  let running: PrinterStandIn[] = [];
  afterEach(async () => {
    for (const s of running) await s.stop();
    running = [];
  });
  return async (o = {}) => {
    const s = new PrinterStandIn(o);
    await s.start();
    running.push(s);
    return s;
  };
}

/** A receipt print request as a till sends it (agent-api.md), one line, numbered. */
export const receiptRequest = (number: string, extra: Record<string, unknown> = {}) => ({
  type: 'receipt',
  ticket: { number, issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Café crème', quantity: 1, amount: 420 }], total: 420, ...extra },
});
