import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, configPathFrom, loadConfigFile } from './config.js';
import { DirectoryStore } from './directory/directory-store.js';
import { clientRecordSchema, groupRecordSchema } from './directory/schema.js';
import type { DirectoryOp } from './directory/store-format.js';
import { memoryLogger } from './log.js';
import { runMain } from './run-main.js';
import { loadOrCreateSecrets, secretsSchema } from './secrets.js';
import { decodeFile, DurableJsonFile, encodeFile, errorCode, fsyncDir, renameWithRetry } from './store/durable-file.js';
import { nodeFs, writeAll } from './store/fs.js';
import { checkStore, openDirectoryReadOnly } from './store/check.js';
import { StoreLock } from './store/lock.js';
import { STORE_EXIT_CODE, storeProblem } from './store/manifest.js';
import { mutationSchema, syncCursorSchema, syncIssueSchema, type SyncOp } from './sync/records.js';
import { SyncStore, type SyncedStore } from './sync/sync-store.js';

/**
 * `npm run store -- <command> [--config <file>]`, for a stopped agent:
 *   check            what a start would do: counts, sizes, and any problem with the ways out
 *   backup <file>    the directory, its sync state and the agent's secrets in one file
 *   restore <file>   the store from such a file (the current folder is moved aside, never deleted)
 *   reset            start again from an empty directory on purpose (pulled again from the cloud
 *                    when one is configured): the current folder is moved aside, never deleted
 *   reset --print-queue   the same for the print queue (its tickets are not printed)
 *   reset --secrets       the same for the agent's id and generated token (a new one at the next start)
 * Exit codes: 0 done, 2 usage or config, 3 the store needs attention (check), 1 anything else.
 */

const USAGE = 'usage: npm run store -- check | backup <file> | restore <file> | reset [--print-queue | --secrets]   [--config <file>]';
const fs = nodeFs;

const backupSchema = z.object({
  format: z.literal('shop-agent-backup/1'),
  createdAt: z.string(),
  clients: z.array(clientRecordSchema),
  groups: z.array(groupRecordSchema),
  outbox: z.array(mutationSchema),
  sync: syncCursorSchema,
  issues: z.array(syncIssueSchema),
  secrets: secretsSchema.nullable(),
});
type Backup = z.infer<typeof backupSchema>;

const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  const all = process.argv.slice(2).filter((a, i, list) => !(a === '--config' || a.startsWith('--config=') || list[i - 1] === '--config'));
  const flags = all.filter((a) => a.startsWith('--'));
  const [command, arg] = all.filter((a) => !a.startsWith('--'));
  let storeDir: string;
  let configFile: string;
  try {
    const loaded = loadConfigFile(configPathFrom(process.argv.slice(2), process.env));
    storeDir = loaded.storeDir;
    configFile = loaded.file ?? 'agent.config.json';
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const part = flags.includes('--print-queue') ? 'print-queue' : flags.includes('--secrets') ? 'secrets' : 'directory';
  const unknownFlag = flags.find((f) => f !== '--print-queue' && f !== '--secrets');
  if (!command || unknownFlag || !['check', 'backup', 'restore', 'reset'].includes(command) || ((command === 'backup' || command === 'restore') && !arg) || (part !== 'directory' && command !== 'reset')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const lock = new StoreLock(storeDir);
  try {
    await lock.acquire();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)} (the store commands work on a stopped agent)\n`);
    return 1;
  }
  try {
    if (command === 'check') return await check(storeDir, configFile);
    if (command === 'backup') return await backup(storeDir, path.resolve(arg!));
    if (command === 'restore') return await restore(storeDir, path.resolve(arg!));
    if (part === 'print-queue') return await resetPart(storeDir, 'jobs', 'the print queue', 'the next start begins with an empty print queue; the tickets that were waiting are in the moved folder, not printed.');
    if (part === 'secrets') return await resetPart(storeDir, 'secrets.json', "the agent's id and API token", 'the next start makes a new agent id and API token and shows the token once in the log and on the settings page: paste it into the till.');
    return await reset(storeDir);
  } catch (err) {
    const problem = storeProblem(err, storeDir);
    process.stderr.write(`${problem ?? (err instanceof Error ? err.message : String(err))}\n`);
    return problem ? STORE_EXIT_CODE : 1;
  } finally {
    await lock.release();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function check(storeDir: string, configFile: string): Promise<number> {
  for (const line of await checkStore(storeDir, configFile)) say(line);
  return 0;
}

async function backup(storeDir: string, file: string): Promise<number> {
  const { store, sync } = await openDirectoryReadOnly(storeDir);
  const secretsFile = new DurableJsonFile(path.join(storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), memoryLogger());
  const data: Backup = {
    format: 'shop-agent-backup/1',
    createdAt: new Date().toISOString(),
    clients: [...store.clients.values()],
    groups: [...store.groups.values()],
    outbox: [...sync.outbox.values()],
    sync: sync.cursor,
    issues: [...sync.issues.values()],
    secrets: await secretsFile.read(),
  };
  const text = encodeFile(JSON.stringify(data));
  const tmp = `${file}.${randomUUID()}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600); // personal data and the API token
  try {
    await writeAll(handle, Buffer.from(text, 'utf8'), 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await renameWithRetry(tmp, file);
  await fsyncDir(path.dirname(file));
  say(`backed up ${data.clients.length} clients, ${data.groups.length} groups, ${data.outbox.length} edits waiting for the cloud${data.secrets ? ', the agent id and API token' : ''} to ${file} (${mb(text.length)})`);
  say('keep it safe: it holds personal data and the API token. npm run store -- restore <file> takes it back.');
  return 0;
}

/** Moves the directory folder and the manifest aside (never deletes): the path they went to. */
async function moveAside(storeDir: string, why: string): Promise<string | null> {
  const moved = path.join(storeDir, `${why}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let any = false;
  for (const name of ['directory', 'manifest.json', 'manifest.json.bak']) {
    const from = path.join(storeDir, name);
    if (!(await exists(from))) continue;
    if (!any) await fs.mkdir(moved, { recursive: true, mode: 0o700 });
    any = true;
    await renameWithRetry(from, path.join(moved, name));
  }
  if (any) await fsyncDir(storeDir);
  return any ? moved : null;
}

/** An empty directory with its manifest: a start that finds it knows the store is empty on purpose. */
async function writeDirectory(storeDir: string, ops: Array<DirectoryOp | SyncOp>): Promise<SyncedStore> {
  const store = new DirectoryStore(path.join(storeDir, 'directory'), memoryLogger(), { storeDir, sections: [new SyncStore().section] });
  await store.load();
  for (let i = 0; i < ops.length; i += 1000) await store.commit(ops.slice(i, i + 1000));
  await store.close();
  return store;
}

async function reset(storeDir: string): Promise<number> {
  const moved = await moveAside(storeDir, 'reset');
  await writeDirectory(storeDir, []);
  say(moved ? `moved the client directory to ${moved} (nothing deleted; edits that were waiting for the cloud are there too)` : 'there was no client directory to move');
  say('the next start begins with an empty directory; with a cloud configured, the directory is pulled again.');
  return 0;
}

/** Moves one part of the store aside (with its backup copy), never deleting it. */
async function resetPart(storeDir: string, name: string, what: string, next: string): Promise<number> {
  const moved = path.join(storeDir, `reset-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  let any = false;
  for (const n of [name, `${name}.bak`]) {
    if (!(await exists(path.join(storeDir, n)))) continue;
    if (!any) await fs.mkdir(moved, { recursive: true, mode: 0o700 });
    any = true;
    await renameWithRetry(path.join(storeDir, n), path.join(moved, n));
  }
  if (any) await fsyncDir(storeDir);
  say(any ? `moved ${what} to ${moved} (nothing deleted)` : `there was no ${what} to move`);
  say(next);
  return 0;
}

async function restore(storeDir: string, file: string): Promise<number> {
  let text: string;
  try {
    text = (await fs.readFile(file)).toString('utf8');
  } catch (err) {
    process.stderr.write(`${file}: ${errorCode(err) === 'ENOENT' ? 'no such file' : String(err)} (a file made by npm run store -- backup)\n`);
    return 2;
  }
  let data: Backup;
  try {
    data = backupSchema.parse(decodeFile(text));
  } catch (err) {
    process.stderr.write(`${file} is not a whole backup made by npm run store -- backup (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); nothing was changed\n`);
    return 2;
  }
  const ops: Array<DirectoryOp | SyncOp> = [
    ...data.groups.map((record): DirectoryOp => ({ op: 'group.put', record })),
    ...data.clients.map((record): DirectoryOp => ({ op: 'client.put', record })),
    ...data.outbox.map((mutation): SyncOp => ({ op: 'outbox.put', mutation })),
    { op: 'sync.cursor', state: data.sync },
    ...data.issues.map((issue): SyncOp => ({ op: 'issue.put', issue })),
  ];
  // Built beside the store and moved into place only once whole: a restore cut short (a full disk,
  // a crash) leaves the store as it was, never a directory with part of the backup in it.
  const building = path.join(storeDir, `restoring-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await fs.mkdir(building, { recursive: true, mode: 0o700 });
  const built = await writeDirectory(building, ops);
  if (built.clients.size !== data.clients.length || built.groups.size !== data.groups.length) {
    throw new Error(`the restore built ${built.clients.size} clients and ${built.groups.size} groups of ${data.clients.length} and ${data.groups.length}; nothing was changed (the partial copy is in ${building})`);
  }
  const moved = await moveAside(storeDir, 'before-restore');
  for (const name of ['directory', 'manifest.json', 'manifest.json.bak']) {
    if (await exists(path.join(building, name))) await renameWithRetry(path.join(building, name), path.join(storeDir, name));
  }
  await fs.rm(building, { recursive: true, force: true }); // empty by now
  await fsyncDir(storeDir);
  let secretsLine = '';
  if (data.secrets) {
    const present = await new DurableJsonFile(path.join(storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), memoryLogger()).read().catch(() => null);
    if (!present) {
      await new DurableJsonFile(path.join(storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), memoryLogger(), { mode: 0o600 }).write(data.secrets);
      secretsLine = '; the agent id and API token restored';
    } else if (present.agentId !== data.secrets.agentId || present.apiToken !== data.secrets.apiToken) {
      secretsLine = '; this store keeps its own agent id and API token (different from the backup\'s)';
    }
  } else {
    await loadOrCreateSecrets(storeDir, memoryLogger());
  }
  say(`restored ${data.clients.length} clients, ${data.groups.length} groups, ${data.outbox.length} edits waiting for the cloud from ${file} (made ${data.createdAt})${secretsLine}`);
  if (moved) say(`the folder it replaces is in ${moved} (nothing deleted)`);
  return 0;
}

runMain(main, 'npm run store failed: ');
