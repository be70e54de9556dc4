/** A tiny leveled logger: one line per event, timestamped, to stdout (info) and stderr (warn/error). */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function consoleLogger(prefix = ''): Logger {
  const line = (level: string, msg: string) => `${new Date().toISOString()} ${level} ${prefix}${msg}`;
  return {
    info: (msg) => process.stdout.write(`${line('info ', msg)}\n`),
    warn: (msg) => process.stderr.write(`${line('warn ', msg)}\n`),
    error: (msg) => process.stderr.write(`${line('error', msg)}\n`),
  };
}

/** Keeps lines in memory: tests assert on what the agent said. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (msg) => lines.push(`info ${msg}`),
    warn: (msg) => lines.push(`warn ${msg}`),
    error: (msg) => lines.push(`error ${msg}`),
  };
}
