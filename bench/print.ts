import ntp from 'node-thermal-printer';
import { printedText } from '../drivers/printer/decode.js';
import { PrinterStandIn } from '../test/helpers/printer-standin.js';
import { BENCH_TOKEN } from './lib/config.js';
import { HttpClient } from './lib/http-client.js';
import { startAgentServer } from './http.js';
import { deliveries, ms, sleep, type Summary, summarize, table } from './lib/stats.js';

/**
 * (g) Printing at a TCP printer stand-in (in this process): the agent in its own process, on a copy
 * of the store.
 * - print request → cut: from POST /api/v1/print leaving to the stand-in receiving GS V. Baseline
 *   in the same run: node-thermal-printer sending the same bytes itself (`execute()` over its
 *   tcp:// interface), from the call to the same cut.
 * - drawer: POST with openDrawer → ESC p on the wire.
 * - 500 tickets posted at once (8 at a time): each printed once, none lost.
 */

export interface PrintBenchResult {
  direct: Summary;
  agent: Summary;
  overhead: number;
  drawer: Summary;
  burst: { sent: number; accepted: number; printed: number; distinct: number; missing: number; doubled: number; ms: number };
}

const receipt = (number: string, openDrawer = false) => ({
  type: 'receipt',
  openDrawer,
  ticket: { number, issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840 }, { label: 'Croissant', quantity: 1, amount: 190 }], total: 1030, payments: [{ method: 'Espèces', amount: 1100 }], change: 70 },
});

export async function runPrintBench(copy: (to: string) => Promise<void>, tmp: string, n = 200): Promise<PrintBenchResult> {
  const standIn = new PrinterStandIn();
  await standIn.start();
  const waitFor = (hook: 'onCut' | 'onDrawer') => new Promise<number>((resolve) => (standIn[hook] = () => { standIn[hook] = null; resolve(performance.now()); }));

  const dir = `${tmp}/print-agent`;
  await copy(dir);
  const server = await startAgentServer(dir, {
    printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'client'], width: 48, transport: { type: 'tcp', host: '127.0.0.1', port: standIn.port } }],
  });
  const client = new HttpClient(server.url, BENCH_TOKEN, 8);
  try {
    // the bytes the agent sends for this ticket, to give the baseline the very same
    const first = await client.request('POST', '/api/v1/print', receipt('WARM-0'));
    if (first.status !== 202) throw new Error(`print answered ${first.status}: ${first.body}`);
    await sleep(300);

    const agent: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      const cut = waitFor('onCut');
      const t0 = performance.now();
      const res = await client.request('POST', '/api/v1/print', receipt(`L-${i}`));
      if (res.status !== 202) throw new Error(`print answered ${res.status}`);
      const t1 = await cut;
      if (i >= 20) agent.push(t1 - t0);
    }
    await sleep(200);
    const bytes = (() => {
      // the last ticket's bytes as the stand-in received them: from the last ESC @ before its cut
      const all = standIn.received();
      let start = all.lastIndexOf(Buffer.from([0x1b, 0x40]), all.lastIndexOf(Buffer.from([0x1d, 0x56])));
      if (start < 0) start = 0;
      return Buffer.from(all.subarray(start));
    })();

    const direct: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      const printer = new ntp.ThermalPrinter({ type: ntp.PrinterTypes.EPSON, interface: `tcp://127.0.0.1:${standIn.port}`, width: 48 });
      printer.setBuffer(bytes);
      const cut = waitFor('onCut');
      const t0 = performance.now();
      await printer.execute();
      const t1 = await cut;
      if (i >= 20) direct.push(t1 - t0);
    }

    const drawer: number[] = [];
    for (let i = 0; i < 50; i++) {
      const pulse = waitFor('onDrawer');
      const cut = waitFor('onCut');
      const t0 = performance.now();
      await client.request('POST', '/api/v1/print', receipt(`D-${i}`, true));
      drawer.push((await pulse) - t0);
      await cut;
    }

    // 500 at once, 8 requests in flight
    standIn.clear();
    const numbers = Array.from({ length: 500 }, (_, i) => `Q-${String(i).padStart(3, '0')}`);
    const t0 = performance.now();
    let accepted = 0;
    for (let i = 0; i < numbers.length; i += 8) {
      const answers = await Promise.all(numbers.slice(i, i + 8).map((num) => client.request('POST', '/api/v1/print', receipt(num))));
      accepted += answers.filter((a) => a.status === 202).length;
    }
    const printedNumbers = () => printedText(standIn.printed()).filter((l) => l.startsWith('Ticket ')).map((l) => /^Ticket (\S+)/.exec(l)![1]!);
    const end = Date.now() + 60_000;
    while (printedNumbers().length < numbers.length && Date.now() < end) await sleep(20);
    const burstMs = performance.now() - t0;
    await sleep(300);
    const got = printedNumbers();
    const r: PrintBenchResult = {
      direct: summarize(direct),
      agent: summarize(agent),
      overhead: 0,
      drawer: summarize(drawer),
      burst: {
        sent: numbers.length,
        accepted,
        printed: got.length,
        ...deliveries(numbers, got),
        ms: burstMs,
      },
    };
    r.overhead = r.agent.p50 - r.direct.p50;
    return r;
  } finally {
    client.close();
    await server.stop();
    await standIn.stop();
  }
}

export function printTable(r: PrintBenchResult): string {
  const row = (name: string, s: Summary) => [name, ms(s.p50), ms(s.p95), ms(s.p99), String(s.n)];
  return table(
    ['at the TCP printer stand-in', 'p50', 'p95', 'p99', 'n'],
    [
      row('node-thermal-printer execute() → cut (baseline)', r.direct),
      row('agent: POST /api/v1/print → cut', r.agent),
      row('agent: POST with openDrawer → drawer pulse', r.drawer),
    ],
  );
}
