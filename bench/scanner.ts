import { readSseEvents } from './lib/sse.js';
import { SerialPort } from 'serialport';
import type { Client } from '../agent/directory/schema.js';
import { ptyPair } from '../test/helpers/pty.js';
import { BENCH_TOKEN } from './lib/config.js';
import { startAgentServer } from './http.js';
import { deliveries, ms, type Summary, summarize, table } from './lib/stats.js';

/**
 * (f) A scan on a serial scanner → the `scan` event in the till's event stream. The scanner is one
 * end of a socat pseudo-terminal pair; the agent (its own process, 100,000 clients) reads the
 * other end. Baseline in the same run: a plain serialport reader of the same kind of pty in the
 * bench process, timed from the write to the line arriving. Then 1,000 scans sent back to back:
 * every one must come out as one event, none lost or doubled.
 */

export interface ScannerBenchResult {
  scans: number;
  plainReader: Summary;
  agentEvent: Summary;
  overhead: number;
  burst: { sent: number; received: number; distinct: number; missing: number; doubled: number; ms: number };
}

/** Server-sent events from a fetch body, one callback per `scan` event. */
async function readScans(url: string, onScan: (data: { code: string; client: unknown }) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` }, signal });
  await readSseEvents(res.body!, 'scan', onScan, signal);
}

export async function runScannerBench(copy: (to: string) => Promise<void>, tmp: string, clients: readonly Client[], n = 300): Promise<ScannerBenchResult> {
  const codes = clients.filter((c) => c.reference).map((c) => c.reference!);
  const pick = (i: number) => (i % 2 === 0 ? codes[(i * 7919) % codes.length]! : `UNKNOWN-${i}`); // half known, half unknown cards

  // ---- baseline: a plain reader of a pty pair, in this process
  const plainPair = await ptyPair(tmp, 'plain');
  const port = new SerialPort({ path: plainPair.app, baudRate: 9600 });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  let pending: { code: string; t0: number; resolve: (ms: number) => void } | null = null;
  let line = '';
  port.on('data', (chunk: Buffer) => {
    line += chunk.toString('latin1');
    const end = line.indexOf('\r');
    if (end >= 0 && pending) {
      const p = pending;
      pending = null;
      line = line.slice(end + 1);
      p.resolve(performance.now() - p.t0);
    }
  });
  const plain: number[] = [];
  for (let i = 0; i < n + 20; i++) {
    const code = pick(i);
    const arrived = new Promise<number>((resolve) => (pending = { code, t0: performance.now(), resolve }));
    pending!.t0 = performance.now();
    await plainPair.write(`${code}\r`);
    const t = await arrived;
    if (i >= 20) plain.push(t); // the first ones warm up
  }
  await new Promise<void>((r) => port.close(() => r()));
  await plainPair.close();

  // ---- the agent: scanner on a pty, scan events read over SSE
  const dir = `${tmp}/scanner-agent`;
  await copy(dir);
  const pair = await ptyPair(tmp, 'agent');
  const server = await startAgentServer(dir, { scanners: [{ id: 'bench', name: 'Bench', transport: { type: 'serial', path: pair.app }, duplicateWindowMs: 0 }] });
  const abort = new AbortController();
  let waiter: { code: string; resolve: () => void } | null = null;
  const received: string[] = [];
  const reading = readScans(
    server.url,
    (scan) => {
      received.push(scan.code);
      if (waiter && waiter.code === scan.code) {
        const w = waiter;
        waiter = null;
        w.resolve();
      }
    },
    abort.signal,
  );
  // the scanner connects within a moment of start
  await new Promise((r) => setTimeout(r, 500));
  const agent: number[] = [];
  try {
    for (let i = 0; i < n + 20; i++) {
      const code = `${pick(i)}`;
      const seen = new Promise<void>((resolve) => (waiter = { code, resolve }));
      const t0 = performance.now();
      await pair.write(`${code}\r\n`);
      await seen;
      if (i >= 20) agent.push(performance.now() - t0);
    }
    // 1,000 distinct codes back to back, as fast as the pty takes them
    received.length = 0;
    const burst = Array.from({ length: 1000 }, (_, i) => `BURST-${String(i).padStart(4, '0')}`);
    const t0 = performance.now();
    for (const code of burst) await pair.write(`${code}\r\n`);
    const deadline = Date.now() + 20_000;
    while (received.length < burst.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const burstMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200)); // anything doubled would show now
    const result: ScannerBenchResult = {
      scans: n,
      plainReader: summarize(plain),
      agentEvent: summarize(agent),
      overhead: 0,
      burst: {
        sent: burst.length,
        received: received.length,
        ...deliveries(burst, received),
        ms: burstMs,
      },
    };
    result.overhead = result.agentEvent.p50 - result.plainReader.p50;
    return result;
  } finally {
    abort.abort();
    await reading.catch(() => undefined);
    await server.stop();
    await pair.close();
  }
}

export function scannerTable(r: ScannerBenchResult): string {
  return table(
    ['scan → seen', 'p50', 'p95', 'p99', 'n'],
    [
      ['plain serialport reader of a pty (baseline)', ms(r.plainReader.p50), ms(r.plainReader.p95), ms(r.plainReader.p99), String(r.plainReader.n)],
      ['agent: pty → scan event on /api/v1/events', ms(r.agentEvent.p50), ms(r.agentEvent.p95), ms(r.agentEvent.p99), String(r.agentEvent.n)],
    ],
  );
}
