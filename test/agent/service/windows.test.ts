import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, type ServicePlan } from '../../../agent/service/plan.js';
import type { RunResult, System } from '../../../agent/service/system.js';
import { installWindows, nodeWindowsService, uninstallWindows, SERVICE_ID, type ServiceClass, statusWindows, windowsServiceOptions } from '../../../agent/service/windows.js';
import { tempDir } from '../../helpers/config.js';
import { until } from '../../helpers/until.js';
import { ROOT, writeConfig } from '../../helpers/process.js';

/**
 * Windows cannot run here: these check what node-windows is given and the WinSW configuration it
 * writes from that (its own generator, called as `install()` calls it), and run its wrapper, which
 * is plain Node, the way WinSW starts and stops it.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

function windowsPlan(configFile: string): ServicePlan {
  return {
    nodePath: process.execPath,
    mainScript: path.join(ROOT, 'dist', 'main.mjs'),
    root: ROOT.replace(/\/$/, ''),
    configFile,
    storeDir: path.join(path.dirname(configFile), 'data'),
    user: 'shop-agent',
    rerun: `node ${path.join(ROOT, 'dist', 'service.mjs')} install --config "${configFile}"`,
  };
}

function unescapeXml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The XML node-windows writes to daemon/<id>.xml at install. */
function winswXml(plan: ServicePlan): string {
  vi.spyOn(console, 'log').mockImplementation(() => undefined); // 1.0.0-beta.8's generator prints a debug line
  const daemon: ServiceClass = createRequire(import.meta.url)('node-windows/lib/daemon.js');
  const xml: unknown = Reflect.get(nodeWindowsService(windowsServiceOptions(plan), () => daemon), '_xml');
  expect(typeof xml).toBe('string');
  return String(xml);
}

/** Starts node-windows's wrapper as WinSW would from that XML; the agent's output comes through its pipes. */
function startWrapper(xml: string) {
  const wrapper = spawn(all(xml, 'executable')[0]!, all(xml, 'argument'), {
    cwd: all(xml, 'workingdirectory')[0],
    env: { ...process.env, ...envOf(xml) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  wrapper.stdout.on('data', (d: Buffer) => (out += d.toString()));
  wrapper.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => wrapper.on('exit', (code) => resolve(code)));
  return { wrapper, exited, output: () => out };
}

function all(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1]!));
}

function envOf(xml: string): Record<string, string> {
  return Object.fromEntries([...xml.matchAll(/<env name="([^"]*)" value="([^"]*)"\/>/g)].map((m) => [unescapeXml(m[1]!), unescapeXml(m[2]!)]));
}

describe('the Windows service node-windows registers', () => {
  it('is built by the class node-windows exports as Service', () => {
    const entry = readFileSync(createRequire(import.meta.url).resolve('node-windows'), 'utf8');
    expect(entry).toContain("module.exports.Service = require('./daemon');");
  });

  it('runs the agent on this install with the config in the environment, restarts it, and gives it 30 s to stop', () => {
    const configFile = 'C:\\Program Files\\Shop Agent\\agent.config.json';
    const xml = winswXml(windowsPlan(configFile));
    expect(all(xml, 'id')).toEqual([SERVICE_ID]);
    expect(all(xml, 'executable')).toEqual([process.execPath]);
    const args = all(xml, 'argument');
    expect(args.slice(0, 3)).toEqual(['--enable-source-maps', '--max-semi-space-size=8', createRequire(import.meta.url).resolve('node-windows/lib/wrapper.js')]);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--file')).toBe(path.join(ROOT, 'dist', 'main.mjs'));
    expect([flag('--maxrestarts'), flag('--wait'), flag('--grow')]).toEqual(['3', '5', '0.5']);
    expect(flag('--stopparentfirst')).toBe('true');
    expect(all(xml, 'stopparentprocessfirst')).toEqual(['true']);
    expect(all(xml, 'stoptimeout')).toEqual(['30sec']);
    // a path with spaces stays whole in the environment (node-windows splits script options at spaces)
    expect(envOf(xml)).toEqual({ AGENT_CONFIG: configFile, NODE_ENV: 'production' });
    expect(args.some((a) => a.startsWith('--scriptoptions=') && a !== '--scriptoptions=')).toBe(false);
    expect(all(xml, 'workingdirectory')).toEqual([ROOT.replace(/\/$/, '')]);
  });

  it('its wrapper, started with that configuration, runs the agent and stops it cleanly on Ctrl+C (SIGINT here)', async () => {
    const dir = path.join(tempDir('service-win-'), 'shop config');
    mkdirSync(dir);
    const configFile = writeConfig(dir, { http: { port: 0 }, store: { dir: './data' } });
    const xml = winswXml(windowsPlan(configFile));
    const { wrapper, exited, output } = startWrapper(xml);
    try {
      await until(() => `the agent under the wrapper to listen:\n${output()}`, () => /agent listening url=/.test(output()), 15_000);
      expect(output()).toContain(`store=${JSON.stringify(path.join(dir, 'data'))}`);
      wrapper.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output()).toContain('agent stopping signal="shutdown message"');
      expect(output()).toContain('every change is on disk');
    } finally {
      wrapper.kill('SIGKILL');
    }
  });

  it('an agent whose wrapper is killed stops too, rather than holding the store and the port from the next start', async () => {
    const dir = tempDir('service-win-');
    const xml = winswXml(windowsPlan(writeConfig(dir, { http: { port: 0 }, store: { dir: './data' } })));
    const { wrapper, output } = startWrapper(xml);
    await until(() => `the agent under the wrapper to listen:\n${output()}`, () => /agent listening url=/.test(output()), 15_000);
    wrapper.kill('SIGKILL');
    // the agent's output still comes through the pipe it shares with the dead wrapper
    await until(() => `the agent to stop:\n${output()}`, () => /every change is on disk/.test(output()), 15_000);
    expect(output()).toContain('agent stopping signal="parent gone"');
  });
});

class FakeWindows implements System {
  readonly platform = 'win32' as const;
  readonly done: string[] = [];
  readonly out: string[] = [];
  answers: Record<string, Partial<RunResult>> = {};
  isRoot(): boolean {
    return false;
  }
  async run(command: string, args: readonly string[]): Promise<RunResult> {
    const line = [command, ...args].join(' ');
    this.done.push(line);
    return { code: 0, stdout: '', stderr: '', ...this.answers[line] };
  }
  exists = async () => false;
  writeFile = async () => undefined;
  removeFile = async () => undefined;
  mkdir = async () => undefined;
  mode = async () => null;
  print(line: string): void {
    this.out.push(line);
  }
}

/** node-windows's Service as far as install uses it: events after each call. */
function fakeService(done: string[], installEvent = 'install', exists = false) {
  return () => {
    const listeners = new Map<string, Array<() => void>>();
    const emit = (e: string) => setImmediate(() => listeners.get(e)?.forEach((l) => l()));
    return {
      exists,
      on: (e: string, l: () => void) => listeners.set(e, [...(listeners.get(e) ?? []), l]),
      install: () => (done.push('install'), emit(installEvent)),
      start: () => (done.push('start'), emit('start')),
      stop: () => (done.push('stop'), emit('stop')),
      uninstall: () => (done.push('uninstall'), emit('uninstall')),
    };
  };
}

describe('install and status on Windows', () => {
  it('an administrator gets the service installed, then started', async () => {
    const sys = new FakeWindows();
    const done: string[] = [];
    expect(await installWindows(sys, windowsPlan('C:\\shop\\agent.config.json'), { dryRun: false }, fakeService(done))).toBe(EXIT.ok);
    expect(sys.done).toEqual(['net session']);
    expect(done).toEqual(['install', 'start']);
  });

  it('uninstall stops the service, then removes it; not installed is nothing to do', async () => {
    const sys = new FakeWindows();
    const done: string[] = [];
    expect(await uninstallWindows(sys, windowsPlan('C:\\shop\\agent.config.json'), { dryRun: false }, fakeService(done, 'install', true))).toBe(EXIT.ok);
    expect(done).toEqual(['stop', 'uninstall']);
    const none: string[] = [];
    expect(await uninstallWindows(sys, windowsPlan('C:\\shop\\agent.config.json'), { dryRun: false }, fakeService(none))).toBe(EXIT.ok);
    expect(none).toEqual([]);
  });

  it('anyone else is told to open a terminal as administrator, with the command (exit 4)', async () => {
    const sys = new FakeWindows();
    sys.answers['net session'] = { code: 2, stderr: 'System error 5 has occurred. Access is denied.' };
    const done: string[] = [];
    const plan = windowsPlan('C:\\shop\\agent.config.json');
    expect(await installWindows(sys, plan, { dryRun: false }, fakeService(done))).toBe(EXIT.needsRoot);
    expect(sys.out.join('\n')).toContain('Run as administrator');
    expect(sys.out).toContain(`  ${plan.rerun}`);
    expect(done).toEqual([]);
  });

  it('status reads sc query: running (0), stopped (3), not installed (5)', async () => {
    const running = new FakeWindows();
    running.answers[`sc query ${SERVICE_ID}`] = { stdout: `SERVICE_NAME: ${SERVICE_ID}\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 4  RUNNING\r\n` };
    expect(await statusWindows(running)).toBe(EXIT.ok);
    const stopped = new FakeWindows();
    stopped.answers[`sc query ${SERVICE_ID}`] = { stdout: `SERVICE_NAME: ${SERVICE_ID}\r\n        STATE              : 1  STOPPED\r\n` };
    expect(await statusWindows(stopped)).toBe(EXIT.notRunning);
    expect(stopped.out[0]).toContain('state STOPPED');
    const none = new FakeWindows();
    none.answers[`sc query ${SERVICE_ID}`] = { code: 1060, stdout: '[SC] EnumQueryServicesStatus:OpenService FAILED 1060' };
    expect(await statusWindows(none)).toBe(EXIT.notInstalled);
  });
});
