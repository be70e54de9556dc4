import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { ROOT, runAgent, startAgentProcess, writeConfig } from '../helpers/process.js';

/**
 * A store that lost files while the agent was stopped: the agent refuses to start (exit code 3),
 * says what is missing and the ways out, and each way out, followed as written, gets it started.
 * Real agent processes and the real `npm run store` command (the bundle).
 */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

function store(config: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'store-cli.mjs'), ...args, '--config', config], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function createClients(url: string, from: number, n: number) {
  for (let i = from; i < from + n; i++) {
    const res = await fetch(`${url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'person', civility: 'Mme', lastName: `Nom${i}`, firstName: 'Anne', reference: `CARD-${i}` }) });
    expect(res.status).toBe(201);
  }
}

async function clientCount(config: string): Promise<number> {
  const agent = await startAgentProcess(config);
  try {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page = (await (await fetch(`${agent.url}/api/v1/clients?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers })).json()) as { items: unknown[]; next: string | null };
      count += page.items.length;
      cursor = page.next;
    } while (cursor);
    return count;
  } finally {
    agent.proc.kill('SIGTERM');
    await agent.exited;
  }
}

/** Starting must fail with exit code 3 and this message. */
async function refuses(config: string, message: RegExp) {
  const run = runAgent(['--config', config]);
  const exit = await run.exited;
  expect(exit.code).toBe(3);
  expect(run.output()).toMatch(message);
  expect(run.output()).toMatch(/npm run store -- restore <backup file>.*npm run store -- reset/);
}

let seeded = '';
let backupFile = '';

/** A copy of the seeded store with its own config. */
function copy(): { config: string; storeDir: string } {
  const dir = tempDir();
  cpSync(seeded, path.join(dir, 'store'), { recursive: true });
  const config = writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './store' }, printers: [] });
  return { config, storeDir: path.join(dir, 'store') };
}

/** A shard that holds clients, and its backup copy, damaged. */
function damageShard(storeDir: string) {
  const clients = path.join(storeDir, 'directory', 'clients');
  const shard = readdirSync(clients).find((n) => n.endsWith('.json') && statSync(path.join(clients, n)).size > 200)!;
  writeFileSync(path.join(clients, shard), 'damaged');
  writeFileSync(path.join(clients, `${shard}.bak`), 'damaged too');
}

const journalDir = (storeDir: string) => path.join(storeDir, 'directory', 'journal');
const newestSegment = (storeDir: string) => path.join(journalDir(storeDir), readdirSync(journalDir(storeDir)).filter((n) => n.endsWith('.log')).sort().at(-1)!);

beforeAll(async () => {
  const dir = tempDir();
  const config = writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './store' }, printers: [] });
  seeded = path.join(dir, 'store');
  const first = await startAgentProcess(config);
  await createClients(first.url, 0, 20);
  first.proc.kill('SIGTERM'); // a clean stop: a snapshot and its manifest
  await first.exited;
  const second = await startAgentProcess(config);
  await createClients(second.url, 20, 5); // in the journal only
  second.proc.kill('SIGKILL');
  await second.exited;
  backupFile = path.join(dir, 'backup.shop-agent');
  const b = store(config, 'backup', backupFile);
  expect(b).toMatchObject({ code: 0 });
  expect(b.out).toMatch(/backed up 25 clients, 0 groups, 0 edits waiting for the cloud, the agent id and API token/);
  expect(statSync(backupFile).mode & 0o777).toBe(0o600);
}, 60_000);

describe('npm run store', () => {
  it('check: what a start would do, with the counts', () => {
    const { config } = copy();
    const r = store(config, 'check');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/directory: 25 clients, 0 groups/);
    expect(r.out).toMatch(/a start would: 5 changes in the journal would be replayed/);
  });
});

describe('a store that lost files while stopped', () => {
  it('the directory folder removed: refused with exit code 3; restore from the backup, and it starts with every client', async () => {
    const { config, storeDir } = copy();
    rmSync(path.join(storeDir, 'directory'), { recursive: true });
    await refuses(config, /The client directory folder .* is missing, but this store held 20 clients and 0 groups at its last snapshot/);
    expect(store(config, 'check').code).toBe(3);
    const r = store(config, 'restore', backupFile);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/restored 25 clients/);
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('the directory folder removed: reset on purpose, and it starts empty; the old folder is kept', async () => {
    const { config, storeDir } = copy();
    rmSync(path.join(storeDir, 'directory'), { recursive: true });
    await refuses(config, /is missing/);
    const r = store(config, 'reset');
    expect(r.code).toBe(0);
    expect(await clientCount(config)).toBe(0);
    expect(readdirSync(storeDir).some((n) => n.startsWith('reset-'))).toBe(true);
  }, 60_000);

  it('the newest journal segment removed: refused, naming it; reset or restore gets it going', async () => {
    const { config, storeDir } = copy();
    const segment = newestSegment(storeDir);
    rmSync(segment);
    await refuses(config, new RegExp(`journal segment ${path.basename(segment)} in .* is missing: the changes made since the last snapshot`));
    expect(store(config, 'restore', backupFile).code).toBe(0);
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('a snapshot file and its backup copy damaged: refused; restore from the backup', async () => {
    const { config, storeDir } = copy();
    damageShard(storeDir);
    await refuses(config, /both unreadable/);
    expect(store(config, 'restore', backupFile).code).toBe(0);
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('a journal line damaged in the middle: refused, naming the line; restore from the backup', async () => {
    const { config, storeDir } = copy();
    const segment = newestSegment(storeDir);
    const lines = readFileSync(segment, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('Nom', 'Mon'); // checksum no longer matches
    writeFileSync(segment, lines.join('\n'));
    await refuses(config, /line 2 is damaged \(checksum mismatch\) and later lines follow it/);
    expect(store(config, 'restore', backupFile).code).toBe(0);
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('a snapshot file and its backup copy damaged: reset on purpose starts it empty', async () => {
    const { config, storeDir } = copy();
    damageShard(storeDir);
    await refuses(config, /both unreadable/);
    expect(store(config, 'reset').code).toBe(0);
    expect(await clientCount(config)).toBe(0);
  }, 60_000);

  it('the print queue damaged: refused, with its own way out; reset --print-queue, and it starts with the directory as it was', async () => {
    const { config, storeDir } = copy();
    const jobs = path.join(storeDir, 'jobs');
    writeFileSync(path.join(jobs, 'jobs.json'), 'damaged');
    writeFileSync(path.join(jobs, 'jobs.json.bak'), 'damaged');
    const run = runAgent(['--config', config]);
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toMatch(/The print queue cannot be read\. Ways out: npm run store -- reset --print-queue/);
    const r = store(config, 'reset', '--print-queue');
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/moved the print queue to .*nothing deleted/);
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('secrets.json damaged: refused, with its own way out; reset --secrets, and it starts with a new token it shows once', async () => {
    const { config, storeDir } = copy();
    writeFileSync(path.join(storeDir, 'secrets.json'), 'damaged');
    writeFileSync(path.join(storeDir, 'secrets.json.bak'), 'damaged');
    const run = runAgent(['--config', config]);
    expect((await run.exited).code).toBe(3);
    expect(run.output()).toMatch(/id and generated API token cannot be read\. Ways out: npm run store -- reset --secrets/);
    expect(store(config, 'reset', '--secrets').code).toBe(0);
    expect(await clientCount(config)).toBe(25); // the config lists the till's token, so the test's still works
  }, 60_000);

  it('a torn last line (a power cut mid-write) is no damage: it starts, the unfinished write dropped', async () => {
    const { config, storeDir } = copy();
    appendFileSync(newestSegment(storeDir), '12345678 {"seq":99,"ops":[');
    expect(await clientCount(config)).toBe(25);
  }, 60_000);

  it('restore refuses a file that is not a whole backup, and changes nothing', () => {
    const { config, storeDir } = copy();
    const bad = path.join(path.dirname(storeDir), 'half.shop-agent');
    writeFileSync(bad, readFileSync(backupFile, 'utf8').slice(0, 500));
    const r = store(config, 'restore', bad);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/is not a whole backup .*nothing was changed/);
    expect(readdirSync(storeDir).some((n) => n.startsWith('before-restore'))).toBe(false);
  });
});
