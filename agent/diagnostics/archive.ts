import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import { z } from 'zod';
import { logDir as logFolder } from '../log.js';
import type { RecentLine } from './recent.js';

/**
 * The diagnostics archive for support: one .tar.gz with the logs, the config without its secrets,
 * the store check, the devices' states, the versions and the last errors. The running agent and
 * `npm run diagnose` (when no agent answers) fill the same sources; this module writes them.
 */

export const REMOVED = '<removed>';
/** The log files' share of the archive: the newest files first, the rest left out (said in the summary). */
export const LOG_BUDGET_BYTES = 10 * 1024 * 1024;

export interface DiagnosticSources {
  /** who made it: the first line of summary.txt */
  origin: string;
  /** the config with its secrets removed (see withoutSecrets) */
  config: unknown;
  storeCheck: string[];
  /** printers, scanners, sync, failed jobs: only a running agent knows them */
  states: Record<string, unknown> | null;
  /** the agent's last warnings and errors, or null without a running agent */
  recent: RecentLine[] | null;
  /** where the log folder is looked for (<store.dir>/logs), null when the store folder is unknown */
  storeDir: string | null;
  versions: Record<string, unknown>;
  /** anything else support should read first */
  notes: string[];
  /** every secret value known (tokens, PIN, cloud token): cut out of every file, logs included */
  secrets: string[];
}

export interface DiagnosticsArchive {
  name: string;
  bytes: Buffer;
}

/** A key that names a secret: its value never leaves the till. */
const SECRET_KEY = /token|pin$|password|passwd|passphrase|secret|credential|api[-_]?key/i;

/**
 * A copy of a config (loaded or raw JSON) with every secret replaced by "<removed>": the value of
 * any key that names one (api.tokens' strings and each token object's `token`, cloud.token,
 * ui.pin, a password), and a user:password in a URL.
 */
export function withoutSecrets(value: unknown, secretKey = false): unknown {
  if (typeof value === 'string') return secretKey ? REMOVED : value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${REMOVED}@`);
  if (typeof value === 'number') return secretKey ? REMOVED : value;
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, secretKey));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v, SECRET_KEY.test(k))]));
  }
  return value;
}

/** The secret values in a config (the same keys withoutSecrets removes), to cut them out of everything else too. */
export function secretValues(value: unknown, secretKey = false): string[] {
  if (typeof value === 'string' || typeof value === 'number') {
    const s = String(value);
    if (secretKey) return [s];
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(s);
    return m?.[1] ? [m[1]] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => secretValues(v, secretKey));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretValues(v, SECRET_KEY.test(k)));
  return [];
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // the longest first: a secret that contains another is cut whole
  for (const s of [...new Set(secrets)].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join(REMOVED);
  return out;
}

/** The versions support asks for first. */
export function versions(agentVersion: string, agentUptimeSeconds: number | null): Record<string, unknown> {
  return {
    agent: agentVersion,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    os: `${os.type()} ${os.release()}`,
    osVersion: typeof os.version === 'function' ? os.version() : null,
    agentUptimeSeconds: agentUptimeSeconds === null ? null : Math.round(agentUptimeSeconds),
    systemUptimeSeconds: Math.round(os.uptime()),
    memory: { totalMB: Math.round(os.totalmem() / 1e6), freeMB: Math.round(os.freemem() / 1e6) },
    packages: packageVersions(),
  };
}

const manifestSchema = z.object({ name: z.string(), version: z.string().optional(), dependencies: z.record(z.string(), z.string()).optional() });

/** The agent's folder: package.json is one level up from dist/ and agent/, two from agent/diagnostics/. */
function agentRoot(): string | null {
  for (const up of ['..', '../..']) {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), up);
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg?.name === 'shop-agent') return dir;
  }
  return null;
}

function readJson(file: string): z.infer<typeof manifestSchema> | null {
  try {
    const r = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** The agent's version, from its package.json ("unknown" when that cannot be read). */
export function agentVersion(): string {
  const root = agentRoot();
  return (root ? readJson(path.join(root, 'package.json'))?.version : undefined) ?? 'unknown';
}

/** Each production dependency's installed version (from its own package.json), or "missing". */
function packageVersions(): Record<string, string> {
  const root = agentRoot();
  const deps = root ? Object.keys(readJson(path.join(root, 'package.json'))?.dependencies ?? {}) : [];
  return Object.fromEntries(deps.map((d) => [d, readJson(path.join(root!, 'node_modules', d, 'package.json'))?.version ?? 'missing']));
}

interface LogPick {
  name: string;
  size: number;
  mtimeMs: number;
}

/** The log folder's regular files, newest first, as many as the budget holds (the last one cut to its end). */
async function pickLogs(dir: string, budgetBytes: number): Promise<{ files: LogPick[] | null; left: string[] }> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return { files: null, left: [] };
  const found: LogPick[] = [];
  for (const e of entries) {
    if (!e.isFile()) continue; // a symbolic link or a folder is not the agent's log
    const st = await fs.stat(path.join(dir, e.name)).catch(() => null);
    if (st) found.push({ name: e.name, size: st.size, mtimeMs: st.mtimeMs });
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
  const files: LogPick[] = [];
  const left: string[] = [];
  let budget = budgetBytes;
  for (const f of found) {
    if (budget <= 0) left.push(f.name);
    else files.push(f);
    budget -= f.size;
  }
  return { files, left };
}

/** The end of a file, at most `max` bytes: a log's newest lines are at its end. */
async function readTail(file: string, max: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - max);
    const buf = Buffer.alloc(size - start);
    await handle.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    // cut short: from the first whole line on
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

/** `shop-agent-diagnostics-2026-12-04T15-02-03Z`: the archive's name and its top folder. */
export function diagnosticsName(now: Date = new Date()): string {
  return `shop-agent-diagnostics-${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}`;
}

/** The archive's download headers, the API's and the staff page's alike (logs: never cached). */
export function diagnosticsHeaders(archive: DiagnosticsArchive): Record<string, string> {
  return {
    'Content-Type': 'application/gzip',
    'Content-Disposition': `attachment; filename="${archive.name}.tar.gz"`,
    'Cache-Control': 'no-store',
  };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Writes the sources into one .tar.gz, in memory (a few MB at most: the logs are bounded). */
export async function buildArchive(sources: DiagnosticSources, now: Date = new Date(), logBudgetBytes = LOG_BUDGET_BYTES): Promise<DiagnosticsArchive> {
  const name = diagnosticsName(now);
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'shop-agent-diagnostics-'));
  try {
    const top = path.join(staging, name);
    await fs.mkdir(path.join(top, 'logs'), { recursive: true });
    const put = (file: string, text: string) => fs.writeFile(path.join(top, file), scrub(text, sources.secrets));
    const notes = [...sources.notes];

    const logDir = sources.storeDir === null ? null : logFolder({ storeDir: sources.storeDir });
    const { files, left } = logDir ? await pickLogs(logDir, logBudgetBytes) : { files: null, left: [] };
    if (files === null) notes.push(`no log folder${logDir ? ` (${logDir})` : ''}`);
    else {
      let budget = logBudgetBytes;
      for (const f of files) {
        const text = await readTail(path.join(logDir!, f.name), budget).catch((err: unknown) => `(could not read ${f.name}: ${err instanceof Error ? err.message : String(err)})\n`);
        if (f.size > budget) notes.push(`logs/${f.name}: its last ${budget} bytes only (of ${f.size})`);
        budget -= f.size;
        await put(path.join('logs', f.name), text);
      }
      notes.push(files.length ? `logs: ${files.map((f) => f.name).join(', ')} from ${logDir}` : `the log folder ${logDir} is empty`);
      if (left.length) notes.push(`older logs left out (over ${logBudgetBytes} bytes in all): ${left.join(', ')}`);
    }

    await put('config.json', json(sources.config));
    await put('store-check.txt', `${sources.storeCheck.join('\n')}\n`);
    await put('versions.json', json(sources.versions));
    if (sources.states) await put('states.json', json(sources.states));
    else notes.push('agent not running: no printer/scanner states');
    await put(
      'last-errors.txt',
      sources.recent === null
        ? 'agent not running: no last errors in memory (see logs/)\n'
        : sources.recent.length
          ? `${sources.recent.map((l) => `${l.at} ${l.level} ${l.msg}${l.fields ? ` ${JSON.stringify(l.fields)}` : ''}`).join('\n')}\n`
          : 'no warning or error since the agent started\n',
    );
    await put(
      'summary.txt',
      [
        sources.origin,
        `made ${now.toISOString()}`,
        '',
        ...notes.map((n) => `- ${n}`),
        '',
        'files: summary.txt, config.json (secrets removed), store-check.txt, versions.json, states.json (running agent only), last-errors.txt, logs/',
        '',
      ].join('\n'),
    );

    const chunks: Buffer[] = [];
    const pack = create({ gzip: true, cwd: staging, portable: true }, [name]);
    for await (const chunk of pack) chunks.push(Buffer.from(chunk));
    return { name, bytes: Buffer.concat(chunks) };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
