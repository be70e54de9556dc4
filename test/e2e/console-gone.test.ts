import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';

/**
 * The program that started the agent goes away (a terminal closed, a launcher that died): its
 * console is a closed pipe, and every line written there fails with EPIPE. The agent goes on
 * serving, logs to its file only (saying so once), and stops when asked, as before. It used to
 * take the EPIPE for a crash, log the crash to the same console, and spin on that at full CPU,
 * never exiting.
 */

const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};

describe('a console that goes away', () => {
  it('the agent goes on serving and logs to its file only; SIGTERM still stops it, exit 0', async () => {
    const dir = tempDir();
    const agent = await startAgentProcess(writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './store' }, printers: [] }));
    const pid = agent.proc.pid!;
    agent.proc.stdout!.destroy();
    agent.proc.stderr!.destroy();
    // something to log on the console that is gone: a refused token is a warning line
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${agent.url}/api/v1/clients?q=x`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    }
    const cpuBefore = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 1500));
    // an idle agent: not a loop on the broken pipe (that took a whole core)
    expect(cpuSeconds(pid) - cpuBefore).toBeLessThan(0.5);
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    agent.proc.kill('SIGTERM');
    const exit = await Promise.race([agent.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
    if (exit === 'still running') agent.proc.kill('SIGKILL');
    expect(exit).toEqual({ code: 0, signal: null });
    const logged = readFileSync(path.join(dir, 'store', 'logs', 'agent.log'), 'utf8');
    expect(logged.match(/the console is gone \(EPIPE\); the log goes on in this file only/g)).toHaveLength(1);
    expect(logged).toMatch(/agent stopped; every change is on disk/);
  }, 30_000);
});
