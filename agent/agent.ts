import { setMaxListeners } from 'node:events';
import type { AgentConfig, PrinterConfig } from './config.js';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import type { LoadedConfig } from './config.js';
import { Directory } from './directory/directory.js';
import { DirectoryStore, type DirectoryStoreOptions } from './directory/directory-store.js';
import { EventBus, EventLog } from './events.js';
import { STREAMED } from './http/routes/events.js';
import { type AgentApp, createApp } from './http/app.js';
import type { ApiToken } from './http/security.js';
import { consoleLogger, type Logger } from './log.js';
import { ScanService } from './scans/scan-service.js';
import { type ScannerHardware, Scanners } from './scans/scanners.js';
import { JobStore } from './printing/jobs.js';
import { Printers } from './printing/printers.js';
import type { PrinterTransport } from '../drivers/printer/transport.js';
import { effectiveTokens, loadOrCreateSecrets } from './secrets.js';
import { errorCode } from './store/durable-file.js';
import { StoreLock } from './store/lock.js';
import { nodeFs, type StoreFs } from './store/fs.js';
import { collectGarbage } from './gc.js';
import { Sync, type SyncOptions } from './sync/sync.js';
import { SyncIssues } from './sync/issues.js';
import { forgetCloud } from './sync/adopt.js';
import { OutboxRecorder } from './sync/outbox-recorder.js';
import type { SyncOp } from './sync/records.js';
import { SyncStore } from './sync/sync-store.js';

export const VERSION: string = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

export interface AgentOptions {
  log?: Logger;
  store?: DirectoryStoreOptions;
  /** Scanner transports to use instead of serialport and usb (tests pass mocks). */
  hardware?: ScannerHardware;
  /** Printer transports to use instead of the configured ones (tests pass fakes). */
  printerTransport?: (p: PrinterConfig) => PrinterTransport;
  /** Sync timings to use instead of the contract's (tests shorten timeouts and backoff). */
  sync?: Partial<Pick<SyncOptions, 'timeoutMs' | 'backoffMinMs' | 'backoffMaxMs' | 'pageLimit' | 'nudgeMs' | 'probeMs' | 'fetch'>>;
}

/**
 * The agent: wires the store, the directory and the HTTP server. The constructor does nothing;
 * start() brings everything up in order and stop() takes it down in reverse, keeping every
 * acknowledged change.
 */
export class Agent {
  readonly log: Logger;
  readonly bus = new EventBus();
  /** the streamed events, numbered, the newest kept for streams that reconnect */
  readonly events = new EventLog(this.bus, STREAMED);
  private readonly lock: StoreLock;
  private store: DirectoryStore<SyncOp> | null = null;
  private directoryService: Directory<SyncOp> | null = null;
  private scanService: ScanService | null = null;
  private scannerSet: Scanners | null = null;
  private jobStore: JobStore | null = null;
  private printerSet: Printers | null = null;
  private syncService: Sync | null = null;
  private issueSet: SyncIssues | null = null;
  private server: Server | null = null;
  private closing = new AbortController();
  private apiTokens: ApiToken[] = [];
  private appInstance: AgentApp | null = null;
  private id: string | null = null;

  constructor(
    readonly loaded: LoadedConfig,
    private readonly options: AgentOptions = {},
  ) {
    this.log = options.log ?? consoleLogger();
    this.lock = new StoreLock(loaded.storeDir);
  }

  get directory(): Directory<SyncOp> {
    if (!this.directoryService) throw new Error('the agent is not started');
    return this.directoryService;
  }

  get app(): AgentApp {
    if (!this.appInstance) throw new Error('the agent is not started');
    return this.appInstance;
  }

  get config(): AgentConfig {
    return this.loaded.config;
  }

  get printers(): Printers {
    if (!this.printerSet) throw new Error('the agent is not started');
    return this.printerSet;
  }

  get jobs(): JobStore {
    if (!this.jobStore) throw new Error('the agent is not started');
    return this.jobStore;
  }

  get scanners(): Scanners {
    if (!this.scannerSet) throw new Error('the agent is not started');
    return this.scannerSet;
  }

  /** The cloud sync, or null when the agent runs standalone ("cloud": null). */
  get sync(): Sync | null {
    return this.syncService;
  }

  get syncIssues(): SyncIssues {
    if (!this.issueSet) throw new Error('the agent is not started');
    return this.issueSet;
  }

  /** The id sent to the cloud as X-Agent-Id (made on first start, kept in store.dir). */
  get agentId(): string {
    if (!this.id) throw new Error('the agent is not started');
    return this.id;
  }

  get directoryStore(): DirectoryStore<SyncOp> {
    if (!this.store) throw new Error('the agent is not started');
    return this.store;
  }

  get tokens(): readonly ApiToken[] {
    return this.apiTokens;
  }

  /** Opens the store and builds the app, without listening (tests call app.request()). */
  async open(): Promise<void> {
    const { config, storeDir } = this.loaded;
    await this.lock.acquire();
    try {
      const fs = this.options.store?.fs ?? nodeFs;
      await tightenStore(storeDir, fs, this.log);
      // A store that has secrets or a print queue was used before: its directory folder must be there.
      const usedBefore = (await exists(fs, path.join(storeDir, 'secrets.json'))) || (await exists(fs, path.join(storeDir, 'jobs')));
      const { secrets, created } = await loadOrCreateSecrets(storeDir, this.log, fs);
      this.apiTokens = effectiveTokens(config, secrets);
      this.id = secrets.agentId;
      if (created && config.api.tokens.length === 0) {
        this.log.info(`created the API token for the till (shown once here; kept in ${path.join(storeDir, 'secrets.json')}): ${secrets.apiToken}`);
      }
      const started = performance.now();
      const syncStore = new SyncStore();
      this.store = new DirectoryStore(path.join(storeDir, 'directory'), this.log, { ...this.options.store, storeDir, usedBefore, sections: [syncStore.section] });
      const { replayed, recovered } = await this.store.load();
      this.directoryService = new Directory(this.store, this.bus, { recorder: config.cloud ? new OutboxRecorder(syncStore.outbox) : undefined });
      this.directoryService.start();
      this.issueSet = new SyncIssues(this.store, syncStore, this.directoryService);
      if (!config.cloud) await forgetCloud(this.store, syncStore, this.log);
      if (config.cloud) {
        const store = this.store;
        const directory = this.directoryService;
        this.syncService = new Sync(this.store, syncStore, this.bus, this.log, {
          ...config.cloud,
          agentId: secrets.agentId,
          configFile: this.loaded.file,
          // A full pull writes the whole directory: index it once and snapshot it once, at the
          // end, then give back the garbage of 100 pages (as after loading at start).
          bulk: () => {
            const endIndex = directory.deferIndex();
            const endSnapshots = store.holdSnapshots();
            return () => {
              // the pull's garbage goes before the index build allocates its arrays, not after
              collectGarbage();
              endIndex();
              void endSnapshots().then(collectGarbage);
            };
          },
          ...this.options.sync,
        });
      }
      this.scanService = new ScanService(this.directoryService, this.bus);
      this.scannerSet = new Scanners(config.scanners, this.scanService, this.bus, this.log, this.options.hardware);
      this.jobStore = new JobStore(path.join(storeDir, 'jobs'), this.bus, this.log, Date.now, this.options.store?.fs);
      const { requeued } = await this.jobStore.load();
      if (requeued) this.log.warn(`print queue: ${requeued} job(s) were printing when the agent stopped; they are printed again, marked "reprint"`);
      this.printerSet = new Printers(config, storeDir, this.jobStore, this.bus, this.log, this.options.printerTransport);
      this.log.info(
        `directory: ${this.store.clients.size} clients, ${this.store.groups.size} groups loaded in ${Math.round(performance.now() - started)} ms` +
          (replayed ? ` (${replayed} journal entries replayed)` : '') +
          (recovered.length ? ` — RECOVERED FROM BACKUP: ${recovered.join(', ')}` : ''),
      );
      collectGarbage();
      this.appInstance = createApp({
        config,
        directory: this.directoryService,
        scans: this.scanService,
        scanners: this.scannerSet,
        jobs: this.jobStore,
        printers: this.printerSet,
        sync: this.syncService,
        syncIssues: this.issueSet,
        storeDir,
        agentId: secrets.agentId,
        bus: this.bus,
        events: this.events,
        tokens: this.apiTokens,
        version: VERSION,
        log: this.log,
        closing: this.closingSignal(),
      });
      // Last: a scanner's first code needs the directory and the app's listeners in place.
      this.scannerSet.start();
      this.printerSet.start();
      this.syncService?.start();
    } catch (err) {
      await this.lock.release();
      throw err;
    }
  }

  /** Every open event stream listens to it: one per staff page and till, more than Node's default 10. */
  private closingSignal(): AbortSignal {
    setMaxListeners(0, this.closing.signal);
    return this.closing.signal;
  }

  /** open() then listen on http.host:http.port. Resolves with the URL. */
  async start(): Promise<string> {
    await this.open();
    const { host, port } = this.loaded.config.http;
    try {
      this.server = await listen(this.app, host, port);
    } catch (err) {
      await this.closeStore();
      throw err;
    }
    const addr = this.server.address() as AddressInfo;
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const url = `http://${shownHost}:${addr.port}`;
    this.log.info(`agent ${VERSION} listening on ${url} (store: ${this.loaded.storeDir})`);
    return url;
  }

  /** Stops taking requests, lets running ones finish, writes the store and releases it. */
  async stop(): Promise<void> {
    this.closing.abort();
    // Printers stop alongside the HTTP server: a hung printer's ticket is cut off after a short
    // grace (it prints again after the restart), so stopping never waits on a printer.
    const printersStopped = this.printerSet?.stop();
    const server = this.server;
    this.server = null;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections go idle as their last response ends (event streams end on `closing`): close
      // them as they do. No request here takes long (an edit waits for one fsync), so whatever is
      // still open after 2 s is a client holding a finished connection, and is cut.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), 2_000);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
    }
    await printersStopped;
    await this.closeStore();
    this.log.info('agent stopped; every change is on disk');
  }

  private async closeStore(): Promise<void> {
    await this.syncService?.stop(); // a request in flight is dropped: its edits stay in the outbox
    await this.scannerSet?.stop();
    await this.printerSet?.stop(); // a ticket being printed gets a moment to be confirmed; the rest stays queued on disk
    await this.jobStore?.close();
    this.directoryService?.stop();
    await this.store?.close();
    this.store = null;
    await this.lock.release();
  }
}

async function exists(fs: StoreFs, file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Client data and the API token are for the agent's user alone (POSIX): the store folder 0700,
 * secrets.json 0600. A store made by an older version is tightened, and the log says so.
 */
async function tightenStore(storeDir: string, fs: StoreFs, log: Logger): Promise<void> {
  if (process.platform === 'win32') return; // NTFS permissions come from the folder the installer chose
  for (const [file, mode] of [
    [storeDir, 0o700],
    [path.join(storeDir, 'secrets.json'), 0o600],
    [path.join(storeDir, 'secrets.json.bak'), 0o600],
  ] as const) {
    const st = await fs.stat(file).catch(() => null);
    if (!st || (st.mode & 0o777) === mode) continue;
    await fs.chmod(file, mode);
    log.info(`store: ${file} was readable by other users (mode ${(st.mode & 0o777).toString(8)}); now ${mode.toString(8)}`);
  }
}

function listen(app: AgentApp, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', (err) => {
      const code = errorCode(err);
      reject(
        new Error(
          code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use: another agent may be running; stop it or change http.port`
            : code === 'EADDRNOTAVAIL'
              ? `this computer has no address ${host}; fix http.host (127.0.0.1 for this computer only)`
              : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      );
    });
  });
}
