import { Agent } from './agent.js';
import { ConfigError, configPathFrom, loadConfigFile } from './config.js';
import { type AgentLog, logDir, openAgentLog } from './log.js';
import { runMain, stopRequested, untilStopSignal } from './run-main.js';
import { STORE_EXIT_CODE, storeProblem } from './store/manifest.js';

/**
 * Entry point: `npm start [-- --config <file>]`. Exit codes: 0 after a clean stop, 2 for an
 * invalid config (one line per problem), 3 when the store is missing something or damaged (the
 * message says what and the commands that get it going again), 1 for any other reason it cannot start.
 */
let log: AgentLog | null = null;

async function main(): Promise<number> {
  let agent: Agent;
  try {
    const loaded = loadConfigFile(configPathFrom(process.argv.slice(2), process.env));
    // the log folder is in the store, which the config names: an invalid config goes to stderr only
    log = openAgentLog(logDir(loaded), loaded.config.log);
    agent = new Agent(loaded, { log });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const requested = stopRequested();
  try {
    await agent.start();
  } catch (err) {
    const store = storeProblem(err, agent.loaded.storeDir);
    log.error('the agent cannot start', { reason: store ?? (err instanceof Error ? err.message : String(err)) });
    return store ? STORE_EXIT_CODE : 1;
  }

  return untilStopSignal(() => agent.stop(), log, requested);
}

runMain(main, 'the agent failed: ', () =>
  log
    ? {
        crash: (err) => log?.error('agent crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        flush: () => log?.close() ?? Promise.resolve(),
      }
    : null,
);
