import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutSecrets } from '../../../agent/diagnostics/archive.js';
import { agentPerTest, TEST_TOKEN, tempDir } from '../../helpers/agent.js';
import { readArchive, secretsIn } from '../../helpers/archive.js';

/** GET /api/v1/diagnostics and the settings page's button: the same archive, for support, with no secret in it. */

const open = agentPerTest();

const PRINT_ONLY = 'print-only-token-5550123';
const NAMED_ADMIN = 'named-admin-token-77aa0099';
const PIN = 'pin-secret-4418';
const SECRETS = [TEST_TOKEN, PRINT_ONLY, NAMED_ADMIN, PIN];
const CONFIG = {
  api: { tokens: [TEST_TOKEN, { name: 'till', token: PRINT_ONLY, scopes: ['print'] }, { name: 'support', token: NAMED_ADMIN, scopes: ['admin'] }] },
  ui: { pin: PIN },
};

describe('GET /api/v1/diagnostics', () => {
  it('is a .tar.gz download with the config without secrets, the store check, the states, the versions, the last errors and the logs', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'agent.log'), `2026-12-04T10:00:00Z info started with token ${TEST_TOKEN}\n`);
    writeFileSync(path.join(dir, 'logs', 'agent.log.1'), 'older line\n');
    mkdirSync(path.join(dir, 'logs', 'folder'));
    symlinkSync(path.join(dir, 'secrets.json'), path.join(dir, 'logs', 'link.log'));
    const t = await open({ dir, config: CONFIG });
    t.agent.log.warn(`printer front: cannot connect (token ${PRINT_ONLY} was in the message)`);
    // a Logger with fields (the log files' logger) passes them through the ring
    Reflect.apply(t.agent.log.error, t.agent.log, ['cloud: refused', { status: 401 }]);

    const res = await t.api('/api/v1/diagnostics', { headers: { authorization: `Bearer ${NAMED_ADMIN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="shop-agent-diagnostics-[\dT-]+Z\.tar\.gz"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { files, tarBytes, top } = await readArchive(new Uint8Array(await res.arrayBuffer()));

    expect(top).toMatch(/^shop-agent-diagnostics-/);
    expect([...files.keys()].sort()).toEqual(
      ['config.json', 'last-errors.txt', 'logs/agent.log', 'logs/agent.log.1', 'states.json', 'store-check.txt', 'summary.txt', 'versions.json'].sort(),
    );
    expect(secretsIn(tarBytes, SECRETS)).toEqual([]);
    expect(tarBytes.toString('latin1')).not.toContain('apiToken'); // secrets.json is never in it, nor through a link

    const config = JSON.parse(files.get('config.json')!);
    expect(config.api.tokens).toEqual(['<removed>', { name: 'till', token: '<removed>', scopes: ['print'] }, { name: 'support', token: '<removed>', scopes: ['admin'] }]);
    expect(config.ui.pin).toBe('<removed>');
    expect(config.printers[0].id).toBe('front');

    const states = JSON.parse(files.get('states.json')!);
    expect(states.printers.map((p: { id: string }) => p.id)).toEqual(['front']);
    expect(states.scanners).toEqual([]);
    expect(states.sync).toEqual({ enabled: false });
    expect(files.get('store-check.txt')).toMatch(/^store: .*\ndirectory: 0 clients, 0 groups, 0 edits waiting for the cloud, 0 sync issues\n/);
    expect(files.get('store-check.txt')).toContain('the running agent has the store open');
    expect(files.get('last-errors.txt')).toMatch(/ warn printer front: cannot connect \(token <removed> was in the message\)\n.* error cloud: refused \{"status":401\}\n$/);
    expect(files.get('logs/agent.log')).toBe('2026-12-04T10:00:00Z info started with token <removed>\n');
    const versions = JSON.parse(files.get('versions.json')!);
    expect(versions).toMatchObject({ agent: t.agent.services.version, node: process.version, platform: process.platform, arch: process.arch });
    expect(versions.packages.hono).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof versions.agentUptimeSeconds).toBe('number');
    expect(files.get('summary.txt')).toMatch(/^shop agent .*, from the running agent/);
    expect(files.get('summary.txt')).toContain('logs: ');
  });

  it('says "no log folder" when the store has none', async () => {
    const t = await open();
    const { files } = await readArchive(new Uint8Array(await (await t.api('/api/v1/diagnostics')).arrayBuffer()));
    expect(files.get('summary.txt')).toContain(`- no log folder (${path.join(t.dir, 'logs')})`);
    expect([...files.keys()].some((f) => f.startsWith('logs/'))).toBe(false);
  });

  it('needs the admin scope: 403 for a print-only token, 401 without a token', async () => {
    const t = await open({ config: CONFIG });
    const refused = await t.api('/api/v1/diagnostics', { headers: { authorization: `Bearer ${PRINT_ONLY}` } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await t.api('/api/v1/diagnostics', { headers: { authorization: '' } })).status).toBe(401);
  });

  it('is on the settings page: the button downloads the same archive', async () => {
    const t = await open();
    const page = await (await t.api('/settings', { headers: { authorization: '' } })).text();
    expect(page).toMatch(/<a class="button secondary" href="\/settings\/diagnostics.tar.gz" download="" data-diagnostics="true">\s*Télécharger le diagnostic/);
    const res = await t.api('/settings/diagnostics.tar.gz', { headers: { authorization: '' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="shop-agent-diagnostics-.*\.tar\.gz"$/);
    const { files, tarBytes } = await readArchive(new Uint8Array(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['summary.txt', 'config.json', 'store-check.txt', 'states.json', 'last-errors.txt', 'versions.json']));
    expect(secretsIn(tarBytes, [TEST_TOKEN])).toEqual([]);
  });
});

describe('withoutSecrets', () => {
  it('removes every secret of the schema and any key named like one, keeping the rest', () => {
    const raw = {
      api: { tokens: ['a-token-of-sixteen', { name: 'till', token: 'b-token-of-sixteen', scopes: ['print'] }] },
      ui: { pin: '123456', locale: 'fr' },
      cloud: { url: 'https://shop:pw@cloud.example.ch/x', token: 'c', intervalSeconds: 30 },
      printers: [{ id: 'front', transport: { type: 'tcp', host: '10.0.0.5', password: 'p', port: 9100 } }],
      future: { apiKey: 'k', clientSecret: 's' },
    };
    expect(withoutSecrets(raw)).toEqual({
      api: { tokens: ['<removed>', { name: 'till', token: '<removed>', scopes: ['print'] }] },
      ui: { pin: '<removed>', locale: 'fr' },
      cloud: { url: 'https://<removed>@cloud.example.ch/x', token: '<removed>', intervalSeconds: 30 },
      printers: [{ id: 'front', transport: { type: 'tcp', host: '10.0.0.5', password: '<removed>', port: 9100 } }],
      future: { apiKey: '<removed>', clientSecret: '<removed>' },
    });
  });
});
