import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Everything install, uninstall and status do to the machine, behind one seam: the real one runs
 * commands and writes files; tests pass a recording fake and check the order of what was done.
 */
export interface System {
  readonly platform: NodeJS.Platform;
  isRoot(): boolean;
  run(command: string, args: readonly string[]): Promise<RunResult>;
  exists(file: string): Promise<boolean>;
  /** Text files (a unit file), written whole. */
  writeFile(file: string, text: string, mode: number): Promise<void>;
  removeFile(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  /** Permission bits, or null when the file is missing. */
  mode(file: string): Promise<number | null>;
  print(line: string): void;
}

export const realSystem: System = {
  platform: process.platform,
  isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
  run: (command, args) =>
    new Promise((resolve) => {
      execFile(command, [...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
        // A missing command (no systemctl, no useradd) is a failed step with a readable reason, not a crash.
        const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
        resolve({ code, stdout, stderr: err && typeof err.code !== 'number' ? `${stderr}${err.message}` : stderr });
      });
    }),
  exists: (file) => fs.stat(file).then(() => true, () => false),
  writeFile: async (file, text, mode) => {
    await fs.writeFile(file, text, { mode });
    await fs.chmod(file, mode); // an existing file keeps its old mode otherwise
  },
  removeFile: (file) => fs.rm(file, { force: true }),
  mkdir: async (dir) => {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  },
  mode: (file) => fs.stat(file).then((s) => s.mode & 0o7777, () => null),
  print: (line) => process.stdout.write(`${line}\n`),
};
