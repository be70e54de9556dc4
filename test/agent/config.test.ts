import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigSchema, SCHEMA_FILE } from '../../agent/config-schema-write.js';
import { ConfigError, configPathFrom, isLoopbackHost, loadConfigFile, parseConfig } from '../../agent/config.js';
import { tempDir } from '../helpers/agent.js';
import { ROOT, runAgent, startAgentProcess, writeConfig } from '../helpers/process.js';

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, 'x.json');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('config schema', () => {
  it('the committed agent.config.schema.json is up to date (run `npm run schema`)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderConfigSchema());
  });

  it('the embedded default config starts a virtual printer, no scanners, no cloud', () => {
    const { config, storeDir } = loadConfigFile(path.join(ROOT, 'agent.config.json'));
    expect(config.printers.map((p) => p.transport.type)).toEqual(['virtual']);
    expect(config.scanners).toEqual([]);
    expect(config.cloud).toBeNull();
    expect(config.api.tokens).toEqual([]);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8410, allowedHosts: [], allowedOrigins: [] });
    expect(storeDir).toBe(path.join(ROOT, 'data'));
  });

  it('a printer profile gives the model, width, dots and status; the printer\'s own keys override it', () => {
    const printer = (extra: Record<string, unknown>) => parseConfig({ printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' }, ...extra }] }, 'x.json').printers[0]!;
    expect(printer({ profile: 'generic-58mm' })).toMatchObject({ profile: 'generic-58mm', model: 'epson', width: 32, dots: 384, status: true, rasterFallback: true });
    expect(printer({ profile: 'star-tsp143iv' })).toMatchObject({ model: 'star', width: 48, dots: 576 });
    expect(printer({ profile: 'epson-tm-t88vi', width: 42, status: false })).toMatchObject({ model: 'epson', width: 42, dots: 576, status: false });
    expect(printer({})).toMatchObject({ profile: null, model: 'epson', width: 48, dots: 576, status: true });
    expect(printer({ width: 32 })).toMatchObject({ dots: 384 });
    expect(problems({ printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' }, profile: 'epson-tm-t99' }] }).join('\n')).toMatch(/printers\.0\.profile: expected one of "epson-tm-t20iii".*"generic-58mm"/);
  });

  it('a code page the printer lacks is refused at start, naming the pages it has; one of those is taken', () => {
    const withPage = (profile: string, codePage: string) => problems({ printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' }, profile, codePage }] });
    const [problem] = withPage('generic-58mm', 'PC864_ARABIC');
    expect(problem).toMatch(/^printers\.0\.codePage: a generic 58 mm ESC\/POS printer has no code page "PC864_ARABIC"; it has PC437_USA, .*WPC1252$/);
    // the advice works: a page it names is accepted
    const named = /it has (\S+),/.exec(problem ?? '')![1]!;
    expect(withPage('generic-58mm', named)).toEqual([]);
    expect(problems({ printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' }, model: 'star', codePage: 'TIS11_THAI' }] }).join('\n')).toMatch(/a star printer has no code page "TIS11_THAI"/);
  });

  it('the shop\'s country and logo (contract keys) are taken; anything else under shop is refused', () => {
    const { shop } = parseConfig({ shop: { name: 'Boulangerie', country: 'LI', logo: 'logo.png' } }, 'x.json');
    expect(shop).toMatchObject({ country: 'LI', logo: 'logo.png' });
    expect(parseConfig({}, 'x.json').shop).toMatchObject({ country: 'CH', logo: null });
    expect(problems({ shop: { country: 'ch' } }).join('\n')).toContain('shop.country: expected an ISO 3166-1 alpha-2 code in capitals');
    expect(problems({ shop: { colour: 'red' } }).join('\n')).toContain('unknown key "colour"');
  });

  it('a printer\'s fallback must be another printer', () => {
    const printer = (id: string, fallback?: string) => ({ id, name: id, transport: { type: 'virtual' }, ...(fallback ? { fallback } : {}) });
    expect(problems({ printers: [printer('a', 'nope'), printer('b')] }).join('\n')).toContain('printers.0.fallback: "nope" is not another printer\'s id (printers: a, b)');
    expect(problems({ printers: [printer('a', 'a')] }).join('\n')).toContain('printers.0.fallback');
    expect(problems({ printers: [printer('a', 'b'), printer('b')] })).toEqual([]);
  });

  it('fills defaults for an empty file', () => {
    const c = parseConfig({}, 'x');
    expect(c.http.port).toBe(8410);
    expect(c.ui).toEqual({ locale: 'fr', pin: null });
    expect(c.store.dir).toBe('./data');
  });

  it('rejects unknown keys with their path, so typos do not pass', () => {
    expect(problems({ http: { prot: 8410 } })).toEqual([
      'http: unknown key "prot" (check the spelling; see agent.config.schema.json)',
    ]);
    expect(problems({ printer: [] })[0]).toMatch(/^\(top level\): unknown key "printer"/);
  });

  it('says what is wrong and what is allowed, one line per problem', () => {
    const lines = problems({ http: { port: 'x' }, ui: { locale: 'it' }, printers: [{ id: 'a', name: 'A', transport: { type: 'bluetooth' } }] });
    expect(lines).toEqual([
      'http.port: expected a number, got string "x"',
      'ui.locale: expected one of "fr", "de", "en"',
      'printers.0.transport.type: expected a transport with "type" one of tcp, serial, usb, file, virtual',
    ]);
  });

  it('rejects duplicate printer and scanner ids', () => {
    const p = { name: 'P', transport: { type: 'virtual' } };
    expect(problems({ printers: [{ id: 'a', ...p }, { id: 'a', ...p }] })).toEqual([
      'printers.1.id: duplicate printer id "a": every id must be unique',
    ]);
    const s = { name: 'S', transport: { type: 'serial', path: '/dev/ttyACM0' } };
    expect(problems({ scanners: [{ id: 's', ...s }, { id: 's', ...s }] })).toEqual([
      'scanners.1.id: duplicate scanner id "s": every id must be unique',
    ]);
  });

  it('refuses a network-reachable bind without tokens and a UI PIN', () => {
    const lines = problems({ http: { host: '0.0.0.0' } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^api\.tokens: http\.host "0\.0\.0\.0" is reachable from the network/);
    expect(lines[1]).toMatch(/^ui\.pin: /);
    expect(problems({ http: { host: '0.0.0.0' }, api: { tokens: ['0123456789abcdef0123'] }, ui: { pin: '4821' } })).toEqual([]);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.10', '::', 'till.local']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('chooses the file from --config, then AGENT_CONFIG, then ./agent.config.json', () => {
    expect(configPathFrom(['--config', 'a.json'], { AGENT_CONFIG: 'b.json' })).toBe('a.json');
    expect(configPathFrom(['--config=c.json'], {})).toBe('c.json');
    expect(configPathFrom([], { AGENT_CONFIG: 'b.json' })).toBe('b.json');
    expect(configPathFrom([], {})).toBe('agent.config.json');
  });
});

describe('command line', () => {
  it('an invalid config stops the agent with exit code 2 and no stack trace', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { port: 70000, hots: 'x' }, printers: [{ id: 'p', name: 'P', transport: { type: 'tcp' } }] });
    const run = runAgent(['--config', file]);
    const { code } = await run.exited;
    expect(code).toBe(2);
    const out = run.output();
    expect(out).toContain('http.port: expected at most 65535, got number 70000');
    expect(out).toContain('http: unknown key "hots"');
    expect(out).toContain('printers.0.transport.host: expected a string, got nothing');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('a missing config file says how to fix it (exit 2)', async () => {
    const run = runAgent([], { AGENT_CONFIG: path.join(tempDir(), 'nope.json') });
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toMatch(/nope\.json: invalid configuration\n.*not found; create it/);
  });

  it('creates one random API token on first start, logs it once, and keeps it', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { port: 0 }, store: { dir: './store' } });
    const first = await startAgentProcess(file);
    const m = /created the API token for the till .*kept=\S*secrets\.json token=(\S+)/.exec(first.output());
    expect(m).not.toBeNull();
    const token = m![1]!;
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect((await fetch(`${first.url}/api/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    first.proc.kill('SIGTERM');
    await first.exited;
    // the console shows it once; the log file, which goes into diagnostics, never has it
    expect(readFileSync(path.join(dir, 'store', 'logs', 'agent.log'), 'utf8')).toContain('created the API token for the till');
    expect(readFileSync(path.join(dir, 'store', 'logs', 'agent.log'), 'utf8')).not.toContain(token);

    const second = await startAgentProcess(file);
    try {
      expect(second.output()).not.toContain(token);
      expect((await fetch(`${second.url}/api/v1/clients`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
    // another store gets another token: there is no fixed default
    const other = await startAgentProcess(writeConfig(tempDir(), { http: { port: 0 }, store: { dir: './s' } }));
    other.proc.kill('SIGTERM');
    await other.exited;
    expect(other.output()).not.toContain(token);
  });

  it('refuses a second agent on the same store folder (exit 1, says why)', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { port: 0 }, store: { dir: './store' } });
    const first = await startAgentProcess(file);
    try {
      const second = runAgent(['--config', file]);
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toMatch(/another agent \(pid \d+\) is already using the store folder/);
    } finally {
      first.proc.kill('SIGTERM');
      await first.exited;
    }
  });
});
