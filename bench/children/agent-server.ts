/**
 * A real agent in its own process (as in a shop: the till is another program), for the HTTP
 * benchmarks. argv: <storeDir> [config overrides as JSON, e.g. scanners]. Tells the parent its URL over IPC, then waits for "stop".
 */
import { Agent } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';
import { benchConfig } from '../lib/config.js';

const storeDir = process.argv[2];
if (!storeDir || !process.send) throw new Error('usage: spawned by bench/run.ts with IPC: agent-server.ts <storeDir> [config overrides as JSON]');
const overrides: unknown = process.argv[3] ? JSON.parse(process.argv[3]) : {};

const log = memoryLogger();
const config = benchConfig(storeDir, typeof overrides === 'object' && overrides !== null ? { ...overrides } : {});
const agent = new Agent({ config, file: null, storeDir }, { log });
const started = performance.now();
const url = await agent.start();
const startMs = performance.now() - started;

process.on('message', (msg: unknown) => {
  void (async () => {
    if (msg === 'memory') {
      process.send!({ type: 'memory', memory: process.memoryUsage() });
    } else if (msg === 'stop') {
      await agent.stop();
      process.send!({ type: 'stopped', errors: log.lines.filter((l) => !l.startsWith('info')) }, () => process.exit(0));
    }
  })();
});
process.send({ type: 'ready', url, startMs });
