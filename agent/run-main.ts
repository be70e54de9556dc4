/**
 * The end of a command-line program that serves until SIGINT/SIGTERM: stop cleanly once (a second
 * signal while stopping is ignored), then exit 0, or 1 if stopping failed. An unexpected error
 * anywhere exits 1 with its stack.
 */
export function runMain(main: () => Promise<number>, crashPrefix: string): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${crashPrefix}${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** Resolves with the exit code once a signal came and `stop` finished. */
export function untilStopSignal(stop: () => Promise<void>, say: { info(msg: string): void; error(msg: string): void }): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      say.info(`${signal}: stopping`);
      stop().then(
        () => resolve(0),
        (err: unknown) => {
          say.error(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
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
