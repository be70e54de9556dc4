import path from 'node:path';
import type { PrinterTransport } from '../drivers/printer/transport.js';
import type { AgentConfig, LoadedConfig, PrinterConfig } from './config.js';
import { DirectoryCare } from './directory/care.js';
import { Directory } from './directory/directory.js';
import { indexImageFile, readIndexImage, writeIndexImage } from './directory/index-image.js';
import { indexFingerprint } from './directory/search-index.js';
import { DirectoryStore, type DirectoryStoreOptions } from './directory/directory-store.js';
import type { EventBus, EventLog } from './events.js';
import { collectGarbage } from './gc.js';
import type { Logger } from './log.js';
import { JobStore } from './printing/jobs.js';
import { PrintService } from './printing/print-service.js';
import { Printers, type PrintTimings } from './printing/printers.js';
import { ScanService } from './scans/scan-service.js';
import { type ScannerHardware, Scanners } from './scans/scanners.js';
import { type ApiToken, effectiveTokens, loadOrCreateSecrets } from './secrets.js';
import { AuditLog } from './store/audit-log.js';
import { openStoreFolder } from './store/folder.js';
import { nodeFs, type StoreFs } from './store/fs.js';
import { SyncIssues } from './sync/issues.js';
import { forgetCloud } from './sync/adopt.js';
import { OutboxRecorder } from './sync/outbox-recorder.js';
import type { SyncOp } from './sync/records.js';
import { SyncStore } from './sync/sync-store.js';
import { Sync, type SyncOptions } from './sync/sync.js';

/** After a start that built the search index, when it is saved for the next start (once the start's own work is done). */
const INDEX_IMAGE_DELAY_MS = 2000;

/** What tests (and a future installer's tools) may put in place of the real parts. */
export interface ServiceOptions {
  store?: DirectoryStoreOptions;
  /** Scanner transports to use instead of serialport and usb (tests pass mocks). */
  hardware?: ScannerHardware;
  /** Printer transports to use instead of the configured ones (tests pass fakes). */
  printerTransport?: (p: PrinterConfig) => PrinterTransport;
  /** Print retry and grace timings to use instead of the product's (tests shorten them). */
  printTimings?: Partial<PrintTimings>;
  /** Sync timings to use instead of the contract's (tests shorten timeouts and backoff). */
  sync?: Partial<Pick<SyncOptions, 'timeoutMs' | 'backoffMinMs' | 'backoffMaxMs' | 'pageLimit' | 'nudgeMs' | 'probeMs' | 'fetch'>>;
}

/** What every service is built from: made by the agent before anything opens. */
export interface ServiceContext {
  loaded: LoadedConfig;
  log: Logger;
  bus: EventBus;
  /** the streamed events, numbered, the newest kept for streams that reconnect */
  events: EventLog;
  /** aborted when the agent shuts down: long-lived streams end with it */
  closing: AbortSignal;
  version: string;
  options: ServiceOptions;
}

/**
 * The agent's services, built in one place. Every constructor only keeps what it is given;
 * `load()` reads the store folder (directory, print queue), `start()` brings the devices and the
 * sync loop up, `stop()` takes everything down in reverse, keeping every acknowledged change.
 * Routes and pages receive the services they use from here, never the whole set.
 */
export class Services {
  readonly config: AgentConfig;
  readonly storeDir: string;
  readonly log: Logger;
  readonly bus: EventBus;
  readonly events: EventLog;
  readonly closing: AbortSignal;
  readonly version: string;
  readonly directoryStore: DirectoryStore<SyncOp>;
  readonly directory: Directory<SyncOp>;
  /** merging two clients, anonymising one; each act recorded in the store folder's audit log */
  readonly care: DirectoryCare;
  /** store.dir/audit.log: when the directory's care acts happened, and on which ids (never a name) */
  readonly audit: AuditLog;
  /** the sync's part of the directory store: outbox, pull cursor, issues (kept with a cloud or without) */
  readonly syncStore = new SyncStore();
  readonly syncIssues: SyncIssues;
  /** The cloud sync, or null when the agent runs standalone ("cloud": null). */
  readonly sync: Sync | null;
  readonly scans: ScanService;
  readonly scanners: Scanners;
  readonly jobs: JobStore;
  readonly printers: Printers;
  readonly print: PrintService;
  private readonly fs: StoreFs;
  private imageTimer: NodeJS.Timeout | null = null;
  private imageSaving: Promise<void> = Promise.resolve();

  constructor(
    ctx: ServiceContext,
    /** This agent's id (made on first start, kept in store.dir): X-Agent-Id for the cloud, shown on the settings page. */
    readonly agentId: string,
    /** The till's tokens: the config's, or the one made on first start. */
    readonly tokens: readonly ApiToken[],
    usedBefore: boolean,
  ) {
    const { loaded, options } = ctx;
    const { config, storeDir } = loaded;
    this.config = config;
    this.storeDir = storeDir;
    this.log = ctx.log;
    this.bus = ctx.bus;
    this.events = ctx.events;
    this.closing = ctx.closing;
    this.version = ctx.version;
    this.fs = options.store?.fs ?? nodeFs;
    this.directoryStore = new DirectoryStore(path.join(storeDir, 'directory'), this.log, { ...options.store, storeDir, usedBefore, sections: [this.syncStore.section] });
    // with a cloud, every edit also records what to send it, in the edit's own write
    this.directory = new Directory(this.directoryStore, this.bus, {
      recorder: config.cloud ? new OutboxRecorder(this.syncStore.outbox) : undefined,
      country: config.shop.country,
    });
    this.audit = new AuditLog(path.join(storeDir, 'audit.log'), options.store?.fs);
    this.care = new DirectoryCare(this.directory, this.audit, this.log, { locale: config.ui.locale });
    this.syncIssues = new SyncIssues(this.directoryStore, this.syncStore, this.directory);
    this.sync = config.cloud
      ? new Sync(this.directoryStore, this.syncStore, this.bus, this.log, {
          ...config.cloud,
          agentId,
          configFile: loaded.file,
          bulk: () => this.directory.bulkWrite(),
          ...options.sync,
        })
      : null;
    this.scans = new ScanService(this.directory, this.bus);
    this.scanners = new Scanners(config.scanners, this.scans, this.bus, this.log, options.hardware);
    this.jobs = new JobStore(path.join(storeDir, 'jobs'), this.bus, this.log, Date.now, options.store?.fs);
    this.printers = new Printers(config, storeDir, this.jobs, this.bus, this.log, options.printerTransport, options.printTimings);
    this.print = new PrintService(config, this.directory, this.jobs, this.printers);
  }

  /** Reads what the store folder holds: the directory (snapshots, then the journal) and the print queue. */
  async load(): Promise<void> {
    const started = performance.now();
    const { replayed, recovered, index } = await this.openDirectory();
    let requeued: number;
    try {
      if (!this.config.cloud) await forgetCloud(this.directoryStore, this.syncStore, this.log);
      ({ requeued } = await this.jobs.load());
    } catch (err) {
      await this.closeLoaded();
      throw err;
    }
    if (requeued) this.log.warn('print queue: jobs were printing when the agent stopped; they are printed again, marked "reprint"', { jobs: requeued });
    this.log.info('directory loaded', {
      clients: this.directoryStore.clients.size,
      groups: this.directoryStore.groups.size,
      ms: Math.round(performance.now() - started),
      index: index ? `saved copy, ${index.reread} re-read` : 'built',
      replayed: replayed || undefined,
      recoveredFromBackup: recovered.length ? recovered.join(',') : undefined,
    });
    // loading leaves the decoded files behind: give that memory back now, not at the next pressure
    collectGarbage();
    // an index built (or much re-read) at this start is saved soon, for the next one
    if (!index || index.reread > 0) {
      this.imageTimer = setTimeout(() => void this.saveIndexImage(true), INDEX_IMAGE_DELAY_MS);
      this.imageTimer.unref();
    }
  }

  /**
   * The directory read and its search index started, the saved index read meanwhile (a cache:
   * null when there is none). The image stays inside this function: a variable of load() holding
   * it would keep its decoded arrays (~12 MB at 100,000 clients) through the collection at the
   * end of the load, resident until V8 next collects (measured: 227 → 215 MB).
   */
  private async openDirectory() {
    const country = this.config.shop.country;
    const [loaded, image] = await Promise.all([
      this.directoryStore.load(),
      readIndexImage(indexImageFile(this.storeDir), { fingerprint: indexFingerprint(country), country }, this.log),
    ]);
    try {
      return { ...loaded, index: this.directory.start(image) };
    } catch (err) {
      await this.closeLoaded();
      throw err;
    }
  }

  /** The directory loaded whole but the start failed: closed, so that no snapshot of it runs after the lock is gone. */
  private async closeLoaded(): Promise<void> {
    this.directory.stop();
    await this.directoryStore.close().catch(() => undefined);
  }

  /** Saves the search index for the next start, if it changed; a failure only makes that start slower. */
  async saveIndexImage(whileServing = false): Promise<void> {
    if (this.imageTimer) clearTimeout(this.imageTimer);
    this.imageTimer = null;
    // one save at a time (the stop's waits for the timer's, then saves what changed since)
    const previous = this.imageSaving;
    const saving = previous.then(() => this.writeImageNow(whileServing));
    this.imageSaving = saving;
    await saving;
  }

  private async writeImageNow(whileServing: boolean): Promise<void> {
    try {
      // while serving, in slices between requests; at a stop, at once and whole
      const image = await this.directory.indexImage(whileServing ? () => new Promise<void>((r) => setImmediate(r)) : undefined);
      if (!image) return;
      const written = await writeIndexImage(indexImageFile(this.storeDir), image, this.fs);
      if ('skipped' in written) this.log.info(`search index: not saved for the next start (${written.skipped}); it is built from the directory then`);
    } catch (err) {
      this.log.warn('search index: not saved; the next start builds it from the directory (slower, nothing lost)', { problem: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Devices and the sync loop. Last: a scanner's first code needs the directory and the app's listeners in place. */
  start(): void {
    this.scanners.start();
    this.printers.start();
    this.sync?.start();
  }

  /** Printers alone, first: they stop alongside the HTTP server (a hung printer gets a short grace). */
  stopPrinting(): Promise<void> {
    return this.printers.stop();
  }

  async stop(): Promise<void> {
    await this.sync?.stop(); // a request in flight is dropped: its edits stay in the outbox
    await this.scanners.stop();
    await this.printers.stop(); // a ticket being printed gets a moment to be confirmed; the rest stays queued on disk
    await this.jobs.close();
    await this.saveIndexImage();
    this.directory.stop();
    await this.directoryStore.close();
  }
}

/** Opens the store folder (its permissions, the agent's id and token) and loads the services from it. */
export async function openServices(ctx: ServiceContext): Promise<Services> {
  const { config, storeDir } = ctx.loaded;
  const fs = ctx.options.store?.fs ?? nodeFs;
  const { usedBefore } = await openStoreFolder(storeDir, fs, ctx.log);
  const { secrets, created } = await loadOrCreateSecrets(storeDir, ctx.log, fs);
  const tokens = effectiveTokens(config, secrets);
  if (created && config.api.tokens.length === 0) {
    ctx.log.info('created the API token for the till (shown once here, never in the log file)', { kept: path.join(storeDir, 'secrets.json'), token: secrets.apiToken });
  }
  const services = new Services(ctx, secrets.agentId, tokens, usedBefore);
  // A store that failed to load is left as it is (no snapshot written over what could not be
  // read); the caller releases the lock and says what to do.
  await services.load();
  return services;
}
