import { Agent } from './agent.js';
import { ConfigError, configPathFrom, loadConfigFile } from './config.js';
import { consoleLogger } from './log.js';
import { runMain, untilStopSignal } from './run-main.js';

/**
 * Entry point: `npm start [-- --config <file>]`. Exit codes: 0 after a clean stop, 2 for an
 * invalid config (one line per problem), 1 when the agent cannot start for another reason.
 */
async function main(): Promise<number> {
  const log = consoleLogger();
  let agent: Agent;
  try {
    const loaded = loadConfigFile(configPathFrom(process.argv.slice(2), process.env));
    agent = new Agent(loaded, { log });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  try {
    await agent.start();
  } catch (err) {
    log.error(`the agent cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }

  return untilStopSignal(() => agent.stop(), log);
}

runMain(main, 'the agent failed: ');
