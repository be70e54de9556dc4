import { readSseEvents } from './lib/sse.js';
import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Group } from '../agent/directory/schema.js';
import { ReferenceCloud } from '../test/fakes/cloud.js';
import { createRng } from '../test/fixtures/swiss-clients.js';
import { REPO, runTsJson, spawnBundle } from './lib/child.js';
import { BENCH_TOKEN } from './lib/config.js';
import { HttpClient } from './lib/http-client.js';
import { folderBytes } from './lib/seed.js';
import { mb, median, ms, ratio, shuffle, sleep, type Summary, summarize, table } from './lib/stats.js';

/**
 * (h) Cloud sync (shared/contracts/cloud-sync.md), with the agent as a shop runs it: the esbuild
 * bundle (`node --enable-source-maps dist/main.mjs`, as `npm start`) in its own process, and the
 * reference cloud (test/fakes/cloud.ts) listening in the bench process, so the two never share a
 * CPU's accounting or a heap.
 * - first pull: an empty store, the cloud seeded with N clients and the demo groups; from spawn
 *   to GET /api/v1/sync (polled every 50 ms) saying `idle` with `lastSyncAt` set, with the agent's
 *   RSS sampled every 100 ms from /proc (and its VmHWM, the kernel's own peak); 3 runs, each on an
 *   empty store, the median kept. Baselines: before each run, a child process fetching and parsing
 *   every page from the same cloud with plain `fetch`, storing nothing; and the RSS of an agent
 *   restarted on the synced store (the steady state).
 * - idle cycles: "sync now" on a synced agent, one cycle at a time; the cloud's requests per cycle
 *   and what changed in the store folder (every file's size and mtime), with the process's
 *   write_bytes from /proc/<pid>/io beside it. A back-office change in between is the positive
 *   control: that cycle must show one journal append.
 * - offline edits: the cloud goes offline, 1,000 clients are edited through the agent's API, the
 *   cloud comes back; time until the outbox is empty, split into the wait for the agent's backoff
 *   retry and the push itself; each mutation applied once, the cloud holding every edited value.
 *   Then the same with staff pressing "sync now" as the cloud comes back.
 * BENCH_SYNC_CPU_PROF=<folder> runs the first-pull agent with `--cpu-prof` into that folder
 * (slower: a diagnosis, not a figure); BENCH_SYNC_DOWN_S=<s> keeps the cloud offline at least that
 * long in the offline parts (by default, as long as the 1,000 edits take).
 */

const CLOUD_TOKEN = 'bench-cloud-token-0123456789';
/** Linux reports process and machine CPU time in USER_HZ ticks, 100 per second. */
const TICK_MS = 10;
/** How often the first pull's end is polled: the figure's resolution. */
const POLL_MS = 50;
/** First pulls per run, each on an empty store: the figure is their median. */
const PULL_RUNS = 3;

interface Status {
  state: 'idle' | 'syncing' | 'offline' | 'error';
  pending: number;
  lastSyncAt: string | null;
  reason: string | null;
  progress: { received: number; estimated: number | null } | null;
  nextAttemptAt: string | null;
}

export interface FetchBaselineRun {
  ms: number;
  firstPageMs: number;
  pages: number;
  changes: number;
  bytes: number;
}

export interface FirstPullResult {
  records: number;
  spawnToListeningMs: number;
  /** spawn → GET /api/v1/sync (polled every 50 ms) showing state idle and lastSyncAt set. */
  spawnToSyncedMs: number;
  /** The cloud's answer to the first page → the same event (ms resolution). */
  firstPageToSyncedMs: number;
  pages: number;
  pullRequests: number;
  otherRequests: string[];
  /** Time between the cloud's answers to consecutive pages (agent's work on a page + the next page's). */
  pageGaps: Summary;
  /** Every gap, page 2 first: the later pages cost more as the directory grows. */
  gapsMs: number[];
  /** The longest gaps, with the page number they preceded. */
  slowestGaps: Array<{ page: number; ms: number }>;
  polls: number;
  /** Polls that showed the pull's progress (records so far / estimated). */
  progressPolls: number;
  lastProgress: Status['progress'];
  agentCpuMs: number;
  cloudCpuMs: number;
  otherCores: number | null;
  rssSamples: number;
  /** Highest 100 ms sample until the pull ended. */
  rssPeakSampledDuring: number;
  /** Highest sample, up to 1 s after the pull ended. */
  rssPeakSampled: number;
  /** VmHWM read 1 s after the pull ended: the peak from spawn to then. */
  rssPeakKernel: number;
  rssAtEnd: number;
  rssAfter1s: number;
  storeBytes: number;
  stopMs: number;
}

export interface SteadyResult {
  spawnToListeningMs: number;
  spawnToFirstCycleMs: number;
  firstCycleRequests: number;
  rss: number;
  rssPeakKernel: number;
  /** The same store, started with "cloud": null, 2 s after listening. */
  standaloneRss: number;
  /**
   * The running agent as a shop has it: SETTLE_MS after its first cycle, the staff page loaded and
   * its event stream open all along (V8 gives back the start's spare heap pages once the agent is
   * quiet for a few seconds; 2 s after the cycle is still the start).
   */
  settledRss: number;
  /** The same for the store started with "cloud": null, SETTLE_MS after listening. */
  standaloneSettledRss: number;
}

/** How long after its start an agent is left before its memory counts as that of the running agent. */
const SETTLE_MS = 20_000;

/** What a staff member's browser holds: the directory page loaded, its event stream open. */
async function openStaffPage(url: string): Promise<{ close(): Promise<void> }> {
  const page = await fetch(`${url}/`);
  if (page.status !== 200) throw new Error(`the staff page answered ${page.status}`);
  await page.text();
  // the page's own event stream (web/layout.tsx: sse-connect="/events"), read as a browser reads it
  const abort = new AbortController();
  const events = await fetch(`${url}/events`, { signal: abort.signal });
  if (events.status !== 200 || !events.body) throw new Error(`the staff page's event stream answered ${events.status}`);
  const reader = events.body.getReader();
  const reading = (async () => {
    for (;;) if ((await reader.read()).done) return;
  })().catch(() => undefined);
  return {
    async close() {
      abort.abort();
      await reading;
    },
  };
}

export interface CycleResult {
  ms: number;
  requests: string[];
  /** Files of the store folder whose size or mtime changed, or that came or went. */
  storeChanges: string[];
  writeBytes: number;
  wchar: number;
  syscw: number;
}

export interface OfflineResult {
  syncNow: boolean;
  edits: number;
  acknowledged: number;
  editP50: number;
  editsMs: number;
  pendingAtReturn: number;
  downMs: number;
  failedAttemptsWhileDown: number;
  /** The agent's next try, as its status said just before the cloud came back (ms after the return). */
  nextAttemptDueMs: number | null;
  returnToFirstPushMs: number;
  firstToLastPushMs: number;
  returnToEmptyMs: number;
  returnToIdleMs: number;
  pushRequests: number;
  pushRequestsOk: number;
  pullRequests: number;
  applied: number;
  appliedOnce: number;
  earlierChanged: number;
  cloudValuesOk: number;
  localAgrees: number;
  otherCores: number | null;
}

export interface SyncBenchResult {
  clients: number;
  groups: number;
  /** Each run on an empty store of its own, each after a run of the baseline. */
  pulls: FirstPullResult[];
  /** Medians over the runs. */
  pull: { spawnToSyncedMs: number; firstPageToSyncedMs: number; rssPeakKernel: number; rssAtEnd: number; otherCores: number | null };
  /** One before each pull and one after the last. */
  baseline: FetchBaselineRun[];
  baselineMs: number;
  steady: SteadyResult;
  idle: { cycles: CycleResult[]; control: CycleResult; controlId: string };
  offline: OfflineResult;
  syncNow: OfflineResult;
}

// ---- /proc ------------------------------------------------------------------------------------

function procStatus(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function procTicks(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (f[11] ?? 0) + (f[12] ?? 0); // utime + stime, every thread of the process
}

function procIo(pid: number): { wchar: number; syscw: number; writeBytes: number } {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const n = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { wchar: n('wchar'), syscw: n('syscw'), writeBytes: n('write_bytes') };
}

function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * CPU over a window: what each of `pids` used, and how many cores other programs kept busy (the
 * machine's busy time minus this process's and theirs), as the runner measures for the whole run.
 */
function cpuWindow(pids: number[]): () => { otherCores: number | null; ticks: number[] } {
  const m0 = machineTicks();
  const self0 = procTicks('self');
  const p0 = pids.map((p) => procTicks(p));
  return () => {
    const m1 = machineTicks();
    const ticks = pids.map((p, i) => procTicks(p) - p0[i]!);
    const ours = ticks.reduce((a, b) => a + b, 0) + procTicks('self') - self0;
    const perCore = (m1.total - m0.total) / os.cpus().length;
    return { otherCores: perCore > 0 ? Math.max(0, (m1.busy - m0.busy - ours) / perCore) : null, ticks };
  };
}

/** Every file under `dir`: size and mtime (ns), to see what a cycle wrote. */
async function folderState(dir: string): Promise<Map<string, string>> {
  const state = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      const st = await fs.stat(file, { bigint: true });
      state.set(path.relative(dir, file), `${st.size} ${st.mtimeNs}`);
    } catch {
      // removed meanwhile: it shows as gone
    }
  }
  return state;
}

function folderDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [file, v] of after) {
    const was = before.get(file);
    if (was === undefined) out.push(`${file} (new)`);
    else if (was !== v) {
      const grew = Number(v.split(' ')[0]) - Number(was.split(' ')[0]);
      out.push(grew ? `${file} (${grew > 0 ? '+' : ''}${grew} B)` : `${file} (rewritten)`);
    }
  }
  for (const file of before.keys()) if (!after.has(file)) out.push(`${file} (removed)`);
  return out;
}

// ---- the agent process and its sync status ----------------------------------------------------

interface AgentRun {
  pid: number;
  spawnedAt: number;
  listening: Promise<{ url: string; at: number }>;
  output(): string;
  stop(): Promise<number>;
}

/** The bundle, as the service runs it (AGENT_NODE_FLAGS and AGENT_NODE_ENV, agent/node-flags.ts), on a config file. */
function launchAgent(configFile: string, nodeFlags: readonly string[] = []): AgentRun {
  const spawnedAt = performance.now();
  const proc = spawnBundle(configFile, nodeFlags);
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const run = {
    proc,
    output: () => out,
    exited: new Promise<{ code: number | null }>((resolve) => proc.on('exit', (code) => resolve({ code }))),
  };
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`the agent could not be spawned:\n${out}`);
  let exited = false;
  void run.exited.then(() => (exited = true));
  const listening = new Promise<{ url: string; at: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent did not listen within 120 s:\n${run.output()}`)), 120_000);
    const check = () => {
      const m = /agent listening url=(http:\/\/\S+)/.exec(run.output());
      if (m) {
        clearTimeout(timer);
        run.proc.stdout?.off('data', check);
        resolve({ url: m[1]!, at: performance.now() });
      }
    };
    run.proc.stdout?.on('data', check);
    void run.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the agent exited before listening:\n${run.output()}`));
    });
  });
  return {
    pid,
    spawnedAt,
    listening,
    output: run.output,
    async stop() {
      if (exited) return 0;
      const t0 = performance.now();
      run.proc.kill('SIGTERM');
      const killer = setTimeout(() => run.proc.kill('SIGKILL'), 60_000);
      const { code } = await run.exited;
      clearTimeout(killer);
      if (code !== 0) throw new Error(`the agent stopped with code ${code}:\n${run.output().slice(-3000)}`);
      return performance.now() - t0;
    },
  };
}

/** The agent's `sync` events over GET /api/v1/events?token=, the latest kept, with waits on them. */
class SyncWatch {
  latest: Status | null = null;
  readonly seen: Array<{ t: number; s: Status }> = [];
  private readonly waiters = new Set<{ test: (s: Status) => boolean; resolve: (x: { t: number; s: Status }) => void }>();
  private readonly abort = new AbortController();
  private reading: Promise<void> = Promise.resolve();

  static async open(url: string): Promise<SyncWatch> {
    const w = new SyncWatch();
    const res = await fetch(`${url}/api/v1/events?token=${encodeURIComponent(BENCH_TOKEN)}`, { signal: w.abort.signal });
    if (!res.ok || !res.body) throw new Error(`GET /api/v1/events answered ${res.status}`);
    w.reading = w.read(res.body);
    // The state before the first event (a later event wins if one came meanwhile).
    const now = (await (await fetch(`${url}/api/v1/sync`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } })).json()) as Status;
    if (w.latest === null) w.observe(now);
    return w;
  }

  private read(body: ReadableStream<Uint8Array>): Promise<void> {
    return readSseEvents<Status>(body, 'sync', (data) => this.observe(data), this.abort.signal);
  }

  private observe(s: Status): void {
    const t = performance.now();
    this.latest = s;
    this.seen.push({ t, s });
    for (const w of this.waiters) {
      if (w.test(s)) {
        this.waiters.delete(w);
        w.resolve({ t, s });
      }
    }
  }

  until(what: string, test: (s: Status) => boolean, timeoutMs: number): Promise<{ t: number; s: Status }> {
    if (this.latest && test(this.latest)) return Promise.resolve({ t: performance.now(), s: this.latest });
    return new Promise((resolve, reject) => {
      const w = {
        test,
        resolve: (x: { t: number; s: Status }) => {
          clearTimeout(timer);
          resolve(x);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last sync status: ${JSON.stringify(this.latest)}`));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.reading.catch(() => undefined);
  }
}

/** A config on `dir`/store; no cloud URL: standalone. The first pull keeps the default interval. */
function writeAgentConfig(dir: string, cloudUrl: string | null, intervalSeconds?: number): string {
  const file = path.join(dir, `agent-${cloudUrl === null ? 'standalone' : (intervalSeconds ?? 'default')}.config.json`);
  const cloud = cloudUrl === null ? null : { url: cloudUrl, token: CLOUD_TOKEN, ...(intervalSeconds === undefined ? {} : { intervalSeconds }) };
  writeFileSync(file, JSON.stringify({ http: { host: '127.0.0.1', port: 0 }, api: { tokens: [BENCH_TOKEN] }, store: { dir: path.join(dir, 'store') }, cloud }, null, 2));
  return file;
}

/** The cloud's request log holds Date.now() of each answer: the same instant on performance.now(). */
const perfOf = (epochMs: number) => epochMs - (Date.now() - performance.now());

const isPull = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/v1/directory/changes';
const isPush = (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/v1/directory/mutations';

// ---- the parts -------------------------------------------------------------------------------

async function firstPull(cloud: ReferenceCloud, cloudUrl: string, dir: string, records: number, profile: boolean, log: (s: string) => void): Promise<FirstPullResult> {
  const profDir = profile ? process.env.BENCH_SYNC_CPU_PROF : undefined;
  const flags = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`] : [];
  if (profDir) log(`  BENCH_SYNC_CPU_PROF: the first-pull agent writes a CPU profile to ${path.resolve(profDir)} (its times are inflated)`);
  const configFile = writeAgentConfig(dir, cloudUrl);
  const before = cloud.requests.length;
  const cloudCpu0 = process.cpuUsage();
  const agent = launchAgent(configFile, flags);
  const endCpu = cpuWindow([agent.pid]);
  const rss: number[] = [];
  const sampler = setInterval(() => {
    try {
      rss.push(procStatus(agent.pid).rss);
    } catch {
      // exited: the wait below reports it
    }
  }, 100);
  try {
    const { url, at: listeningAt } = await agent.listening;
    // Polled rather than streamed: the event stream would also carry one `directory` event per
    // pulled client (100,000 SSE writes the agent would make for the bench alone).
    const api = new HttpClient(url, BENCH_TOKEN, 1);
    const polls: Array<{ t: number; s: Status }> = [];
    const deadline = performance.now() + 300_000;
    for (;;) {
      const res = await api.request('GET', '/api/v1/sync');
      if (res.status !== 200) throw new Error(`GET /api/v1/sync answered ${res.status}: ${res.body}`);
      const s = JSON.parse(res.body) as Status;
      polls.push({ t: performance.now(), s });
      if (s.lastSyncAt !== null && s.state === 'idle') break;
      if (performance.now() > deadline) throw new Error(`the first pull did not end within 300 s; last status ${res.body}`);
      await sleep(POLL_MS);
    }
    api.close();
    const synced = polls.at(-1)!;
    const cpu = endCpu();
    const cloudCpu = process.cpuUsage(cloudCpu0);
    const rssAtEnd = procStatus(agent.pid).rss;
    const pullSamples = rss.length;
    await sleep(1000); // the pull's last writes (a snapshot under way) go on a little
    const after = procStatus(agent.pid);
    clearInterval(sampler);

    const requests = cloud.requests.slice(before);
    const pulls = requests.filter(isPull);
    const answered = pulls.map((r) => perfOf(r.at));
    const gaps = answered.slice(1).map((t, i) => ({ page: i + 2, ms: t - answered[i]! }));
    const progress = polls.filter((x) => x.s.progress !== null);
    const stopMs = await agent.stop();
    return {
      records,
      spawnToListeningMs: listeningAt - agent.spawnedAt,
      spawnToSyncedMs: synced.t - agent.spawnedAt,
      firstPageToSyncedMs: synced.t - (answered[0] ?? Number.NaN),
      pages: pulls.filter((r) => r.status === 200).length,
      pullRequests: pulls.length,
      otherRequests: requests.filter((r) => !isPull(r)).map((r) => `${r.method} ${r.path} ${r.status}`),
      pageGaps: summarize(gaps.map((g) => g.ms)),
      gapsMs: gaps.map((g) => g.ms),
      slowestGaps: [...gaps].sort((a, b) => b.ms - a.ms).slice(0, 5),
      polls: polls.length,
      progressPolls: progress.length,
      lastProgress: progress.at(-1)?.s.progress ?? null,
      agentCpuMs: cpu.ticks[0]! * TICK_MS,
      cloudCpuMs: (cloudCpu.user + cloudCpu.system) / 1000,
      otherCores: cpu.otherCores,
      rssSamples: rss.length,
      rssPeakSampledDuring: Math.max(0, ...rss.slice(0, pullSamples)),
      rssPeakSampled: Math.max(0, ...rss),
      rssPeakKernel: after.hwm,
      rssAtEnd,
      rssAfter1s: after.rss,
      storeBytes: await folderBytes(path.join(dir, 'store')),
      stopMs,
    };
  } catch (err) {
    clearInterval(sampler);
    await agent.stop().catch(() => undefined);
    throw err;
  }
}

/** One "sync now" on a synced agent, measured from the request to the cycle's end. */
async function oneCycle(cloud: ReferenceCloud, client: HttpClient, watch: SyncWatch, pid: number, storeDir: string, what: string): Promise<CycleResult> {
  await watch.until('a quiet agent', (s) => s.state === 'idle', 60_000);
  const previous = watch.latest!.lastSyncAt;
  const folder0 = await folderState(storeDir);
  const io0 = procIo(pid);
  const before = cloud.requests.length;
  const t0 = performance.now();
  const res = await client.request('POST', '/api/v1/sync/run');
  if (res.status !== 202) throw new Error(`POST /api/v1/sync/run answered ${res.status}: ${res.body}`);
  const end = await watch.until(`the end of ${what}`, (s) => s.state === 'idle' && s.lastSyncAt !== previous, 60_000);
  await sleep(250); // a write the cycle started would be on disk by now
  const io1 = procIo(pid);
  return {
    ms: end.t - t0,
    requests: cloud.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`),
    storeChanges: folderDiff(folder0, await folderState(storeDir)),
    writeBytes: io1.writeBytes - io0.writeBytes,
    wchar: io1.wchar - io0.wchar,
    syscw: io1.syscw - io0.syscw,
  };
}

async function offlineEdits(
  cloud: ReferenceCloud,
  url: string,
  pid: number,
  watch: SyncWatch,
  ids: readonly string[],
  tag: string,
  syncNow: boolean,
  downAtLeastMs: number,
): Promise<OfflineResult> {
  await watch.until('an idle agent with an empty outbox', (s) => s.state === 'idle' && s.pending === 0, 120_000);
  const client = new HttpClient(url, BENCH_TOKEN, 8);
  const countsBefore = new Map(cloud.appliedCount);
  const before = cloud.requests.length;
  const seenBefore = watch.seen.length;
  const values = new Map(ids.map((id, i) => [id, `${tag} ${i}`]));
  const endCpu = cpuWindow([pid]);

  const offAt = performance.now();
  await cloud.goOffline();
  const latencies: number[] = [];
  let acknowledged = 0;
  for (let i = 0; i < ids.length; i += 8) {
    const answers = await Promise.all(ids.slice(i, i + 8).map((id) => client.request('PATCH', `/api/v1/clients/${encodeURIComponent(id)}`, { notes: values.get(id) })));
    for (const a of answers) {
      latencies.push(a.ms);
      if (a.status === 200) acknowledged++;
    }
  }
  const editsMs = performance.now() - offAt;
  if (downAtLeastMs > editsMs) await sleep(downAtLeastMs - editsMs);
  const atReturn = JSON.parse((await client.request('GET', '/api/v1/sync')).body) as Status;

  await cloud.goOnline();
  const onAt = performance.now();
  const onEpoch = Date.now();
  if (syncNow) {
    const res = await client.request('POST', '/api/v1/sync/run');
    if (res.status !== 202) throw new Error(`POST /api/v1/sync/run answered ${res.status}: ${res.body}`);
  }
  const empty = await watch.until('the outbox to empty', (s) => s.pending === 0, 600_000);
  const idle = await watch.until('the cycle to end', (s) => s.pending === 0 && s.state === 'idle', 600_000);
  const cpu = endCpu();

  // failed tries while the cloud was away: each one schedules the next at a new time
  const retries = new Set(watch.seen.slice(seenBefore).filter((x) => x.t < onAt && x.s.state === 'offline').map((x) => x.s.nextAttemptAt));
  const failedAttempts = retries.size;
  const requests = cloud.requests.slice(before);
  const pushes = requests.filter(isPush);
  const ok = pushes.filter((r) => r.status === 200);
  const firstPush = ok.length ? perfOf(ok[0]!.at) : Number.NaN;
  const lastPush = ok.length ? perfOf(ok.at(-1)!.at) : Number.NaN;
  const fresh = [...cloud.appliedCount].filter(([k]) => !countsBefore.has(k));
  const earlierChanged = [...countsBefore].filter(([k, v]) => cloud.appliedCount.get(k) !== v).length;
  let localAgrees = 0;
  for (const id of ids) {
    const res = await client.request('GET', `/api/v1/clients/${encodeURIComponent(id)}`);
    const local = JSON.parse(res.body) as { notes: string | null; version: number };
    const remote = cloud.client(id);
    if (res.status === 200 && remote && local.notes === remote.notes && local.version === remote.version) localAgrees++;
  }
  client.close();
  return {
    syncNow,
    edits: ids.length,
    acknowledged,
    editP50: summarize(latencies).p50,
    editsMs,
    pendingAtReturn: atReturn.pending,
    downMs: onAt - offAt,
    failedAttemptsWhileDown: failedAttempts,
    nextAttemptDueMs: atReturn.nextAttemptAt ? Date.parse(atReturn.nextAttemptAt) - onEpoch : null,
    returnToFirstPushMs: firstPush - onAt,
    firstToLastPushMs: lastPush - firstPush,
    returnToEmptyMs: empty.t - onAt,
    returnToIdleMs: idle.t - onAt,
    pushRequests: pushes.length,
    pushRequestsOk: ok.length,
    pullRequests: requests.filter(isPull).length,
    applied: fresh.length,
    appliedOnce: fresh.filter(([, n]) => n === 1).length,
    earlierChanged,
    cloudValuesOk: ids.filter((id) => cloud.client(id)?.notes === values.get(id)).length,
    localAgrees,
    otherCores: cpu.otherCores,
  };
}

// ---- the section -----------------------------------------------------------------------------

export async function runSyncBench(clients: readonly Client[], groups: readonly Group[], tmp: string, log: (s: string) => void): Promise<SyncBenchResult> {
  execFileSync(process.execPath, ['build.mjs'], { cwd: REPO });
  const t = performance.now();
  const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, clients: [...clients], groups: [...groups] });
  const cloudUrl = await cloud.listen();
  log(`  reference cloud with ${clients.length} clients and ${groups.length} groups listening on ${cloudUrl} in this process (built in ${ms(performance.now() - t)})`);
  const dir = path.join(tmp, 'sync');
  await fs.mkdir(dir, { recursive: true });
  const pool = shuffle(
    clients.map((c) => c.id),
    createRng(2718),
  );
  const perRun = Math.min(1000, Math.floor((pool.length - 1) / 2));
  const controlId = pool[0]!;
  const offlineIds = pool.slice(1, 1 + perRun);
  const syncNowIds = pool.slice(1 + perRun, 1 + 2 * perRun);

  try {
    // ---- first pulls, each on an empty store, interleaved with the baseline
    const fetchAll = async () => {
      const b = await runTsJson<FetchBaselineRun>('bench/children/fetch-pages.ts', [cloudUrl, CLOUD_TOKEN, '1000']);
      log(`  baseline: plain fetch of ${b.pages} pages (${mb(b.bytes)}) in ${ms(b.ms)}`);
      return b;
    };
    const baseline: FetchBaselineRun[] = [];
    const pulls: FirstPullResult[] = [];
    let pullDir = '';
    for (let i = 0; i < PULL_RUNS; i++) {
      baseline.push(await fetchAll());
      pullDir = path.join(dir, `pull-${i + 1}`);
      await fs.mkdir(pullDir);
      const p = await firstPull(cloud, cloudUrl, pullDir, clients.length + groups.length, i === 0, log);
      log(`  first pull ${i + 1}: spawn → synced ${ms(p.spawnToSyncedMs)}, peak RSS ${mb(p.rssPeakKernel)}; stopped in ${ms(p.stopMs)}`);
      pulls.push(p);
    }
    baseline.push(await fetchAll());

    // ---- the agent restarted on the last synced store: steady RSS, idle cycles, offline edits
    const agent = launchAgent(writeAgentConfig(pullDir, cloudUrl, 3600));
    const storeDir = path.join(pullDir, 'store');
    let watch: SyncWatch | null = null;
    try {
      const before = cloud.requests.length;
      const { url, at: listeningAt } = await agent.listening;
      watch = await SyncWatch.open(url);
      const cycle1 = await watch.until('the first cycle after the restart', (s) => s.lastSyncAt !== null && s.state === 'idle', 60_000);
      const firstCycleRequests = cloud.requests.length - before;
      await sleep(2000);
      const steadyProc = procStatus(agent.pid);
      const steady: SteadyResult = {
        spawnToListeningMs: listeningAt - agent.spawnedAt,
        spawnToFirstCycleMs: cycle1.t - agent.spawnedAt,
        firstCycleRequests,
        rss: steadyProc.rss,
        rssPeakKernel: steadyProc.hwm,
        standaloneRss: Number.NaN,
        settledRss: Number.NaN,
        standaloneSettledRss: Number.NaN,
      };
      log(`  restarted on the synced store: RSS ${mb(steady.rss)} 2 s after its first cycle`);
      const staffPage = await openStaffPage(url);
      await sleep(SETTLE_MS - 2000);
      steady.settledRss = procStatus(agent.pid).rss;
      await staffPage.close();
      log(`  settled, the staff page open: RSS ${mb(steady.settledRss)} ${SETTLE_MS / 1000} s after its first cycle`);

      const api = new HttpClient(url, BENCH_TOKEN, 1);
      const cycles: CycleResult[] = [];
      for (let i = 0; i < 10; i++) {
        cycles.push(await oneCycle(cloud, api, watch, agent.pid, storeDir, `idle cycle ${i + 1}`));
        await sleep(100);
      }
      cloud.patchClient(controlId, { notes: 'changed in the back office (bench control)' });
      const control = await oneCycle(cloud, api, watch, agent.pid, storeDir, 'the control cycle');
      api.close();
      log(`  ${cycles.length} idle cycles: ${cycles.map((c) => c.requests.length).join(' ')} requests; control: ${control.requests.length}, ${control.storeChanges.join(', ') || 'no change'}`);

      const downAtLeastMs = Number(process.env.BENCH_SYNC_DOWN_S ?? 0) * 1000;
      if (downAtLeastMs) log(`  BENCH_SYNC_DOWN_S: the cloud stays offline at least ${downAtLeastMs / 1000} s`);
      const offline = await offlineEdits(cloud, url, agent.pid, watch, offlineIds, 'bench offline edit', false, downAtLeastMs);
      log(`  offline edits: cloud down ${ms(offline.downMs)}, back → outbox empty ${ms(offline.returnToEmptyMs)}`);
      const syncNow = await offlineEdits(cloud, url, agent.pid, watch, syncNowIds, 'bench sync-now edit', true, downAtLeastMs);
      log(`  with "sync now": cloud down ${ms(syncNow.downMs)}, back → outbox empty ${ms(syncNow.returnToEmptyMs)}`);

      await watch.close();
      watch = null;
      await agent.stop();

      // the same store without a cloud: what syncing keeps resident beyond the directory itself
      const alone = launchAgent(writeAgentConfig(pullDir, null));
      try {
        const { url: aloneUrl } = await alone.listening;
        await sleep(2000);
        steady.standaloneRss = procStatus(alone.pid).rss;
        const staffPage = await openStaffPage(aloneUrl);
        await sleep(SETTLE_MS - 2000);
        steady.standaloneSettledRss = procStatus(alone.pid).rss;
        await staffPage.close();
      } finally {
        await alone.stop();
      }
      log(`  the same store with "cloud": null: RSS ${mb(steady.standaloneRss)} 2 s after listening, ${mb(steady.standaloneSettledRss)} settled (${SETTLE_MS / 1000} s, the staff page open)`);

      const others = pulls.map((p) => p.otherCores).filter((x): x is number => x !== null);
      const pull = {
        spawnToSyncedMs: median(pulls.map((p) => p.spawnToSyncedMs)),
        firstPageToSyncedMs: median(pulls.map((p) => p.firstPageToSyncedMs)),
        rssPeakKernel: median(pulls.map((p) => p.rssPeakKernel)),
        rssAtEnd: median(pulls.map((p) => p.rssAtEnd)),
        otherCores: others.length ? median(others) : null,
      };
      const baselineMs = median(baseline.map((b) => b.ms));
      return { clients: clients.length, groups: groups.length, pulls, pull, baseline, baselineMs, steady, idle: { cycles, control, controlId }, offline, syncNow };
    } finally {
      await watch?.close();
      await agent.stop().catch((err: unknown) => log(`  stopping the agent: ${String(err)}`));
    }
  } finally {
    await cloud.close();
  }
}

export function syncTables(r: SyncBenchResult): string {
  const cores = (x: number | null) => (x === null ? '?' : x.toFixed(2));
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const runs = r.pulls;
  const runRow = (name: string, get: (p: FirstPullResult, i: number) => string, med = '') => [name, ...runs.map(get), med];
  const f0 = runs[0]!;
  const pull = table(
    [`first pull of ${f0.records} records (${f0.pages} pages of 1000), empty store`, ...runs.map((_, i) => `run ${i + 1}`), 'median'],
    [
      runRow('baseline before the run: plain fetch + JSON.parse of every page, nothing stored', (_, i) => ms(r.baseline[i]!.ms), ms(r.baselineMs)),
      runRow('agent: spawn → listening', (p) => ms(p.spawnToListeningMs)),
      runRow('agent: spawn → synced (GET /api/v1/sync: idle, lastSyncAt set)', (p) => ms(p.spawnToSyncedMs), ms(r.pull.spawnToSyncedMs)),
      runRow('agent: first page answered → synced', (p) => ms(p.firstPageToSyncedMs), ms(r.pull.firstPageToSyncedMs)),
      runRow('÷ baseline (median)', (p) => ratio(p.firstPageToSyncedMs / r.baselineMs), ratio(r.pull.firstPageToSyncedMs / r.baselineMs)),
      runRow('time between page answers p50 / max', (p) => `${ms(p.pageGaps.p50)} / ${ms(p.pageGaps.max)}`),
      runRow('mean gap before pages 2–21 / last 20', (p) => `${ms(mean(p.gapsMs.slice(0, 20)))} / ${ms(mean(p.gapsMs.slice(-20)))}`),
      runRow('agent CPU (user + sys) during the pull', (p) => `${ms(p.agentCpuMs)} (${((p.agentCpuMs / p.spawnToSyncedMs) * 100).toFixed(0)}%)`),
      runRow('cloud CPU (this process) during the pull', (p) => ms(p.cloudCpuMs)),
      runRow(`other programs meanwhile (of ${os.cpus().length} cores)`, (p) => cores(p.otherCores), cores(r.pull.otherCores)),
      runRow('agent RSS peak of 100 ms samples, until the pull ended', (p) => mb(p.rssPeakSampledDuring)),
      runRow('agent RSS peak, spawn → 1 s after the pull (VmHWM)', (p) => mb(p.rssPeakKernel), mb(r.pull.rssPeakKernel)),
      runRow('agent RSS when the pull ended / 1 s after', (p) => `${mb(p.rssAtEnd)} / ${mb(p.rssAfter1s)}`),
    ],
  );
  const at = table(
    ['the synced store (last run)', 'value'],
    [
      ['baseline: RSS of an agent restarted on it, 2 s after its first cycle', `${mb(r.steady.rss)} (VmHWM ${mb(r.steady.rssPeakKernel)})`],
      ['the same store with "cloud": null, 2 s after listening', mb(r.steady.standaloneRss)],
      [`the running agent: ${SETTLE_MS / 1000} s after its first cycle, the staff page open (synced / "cloud": null)`, `${mb(r.steady.settledRss)} / ${mb(r.steady.standaloneSettledRss)}`],
      ['restarted agent: spawn → listening / → first (idle) cycle ended', `${ms(r.steady.spawnToListeningMs)} / ${ms(r.steady.spawnToFirstCycleMs)}, ${r.steady.firstCycleRequests} request(s)`],
      ['slowest page gaps of the last run (before page n)', runs.at(-1)!.slowestGaps.map((g) => `#${g.page} ${ms(g.ms)}`).join(', ')],
      ['JSON pulled / store folder after the pull', `${mb(r.baseline[0]!.bytes)} / ${mb(runs.at(-1)!.storeBytes)}`],
      ['status polls (every 50 ms) / showing progress / last progress', `${f0.polls} / ${f0.progressPolls} / ${JSON.stringify(f0.lastProgress)}`],
    ],
  );
  const cycleRow = (name: string, c: CycleResult) => [name, ms(c.ms), String(c.requests.length), c.storeChanges.length ? c.storeChanges.join(', ') : 'none', String(c.writeBytes), String(c.wchar), String(c.syscw)];
  const idle = table(
    ['"sync now" on a synced agent', 'cycle', 'cloud requests', 'store files changed', 'write_bytes', 'wchar', 'syscw'],
    [...r.idle.cycles.map((c, i) => cycleRow(`idle cycle ${i + 1}`, c)), cycleRow('control: 1 client changed in the cloud', r.idle.control)],
  );
  const o = [r.offline, r.syncNow];
  const row = (name: string, get: (x: OfflineResult) => string) => [name, ...o.map(get)];
  const off = table(
    ['1,000 edits made while the cloud is offline', 'backoff retry', '"sync now" at return'],
    [
      row('edits acknowledged (8 at a time) / PATCH p50', (x) => `${x.acknowledged}/${x.edits} / ${ms(x.editP50)}`),
      row('cloud down for (its goOffline → goOnline)', (x) => ms(x.downMs)),
      row("agent's failed tries meanwhile / outbox at return", (x) => `${x.failedAttemptsWhileDown} / ${x.pendingAtReturn}`),
      row("agent's next try due (its status at return)", (x) => (x.nextAttemptDueMs === null ? 'n/a' : `${ms(x.nextAttemptDueMs)} after`)),
      row('return → first push answered (waiting for the retry)', (x) => ms(x.returnToFirstPushMs)),
      row('first → last push answered', (x) => ms(x.firstToLastPushMs)),
      row('return → outbox empty (pending 0)', (x) => ms(x.returnToEmptyMs)),
      row('return → cycle ended (idle)', (x) => ms(x.returnToIdleMs)),
      row('push requests (ok) / pull requests', (x) => `${x.pushRequests} (${x.pushRequestsOk}) / ${x.pullRequests}`),
      row('mutations applied / applied exactly once', (x) => `${x.applied} / ${x.appliedOnce}`),
      row('cloud holds the edited value / local copy = cloud', (x) => `${x.cloudValuesOk} / ${x.localAgrees}`),
      row('other programs meanwhile (cores)', (x) => cores(x.otherCores)),
    ],
  );
  return `${pull}\n\n${at}\n\n${idle}\n\n${off}`;
}

/** Every idle cycle asked the cloud once and changed nothing in the store folder. */
export function idleCyclesClean(r: SyncBenchResult): boolean {
  return r.idle.cycles.every((c) => c.requests.length === 1 && c.storeChanges.length === 0);
}

/** The control cycle (one change in the cloud) did show up as a journal append: the check sees writes. */
export function controlDetected(r: SyncBenchResult): boolean {
  return r.idle.control.storeChanges.some((c) => c.includes('journal'));
}

export function offlineClean(x: OfflineResult): boolean {
  return x.acknowledged === x.edits && x.applied === x.edits && x.appliedOnce === x.edits && x.earlierChanged === 0 && x.cloudValuesOk === x.edits && x.localAgrees === x.edits;
}
