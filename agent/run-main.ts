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

/**
 * Listens for a stop from now on (SIGINT, SIGTERM, or node-windows's "shutdown"): a program that
 * takes a while to start calls it first, so that a stop asked for during the start (a service
 * manager stopping it at once) is not Node's default (killed, no "stopped" line) but a clean stop
 * as soon as the start is done. Resolves with what asked; later asks are ignored.
 */
export function stopRequested(): Promise<string> {
  return new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
    // Started by a parent with an IPC channel, as node-windows's service wrapper does: it asks for a
    // stop with a "shutdown" message (Windows has no SIGTERM), and a channel that closes means the
    // parent is gone; an agent left running would hold the store and the port from the next start.
    if (process.send) {
      process.on('message', (message) => {
        if (message === 'shutdown') resolve('shutdown message');
      });
      process.on('disconnect', () => resolve('parent gone'));
    }
  });
}

/** Resolves with the exit code once a stop was asked for (`requested`, listened for now if not given) and `stop` finished. */
export async function untilStopSignal(stop: () => Promise<void>, say: Pick<Logger, 'info' | 'error'>, requested: Promise<string> = stopRequested()): Promise<number> {
  const signal = await requested;
  say.info('agent stopping', { signal });
  try {
    await stop();
    return 0;
  } catch (err) {
    say.error('error while stopping', { error: err instanceof Error ? err.message : String(err) });
    return 1;
  }
}
