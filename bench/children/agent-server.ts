/**
 * A real agent in its own process (as in a shop: the till is another program), for the HTTP
 * benchmarks. argv: <storeDir> [config overrides as JSON, e.g. scanners]. Tells the parent its URL over IPC, then waits for "stop".
 * Also answers "loop-reset" / "loop" (its event-loop delay since the last reset, from
 * perf_hooks.monitorEventLoopDelay: how long a request that arrived may have waited for the loop,
 * and the garbage collector's pauses of 5 ms or more, by kind).
 */
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Agent } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';
import { benchConfig } from '../lib/config.js';

const storeDir = process.argv[2];
if (!storeDir || !process.send) throw new Error('usage: spawned by bench/run.ts with IPC: agent-server.ts <storeDir> [config overrides as JSON]');
const overrides: unknown = process.argv[3] ? JSON.parse(process.argv[3]) : {};

const log = memoryLogger();
const config = benchConfig(storeDir, typeof overrides === 'object' && overrides !== null ? { ...overrides } : {});
const agent = new Agent({ config, file: null, storeDir }, { log });
const started = performance.now();
const url = await agent.start();
const startMs = performance.now() - started;
const loop = monitorEventLoopDelay({ resolution: 1 }); // enabled at the first "loop-reset" only
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let gcPauses: Array<{ kind: string; ms: number }> = [];
let gcTotal = { count: 0, ms: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    gcTotal.count++;
    gcTotal.ms += e.duration;
    if (e.duration >= 5) gcPauses.push({ kind, ms: e.duration });
  }
});

process.on('message', (msg: unknown) => {
  void (async () => {
    if (msg === 'memory') {
      process.send!({ type: 'memory', memory: process.memoryUsage() });
    } else if (msg === 'loop-reset') {
      loop.enable();
      loop.reset();
      gcObserver.disconnect();
      gcObserver.observe({ entryTypes: ['gc'] });
      gcPauses = [];
      gcTotal = { count: 0, ms: 0 };
      process.send!({ type: 'loop-reset' });
    } else if (msg === 'loop') {
      const ms = (ns: number) => ns / 1e6;
      process.send!({ type: 'loop', loop: { n: loop.count, p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean), gc: { ...gcTotal, pauses: gcPauses } } });
    } else if (msg === 'stop') {
      await agent.stop();
      process.send!({ type: 'stopped', errors: log.lines.filter((l) => !l.startsWith('info')) }, () => process.exit(0));
    }
  })();
});
process.send({ type: 'ready', url, startMs });
