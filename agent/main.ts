import { Agent } from './agent.js';
import { ConfigError, configPathFrom, loadConfigFile } from './config.js';
import { consoleLogger } from './log.js';

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

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal}: stopping`);
      agent.stop().then(
        () => resolve(0),
        (err: unknown) => {
          log.error(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`the agent failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
