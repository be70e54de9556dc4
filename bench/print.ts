import net from 'node:net';
import { mkdirSync } from 'node:fs';
import type { JobOut } from '../agent/printing/model.js';
import { printedText } from '../drivers/printer/decode.js';
import { ticketsOnPaper } from '../test/helpers/paper.js';
import { PrinterStandIn } from '../test/fakes/printer-standin.js';
import { BENCH_TOKEN } from './lib/config.js';
import { HttpClient } from './lib/http-client.js';
import { readSseEvents } from './lib/sse.js';
import { type AgentServer, startAgentServer } from './http.js';
import { deliveries, ms, sleep, type Summary, summarize, table } from './lib/stats.js';

/**
 * (g) Printing at a TCP printer stand-in (test/fakes/printer-standin.ts: one session at a time,
 * DLE EOT and Epson's process ID answered), the agent in its own process on a copy of the store.
 * - print request → confirmed: from POST /api/v1/print leaving to the job's `done` event (the
 *   printer confirmed it printed the ticket), and to the cut reaching the stand-in's paper.
 *   Baseline in the same run: a bare connect + send of the same bytes + DLE EOT, to its answer.
 * - a connection per job: the bare round trip on one kept connection vs a connection opened and
 *   closed for each ticket; and 500 tickets posted at once (8 requests in flight), each printed once.
 * - drawer: POST with openDrawer → ESC p on the paper.
 * - two tills, one kitchen printer (8 KiB buffer read at 20 KB/s): 10 tickets from each at once,
 *   each printed once, interleaved; then a ticket from the idle till right after the other printed.
 */

export interface PrintBenchResult {
  baseline: Summary;
  agentDone: Summary;
  agentCut: Summary;
  overhead: number;
  confirmed: Record<string, number>;
  drawer: Summary;
  connection: { kept: Summary; perJob: Summary; costMs: number };
  burst: { sent: number; accepted: number; printed: number; distinct: number; missing: number; doubled: number; ms: number; perTicketMs: number };
  tills: { tickets: number; printed: number; missing: number; doubled: number; ms: number; switches: number; idle: Summary };
}

const receipt = (number: string, openDrawer = false) => ({
  type: 'receipt',
  openDrawer,
  ticket: { number, issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840 }, { label: 'Croissant', quantity: 1, amount: 190 }], total: 1030, payments: [{ method: 'Espèces', amount: 1100 }], change: 70 },
});

const DLE_EOT_1 = Buffer.from([0x10, 0x04, 0x01]);

/** One bare exchange on a connection: the ticket's bytes and DLE EOT 1, resolved at the answer byte. */
function exchange(socket: net.Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    socket.once('data', () => resolve());
    socket.write(Buffer.concat([bytes, DLE_EOT_1]));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Job events from the agent's stream: `done` moments by job id. */
function watchJobs(url: string, signal: AbortSignal): { done: Map<string, { at: number; confirmed: string | null }>; ready: Promise<void> } {
  const done = new Map<string, { at: number; confirmed: string | null }>();
  const ready = fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` }, signal }).then((res) => {
    void readSseEvents<JobOut>(res.body!, 'job', (j) => {
      if (j.status === 'done') done.set(j.id, { at: performance.now(), confirmed: j.confirmed });
    }, signal);
  });
  return { done, ready };
}

export async function runPrintBench(copy: (to: string) => Promise<void>, tmp: string, n = 200): Promise<PrintBenchResult> {
  const standIn = new PrinterStandIn();
  await standIn.start();
  const cutAt = () => new Promise<number>((resolve) => (standIn.onCut = () => { standIn.onCut = null; resolve(performance.now()); }));
  const drawerAt = () => new Promise<number>((resolve) => (standIn.onDrawer = () => { standIn.onDrawer = null; resolve(performance.now()); }));

  const dir = `${tmp}/print-agent`;
  await copy(dir);
  const server = await startAgentServer(dir, {
    printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'client'], width: 48, transport: { type: 'tcp', host: '127.0.0.1', port: standIn.port } }],
  });
  const client = new HttpClient(server.url, BENCH_TOKEN, 8);
  const stream = new AbortController();
  const jobs = watchJobs(server.url, stream.signal);
  await jobs.ready;
  try {
    const first = await client.request('POST', '/api/v1/print', receipt('WARM-0'));
    if (first.status !== 202) throw new Error(`print answered ${first.status}: ${first.body}`);
    await sleep(500);

    // ---- the agent: request → done (confirmed printed) and → cut on paper
    const done: number[] = [];
    const cut: number[] = [];
    const confirmed: Record<string, number> = {};
    for (let i = 0; i < n + 20; i++) {
      const paper = cutAt();
      const t0 = performance.now();
      const res = await client.request('POST', '/api/v1/print', receipt(`L-${i}`));
      if (res.status !== 202) throw new Error(`print answered ${res.status}`);
      const { id } = JSON.parse(res.body) as { id: string };
      const t1 = await paper;
      while (!jobs.done.has(id)) await sleep(0.2);
      const d = jobs.done.get(id)!;
      confirmed[d.confirmed ?? 'null'] = (confirmed[d.confirmed ?? 'null'] ?? 0) + 1;
      if (i >= 20) {
        cut.push(t1 - t0);
        done.push(d.at - t0);
      }
    }
    await sleep(200);
    // the last ticket's bytes as the stand-in printed them: from the last ESC @ before its cut
    const bytes = (() => {
      const all = standIn.received();
      let start = all.lastIndexOf(Buffer.from([0x1b, 0x40]), all.lastIndexOf(Buffer.from([0x1d, 0x56])));
      if (start < 0) start = 0;
      return Buffer.from(all.subarray(start));
    })();

    // ---- baseline: a bare connect + send + DLE EOT, to its answer; and the same on one kept connection
    const perJob: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      const t0 = performance.now();
      const s = await connect(standIn.port);
      await exchange(s, bytes);
      await new Promise<void>((resolve) => {
        s.once('close', () => resolve());
        s.end();
      });
      if (i >= 20) perJob.push(performance.now() - t0);
    }
    const baseline: number[] = [];
    for (let i = 0; i < n + 20; i++) {
      const t0 = performance.now();
      const s = await connect(standIn.port);
      await exchange(s, bytes);
      if (i >= 20) baseline.push(performance.now() - t0);
      s.destroy();
      await sleep(1);
    }
    const kept: number[] = [];
    {
      const s = await connect(standIn.port);
      for (let i = 0; i < n + 20; i++) {
        const t0 = performance.now();
        await exchange(s, bytes);
        if (i >= 20) kept.push(performance.now() - t0);
      }
      s.destroy();
      await sleep(50);
    }

    // ---- drawer
    const drawer: number[] = [];
    for (let i = 0; i < 50; i++) {
      const pulse = drawerAt();
      const paper = cutAt();
      const t0 = performance.now();
      await client.request('POST', '/api/v1/print', receipt(`D-${i}`, true));
      drawer.push((await pulse) - t0);
      await paper;
    }

    // ---- 500 at once, 8 requests in flight, a connection per job
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
    while (printedNumbers().length < numbers.length && Date.now() < end) await sleep(5);
    const burstMs = performance.now() - t0;
    await sleep(300);
    const got = printedNumbers();

    const tills = await runTills(tmp);
    const r: PrintBenchResult = {
      baseline: summarize(baseline),
      agentDone: summarize(done),
      agentCut: summarize(cut),
      overhead: 0,
      confirmed,
      drawer: summarize(drawer),
      connection: { kept: summarize(kept), perJob: summarize(perJob), costMs: 0 },
      burst: { sent: numbers.length, accepted, printed: got.length, ...deliveries(numbers, got), ms: burstMs, perTicketMs: burstMs / numbers.length },
      tills,
    };
    r.overhead = r.agentDone.p50 - r.baseline.p50;
    r.connection.costMs = r.connection.perJob.p50 - r.connection.kept.p50;
    return r;
  } finally {
    stream.abort();
    client.close();
    await server.stop();
    await standIn.stop();
  }
}

/** Two agents (two tills) sharing one kitchen printer that serves one connection at a time. */
async function runTills(tmp: string): Promise<PrintBenchResult['tills']> {
  const kitchen = new PrinterStandIn({ bufferBytes: 8192, bytesPerSecond: 20_000 });
  await kitchen.start();
  const servers: AgentServer[] = [];
  const clients: HttpClient[] = [];
  try {
    for (const name of ['till-a', 'till-b']) {
      const dir = `${tmp}/${name}`;
      mkdirSync(dir, { recursive: true });
      const s = await startAgentServer(dir, { printers: [{ id: 'kitchen', name: 'Cuisine', roles: ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port: kitchen.port } }] });
      servers.push(s);
      clients.push(new HttpClient(s.url, BENCH_TOKEN, 8));
    }
    const [a, b] = clients as [HttpClient, HttpClient];
    await sleep(300);
    const wantA = Array.from({ length: 10 }, (_, i) => `A-${String(i).padStart(2, '0')}`);
    const wantB = Array.from({ length: 10 }, (_, i) => `B-${String(i).padStart(2, '0')}`);
    const t0 = performance.now();
    await Promise.all([...wantA.map((x) => a.request('POST', '/api/v1/print', receipt(x))), ...wantB.map((x) => b.request('POST', '/api/v1/print', receipt(x)))]);
    const end = Date.now() + 30_000;
    while (ticketsOnPaper(kitchen.printed()).length < 20 && Date.now() < end) await sleep(5);
    const elapsed = performance.now() - t0;
    await sleep(300);
    const got = ticketsOnPaper(kitchen.printed());
    let switches = 0;
    for (let i = 1; i < got.length; i++) if (got[i]![0] !== got[i - 1]![0]) switches++;
    const d = deliveries([...wantA, ...wantB], got);

    // the idle till: right after the other till's tickets came out
    const idle: number[] = [];
    for (let round = 0; round < 10; round++) {
      const before = ticketsOnPaper(kitchen.printed()).length;
      await Promise.all([0, 1, 2].map((k) => a.request('POST', '/api/v1/print', receipt(`AR-${round}-${k}`))));
      while (ticketsOnPaper(kitchen.printed()).length < before + 3) await sleep(2);
      const t1 = performance.now();
      await b.request('POST', '/api/v1/print', receipt(`BI-${round}`));
      while (!ticketsOnPaper(kitchen.printed()).includes(`BI-${round}`)) await sleep(1);
      idle.push(performance.now() - t1);
      await sleep(200);
    }
    return { tickets: 20, printed: got.length, missing: d.missing, doubled: d.doubled, ms: elapsed, switches, idle: summarize(idle) };
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop();
    await kitchen.stop();
  }
}

export function printTable(r: PrintBenchResult): string {
  const row = (name: string, s: Summary) => [name, ms(s.p50), ms(s.p95), ms(s.p99), String(s.n)];
  return table(
    ['at the TCP printer stand-in', 'p50', 'p95', 'p99', 'n'],
    [
      row('bare connect + send + DLE EOT → answer (baseline)', r.baseline),
      row('agent: POST /api/v1/print → done (printer confirmed)', r.agentDone),
      row('agent: POST /api/v1/print → cut on paper', r.agentCut),
      row('agent: POST with openDrawer → drawer pulse', r.drawer),
      row('bare send + DLE EOT on one kept connection', r.connection.kept),
      row('bare connect + send + DLE EOT + close, per ticket', r.connection.perJob),
      row('idle till → its ticket on paper (two tills, one printer)', r.tills.idle),
    ],
  );
}
