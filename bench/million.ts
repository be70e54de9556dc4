import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SearchIndex } from '../agent/directory/search-index.js';
import type { Client, Group } from '../agent/directory/schema.js';
import type { Logger } from '../agent/log.js';
import { spawnBundle } from './lib/child.js';
import { BENCH_TOKEN } from './lib/config.js';
import { HttpClient } from './lib/http-client.js';
import { buildQueries } from './lib/queries.js';
import { folderBytes, seedStore } from './lib/seed.js';
import { summarize, type Summary } from './lib/stats.js';

/**
 * (j) A chain's directory: 1,000,000 clients. Each figure with its baseline in the same run:
 * - search in process (`SearchIndex.search`, the query mix of (a)) at 1,000,000 against the same
 *   mix at 100,000 (the first 100,000 of the same clients);
 * - start of the bundle as a shop runs it (`spawnBundle`: AGENT_NODE_FLAGS and AGENT_NODE_ENV), spawn → the
 *   "listening" line: the first start builds the search index and saves it; the next ones take it in;
 * - the running agent's resident memory (VmRSS) after it settled, and its peak (VmHWM);
 * - durable edits over HTTP (`PATCH` with If-Match, one at a time, acknowledged after the
 *   journal's fdatasync) on that agent, against the same on an agent with 100,000 clients.
 */

export interface AgentRun {
  clients: number;
  index: string;
  listenMs: number;
  rssMb: number;
  peakMb: number;
}

export interface MillionResult {
  clients: number;
  seedMs: number;
  storeMb: number;
  imageMb: number | null;
  buildMs: number;
  baselineBuildMs: number;
  search: Summary;
  searchBaseline: Summary;
  starts: AgentRun[];
  baselineStart: AgentRun;
  edits: Summary;
  editsBaseline: Summary;
}

const mb = (bytes: number) => bytes / 1048576;

function timeQueries(index: SearchIndex, queries: readonly string[], rounds: number): Summary {
  for (const q of queries) index.search(q, 20); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t = performance.now();
      index.search(q, 20);
      samples.push(performance.now() - t);
    }
  }
  return summarize(samples);
}

interface RunningAgent {
  url: string;
  run: AgentRun;
  stop(): Promise<void>;
}

/** The bundle on `storeDir`, as the service runs it: spawn → listening, then its memory once settled. */
async function startBundle(storeDir: string, settleMs: number): Promise<RunningAgent> {
  const configFile = path.join(storeDir, 'bench-million.config.json');
  writeFileSync(configFile, JSON.stringify({ http: { host: '127.0.0.1', port: 0 }, api: { tokens: [BENCH_TOKEN] }, store: { dir: storeDir }, printers: [] }));
  const t0 = performance.now();
  const child = spawnBundle(configFile);
  let out = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /agent listening url=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`the agent exited before listening:\n${out}`)));
  });
  const listenMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, settleMs));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  const loaded = /directory loaded clients=(\d+).* index=("[^"]*"|\S+)/.exec(out);
  return {
    url,
    run: { clients: Number(loaded?.[1] ?? 0), index: (loaded?.[2] ?? '?').replace(/"/g, ''), listenMs, rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function timeEdits(url: string, ids: readonly string[]): Promise<Summary> {
  const client = new HttpClient(url, BENCH_TOKEN);
  const samples: number[] = [];
  for (const [n, id] of ids.entries()) {
    const got = await client.request('GET', `/api/v1/clients/${id}`);
    const version = (JSON.parse(got.body) as { version: number }).version;
    const res = await client.request('PATCH', `/api/v1/clients/${id}`, { notes: `million ${n}` }, { 'if-match': `"${version}"` });
    if (res.status !== 200) throw new Error(`PATCH ${id}: ${res.status} ${res.body.slice(0, 200)}`);
    samples.push(res.ms);
  }
  return summarize(samples);
}

export async function runMillionBench(tmp: string, clients: readonly Client[], groups: readonly Group[], log: Logger, say: (s: string) => void): Promise<MillionResult> {
  const n = clients.length;
  const baseline = clients.slice(0, 100_000);
  const storeDir = path.join(tmp, 'million');
  const baselineDir = path.join(tmp, 'hundred-thousand');
  let t = performance.now();
  const seeded = await seedStore(storeDir, clients, groups, log, { batch: 2000 });
  const seedMs = performance.now() - t;
  await seedStore(baselineDir, baseline, groups, log);
  say(`seeded ${n} clients in ${(seedMs / 1000).toFixed(1)} s (${mb(seeded.bytes).toFixed(0)} MB on disk); the baseline store of ${baseline.length}`);

  t = performance.now();
  const index = new SearchIndex('CH');
  index.rebuild(clients);
  const buildMs = performance.now() - t;
  t = performance.now();
  const small = new SearchIndex('CH');
  small.rebuild(baseline);
  const baselineBuildMs = performance.now() - t;
  // the same kinds of query, made from each directory's own clients
  const queries = buildQueries(clients, 60).map((q) => q.q);
  const baselineQueries = buildQueries(baseline, 60).map((q) => q.q);
  const searchBaseline = timeQueries(small, baselineQueries, 5);
  const search = timeQueries(index, queries, 5);
  say(`in process: index built in ${(buildMs / 1000).toFixed(1)} s (${(baselineBuildMs / 1000).toFixed(2)} s at ${baseline.length}); search p50 ${search.p50.toFixed(3)} ms, p99 ${search.p99.toFixed(2)} ms (${baseline.length}: ${searchBaseline.p50.toFixed(3)} / ${searchBaseline.p99.toFixed(2)} ms)`);

  const starts: AgentRun[] = [];
  let edits: Summary | null = null;
  for (let i = 0; i < 3; i++) {
    const agent = await startBundle(storeDir, 5000);
    starts.push(agent.run);
    say(`  start ${i + 1}: listening after ${(agent.run.listenMs / 1000).toFixed(2)} s (index ${agent.run.index}), RSS ${agent.run.rssMb.toFixed(0)} MB, peak ${agent.run.peakMb.toFixed(0)} MB`);
    if (i === 2) edits = await timeEdits(agent.url, clients.filter((_, k) => k % 3331 === 7).slice(0, 300).map((c) => c.id));
    await agent.stop();
  }
  const image = path.join(storeDir, 'cache', 'search-index.bin');
  const imageMb = existsSync(image) ? mb(statSync(image).size) : null;

  await startBundle(baselineDir, 3000).then((a) => a.stop()); // builds and saves its index, as the 1,000,000 store's first start did
  const small1 = await startBundle(baselineDir, 5000);
  const editsBaseline = await timeEdits(small1.url, baseline.filter((_, k) => k % 331 === 7).slice(0, 300).map((c) => c.id));
  await small1.stop();
  say(`  baseline (${baseline.length}): listening after ${(small1.run.listenMs / 1000).toFixed(2)} s, RSS ${small1.run.rssMb.toFixed(0)} MB`);
  say(`durable edit over HTTP p50 ${edits!.p50.toFixed(2)} ms, p99 ${edits!.p99.toFixed(2)} ms (${baseline.length}: ${editsBaseline.p50.toFixed(2)} / ${editsBaseline.p99.toFixed(2)} ms)`);
  return {
    clients: n,
    seedMs,
    storeMb: mb(await folderBytes(storeDir)),
    imageMb,
    buildMs,
    baselineBuildMs,
    search,
    searchBaseline,
    starts,
    baselineStart: small1.run,
    edits: edits!,
    editsBaseline,
  };
}
