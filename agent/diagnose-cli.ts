import { promises as fs, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { ConfigError, configPathFrom, loadConfigFile, type LoadedConfig } from './config.js';
import { agentVersion, buildArchive, type DiagnosticsArchive, secretValues, versions, withoutSecrets } from './diagnostics/archive.js';
import { memoryLogger } from './log.js';
import { runMain } from './run-main.js';
import { secretsSchema } from './secrets.js';
import { checkStore } from './store/check.js';
import { DurableJsonFile, errorCode } from './store/durable-file.js';
import { storeProblem } from './store/manifest.js';

/**
 * `npm run diagnose [-- --config <file>] [--out <file or folder>] [--offline]`: writes the
 * diagnostics archive for support (docs/diagnose.md) and prints its path. It asks the running
 * agent first (only it knows the printers' and scanners' states and its last errors); when none
 * answers (stopped, or it will not start: when support needs this most) it makes the archive
 * itself from the files: the logs, the config without secrets, the store check, the versions.
 * Exit codes: 0 archive written (from the agent or offline), 2 usage, 1 the archive could not be written.
 */

const USAGE = 'usage: npm run diagnose -- [--config <file>] [--out <file or folder>] [--offline]';
const say = (line: string) => process.stdout.write(`${line}\n`);
const AGENT_TIMEOUT_MS = 30_000;

interface Options {
  out: string | null;
  offline: boolean;
}

function parseArgs(argv: readonly string[]): Options | null {
  const opts: Options = { out: null, offline: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '--out') {
      const value = argv[i + 1];
      if (!value || value.startsWith('--')) return null;
      if (a === '--out') opts.out = value;
      i++;
    } else if (a.startsWith('--config=')) continue;
    else if (a.startsWith('--out=') && a.length > '--out='.length) opts.out = a.slice('--out='.length);
    else if (a === '--offline') opts.offline = true;
    else return null;
  }
  return opts;
}

/** The config as loaded, or, for a config the agent refuses, what can be read of it (that refusal is often the problem). */
function readConfig(file: string): { loaded: LoadedConfig | null; raw: unknown; problem: string | null } {
  try {
    const loaded = loadConfigFile(file);
    return { loaded, raw: loaded.config, problem: null };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    let raw: unknown = null;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // not JSON, or not there: the problem says which
    }
    return { loaded: null, raw, problem: err.message };
  }
}

/** store.dir of a config the agent refuses, as it would resolve it, when the file says one. */
function rawStoreDir(file: string, raw: unknown): string {
  const store = raw !== null && typeof raw === 'object' && 'store' in raw ? raw.store : null;
  const dir = store !== null && typeof store === 'object' && 'dir' in store && typeof store.dir === 'string' ? store.dir : './data';
  return path.resolve(path.dirname(path.resolve(file)), dir);
}

/** A token that may ask for the archive: an admin one from api.tokens, or the generated one when the config lists none. */
async function adminToken(loaded: LoadedConfig): Promise<string | null> {
  const tokens = loaded.config.api.tokens;
  if (tokens.length === 0) {
    const file = new DurableJsonFile(path.join(loaded.storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), memoryLogger());
    return (await file.read().catch(() => null))?.apiToken ?? null;
  }
  for (const t of tokens) {
    if (typeof t === 'string') return t;
    if (t.scopes.includes('admin')) return t.token;
  }
  return null;
}

type Asked = { archive: DiagnosticsArchive } | { why: string };

/** GET /api/v1/diagnostics from the agent this config starts, on this computer. */
function askAgent(loaded: LoadedConfig, token: string): Promise<Asked> {
  const { host, port } = loaded.config.http;
  // an agent listening on every address answers on loopback too
  const address = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host.replace(/^\[|\]$/g, '');
  const where = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return new Promise((resolve) => {
    const req = request(
      // Host: loopback, which the agent always accepts (http.allowedHosts need not list its own address)
      { host: address, port, path: '/api/v1/diagnostics', method: 'GET', headers: { authorization: `Bearer ${token}`, host: `127.0.0.1:${port}` }, timeout: AGENT_TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (err) => resolve({ why: `the agent at ${where} broke off its answer (${err.message})` }));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          if (res.statusCode === 200) {
            const m = /filename="([^"]+)\.tar\.gz"/.exec(String(res.headers['content-disposition'] ?? ''));
            resolve({ archive: { name: m?.[1] ?? 'shop-agent-diagnostics', bytes: body } });
          } else {
            const detail = /"detail"\s*:\s*"([^"]*)"/.exec(body.toString('utf8'))?.[1];
            resolve({ why: `the agent at ${where} answered ${res.statusCode}${detail ? ` (${detail})` : ''}` });
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${AGENT_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => {
      const code = errorCode(err);
      resolve({ why: code === 'ECONNREFUSED' ? `no agent answers at ${where}` : `the agent at ${where} did not answer (${err.message})` });
    });
    req.end();
  });
}

/** Whether agent.lock names a process that still runs: an agent that holds the store but does not answer is hung. */
function lockHolder(storeDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(storeDir, 'agent.lock'), 'utf8').trim());
  } catch {
    return null; // no lock: no agent holds the store
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return errorCode(err) === 'EPERM' ? pid : null;
  }
}

async function offlineArchive(configFile: string, read: ReturnType<typeof readConfig>, notes: string[]): Promise<DiagnosticsArchive> {
  const storeDir = read.loaded?.storeDir ?? rawStoreDir(configFile, read.raw);
  const secrets = secretValues(read.raw);
  const generated = await new DurableJsonFile(path.join(storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), memoryLogger()).read().catch(() => null);
  if (generated) secrets.push(generated.apiToken);
  if (read.problem) notes.unshift(`the agent refuses this config:\n${read.problem}`);
  let storeCheck: string[];
  const st = await fs.stat(storeDir).catch(() => null);
  if (!st?.isDirectory()) {
    storeCheck = [`no store folder at ${storeDir} (the agent has not started with this config yet, or store.dir points elsewhere)`];
  } else {
    const holder = lockHolder(storeDir);
    if (holder !== null) notes.push(`process ${holder} holds the store (agent.lock) but did not answer: a hung agent? The store check below read the files as they are.`);
    try {
      // read-only: nothing is written, so no lock is taken (a hung agent keeps its own)
      storeCheck = await checkStore(storeDir, path.resolve(configFile));
    } catch (err) {
      storeCheck = [`the store check failed: ${storeProblem(err, storeDir) ?? (err instanceof Error ? err.message : String(err))}`];
    }
  }
  return buildArchive({
    origin: `shop agent ${agentVersion()}, made by npm run diagnose without the agent (${path.resolve(configFile)})`,
    config: read.raw === null ? { problem: 'no config could be read: summary.txt says why' } : withoutSecrets(read.raw),
    storeCheck,
    states: null,
    recent: null,
    storeDir,
    versions: versions(agentVersion(), null),
    notes,
    secrets,
  });
}

/** --out: a folder (there, or written with a trailing slash) gets the archive's own name; anything else is the file. */
function outFile(out: string | null, name: string): string {
  if (out === null) return path.resolve(`${name}.tar.gz`);
  const isDir = out.endsWith('/') || out.endsWith(path.sep) || (statSync(out, { throwIfNoEntry: false })?.isDirectory() ?? false);
  return isDir ? path.resolve(out, `${name}.tar.gz`) : path.resolve(out);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const opts = parseArgs(argv);
  let configFile: string;
  try {
    configFile = configPathFrom(argv, process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (!opts) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const read = readConfig(configFile);
  const notes: string[] = [];
  let archive: DiagnosticsArchive | null = null;
  if (read.loaded && !opts.offline) {
    const token = await adminToken(read.loaded);
    if (token === null) {
      notes.push('no token with the admin scope in api.tokens: the running agent was not asked (add "admin" to a token\'s scopes for its printer and scanner states)');
    } else {
      const asked = await askAgent(read.loaded, token);
      if ('archive' in asked) archive = asked.archive;
      else notes.push(asked.why);
    }
  } else if (opts.offline) notes.push('--offline: the running agent was not asked');
  const why = read.problem ? 'the config cannot be loaded (summary.txt in the archive says why)' : notes.join('; ');
  const from = archive ? 'from the running agent' : `without the agent: ${why}`;
  archive ??= await offlineArchive(configFile, read, notes);

  const file = outFile(opts.out, archive.name);
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, archive.bytes, { mode: 0o600 }); // logs can name clients' ids and the shop's addresses
  } catch (err) {
    process.stderr.write(`cannot write ${file}: ${err instanceof Error ? err.message : String(err)}; pass --out <another folder>\n`);
    return 1;
  }
  say(file);
  say(`diagnostics archive ${from} (${(archive.bytes.length / 1024).toFixed(0)} KB): send this file to support; it holds no token and no PIN.`);
  return 0;
}

runMain(main, 'npm run diagnose failed: ');
