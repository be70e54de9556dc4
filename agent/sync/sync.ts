import net from 'node:net';
import type { EventBus } from '../events.js';
import type { Logger } from '../log.js';
import { adopt } from './adopt.js';
import { CloudClient, CloudError } from './cloud-client.js';
import type { CycleContext } from './context.js';
import { pull } from './pull.js';
import { push } from './push.js';
import type { CloudProblemCode, SyncState, SyncStatus } from './status.js';
import type { SyncStore, SyncedStore } from './sync-store.js';

/**
 * The sync loop of cloud-sync.md: one cycle at a time — adopt what the cloud never saw
 * (adopt.ts), push the outbox (push.ts), then pull pages until `hasMore` is false (pull.ts) —
 * soon after a local edit and every `intervalSeconds`. Every answer is applied in one durable
 * write with what it changes in the outbox or the cursor, so a crash anywhere loses nothing and a
 * resend is harmless (the cloud dedupes by mutationId, pulls are applied by version).
 *
 * Failures never touch the local copy: a network error, a timeout or a 5xx waits with backoff
 * (while the cloud cannot be reached, a probe brings the next try forward once it can);
 * 401/403 stops syncing until the config changes (a restart), with the reason in the status.
 */

export interface SyncOptions {
  url: string;
  token: string;
  intervalSeconds: number;
  agentId: string;
  /** The config file in use, for the messages that ask to fix it. */
  configFile?: string | null;
  /** Per request (contract: 10 s). */
  timeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  pageLimit?: number;
  /** After a local edit, how soon to push it (edits in a burst share one push). */
  nudgeMs?: number;
  /**
   * While the cloud is unreachable (connection refused, no route, no DNS), how often to try a
   * bare TCP connection to it: when one succeeds, the backoff's next try is brought forward, so
   * edits made offline go up within seconds of the internet's return, not minutes. No request is
   * sent by the probe; a cloud that accepts connections but fails requests stays on the backoff.
   */
  probeMs?: number;
  fetch?: typeof fetch;
  /** Called when a full pull starts; what it returns, when it ends (however it ends). */
  bulk?: () => () => void;
  random?: () => number;
  now?: () => Date;
}

export class Sync {
  private readonly cloud: CloudClient;
  private readonly stopper = new AbortController();
  private state: SyncState = 'idle';
  private reason: string | null = null;
  private problem: CloudProblemCode | null = null;
  private stopped = false;
  private lastSyncAt: string | null = null;
  private progress: SyncStatus['progress'] = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private nextAt: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private emitQueued = false;
  private probeTimer: NodeJS.Timeout | null = null;
  /** The running cycle was started by the probe: if it fails, the probe waits for the backoff. */
  private probed = false;
  private unsubscribe: (() => void) | null = null;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(
    private readonly store: SyncedStore,
    private readonly saved: SyncStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly options: SyncOptions,
  ) {
    this.cloud = new CloudClient({
      url: options.url,
      token: options.token,
      agentId: options.agentId,
      timeoutMs: options.timeoutMs ?? 10_000,
      configFile: options.configFile,
      fetch: options.fetch,
    });
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.saved.cursor.url === this.options.url) this.lastSyncAt = this.saved.cursor.lastSyncAt;
    let pending = this.saved.outbox.size;
    this.unsubscribe = this.saved.onChange(() => {
      const size = this.saved.outbox.size;
      if (size > pending) this.nudge();
      pending = size;
      this.emitSoon();
    });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopProbe();
    this.stopper.abort();
    await this.running?.catch(() => undefined);
    // One write at shutdown rather than one per idle cycle: the last sync's time survives.
    const state = this.saved.cursor;
    if (state.url === this.options.url && state.lastSyncAt !== this.lastSyncAt) {
      await this.store.commit([{ op: 'sync.cursor', state: { ...state, lastSyncAt: this.lastSyncAt } }]).catch(() => undefined);
    }
  }

  status(): SyncStatus {
    return {
      state: this.state,
      pending: this.saved.outbox.size,
      lastSyncAt: this.lastSyncAt,
      enabled: true,
      url: this.options.url,
      reason: this.reason,
      problem: this.problem,
      stopped: this.stopped,
      progress: this.progress,
      nextAttemptAt: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
      issues: this.saved.issues.size,
    };
  }

  /**
   * Runs a cycle now (staff pressed "sync now"), also after a refused token: one try, not a loop.
   * Resolves when a cycle that started after the call has ended.
   */
  syncNow(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.failures = 0;
    this.stopped = false;
    if (this.running) return this.running.then(() => this.syncNow());
    return this.runCycle();
  }

  /** A local edit was queued: push it soon, unless the cloud is unreachable (then backoff rules). */
  private nudge(): void {
    if (!this.started || this.stopped || this.failures > 0) return;
    const delay = this.options.nudgeMs ?? 300;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.nextAt === null || this.nextAt - Date.now() > delay) this.schedule(delay);
  }

  private schedule(ms: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      void this.runCycle();
    }, ms);
    this.timer.unref();
  }

  private runCycle(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
    this.running = this.cycle().finally(() => {
      this.running = null;
      if (!this.started) return;
      if (this.again && !this.stopped && this.failures === 0) {
        this.again = false;
        this.schedule(0);
      } else {
        this.again = false;
        this.emitSoon();
      }
    });
    return this.running;
  }

  private async cycle(): Promise<void> {
    this.setState('syncing');
    try {
      const ctx = this.context();
      await adopt(ctx);
      // Left for lack of rounds (many edits of one record, or conflicts): go on right after this cycle.
      if (!(await push(ctx))) this.again = true;
      await pull(ctx, {
        pageLimit: this.options.pageLimit ?? 1000,
        bulk: this.options.bulk,
        progress: (progress) => {
          this.progress = progress;
          this.emitSoon();
        },
        lastSyncAt: () => this.lastSyncAt,
      });
      this.failures = 0;
      this.stopProbe();
      this.reason = null;
      this.problem = null;
      this.lastSyncAt = this.now().toISOString();
      this.setState('idle');
      this.schedule(this.options.intervalSeconds * 1000);
    } catch (err) {
      this.progress = null;
      if (!this.started) return;
      const e = err instanceof CloudError ? err : new CloudError('local', err instanceof Error ? err.message : String(err));
      this.reason = e.message;
      this.problem = e.code;
      if (e.code === 'auth') {
        this.stopped = true;
        this.stopProbe();
        this.log.error('cloud sync stopped: the cloud refused the token', { reason: e.message });
        this.setState('error');
        return;
      }
      this.failures++;
      const delay = this.backoff(this.failures);
      this.log.warn('cloud sync failed', { problem: e.code, reason: e.message, retryInSeconds: Math.round(delay / 1000) });
      this.schedule(delay);
      if (e.code === 'network' && !this.probed) this.startProbe();
      this.setState(e.code === 'network' || e.code === 'timeout' ? 'offline' : 'error');
    } finally {
      this.probed = false;
    }
  }

  private startProbe(): void {
    if (this.probeTimer || !this.started) return;
    const url = new URL(this.options.url);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.probeTimer = setInterval(() => {
      const socket = net.connect({ host, port });
      socket.setTimeout(3_000);
      const done = (reachable: boolean) => {
        socket.destroy();
        if (!reachable || !this.probeTimer || this.running) return;
        this.stopProbe();
        this.log.info('cloud sync: the cloud can be reached again; trying now');
        this.probed = true;
        this.schedule(0);
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false));
      socket.once('error', () => done(false));
    }, this.options.probeMs ?? 5_000);
    this.probeTimer.unref();
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  /** 1 s, 2 s, 4 s… up to 5 min, each plus up to 50 % jitter (capped), so shops don't retry in step. */
  private backoff(failures: number): number {
    const min = this.options.backoffMinMs ?? 1_000;
    const max = this.options.backoffMaxMs ?? 300_000;
    const d = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
    return Math.min(max, d * (1 + 0.5 * this.random()));
  }

  private context(): CycleContext {
    return { store: this.store, saved: this.saved, cloud: this.cloud, log: this.log, url: this.options.url, now: this.now, signal: this.stopper.signal };
  }

  // ---- status ----------------------------------------------------------------------------

  private setState(state: SyncState): void {
    this.state = state;
    this.emitSoon();
  }

  /** One `sync` event per turn of the event loop, however many outbox entries a write changed. */
  private emitSoon(): void {
    if (this.emitQueued) return;
    this.emitQueued = true;
    setImmediate(() => {
      this.emitQueued = false;
      this.bus.emit('sync', this.status());
    });
  }
}
