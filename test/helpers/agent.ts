import { rmSync } from 'node:fs';
import { afterEach } from 'vitest';
import { Agent, type AgentOptions } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';

export { TEST_TOKEN, tempDir, testConfig } from './config.js';
import { TEST_TOKEN, tempDir, testConfig } from './config.js';

export interface TestAgent {
  agent: Agent;
  dir: string;
  log: ReturnType<typeof memoryLogger>;
  /** app.request() with the Host and token a till would send. */
  api(pathname: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** An opened agent (store loaded, app built, not listening) on a temporary store. */
export async function openTestAgent(opts: { dir?: string; config?: Record<string, unknown>; options?: AgentOptions } = {}): Promise<TestAgent> {
  const dir = opts.dir ?? tempDir();
  const log = memoryLogger();
  const config = testConfig(dir, opts.config);
  const agent = new Agent({ config, file: null, storeDir: dir }, { log, ...opts.options });
  await agent.open();
  let closed = false;
  return {
    agent,
    dir,
    log,
    api(pathname, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('host')) headers.set('host', '127.0.0.1:8410');
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_TOKEN}`);
      let body = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      return Promise.resolve(agent.app.request(`http://127.0.0.1:8410${pathname}`, { ...init, headers, body }));
    },
    async close() {
      if (closed) return;
      closed = true;
      await agent.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For a test file: returns `open()`, which opens a fresh test agent that is closed after each test. */
export function agentPerTest(): (opts?: Parameters<typeof openTestAgent>[0]) => Promise<TestAgent> {
  let current: TestAgent | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (opts) => (current = await openTestAgent(opts));
}
