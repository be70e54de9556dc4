import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsSchema } from '../../../agent/secrets.js';
import { decodeFile } from '../../../agent/store/durable-file.js';
import { readArchive, secretsIn } from '../../helpers/archive.js';
import { tempDir } from '../../helpers/config.js';
import { type AgentProcess, ROOT, startAgentProcess, writeConfig } from '../../helpers/process.js';

/** `npm run diagnose`, as a process: from the running agent, or made from the files when none answers. */

function diagnose(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist', 'diagnose.mjs'), ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A port nothing listens on: a fresh folder's agent that never started. */
const CLOSED_PORT = 9;
const TOKEN = 'config-token-aaaa-1111';
const PRINT_TOKEN = 'print-token-bbbb-2222';
const PIN = 'pin-cccc-3333';
const CLOUD_TOKEN = 'cloud-token-dddd-4444';
const CLOUD_PASSWORD = 'cloud-pw-eeee-5555';
const SECRETS = [TOKEN, PRINT_TOKEN, PIN, CLOUD_TOKEN, CLOUD_PASSWORD];

function secretConfig(dir: string, overrides: Record<string, unknown> = {}): string {
  return writeConfig(dir, {
    http: { host: '127.0.0.1', port: CLOSED_PORT },
    api: { tokens: [TOKEN, { name: 'till', token: PRINT_TOKEN, scopes: ['print'] }] },
    ui: { pin: PIN },
    store: { dir: './data' },
    cloud: { url: `https://shop:${CLOUD_PASSWORD}@127.0.0.1:1`, token: CLOUD_TOKEN },
    printers: [{ id: 'front', name: 'Caisse', transport: { type: 'virtual' } }],
    ...overrides,
  });
}

let running: AgentProcess | null = null;
afterEach(async () => {
  running?.proc.kill('SIGTERM');
  await running?.exited;
  running = null;
});

describe('npm run diagnose', () => {
  it('without a running agent: the logs, the config without secrets, the store check and the versions, and says what is missing', async () => {
    const dir = tempDir();
    const config = secretConfig(dir);
    mkdirSync(path.join(dir, 'data', 'logs'), { recursive: true });
    writeFileSync(path.join(dir, 'data', 'logs', 'agent.log'), `info the till connected with ${TOKEN}\nwarn cloud ${CLOUD_TOKEN} refused\n`);
    writeFileSync(path.join(dir, 'data', 'logs', 'agent.log.1'), 'info an older line\n');
    // a hung agent: it holds the store (this test's process is alive) but nothing answers on its port
    writeFileSync(path.join(dir, 'data', 'agent.lock'), String(process.pid));
    const out = path.join(dir, 'out');
    mkdirSync(out);

    const r = await diagnose(['--config', config, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [file, said] = r.stdout.trim().split('\n');
    expect(path.dirname(file!)).toBe(out);
    expect(file).toMatch(/shop-agent-diagnostics-[\dT-]+Z\.tar\.gz$/);
    expect(said).toContain(`without the agent: no agent answers at http://127.0.0.1:${CLOSED_PORT}`);

    const { files, tarBytes } = await readArchive(file!);
    expect([...files.keys()].sort()).toEqual(['config.json', 'last-errors.txt', 'logs/agent.log', 'logs/agent.log.1', 'store-check.txt', 'summary.txt', 'versions.json']);
    expect(secretsIn(tarBytes, SECRETS)).toEqual([]);
    const cfg = JSON.parse(files.get('config.json')!);
    expect(cfg.api.tokens).toEqual(['<removed>', { name: 'till', token: '<removed>', scopes: ['print'] }]);
    expect(cfg.cloud).toMatchObject({ url: 'https://<removed>@127.0.0.1:1', token: '<removed>' });
    expect(cfg.ui.pin).toBe('<removed>');
    expect(files.get('logs/agent.log')).toBe('info the till connected with <removed>\nwarn cloud <removed> refused\n');
    expect(files.get('summary.txt')).toContain('- agent not running: no printer/scanner states');
    expect(files.get('summary.txt')).toContain(`- no agent answers at http://127.0.0.1:${CLOSED_PORT}`);
    expect(files.get('last-errors.txt')).toMatch(/^agent not running/);
    expect(files.get('store-check.txt')).toContain(`store: ${path.join(dir, 'data')}`);
    expect(files.get('store-check.txt')).toContain('a start would: ');
    expect(files.get('summary.txt')).toContain(`- process ${process.pid} holds the store (agent.lock) but did not answer: a hung agent?`);
    expect(JSON.parse(files.get('versions.json')!)).toMatchObject({ node: process.version, agentUptimeSeconds: null });
  });

  it('for a config the agent refuses (when support needs it most): the archive says why, still without the secrets', async () => {
    const dir = tempDir();
    const short = 'short-se9';
    const config = secretConfig(dir, { api: { tokens: [short] }, store: { dir: './nowhere' } });
    const file = path.join(dir, 'diag.tar.gz');
    const r = await diagnose(['--config', config, '--out', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(file);
    const { files, tarBytes } = await readArchive(file);
    expect(secretsIn(tarBytes, [short, PIN, CLOUD_TOKEN, CLOUD_PASSWORD])).toEqual([]);
    expect(files.get('summary.txt')).toContain('the agent refuses this config:');
    expect(files.get('summary.txt')).toContain('api.tokens.0: expected at least 16 characters, got string "<removed>"');
    expect(files.get('summary.txt')).toContain(`- no log folder (${path.join(dir, 'nowhere', 'logs')})`);
    expect(files.get('store-check.txt')).toMatch(/^no store folder at .*nowhere/);
    expect(JSON.parse(files.get('config.json')!).api.tokens).toEqual(['<removed>']);
  });

  it('with a running agent: its archive, with the printers, the scanners and the last errors, asked with the generated token', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, {
      http: { host: '127.0.0.1', port: 0 },
      ui: { pin: PIN },
      store: { dir: './data' },
      printers: [{ id: 'front', name: 'Caisse', transport: { type: 'virtual' } }],
    });
    running = await startAgentProcess(config);
    // port 0 picked a free one: the diagnose asks the agent where it listens
    const port = Number(new URL(running.url).port);
    const withPort = writeConfig(dir, { ...JSON.parse(readFileSync(config, 'utf8')), http: { host: '127.0.0.1', port } });
    const generated = secretsSchema.parse(decodeFile(readFileSync(path.join(dir, 'data', 'secrets.json'), 'utf8')));
    const r = await diagnose(['--config', withPort, '--out', `${dir}/`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diagnostics archive from the running agent');
    const { files, tarBytes } = await readArchive(r.stdout.split('\n')[0]!);
    const states = JSON.parse(files.get('states.json')!);
    expect(states.printers).toMatchObject([{ id: 'front', status: expect.any(String) }]);
    expect(states.scanners).toEqual([]);
    expect(files.get('last-errors.txt')).not.toMatch(/^agent not running/);
    expect(files.get('summary.txt')).toMatch(/from the running agent/);
    expect(files.get('store-check.txt')).toContain('the running agent has the store open');
    expect(secretsIn(tarBytes, [PIN, generated.apiToken])).toEqual([]);
  });

  it('with only a print token in the config: does not ask the agent, says why', async () => {
    const dir = tempDir();
    const config = secretConfig(dir, { api: { tokens: [{ name: 'till', token: PRINT_TOKEN, scopes: ['print'] }] } });
    const r = await diagnose(['--config', config, '--out', dir]);
    expect(r.code).toBe(0);
    const { files } = await readArchive(r.stdout.split('\n')[0]!);
    expect(files.get('summary.txt')).toContain('no token with the admin scope in api.tokens');
    expect(files.get('summary.txt')).toContain('- no log folder');
  });

  it('refuses an unknown option with the usage (exit 2)', async () => {
    const r = await diagnose(['--outt', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run diagnose -- [--config <file>] [--out <file or folder>] [--offline]');
  });
});
