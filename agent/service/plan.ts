import path from 'node:path';

/** What a service starts, resolved once to absolute paths: a service manager starts it from anywhere. */
export interface ServicePlan {
  /** the Node binary that runs the agent (`process.execPath`: the packaged runtime, or the one that built dist/) */
  nodePath: string;
  /** `<root>/dist/main.mjs` */
  mainScript: string;
  /** the install folder, the agent's working directory */
  root: string;
  configFile: string;
  storeDir: string;
  /** Linux: the system user the agent runs as */
  user: string;
  /** the command that would do this again, for the "re-run as root" message */
  rerun: string;
}

export const DEFAULT_USER = 'shop-agent';

/**
 * Exit codes of `npm run service`, after the LSB init-script conventions where they fit: 0 done
 * (status: installed and running), 1 a step failed (the message names it), 2 usage or an invalid
 * config, 3 status: installed but not running, 4 needs root / an administrator, 5 status: not installed.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, notRunning: 3, needsRoot: 4, notInstalled: 5 } as const;

/** A step that failed: install stops there and says what to do. */
export class StepFailed extends Error {}

/** One shell-safe word: what an installer can paste. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellWord).join(' ');
}

/** Is `file` inside `dir` (or `dir` itself)? */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
