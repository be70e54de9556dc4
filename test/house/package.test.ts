import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { extract } from 'tar';
import { TEST_TOKEN, tempDir } from '../helpers/config.js';
import { AGENT_NODE_ENV, AGENT_NODE_FLAGS } from '../../agent/node-flags.js';
import { ROOT } from '../helpers/process.js';
import { systemdAnalyze } from '../helpers/systemd.js';
import { until } from '../helpers/until.js';

/**
 * `npm run package`'s archive is what an installer copies to a till with no internet: unpacked
 * outside the repository (so nothing resolves from the repository's node_modules), it starts on
 * its own Node, with production packages only, and serves and prints.
 */

const run = promisify(execFile);
let top = '';
let node = '';
const stops: (() => void)[] = [];

beforeAll(async () => {
  const into = tempDir('agent-test-package-');
  const { stdout } = await run(process.execPath, ['build.mjs', '--package', '--out', into], { cwd: ROOT });
  const archive = /(\S+\.tar\.gz) \(/.exec(stdout)?.[1];
  expect(archive, stdout).toBeDefined();
  await extract({ file: archive!, cwd: into });
  const [name] = readdirSync(into).filter((f) => !f.endsWith('.tar.gz'));
  top = path.join(into, name!);
  node = path.join(top, 'runtime', process.platform === 'win32' ? 'node.exe' : 'node');
}, 120_000);

afterAll(() => stops.forEach((stop) => stop()));

it('npm start runs the agent with the Node options every other way of starting it uses', () => {
  const pkg: unknown = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const start = typeof pkg === 'object' && pkg !== null ? String(Reflect.get(Reflect.get(pkg, 'scripts') ?? {}, 'start')) : '';
  expect(start).toContain(`node ${AGENT_NODE_FLAGS.join(' ')} dist/main.mjs`);
});

it('holds the production packages only, the runtime, and the commands built', () => {
  const modules = new Set(readdirSync(path.join(top, 'node_modules')));
  for (const prod of ['hono', 'lowdb', 'serialport', 'node-thermal-printer', 'zod']) expect(modules, prod).toContain(prod);
  for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest', 'playwright-core', '@redocly']) expect(modules, dev).not.toContain(dev);
  for (const command of ['main.mjs', 'store-cli.mjs', 'devices.mjs', 'service.mjs']) expect(existsSync(path.join(top, 'dist', command)), command).toBe(true);
  const install = readFileSync(path.join(top, 'INSTALL.txt'), 'utf8');
  expect(install).toContain(`${AGENT_NODE_FLAGS.join(' ')} dist/main.mjs --config agent.config.json`);
  if (process.platform === 'linux') expect(install).toContain(`GLIBC_TUNABLES=${AGENT_NODE_ENV.GLIBC_TUNABLES} runtime/node ${AGENT_NODE_FLAGS.join(' ')}`);
});

it('starts from the archive alone, finds a client and prints a receipt', async () => {
  const store = tempDir();
  const config = path.join(top, 'agent.config.test.json');
  writeFileSync(
    config,
    JSON.stringify({
      http: { host: '127.0.0.1', port: 0 },
      api: { tokens: [TEST_TOKEN] },
      store: { dir: store },
      shop: { name: 'Boulangerie du Lac', address: ['Rue du Lac 1', '1003 Lausanne'] },
      printers: [{ id: 'front', name: 'Caisse', roles: ['receipt'], transport: { type: 'virtual' } }],
    }),
  );
  // cwd outside the archive too, as a service manager would start it
  const proc = spawn(node, [path.join(top, 'dist', 'main.mjs'), '--config', config], { cwd: store, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' } });
  stops.push(() => proc.kill('SIGKILL'));
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  await until(() => `the packaged agent to listen:\n${out}`, () => /agent listening url=http:\/\//.test(out), 20_000);
  const url = /agent listening url=(http:\/\/\S+)/.exec(out)![1]!;

  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${url}${p}`, { ...init, headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', ...init.headers } });
  expect((await api('/api/v1/clients', { method: 'POST', body: JSON.stringify({ civility: 'Mme', lastName: 'Rochat', firstName: 'Anne' }) })).status).toBe(201);
  const found: unknown = await (await api('/api/v1/clients?q=rochat')).json();
  expect(JSON.stringify(found)).toContain('Rochat');
  const printed = await api('/api/v1/print', {
    method: 'POST',
    body: JSON.stringify({
      type: 'receipt',
      ticket: { number: 'R-1', issuedAt: '2026-12-03T10:00:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, unitPrice: 450, amount: 450 }], total: 450 },
    }),
  });
  expect(printed.status, await printed.clone().text()).toBe(202);
  const job = printed.headers.get('location')!;
  await until('the receipt to be done', async () => JSON.stringify(await (await api(job)).json()).includes('"status":"done"'));
  proc.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  expect(code, out).toBe(0);
}, 60_000);

it("runs the store check and the device list from the archive's own runtime", async () => {
  const devices = await run(node, [path.join(top, 'dist', 'devices.mjs')], { cwd: top });
  expect(devices.stdout.length).toBeGreaterThan(0);
  // the store the agent above wrote and closed; a failing check exits non-zero and rejects
  const check = await run(node, [path.join(top, 'dist', 'store-cli.mjs'), 'check', '--config', path.join(top, 'agent.config.test.json')], { cwd: top });
  expect(check.stdout).toMatch(/1 client/);
});

it("installs as a service on its own runtime: the dry run's unit starts the archive's Node and agent, and passes systemd-analyze verify", async () => {
  const config = path.join(top, 'agent.config.json');
  const { stdout } = await run(node, [path.join(top, 'dist', 'service.mjs'), 'install', '--dry-run', '--config', 'agent.config.json'], { cwd: top });
  expect(stdout).toContain(`  ExecStart=${node} --enable-source-maps --max-semi-space-size=8 ${path.join(top, 'dist', 'main.mjs')} --config ${config}`);
  const unit = stdout.split('\n').filter((l, i, all) => i > all.findIndex((x) => x.startsWith('would write')) && l.startsWith('  ')).map((l) => l.slice(2));
  const file = path.join(tempDir('agent-test-unit-'), 'shop-agent.service');
  writeFileSync(file, `${unit.join('\n')}\n`);
  const verified = await run(systemdAnalyze(), ['verify', file]);
  expect(verified.stderr.trim()).toBe('');
});
