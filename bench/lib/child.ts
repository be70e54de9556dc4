import { type ChildProcess, type ChildProcessByStdio, fork, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_NODE_FLAGS, agentNodeEnv } from '../../agent/node-flags.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A TypeScript script in a fresh node process, through tsx's loader (`node --import tsx`). */
export function forkTs(script: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return fork(path.join(REPO, script), [...args], {
    cwd: REPO,
    execArgv: [...nodeFlags, '--import', 'tsx'],
    env: agentNodeEnv(),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
}

/** The agent's bundle as the service starts it (AGENT_NODE_FLAGS and AGENT_NODE_ENV) on a config file; `nodeFlags` go first (a profile). */
export function spawnBundle(configFile: string, nodeFlags: readonly string[] = []): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, [...nodeFlags, ...AGENT_NODE_FLAGS, path.join(REPO, 'dist', 'main.mjs'), '--config', configFile], {
    cwd: REPO,
    env: agentNodeEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a script to completion and returns its last stdout line parsed as JSON. */
export function runTsJson<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(REPO, script), ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}: ${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-2000)}`));
      }
    });
  });
}
