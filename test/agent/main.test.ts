import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/agent.js';
import { runAgent, writeConfig } from '../helpers/process.js';
import { until } from '../helpers/until.js';

describe('npm start', () => {
  it('a SIGTERM while the agent is still starting (a service manager stopping it at once) is a clean stop once the start is done, not a kill', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { port: 0 }, store: { dir: './store' }, api: { tokens: ['test-token-0123456789abcdef'] } });
    const run = runAgent(['--config', file]);
    // the store's lock is taken at the beginning of the start, before the store loads and the port opens
    await until('the start under way', () => existsSync(path.join(dir, 'store', 'agent.lock')), 15_000, 1);
    run.proc.kill('SIGTERM');
    const exit = await run.exited;
    expect({ exit, output: run.output() }).toMatchObject({ exit: { code: 0, signal: null } });
    expect(run.output()).toContain('agent stopping signal=SIGTERM');
    expect(run.output()).toContain('agent stopped; every change is on disk');
    expect(existsSync(path.join(dir, 'store', 'agent.lock'))).toBe(false);
  });
});
