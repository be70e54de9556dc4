import { promises as fs } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { shardOf } from '../agent/directory/directory-store.js';
import type { Client } from '../agent/directory/schema.js';
import { createRng } from '../test/fixtures/swiss-clients.js';
import { type AgentServer, type LoopDelay, startAgentServer } from './http.js';
import { BENCH_TOKEN } from './lib/config.js';
import { HttpClient } from './lib/http-client.js';
import { readSseFrames } from './lib/sse.js';
import type { BenchQuery } from './lib/queries.js';
import { ms, shuffle, sleep, type Summary, summarize, table } from './lib/stats.js';

/**
 * (i) The tail under a shop's mixed load: an agent in its own process on a copy of the
 * 100,000-client store, and, all at once for a fixed window, 4 tills searching with think time,
 * the staff page typing names (a search per keystroke), scans posted and read back from the event
 * stream, edits now and then, and a full snapshot of the directory (64 shards) that the agent
 * starts by its own rule (the journal passing 8 MB) during the window. Baseline in the same run,
 * on the same agent: each kind of request alone, one at a time, with nothing else running.
 */

export type MixedKind = 'till search' | 'staff keystroke' | 'scan → event' | 'edit ack';
export const MIXED_KINDS: readonly MixedKind[] = ['till search', 'staff keystroke', 'scan → event', 'edit ack'];

export interface Sample {
  /** when it left, ms from the window's start */
  at: number;
  ms: number;
  /** what was searched (searches only) */
  q?: string;
}

export interface SnapshotSeen {
  /** shard files written during the window (of 64) */
  shardsWritten: number;
  shardCount: number;
  /** first / last shard file's mtime, ms from the window's start (null: none written) */
  firstShardAt: number | null;
  lastShardAt: number | null;
  /** meta.json rewritten during the window (the snapshot's last step) */
  metaWritten: boolean;
}

export interface MixedResult {
  clients: number;
  windowMs: number;
  quiet: Record<MixedKind, Summary>;
  loaded: Record<MixedKind, Summary>;
  /** loaded searches (till + staff) whose time overlaps the snapshot's shard writes, and the others */
  searchDuringSnapshot: Summary;
  searchOutsideSnapshot: Summary;
  /** the agent's event-loop delay (monitorEventLoopDelay, 1 ms resolution) */
  agentLoop: { quiet: LoopDelay; loaded: LoopDelay };
  /**
   * The agent's main thread, from /proc/<pid>/task/<pid>/schedstat: CPU time, and time it was
   * runnable but waited for a core (other processes, the bench among them, had both): quiet and window.
   */
  agentSched: { quiet: (Sched & { wallMs: number }) | null; loaded: (Sched & { wallMs: number }) | null };
  /** the bench process's own, during the window (if high, the latencies count the bench too) */
  benchLoop: { p50: number; p99: number; max: number };
  snapshot: SnapshotSeen;
  /** the journal before the window: bytes of its current segment, and the prefill's edits */
  journal: { beforeWindowBytes: number; thresholdBytes: number; prefillEdits: number; prefillMs: number };
  events: { total: number; byName: Record<string, number>; bytes: number };
  /** till searches by query class (bench/lib/queries.ts), quiet and in the window */
  tillPerClass: { quiet: Record<string, Summary>; loaded: Record<string, Summary> };
  /** the 1% slowest searches (till and staff) of the window and of the quiet part: which queries they were */
  slowest: { quiet: Array<{ kind: MixedKind; q: string; ms: number }>; loaded: Array<{ kind: MixedKind; q: string; ms: number; at: number }> };
  errors: { count: number; first: string | null };
  searchP99Ms: number;
  targetMs: number;
}

const THRESHOLD = 8 * 1024 * 1024; // DirectoryStore's snapshotBytes default
const SHARDS = 64; // DirectoryStore's shardCount default
const PAD_NOTE = 1900; // chars in the notes of a prefill edit (the schema allows 2000)

interface EventWaiters {
  scanSeen(code: string): Promise<number>;
  total: number;
  bytes: number;
  byName: Record<string, number>;
}

/** The till's event stream, read in full: every event counted, `scan` events matched to their sender. */
function readAllEvents(url: string, signal: AbortSignal): { waiters: EventWaiters; done: Promise<void>; opened: Promise<void> } {
  const pending = new Map<string, (t: number) => void>();
  const waiters: EventWaiters = {
    scanSeen: (code) => new Promise<number>((resolve) => pending.set(code, resolve)),
    total: 0,
    bytes: 0,
    byName: {},
  };
  let opened!: () => void;
  const openedP = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` }, signal });
    if (res.status !== 200 || !res.body) throw new Error(`GET /api/v1/events answered ${res.status}`);
    opened();
    await readSseFrames(
      res.body,
      (frame) => {
        waiters.total++;
        waiters.byName[frame.name] = (waiters.byName[frame.name] ?? 0) + 1;
        if (frame.name === 'scan') {
          const code = (JSON.parse(frame.data) as { code: string }).code;
          pending.get(code)?.(frame.at);
          pending.delete(code);
        }
      },
      signal,
      (bytes) => (waiters.bytes += bytes),
    );
  })();
  return { waiters, done, opened: openedP };
}

/** A thread's CPU time and the time it waited, runnable, for a CPU (Linux schedstat; null elsewhere). */
export interface Sched {
  cpuMs: number;
  waitMs: number;
}

async function schedstat(pid: number): Promise<Sched | null> {
  try {
    const [run = 0, wait = 0] = (await fs.readFile(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')).trim().split(/\s+/).map(Number);
    return { cpuMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return null;
  }
}

const schedDelta = (a: Sched | null, b: Sched | null, wallMs: number) =>
  a && b ? { cpuMs: b.cpuMs - a.cpuMs, waitMs: b.waitMs - a.waitMs, wallMs } : null;

/** The size of the journal's current segment (the newest file of directory/journal). */
async function journalBytes(storeDir: string): Promise<number> {
  const dir = path.join(storeDir, 'directory', 'journal');
  const names = (await fs.readdir(dir)).filter((n) => /^journal-\d+\.log$/.test(n)).sort();
  const last = names.at(-1);
  return last ? (await fs.stat(path.join(dir, last))).size : 0;
}

async function storeMtimes(storeDir: string): Promise<{ shards: number[]; meta: number }> {
  const dir = path.join(storeDir, 'directory');
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, (_, k) =>
      fs.stat(path.join(dir, 'clients', `shard-${String(k).padStart(3, '0')}.json`)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  const meta = await fs.stat(path.join(dir, 'meta.json')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return { shards, meta };
}

/** The names the staff types, letter by letter: last names, sometimes "first last". */
function namesToType(clients: readonly Client[], n: number, random: () => number): string[] {
  const people = clients.filter((c) => c.lastName);
  return Array.from({ length: n }, () => {
    const c = people[Math.floor(random() * people.length)]!;
    return random() < 0.6 || !c.firstName ? c.lastName! : `${c.firstName} ${c.lastName}`;
  });
}

const uniform = (random: () => number, lo: number, hi: number) => lo + random() * (hi - lo);

export async function runMixedBench(
  copy: (to: string) => Promise<void>,
  tmp: string,
  clients: readonly Client[],
  queries: readonly BenchQuery[],
  opts: { windowMs: number; targetMs: number; nodeFlags?: readonly string[]; log: (s: string) => void },
): Promise<MixedResult> {
  const storeDir = path.join(tmp, 'mixed');
  await copy(storeDir);
  const server: AgentServer = await startAgentServer(storeDir, undefined, opts.nodeFlags ?? []);
  opts.log(`agent listening on ${server.url} (start ${ms(server.startMs)})`);
  const abort = new AbortController();
  const stream = readAllEvents(server.url, abort.signal);
  const streamFailed = stream.done.then(
    () => new Error('the event stream ended'),
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  await Promise.race([stream.opened, streamFailed.then((e) => Promise.reject(e))]);
  const ev = stream.waiters;

  let errors = 0;
  let firstError: string | null = null;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  const random = createRng(2026);
  const mix = shuffle([...queries], random);
  const refs = shuffle(clients.filter((c) => c.reference).map((c) => c.reference!), random);
  // the clients the prefill edits: one per shard, so that the snapshot it brings writes all 64
  const padIds: string[] = [];
  const seenShards = new Set<number>();
  for (const c of clients) {
    const k = shardOf(c.id, SHARDS);
    if (!seenShards.has(k)) {
      seenShards.add(k);
      padIds.push(c.id);
    }
    if (padIds.length === SHARDS) break;
  }
  const padSet = new Set(padIds);
  const editIds = shuffle(clients.filter((c) => !padSet.has(c.id)).map((c) => c.id), random);
  let editAt = 0;
  let refAt = 0;
  let scanN = 0;

  // ---- one request of each kind ----------------------------------------------------------------
  const tillSearch = async (client: HttpClient, q: BenchQuery): Promise<number | null> => {
    const r = await client.request('GET', `/api/v1/clients?q=${encodeURIComponent(q.q)}`);
    if (r.status !== 200) return fail(`till search ${r.status} ${r.body.slice(0, 200)}`), null;
    return r.ms;
  };
  const keystroke = async (client: HttpClient, prefix: string): Promise<number | null> => {
    const r = await client.request('GET', `/?q=${encodeURIComponent(prefix)}`, undefined, { 'hx-request': 'true' });
    if (r.status !== 200) return fail(`staff keystroke ${r.status} ${r.body.slice(0, 200)}`), null;
    return r.ms;
  };
  const scan = async (client: HttpClient): Promise<number | null> => {
    const code = refs[refAt++ % refs.length]!;
    const device = `till-${scanN++}`; // a device per scan: never dropped as a repeat
    const seen = ev.scanSeen(code);
    const t0 = performance.now();
    const r = await client.request('POST', '/api/v1/scans', { code, device });
    if (r.status !== 200) return fail(`scan ${r.status} ${r.body.slice(0, 200)}`), null;
    const at = await Promise.race([seen, sleep(5000).then(() => null)]);
    if (at === null) return fail(`scan ${code}: no event within 5 s`), null;
    return at - t0;
  };
  const edit = async (client: HttpClient, id: string, notes: string): Promise<number | null> => {
    const r = await client.request('PATCH', `/api/v1/clients/${encodeURIComponent(id)}`, { notes });
    if (r.status !== 200) return fail(`edit ${r.status} ${r.body.slice(0, 200)}`), null;
    return r.ms;
  };

  const till = Array.from({ length: 4 }, () => new HttpClient(server.url, BENCH_TOKEN, 1));
  const staff = new HttpClient(server.url, BENCH_TOKEN, 6); // a browser keeps up to 6 connections
  const other = new HttpClient(server.url, BENCH_TOKEN, 1);
  const editor = new HttpClient(server.url, BENCH_TOKEN, 8);
  const names = namesToType(clients, 400, random);
  const keystrokes = names.flatMap((n) => Array.from({ length: n.length }, (_, i) => n.slice(0, i + 1)));

  try {
    // ---- warm-up -------------------------------------------------------------------------------
    for (const q of mix) await tillSearch(till[0]!, q);
    for (const k of keystrokes.slice(0, 200)) await keystroke(staff, k);
    for (let i = 0; i < 20; i++) await scan(other);
    for (let i = 0; i < 20; i++) await edit(editor, editIds[editAt++]!, `mixed warm-up ${i}`);

    // ---- quiet: each kind alone, one at a time ------------------------------------------------
    await server.loopReset();
    const quietSched0 = await schedstat(server.pid);
    const quietT0 = performance.now();
    const quiet: Record<MixedKind, number[]> = { 'till search': [], 'staff keystroke': [], 'scan → event': [], 'edit ack': [] };
    const push = (into: number[], x: number | null) => x !== null && into.push(x);
    const quietSearches: Array<{ kind: MixedKind; q: string; ms: number }> = [];
    for (const q of mix.slice(0, 600)) {
      const x = await tillSearch(till[0]!, q);
      push(quiet['till search'], x);
      if (x !== null) quietSearches.push({ kind: 'till search', q: `${q.cls}: ${q.q}`, ms: x });
    }
    for (const k of keystrokes.slice(200, 800)) {
      const x = await keystroke(staff, k);
      push(quiet['staff keystroke'], x);
      if (x !== null) quietSearches.push({ kind: 'staff keystroke', q: k, ms: x });
    }
    for (let i = 0; i < 150; i++) {
      push(quiet['scan → event'], await scan(other));
      await sleep(5);
    }
    for (let i = 0; i < 100; i++) push(quiet['edit ack'], await edit(editor, editIds[editAt++]!, `mixed quiet ${i}`));
    const quietLoop = await server.loopDelay();
    const quietSched = schedDelta(quietSched0, await schedstat(server.pid), performance.now() - quietT0);
    opts.log(`quiet baseline: ${MIXED_KINDS.map((k) => `${k} ${quiet[k].length}`).join(', ')}`);

    // ---- prefill the journal to just under the snapshot threshold ------------------------------
    // The window's own edits then take it past 8 MB, and the agent starts a snapshot of every shard
    // by its own rule, a few seconds into the window.
    const oneEditBytes = await (async () => {
      const before = await journalBytes(storeDir);
      await edit(editor, editIds[editAt++]!, 'mixed size probe');
      return (await journalBytes(storeDir)) - before;
    })();
    const windowEditEvery = 400; // ms, on average
    const crossAtMs = opts.windowMs / 4;
    const target = THRESHOLD - Math.round((crossAtMs / windowEditEvery) * oneEditBytes);
    const t0 = performance.now();
    let prefill = 0;
    const pad = (i: number) => `${String(i).padStart(8, '0')} ${'x'.repeat(PAD_NOTE - 9)}`;
    let padEntryBytes = 0;
    for (;;) {
      const before = await journalBytes(storeDir);
      const remaining = target - before;
      const k = remaining > 40 * Math.max(padEntryBytes, 1) ? 8 : 1;
      if (padEntryBytes > 0 && remaining < padEntryBytes) break;
      await Promise.all(Array.from({ length: k }, () => edit(editor, padIds[prefill % padIds.length]!, pad(prefill++))));
      if (padEntryBytes === 0) padEntryBytes = Math.ceil(((await journalBytes(storeDir)) - before) / k);
    }
    const prefillMs = performance.now() - t0;
    const beforeWindowBytes = await journalBytes(storeDir);
    opts.log(
      `journal prefilled to ${(beforeWindowBytes / 1048576).toFixed(2)} MB with ${prefill} edits of the ${padIds.length} clients one per shard in ${ms(prefillMs)}; ` +
        `a window edit adds ${oneEditBytes} B: the snapshot should start ~${((THRESHOLD - beforeWindowBytes) / oneEditBytes).toFixed(0)} edits in`,
    );
    await sleep(1000); // the directory events of the prefill reach the stream
    const before = await storeMtimes(storeDir);

    // ---- the window: everything at once ----------------------------------------------------------
    const loaded: Record<MixedKind, Sample[]> = { 'till search': [], 'staff keystroke': [], 'scan → event': [], 'edit ack': [] };
    const benchLoop = monitorEventLoopDelay({ resolution: 1 });
    await server.loopReset();
    benchLoop.enable();
    const sched0 = await schedstat(server.pid);
    const wallStart = Date.now();
    const start = performance.now();
    const end = start + opts.windowMs;
    const open = () => performance.now() < end;
    const record = (kind: MixedKind, t: number, x: number | null, q?: string) => x !== null && loaded[kind].push({ at: t - start, ms: x, ...(q === undefined ? {} : { q }) });

    const tills = till.map(async (client, n) => {
      const r = createRng(100 + n);
      const qs = shuffle([...mix], r);
      for (let i = 0; open(); i++) {
        const t = performance.now();
        const q = qs[i % qs.length]!;
        record('till search', t, await tillSearch(client, q), `${q.cls}: ${q.q}`);
        await sleep(uniform(r, 50, 200));
      }
    });
    const staffPage = (async () => {
      const r = createRng(200);
      const inFlight: Array<Promise<void>> = [];
      for (let w = 0; open(); w++) {
        const name = names[w % names.length]!;
        for (let i = 1; i <= name.length && open(); i++) {
          const t = performance.now();
          const prefix = name.slice(0, i);
          inFlight.push(keystroke(staff, prefix).then((x) => void record('staff keystroke', t, x, prefix)));
          await sleep(uniform(r, 100, 150));
        }
        await sleep(uniform(r, 400, 900)); // reads the list, picks, starts the next name
      }
      await Promise.all(inFlight);
    })();
    const scanner = (async () => {
      const r = createRng(300);
      while (open()) {
        const t = performance.now();
        record('scan → event', t, await scan(other));
        await sleep(uniform(r, 200, 500));
      }
    })();
    const editing = (async () => {
      const r = createRng(400);
      for (let i = 0; open(); i++) {
        const t = performance.now();
        record('edit ack', t, await edit(editor, editIds[editAt++]!, `mixed window ${i}`));
        await sleep(uniform(r, 0.5, 1.5) * windowEditEvery);
      }
    })();
    await Promise.race([Promise.all([...tills, staffPage, scanner, editing]), streamFailed.then((e) => Promise.reject(e))]);
    benchLoop.disable();
    const loadedLoop = await server.loopDelay();
    const loadedSched = schedDelta(sched0, await schedstat(server.pid), performance.now() - start);
    await sleep(200);
    const after = await storeMtimes(storeDir);

    // ---- did a snapshot run in the window? ----------------------------------------------------------
    const written = after.shards.map((m, k) => (m !== before.shards[k] && m >= wallStart ? m - wallStart : null)).filter((x): x is number => x !== null);
    const windowWall = opts.windowMs + (performance.now() - end);
    const snapshot: SnapshotSeen = {
      shardsWritten: written.length,
      shardCount: SHARDS,
      firstShardAt: written.length ? Math.min(...written) : null,
      lastShardAt: written.length ? Math.max(...written) : null,
      metaWritten: after.meta !== before.meta && after.meta - wallStart <= windowWall,
    };

    // searches that overlapped the snapshot's shard writes (from a shard's time before the first to the last)
    const searches = [...loaded['till search'], ...loaded['staff keystroke']];
    let during: number[] = [];
    let outside: number[] = searches.map((s) => s.ms);
    if (snapshot.firstShardAt !== null && snapshot.lastShardAt !== null) {
      const perShard = written.length > 1 ? (snapshot.lastShardAt - snapshot.firstShardAt) / (written.length - 1) : 0;
      const from = snapshot.firstShardAt - perShard;
      const to = snapshot.lastShardAt;
      const overlaps = (s: Sample) => s.at < to && s.at + s.ms > from;
      during = searches.filter(overlaps).map((s) => s.ms);
      outside = searches.filter((s) => !overlaps(s)).map((s) => s.ms);
    }

    const slowest = <T extends { ms: number }>(xs: readonly T[]) => [...xs].sort((a, b) => b.ms - a.ms).slice(0, Math.max(5, Math.ceil(xs.length / 100)));
    const loadedSearches = MIXED_KINDS.slice(0, 2).flatMap((kind) => loaded[kind].map((s) => ({ kind, q: s.q ?? '', ms: s.ms, at: s.at })));
    const perClass = (xs: ReadonlyArray<{ q?: string; ms: number }>) => {
      const by = new Map<string, number[]>();
      for (const x of xs) {
        const cls = (x.q ?? '').split(':')[0]!;
        (by.get(cls) ?? by.set(cls, []).get(cls)!).push(x.ms);
      }
      return Object.fromEntries([...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, summarize(v)]));
    };
    const quietSummary = Object.fromEntries(MIXED_KINDS.map((k) => [k, summarize(quiet[k])])) as Record<MixedKind, Summary>;
    const loadedSummary = Object.fromEntries(MIXED_KINDS.map((k) => [k, summarize(loaded[k].map((s) => s.ms))])) as Record<MixedKind, Summary>;
    return {
      clients: clients.length,
      windowMs: opts.windowMs,
      quiet: quietSummary,
      loaded: loadedSummary,
      searchDuringSnapshot: summarize(during),
      searchOutsideSnapshot: summarize(outside),
      agentLoop: { quiet: quietLoop, loaded: loadedLoop },
      agentSched: { quiet: quietSched, loaded: loadedSched },
      benchLoop: { p50: benchLoop.percentile(50) / 1e6, p99: benchLoop.percentile(99) / 1e6, max: benchLoop.max / 1e6 },
      snapshot,
      journal: { beforeWindowBytes, thresholdBytes: THRESHOLD, prefillEdits: prefill, prefillMs },
      events: { total: ev.total, byName: ev.byName, bytes: ev.bytes },
      slowest: { quiet: slowest(quietSearches), loaded: slowest(loadedSearches) },
      tillPerClass: { quiet: perClass(quietSearches.filter((x) => x.kind === 'till search')), loaded: perClass(loaded['till search']) },
      errors: { count: errors, first: firstError },
      searchP99Ms: loadedSummary['till search'].p99,
      targetMs: opts.targetMs,
    };
  } finally {
    for (const c of [...till, staff, other, editor]) c.close();
    abort.abort();
    await stream.done.catch(() => undefined);
    const logErrors = await server.stop();
    if (logErrors.length) opts.log(`agent log (warnings, errors): ${logErrors.slice(0, 3).join(' | ')}`);
  }
}

/** A snapshot of every shard ran (started and ended) inside the window. */
export function snapshotRan(r: MixedResult): boolean {
  return r.snapshot.shardsWritten === r.snapshot.shardCount && r.snapshot.metaWritten;
}

export function mixedTable(r: MixedResult): string {
  const rows = MIXED_KINDS.map((k) => {
    const q = r.quiet[k];
    const l = r.loaded[k];
    return [k, ms(q.p50), ms(q.p99), String(q.n), ms(l.p50), ms(l.p95), ms(l.p99), ms(l.max), String(l.n)];
  });
  const d = r.searchDuringSnapshot;
  const o = r.searchOutsideSnapshot;
  rows.push(['searches overlapping the snapshot', '', '', '', ms(d.p50), ms(d.p95), ms(d.p99), ms(d.max), String(d.n)]);
  rows.push(['searches outside it', '', '', '', ms(o.p50), ms(o.p95), ms(o.p99), ms(o.max), String(o.n)]);
  const lq = r.agentLoop.quiet;
  const ll = r.agentLoop.loaded;
  rows.push(['agent event-loop delay', ms(lq.p50), ms(lq.p99), '', ms(ll.p50), '', ms(ll.p99), ms(ll.max), '']);
  rows.push(['bench process event-loop delay', '', '', '', ms(r.benchLoop.p50), '', ms(r.benchLoop.p99), ms(r.benchLoop.max), '']);
  return table(['request', 'quiet p50', 'quiet p99', 'n', 'loaded p50', 'p95', 'p99', 'max', 'n'], rows);
}

/** The slowest searches of the window, with when they left: a query that is slow in itself shows twice. */
export function slowestLines(r: MixedResult): string {
  const fmt = (x: { kind: MixedKind; q: string; ms: number; at?: number }) => `${ms(x.ms)} ${x.kind === 'till search' ? 'till' : 'staff'} ${JSON.stringify(x.q)}${x.at === undefined ? '' : ` at ${(x.at / 1000).toFixed(2)} s`}`;
  return [`slowest 1% of the window's searches: ${r.slowest.loaded.map(fmt).join('; ')}`, `slowest 1% of the quiet searches: ${r.slowest.quiet.map(fmt).join('; ')}`].join('\n');
}

/** Till searches by query class: quiet p50/p99 and window p50/p99/max. */
export function perClassTable(r: MixedResult): string {
  const rows = Object.keys(r.tillPerClass.loaded).map((cls) => {
    const q = r.tillPerClass.quiet[cls];
    const l = r.tillPerClass.loaded[cls]!;
    return [cls, q ? ms(q.p50) : '', q ? ms(q.p99) : '', q ? ms(q.max) : '', ms(l.p50), ms(l.p99), ms(l.max), String(l.n)];
  });
  return table(['till search, by class', 'quiet p50', 'quiet p99', 'quiet max', 'loaded p50', 'p99', 'max', 'n'], rows);
}

/** The agent's garbage collections in the quiet part and in the window: count, total, pauses ≥ 5 ms. */
export function gcLine(r: MixedResult): string {
  const one = (l: LoopDelay) => {
    const p = l.gc.pauses;
    const byKind = [...new Set(p.map((x) => x.kind))].map((k) => {
      const of = p.filter((x) => x.kind === k).map((x) => x.ms);
      return `${of.length} ${k} (max ${ms(Math.max(...of))})`;
    });
    return `${l.gc.count} collections, ${ms(l.gc.ms)} in all; pauses ≥ 5 ms: ${p.length ? byKind.join(', ') : 'none'}`;
  };
  const sched = (x: MixedResult['agentSched']['quiet']) =>
    x ? `CPU ${((x.cpuMs / x.wallMs) * 100).toFixed(0)}% of the time, waited for a core ${((x.waitMs / x.wallMs) * 100).toFixed(1)}% (${ms(x.waitMs)})` : 'n/a';
  return (
    `agent GC, quiet: ${one(r.agentLoop.quiet)}; window: ${one(r.agentLoop.loaded)}\n` +
    `agent main thread (schedstat), quiet: ${sched(r.agentSched.quiet)}; window: ${sched(r.agentSched.loaded)}`
  );
}
