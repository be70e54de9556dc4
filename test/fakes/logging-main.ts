import { logDir, openAgentLog } from '../../agent/log.js';
import { runMain } from '../../agent/run-main.js';

/**
 * A program that ends the way the agent can, for test/agent/log.test.ts: it logs a burst of lines
 * (more than a stream writes at once) to <store>/logs, then `exit` (returns 0), `reject` (main
 * fails) or `uncaught` (an exception thrown outside main). Usage: logging-main.ts <store> <how>.
 */
const [storeDir = '', how = 'exit'] = process.argv.slice(2);
const log = openAgentLog(logDir({ storeDir }), { level: 'info', file: true, maxSizeMB: 10, maxFiles: 5 });

async function main(): Promise<number> {
  for (let i = 0; i < 2000; i++) log.info('burst line', { i });
  if (how === 'reject') throw new Error('main failed on purpose');
  if (how === 'uncaught') {
    setTimeout(() => {
      throw new Error('thrown outside main on purpose');
    }, 0);
    return new Promise<number>(() => undefined);
  }
  log.info('last line before exit');
  return 0;
}

runMain(main, 'logging-main failed: ', () => ({
  crash: (err) => log.error('agent crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  flush: () => log.close(),
}));
