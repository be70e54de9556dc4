import { runMain, untilStopSignal } from '../../agent/run-main.js';
import { parseArgs } from 'node:util';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { ReferenceCloud } from './cloud.js';

/**
 * A local cloud back office to sync an agent against, without an account anywhere:
 *   tsx test/fakes/cloud-main.ts --clients 5000 --port 8787 --token dev-cloud-token
 * Exit codes: 0 after Ctrl+C or SIGTERM, 2 for bad arguments, 1 when it cannot listen.
 */

const MAX_CLIENTS = 200_000;

const USAGE = `Usage: tsx test/fakes/cloud-main.ts [--clients N] [--port P] [--token T]

Serves the reference cloud (shared/contracts/cloud-sync.md) on 127.0.0.1, seeded with N generated
Swiss clients and the four demo groups. It keeps everything in memory: a restart starts afresh.

  --clients N   how many clients to generate, 0 to ${MAX_CLIENTS.toLocaleString('en')} (default 1000)
  --port P      TCP port on 127.0.0.1, 0 for any free port (default 8787)
  --token T     the Bearer token the agent must send (default dev-cloud-token)
  --help        show this text`;

interface Args {
  clients: number;
  port: number;
  token: string;
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      clients: { type: 'string', default: '1000' },
      port: { type: 'string', default: '8787' },
      token: { type: 'string', default: 'dev-cloud-token' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

/** The arguments, or what is wrong with them in a sentence that says how to fix it. */
function readArgs(argv: string[]): Args | 'help' | { error: string } {
  let values: ReturnType<typeof parseFlags>;
  try {
    values = parseFlags(argv);
  } catch (err) {
    return { error: `${err instanceof Error ? err.message : String(err)} (the options it knows are listed below)` };
  }
  if (values.help) return 'help';

  const clients = wholeNumber(values.clients);
  if (clients === null || clients > MAX_CLIENTS) {
    return { error: `--clients must be a whole number from 0 to ${MAX_CLIENTS}, not "${values.clients}" (e.g. --clients 5000)` };
  }
  const port = wholeNumber(values.port);
  if (port === null || port > 65535) {
    return { error: `--port must be a port number from 0 to 65535, not "${values.port}" (e.g. --port 8787; 0 picks a free one)` };
  }
  // the token travels in an HTTP header: visible ASCII only
  if (!/^[\x21-\x7e]+$/.test(values.token)) {
    return { error: '--token must be non-empty and use visible ASCII characters only, no spaces (e.g. --token dev-cloud-token)' };
  }
  return { clients, port, token: values.token };
}

function wholeNumber(s: string): number | null {
  return /^\d{1,9}$/.test(s) ? Number(s) : null;
}

async function main(): Promise<number> {
  const args = readArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ('error' in args) {
    process.stderr.write(`${args.error}\n\n${USAGE}\n`);
    return 2;
  }

  const groups = generateGroups();
  const cloud = new ReferenceCloud({ token: args.token, groups, clients: generateClients(args.clients) });
  let url: string;
  try {
    url = await cloud.listen(args.port);
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `Port ${args.port} is already in use (another reference cloud?): stop it, or pick another port with --port.\n`
        : `Cannot listen on 127.0.0.1:${args.port}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }

  const snippet = `"cloud": { "url": ${JSON.stringify(url)}, "token": ${JSON.stringify(args.token)}, "intervalSeconds": 30 }`;
  process.stdout.write(
    [
      `Reference cloud listening on ${url} with ${args.clients} clients and ${groups.length} groups.`,
      'Paste this into agent.config.json:',
      '',
      `  ${snippet}`,
      '',
      'Ctrl+C stops it (the data lives in memory only).',
      '',
    ].join('\n'),
  );

  return untilStopSignal(() => cloud.close(), {
    info: (msg) => process.stdout.write(`${msg} after ${cloud.requests.length} request(s)\n`),
    error: (msg) => process.stderr.write(`${msg}\n`),
  });
}

runMain(main, '');
