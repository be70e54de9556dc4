import type { ChildProcess } from 'node:child_process';
import type { Directory } from '../agent/directory/directory.js';
import { createRng } from '../test/fixtures/swiss-clients.js';
import { forkTs } from './lib/child.js';
import { BENCH_TOKEN } from './lib/config.js';
import { type EditResult, runEditors } from './lib/editors.js';
import { HttpClient } from './lib/http-client.js';

export type { EditResult } from './lib/editors.js';
import { type BenchQuery, QUERY_CLASSES, type QueryClass } from './lib/queries.js';
import { ms, ratio, shuffle, type Summary, summarize, table } from './lib/stats.js';

/** A real agent in a child process, started on a seeded store folder. */
export interface AgentServer {
  url: string;
  startMs: number;
  pid: number;
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Starts (again) counting the agent's event-loop delay. */
  loopReset(): Promise<void>;
  /** The agent's event-loop delay since loopReset(), in ms. */
  loopDelay(): Promise<LoopDelay>;
  stop(): Promise<string[]>;
}

export interface LoopDelay {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** garbage collections meanwhile (count, total ms) and each pause of 5 ms or more */
  gc: { count: number; ms: number; pauses: Array<{ kind: string; ms: number }> };
}

export function startAgentServer(storeDir: string, overrides?: Record<string, unknown>, nodeFlags: readonly string[] = []): Promise<AgentServer> {
  const child: ChildProcess = forkTs('bench/children/agent-server.ts', overrides ? [storeDir, JSON.stringify(overrides)] : [storeDir], nodeFlags);
  child.stdout?.resume();
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        const msg = m as Record<string, unknown>;
        if (msg.type === type) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(msg);
        }
      };
      const onExit = (code: number | null) => reject(new Error(`the agent process exited (code ${code}) before "${type}"`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return next('ready').then((ready) => ({
    url: String(ready.url),
    startMs: Number(ready.startMs),
    pid: child.pid!,
    async loopReset() {
      const m = next('loop-reset');
      child.send('loop-reset');
      await m;
    },
    async loopDelay() {
      const m = next('loop');
      child.send('loop');
      return (await m).loop as LoopDelay;
    },
    async memory() {
      const m = next('memory');
      child.send('memory');
      return (await m).memory as NodeJS.MemoryUsage;
    },
    async stop() {
      const stopped = next('stopped');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.send('stop');
      const msg = await stopped;
      await exited;
      return msg.errors as string[];
    },
  }));
}

// ---- (b) HTTP search vs /healthz ---------------------------------------------------------------

export interface HttpSearchResult {
  requests: number;
  healthz: Summary;
  /** An authenticated search that matches nothing: token check, query validation, routing, tiny body. */
  apiFloor: Summary;
  search: Summary;
  searchPerClass: Record<string, Summary>;
  ratioP50: number;
  avgSearchBytes: number;
  errors: number;
}

export async function runHttpSearchBench(
  url: string,
  queries: readonly BenchQuery[],
  opts: { warmup: number; rounds: number },
): Promise<HttpSearchResult> {
  const client = new HttpClient(url, BENCH_TOKEN, 1);
  const random = createRng(4242);
  const mix = shuffle([...queries], random);
  const searchPath = (q: BenchQuery) => `/api/v1/clients?q=${encodeURIComponent(q.q)}`;
  let errors = 0;
  const check = (status: number) => {
    if (status !== 200) errors++;
  };
  for (let i = 0; i < opts.warmup; i++) {
    check((await client.request('GET', '/healthz')).status);
    check((await client.request('GET', searchPath(mix[i % mix.length]!))).status);
  }
  const health: number[] = [];
  const floor: number[] = [];
  const search: number[] = [];
  const floorPath = '/api/v1/clients?q=zzqxv';
  const perClass = new Map<QueryClass, number[]>();
  let bytes = 0;
  for (let i = 0; i < opts.rounds; i++) {
    const q = mix[i % mix.length]!;
    // Interleaved, rotating which goes first, so all see the same conditions.
    const orders = [
      ['h', 's', 'f'],
      ['s', 'f', 'h'],
      ['f', 'h', 's'],
    ] as const;
    for (const which of orders[i % 3]!) {
      if (which === 'h') {
        const r = await client.request('GET', '/healthz');
        check(r.status);
        health.push(r.ms);
      } else if (which === 'f') {
        const r = await client.request('GET', floorPath);
        check(r.status);
        floor.push(r.ms);
      } else {
        const r = await client.request('GET', searchPath(q));
        check(r.status);
        search.push(r.ms);
        bytes += r.body.length;
        (perClass.get(q.cls) ?? perClass.set(q.cls, []).get(q.cls)!).push(r.ms);
      }
    }
  }
  client.close();
  const healthz = summarize(health);
  const s = summarize(search);
  return {
    requests: opts.rounds,
    healthz,
    apiFloor: summarize(floor),
    search: s,
    searchPerClass: Object.fromEntries(QUERY_CLASSES.map((c) => [c, summarize(perClass.get(c) ?? [])])),
    ratioP50: s.p50 / healthz.p50,
    avgSearchBytes: bytes / opts.rounds,
    errors,
  };
}

export function httpSearchTable(r: HttpSearchResult): string {
  const rows = [
    ['GET /healthz', ms(r.healthz.p50), ms(r.healthz.p95), ms(r.healthz.p99), '1.00×'],
    ['GET /api/v1/clients?q=zzqxv (no match)', ms(r.apiFloor.p50), ms(r.apiFloor.p95), ms(r.apiFloor.p99), ratio(r.apiFloor.p50 / r.healthz.p50)],
    ['GET /api/v1/clients?q=… (mix)', ms(r.search.p50), ms(r.search.p95), ms(r.search.p99), ratio(r.ratioP50)],
    ...QUERY_CLASSES.map((c) => {
      const s = r.searchPerClass[c]!;
      return [`  ${c}`, ms(s.p50), ms(s.p95), ms(s.p99), ratio(s.p50 / r.healthz.p50)];
    }),
  ];
  return table(['request', 'p50', 'p95', 'p99', 'vs healthz p50'], rows);
}

// ---- (c) edits over HTTP -----------------------------------------------------------------------

/** PATCH one client at a time (`concurrency` 1) or from `concurrency` editors at once. */
export async function runHttpEdits(url: string, ids: readonly string[], concurrency: number, tag: string): Promise<EditResult> {
  const client = new HttpClient(url, BENCH_TOKEN, concurrency);
  try {
    return await runEditors(ids, concurrency, async (id, n) => {
      const r = await client.request('PATCH', `/api/v1/clients/${encodeURIComponent(id)}`, { notes: `${tag} ${n}` }, { 'if-match': '"1"' });
      return r.status === 200 ? { ms: r.ms } : { error: `${r.status} ${r.body.slice(0, 300)}` };
    });
  } finally {
    client.close();
  }
}

// ---- where the HTTP search time goes ---------------------------------------------------------

export interface SearchComponents {
  indexSearch: Summary;
  directorySearch: Summary;
  stringify: Summary;
  /** Directory.searchJson: what the route answers with, the page joined from cached client JSON. */
  searchJson: Summary;
}

/**
 * The same query mix in process, on a loaded Directory: SearchIndex.search alone, then
 * Directory.search (index + the 20 records copied with their group), then JSON.stringify of the
 * page (what c.json() did), and Directory.searchJson, the same text from the clients' cached JSON
 * (what the route sends; the warm-up pass fills the cache). The rest of an HTTP search is the HTTP
 * stack and middleware.
 */
export function measureSearchComponents(directory: Directory, queries: readonly BenchQuery[], rounds = 3): SearchComponents {
  const random = createRng(777);
  for (const q of queries) JSON.stringify(directory.search(q.q, 20));
  for (const q of queries) directory.searchJson(q.q, 20);
  const idx: number[] = [];
  const dir: number[] = [];
  const str: number[] = [];
  const text: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of shuffle([...queries], random)) {
      let t = performance.now();
      directory.index.search(q.q, 20);
      idx.push(performance.now() - t);
      t = performance.now();
      const page = directory.search(q.q, 20);
      const t1 = performance.now();
      JSON.stringify(page);
      str.push(performance.now() - t1);
      dir.push(t1 - t);
      t = performance.now();
      directory.searchJson(q.q, 20);
      text.push(performance.now() - t);
    }
  }
  return { indexSearch: summarize(idx), directorySearch: summarize(dir), stringify: summarize(str), searchJson: summarize(text) };
}
