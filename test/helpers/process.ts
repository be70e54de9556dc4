import { AGENT_NODE_FLAGS, agentNodeEnv } from '../../agent/node-flags.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AgentProcess {
  proc: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the agent as `npm start` does (the bundle test/global-setup.ts built), with extra arguments. */
export function runAgent(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; output(): string; exited: AgentProcess['exited'] } {
  const proc = spawn(process.execPath, [...AGENT_NODE_FLAGS, path.join(ROOT, 'dist', 'main.mjs'), ...args], {
    cwd: ROOT,
    env: { ...agentNodeEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

/** Starts an agent process on a config file and waits until it listens. */
export async function startAgentProcess(configFile: string, timeoutMs = 15_000): Promise<AgentProcess> {
  const run = runAgent(['--config', configFile]);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start in ${timeoutMs} ms:\n${run.output()}`)), timeoutMs);
    const check = () => {
      const m = /agent listening url=(http:\/\/\S+)/.exec(run.output());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    run.proc.stdout?.on('data', check);
    void run.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`agent exited before listening:\n${run.output()}`));
    });
  });
  return { ...run, url };
}

export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const file = path.join(dir, 'agent.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
