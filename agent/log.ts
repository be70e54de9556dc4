import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/**
 * The agent's log: one line per event, `<time> <level> <message> key=value…`. The message is the
 * same text every time the same thing happens ("printer offline"); what varies goes in the fields
 * ({ printer: 'front' }), so an installer can grep and count (docs/logs.md lists the messages).
 */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export type LogFields = Readonly<Record<string, unknown>>;

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The file the agent writes now; rotated ones are agent.1.log (the newest) to agent.<maxFiles-1>.log. */
export const LOG_FILE = 'agent.log';

/** `<store.dir>/logs`: the one place that says where the log files live (npm run diagnose collects them). */
export function logDir(loaded: { storeDir: string }): string {
  return path.join(loaded.storeDir, 'logs');
}

/** ` key=value key="two words"`: bare when the value has no space, quote or "=", else a JSON string (one line, always). */
export function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out += ` ${key}=${formatValue(value)}`;
  }
  return out;
}

function formatValue(value: unknown): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
  return text !== '' && /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** The message itself stays one line too: a newline in it would start a line that has no time or level. */
function oneLine(msg: string): string {
  return msg.replace(/\r?\n/g, '\\n');
}

/** `2026-12-04T10:15:00.123Z warn  printer offline printer=front` */
export function formatLine(time: Date, level: LogLevel, msg: string, fields?: LogFields): string {
  return `${time.toISOString()} ${level.padEnd(5)} ${oneLine(msg)}${formatFields(fields)}`;
}

/**
 * A console that goes away (the terminal closed, the program reading the output gone: EPIPE) ends
 * the console's lines, not the program. Without a listener its error is uncaught, and a program
 * that logs its crashes would log that one to the same console again, and again.
 */
let consoleOpen = true;
const consoleGoneListeners = new Set<(code: string) => void>();
let consoleWatched = false;

/** A log line to stdout (info) or stderr (warn, error), unless the console is gone. */
function toConsole(level: LogLevel, line: string): void {
  if (!consoleWatched) {
    consoleWatched = true;
    const gone = (err: unknown) => {
      if (!consoleOpen) return;
      consoleOpen = false;
      const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : String(err);
      for (const listener of consoleGoneListeners) listener(code);
    };
    process.stdout.on('error', gone);
    process.stderr.on('error', gone);
  }
  if (!consoleOpen) return;
  if (level === 'info') process.stdout.write(line);
  else process.stderr.write(line);
}

/** Writes timestamped lines to stdout (info) and stderr (warn/error): the command-line programs' logger. */
export function consoleLogger(prefix = '', level: LogLevel = 'info'): Logger {
  return leveled(level, (lvl, msg, fields) => toConsole(lvl, `${formatLine(new Date(), lvl, `${prefix}${msg}`, fields)}\n`));
}

/** Keeps lines in memory (`<level> <message> key=value…`, no time): tests assert on what the agent said. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    ...leveled('info', (level, msg, fields) => lines.push(`${level} ${oneLine(msg)}${formatFields(fields)}`)),
  };
}

function leveled(min: LogLevel, write: (level: LogLevel, msg: string, fields?: LogFields) => void): Logger {
  const rank = LOG_LEVELS.indexOf(min);
  const at = (level: LogLevel) => (LOG_LEVELS.indexOf(level) >= rank ? (msg: string, fields?: LogFields) => write(level, msg, fields) : () => undefined);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

export interface LogSettings {
  level: LogLevel;
  file: boolean;
  maxSizeMB: number;
  maxFiles: number;
}

/** The agent's logger: the console, and the rotated file in logDir(); close() waits until the file has every line. */
export interface AgentLog extends Logger {
  /** The file written now, or null (off in the config, or the folder could not be written). */
  readonly file: string | null;
  close(): Promise<void>;
}

export interface AgentLogOptions {
  /** Where the one warning about an unwritable log folder goes (tests capture it). */
  stderr?: (text: string) => void;
}

/**
 * Opens the log file in `dir` (made if missing). A folder the agent cannot write does not stop it:
 * it says so once on stderr, with the fix, and goes on with the console only; so does a file that
 * fails later (a full disk).
 */
export function openAgentLog(dir: string, settings: LogSettings, options: AgentLogOptions = {}): AgentLog {
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  let stream: RotatingFileStream | null = null;
  let file: string | null = null;
  const giveUp = (err: unknown) => {
    if (!stream && !file) return;
    stream?.destroy();
    stream = null;
    file = null;
    stderr(logFolderProblem(dir, err));
  };

  if (settings.file) {
    try {
      // synchronous on purpose: the folder's problem is known (and said) before the first line
      mkdirSync(dir, { recursive: true });
      closeSync(openSync(path.join(dir, LOG_FILE), 'a'));
      file = path.join(dir, LOG_FILE);
      stream = createStream((time: number | Date | null, index?: number) => rotatedName(time, index), {
        path: dir,
        size: `${Math.max(1, Math.round(settings.maxSizeMB * 1024))}K`,
        // classical rotation: agent.log is always the current file, agent.1.log the one before
        rotate: settings.maxFiles - 1,
      });
      stream.on('error', giveUp);
    } catch (err) {
      file = null;
      stderr(logFolderProblem(dir, err));
    }
  }

  // the console gone (see toConsole), the file goes on, and says so once
  const consoleGone = (code: string) => stream?.write(`${formatLine(new Date(), 'warn', `the console is gone (${code}); the log goes on in this file only`)}\n`);
  consoleGoneListeners.add(consoleGone);

  // one time for both: the console's line and the file's are the same line
  const write = leveled(settings.level, (level, msg, fields) => {
    const now = new Date();
    const line = `${formatLine(now, level, msg, fields)}\n`;
    toConsole(level, line);
    if (stream) stream.write(fields?.token === undefined ? line : `${formatLine(now, level, msg, withoutSecrets(fields))}\n`);
  });

  return {
    get file() {
      return file;
    },
    ...write,
    close: () => {
      consoleGoneListeners.delete(consoleGone);
      const s = stream;
      stream = null;
      if (!s) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // never hold the exit for long on a disk that does not answer
        const timer = setTimeout(resolve, 3_000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        s.once('finish', done);
        s.once('error', done);
        s.end();
      });
    },
  };
}

/** The file outlives the terminal and goes into diagnostics: a `token` field is shown on the console only. */
function withoutSecrets(fields: LogFields | undefined): LogFields | undefined {
  return fields && { ...fields, token: '(hidden)' };
}

function rotatedName(time: number | Date | null, index?: number): string {
  if (time === null) return LOG_FILE;
  // in classical rotation the generator gets the rotated file's number as its first argument
  const n = typeof time === 'number' ? time : (index ?? 1);
  return `agent.${n}.log`;
}

function logFolderProblem(dir: string, err: unknown): string {
  const code = err instanceof Error && 'code' in err ? String(err.code) : '';
  const what = err instanceof Error ? err.message : String(err);
  return (
    `the log folder ${dir} cannot be written (${code || what}); the agent goes on logging to the console only. ` +
    `Fix: let the user the agent runs as write ${dir} (or remove whatever file is in its place), then restart the agent; ` +
    `or set "log": { "file": false } in agent.config.json.\n`
  );
}
