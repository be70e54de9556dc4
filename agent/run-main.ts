import type { Logger } from './log.js';

/** How a program that logs to a file ends: the crash goes to its log, and the log is flushed before the exit. */
export interface MainEnd {
  /** Says an unexpected error (instead of the bare stack on stderr). */
  crash(err: unknown): void;
  /** Resolves once every line is written (process.exit drops whatever a stream still holds). */
  flush(): Promise<void>;
}

/**
 * The end of a command-line program that serves until SIGINT/SIGTERM: stop cleanly once (a second
 * signal while stopping is ignored), then exit 0, or 1 if stopping failed. An unexpected error
 * anywhere exits 1 with its stack (with `end`, an uncaught exception or unhandled rejection too,
 * after its log is flushed).
 */
export function runMain(main: () => Promise<number>, crashPrefix: string, end?: () => MainEnd | null): void {
  let exiting = false;
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    const flushed = end?.()?.flush() ?? Promise.resolve();
    void flushed.then(
      () => process.exit(code),
      () => process.exit(code),
    );
  };
  const crash = (err: unknown) => {
    const e = end?.();
    if (e) e.crash(err);
    else process.stderr.write(`${crashPrefix}${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exit(1);
  };
  if (end) {
    // Node's own handling exits at once, before the file has the stack
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }
  main().then(exit, crash);
}

/** Resolves with the exit code once a signal came and `stop` finished. */
export function untilStopSignal(stop: () => Promise<void>, say: Pick<Logger, 'info' | 'error'>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say.info('agent stopping', { signal });
      stop().then(
        () => resolve(0),
        (err: unknown) => {
          say.error('error while stopping', { error: err instanceof Error ? err.message : String(err) });
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    // Started by a parent with an IPC channel, as node-windows's service wrapper does: it asks for a
    // stop with a "shutdown" message (Windows has no SIGTERM), and a channel that closes means the
    // parent is gone; an agent left running would hold the store and the port from the next start.
    if (process.send) {
      process.on('message', (message) => {
        if (message === 'shutdown') onSignal('shutdown message');
      });
      process.on('disconnect', () => onSignal('parent gone'));
    }
  });
}
