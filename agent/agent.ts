import { setMaxListeners } from 'node:events';
import type { AgentConfig } from './config.js';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import type { LoadedConfig } from './config.js';
import { EventBus, EventLog } from './events.js';
import { STREAMED } from './event-stream.js';
import { RecentProblems } from './diagnostics/recent.js';
import { consoleLogger, type Logger } from './log.js';
import { errorCode } from './store/durable-file.js';
import { StoreLock } from './store/lock.js';
import { createServerApp, type ServerApp } from './server.js';
import { openServices, type ServiceOptions, type Services } from './services.js';

export const VERSION: string = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

export interface AgentOptions extends ServiceOptions {
  log?: Logger;
}

/**
 * The agent: holds the store lock, the services and the HTTP server. The constructor does
 * nothing; start() brings everything up in order and stop() takes it down in reverse, keeping
 * every acknowledged change.
 */
export class Agent {
  /** the last warnings and errors, for the diagnostics archive (fed by this.log) */
  readonly recent = new RecentProblems();
  readonly log: Logger;
  readonly bus = new EventBus();
  /** the streamed events, numbered, the newest kept for streams that reconnect */
  readonly events = new EventLog(this.bus, STREAMED);
  private readonly lock: StoreLock;
  private running: { services: Services; app: ServerApp } | null = null;
  private server: Server | null = null;
  private closing = new AbortController();

  constructor(
    readonly loaded: LoadedConfig,
    private readonly options: AgentOptions = {},
  ) {
    this.log = this.recent.wrap(options.log ?? consoleLogger());
    this.lock = new StoreLock(loaded.storeDir);
  }

  get config(): AgentConfig {
    return this.loaded.config;
  }

  /** The services, once open() has loaded them. */
  get services(): Services {
    if (!this.running) throw new Error('the agent is not started');
    return this.running.services;
  }

  /** The HTTP app (tests call app.request() on it without a port). */
  get app(): ServerApp {
    if (!this.running) throw new Error('the agent is not started');
    return this.running.app;
  }

  /** Opens the store and builds the app, without listening (tests call app.request()). */
  async open(): Promise<void> {
    await this.lock.acquire();
    try {
      const services = await openServices({
        loaded: this.loaded,
        log: this.log,
        bus: this.bus,
        events: this.events,
        closing: this.closingSignal(),
        version: VERSION,
        options: this.options,
      });
      this.running = { services, app: createServerApp(services) };
      services.start();
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
    this.log.info('agent listening', { url, version: VERSION, store: this.loaded.storeDir });
    return url;
  }

  /** Stops taking requests, lets running ones finish, writes the store and releases it. */
  async stop(): Promise<void> {
    this.closing.abort();
    // Printers stop alongside the HTTP server: a hung printer's ticket is cut off after a short
    // grace (it prints again after the restart), so stopping never waits on a printer.
    const printersStopped = this.running?.services.stopPrinting();
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
    const running = this.running;
    this.running = null;
    await running?.services.stop();
    await this.lock.release();
  }
}

function listen(app: ServerApp, host: string, port: number): Promise<Server> {
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
