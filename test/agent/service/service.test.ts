import { execFile, fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_NODE_ENV } from '../../../agent/node-flags.js';
import { PRINT_TIMINGS } from '../../../agent/printing/printers.js';
import { serviceCli, type CliContext } from '../../../agent/service-cli.js';
import { EXIT, type ServicePlan } from '../../../agent/service/plan.js';
import { installLinux, statusLinux, STOP_TIMEOUT_SECONDS, UNIT_FILE, uninstallLinux, unitFile } from '../../../agent/service/systemd.js';
import type { RunResult, System } from '../../../agent/service/system.js';
import { systemdAnalyze } from '../../helpers/systemd.js';
import { tempDir } from '../../helpers/config.js';
import { ROOT, writeConfig } from '../../helpers/process.js';

/** A machine that records what is done to it, and answers commands from a table. */
class FakeSystem implements System {
  readonly done: string[] = [];
  readonly out: string[] = [];
  readonly files = new Map<string, { text: string; mode: number }>();
  readonly modes = new Map<string, number>();
  root = true;
  /** `command args…` (or its start) → answer; unlisted commands succeed silently */
  answers: Array<[prefix: string, answer: Partial<RunResult>]> = [];

  constructor(readonly platform: NodeJS.Platform = 'linux') {}

  isRoot(): boolean {
    return this.root;
  }
  async run(command: string, args: readonly string[]): Promise<RunResult> {
    const line = [command, ...args].join(' ');
    this.done.push(line);
    const answer = this.answers.find(([prefix]) => line.startsWith(prefix))?.[1] ?? {};
    return { code: 0, stdout: '', stderr: '', ...answer };
  }
  async exists(file: string): Promise<boolean> {
    return this.files.has(file);
  }
  async writeFile(file: string, text: string, mode: number): Promise<void> {
    this.done.push(`write ${file}`);
    this.files.set(file, { text, mode });
  }
  async removeFile(file: string): Promise<void> {
    this.done.push(`remove ${file}`);
    this.files.delete(file);
  }
  async mkdir(dir: string): Promise<void> {
    this.done.push(`mkdir ${dir}`);
  }
  async mode(file: string): Promise<number | null> {
    return this.modes.get(file) ?? 0o755;
  }
  print(line: string): void {
    this.out.push(line);
  }
  output(): string {
    return this.out.join('\n');
  }
}

function plan(over: Partial<ServicePlan> = {}): ServicePlan {
  return {
    nodePath: '/opt/shop-agent/runtime/node',
    mainScript: '/opt/shop-agent/dist/main.mjs',
    root: '/opt/shop-agent',
    configFile: '/etc/shop-agent/agent.config.json',
    storeDir: '/var/lib/shop-agent',
    user: 'shop-agent',
    rerun: '/opt/shop-agent/runtime/node /opt/shop-agent/dist/service.mjs install --config /etc/shop-agent/agent.config.json',
    ...over,
  };
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}


describe('the systemd unit', () => {
  it('passes systemd-analyze verify, for this install and for paths with a space and a %', async () => {
    const dir = tempDir('service-unit-');
    const plain = plan({ nodePath: process.execPath, mainScript: path.join(ROOT, 'dist', 'main.mjs'), root: ROOT, configFile: path.join(ROOT, 'agent.config.json'), storeDir: path.join(dir, 'data') });
    // an install unpacked in an awkward folder: ExecStart's binary must be found there, so the quoting is checked
    const odd = path.join(dir, '50% off shop');
    mkdirSync(path.join(odd, 'runtime'), { recursive: true });
    mkdirSync(path.join(odd, 'dist'));
    symlinkSync(process.execPath, path.join(odd, 'runtime', 'node'));
    copyFileSync(path.join(ROOT, 'dist', 'main.mjs'), path.join(odd, 'dist', 'main.mjs'));
    const awkward = plan({ nodePath: path.join(odd, 'runtime', 'node'), mainScript: path.join(odd, 'dist', 'main.mjs'), root: odd, configFile: path.join(odd, 'agent.config.json'), storeDir: path.join(odd, 'data') });
    for (const [name, p] of [['plain', plain], ['awkward', awkward]] as const) {
      const file = path.join(dir, name, 'shop-agent.service');
      mkdirSync(path.dirname(file));
      writeConfig(path.dirname(file), {});
      writeFileSync(file, unitFile(p, ['dialout', 'lp']));
      const verified = await run(systemdAnalyze(), ['verify', file]);
      // verify exits 0 on a setting it ignores, with a warning: none is allowed
      expect({ name, code: verified.code, stderr: verified.stderr.trim() }).toEqual({ name, code: 0, stderr: '' });
    }
  });

  it('restarts on failure but not on exit 2 (invalid config) or 3 (damaged store), and waits longer than a stop takes', () => {
    const unit = unitFile(plan(), ['dialout']);
    const lines = unit.split('\n');
    expect(lines).toContain('Restart=on-failure');
    expect(lines).toContain('RestartPreventExitStatus=2 3');
    expect(lines).toContain('KillSignal=SIGTERM');
    expect(lines).toContain(`TimeoutStopSec=${STOP_TIMEOUT_SECONDS}s`);
    // Agent.stop: HTTP connections cut after 2 s while printers get their grace and 0.5 s more
    expect(STOP_TIMEOUT_SECONDS * 1000).toBeGreaterThan(5 * Math.max(2_000, PRINT_TIMINGS.stopGraceMs + 500));
    expect(lines).toContain('ExecStart=/opt/shop-agent/runtime/node --enable-source-maps --max-semi-space-size=8 /opt/shop-agent/dist/main.mjs --config /etc/shop-agent/agent.config.json');
    expect(lines).toContain('WorkingDirectory=/opt/shop-agent');
    // the environment every other way of starting it uses (glibc reads it before Node runs)
    for (const [name, value] of Object.entries(AGENT_NODE_ENV)) expect(lines).toContain(`Environment=${name}=${value}`);
    expect(lines).toContain('User=shop-agent');
    expect(lines).toContain('SupplementaryGroups=dialout');
  });

  it('keeps /dev open and only the store writable; ProtectHome only when nothing it uses is under /home', () => {
    const opt = unitFile(plan(), []).split('\n');
    expect(opt).toContain('ProtectSystem=strict');
    expect(opt).toContain('ReadWritePaths=/var/lib/shop-agent');
    expect(opt).toContain('ProtectHome=yes');
    expect(opt).toContain('NoNewPrivileges=yes');
    expect(opt.filter((l) => /^(PrivateDevices|DevicePolicy|DeviceAllow|MemoryDenyWriteExecute)=/.test(l))).toEqual([]);
    expect(opt.some((l) => l.startsWith('SupplementaryGroups='))).toBe(false);

    const home = unitFile(plan({ root: '/home/alice/shop-agent', mainScript: '/home/alice/shop-agent/dist/main.mjs', storeDir: '/home/alice/shop-agent/data' }), []).split('\n');
    expect(home.some((l) => l.startsWith('ProtectHome='))).toBe(false);
    expect(home).toContain('ReadWritePaths=/home/alice/shop-agent/data');
  });
});

describe('install, uninstall, status on Linux', () => {
  it('install makes the user, adds it to the device groups that exist, gives it the store, writes the unit, enables and starts it', async () => {
    const sys = new FakeSystem();
    sys.answers = [['id -u shop-agent', { code: 1 }], ['getent group plugdev', { code: 2 }]];
    expect(await installLinux(sys, plan(), { dryRun: false })).toBe(EXIT.ok);
    expect(sys.done).toEqual([
      'id -u shop-agent',
      'useradd --system --user-group --no-create-home --home-dir /var/lib/shop-agent --shell /usr/sbin/nologin --comment Shop agent shop-agent',
      'getent group dialout',
      'getent group lp',
      'getent group plugdev',
      'usermod --append --groups dialout,lp shop-agent',
      'mkdir /var/lib/shop-agent',
      'chown -R shop-agent: /var/lib/shop-agent',
      'runuser -u shop-agent -- test -x /opt/shop-agent/runtime/node',
      'runuser -u shop-agent -- test -r /opt/shop-agent/dist/main.mjs',
      'runuser -u shop-agent -- test -r /etc/shop-agent/agent.config.json',
      'runuser -u shop-agent -- test -w /var/lib/shop-agent',
      `write ${UNIT_FILE}`,
      'systemctl daemon-reload',
      'systemctl enable --now shop-agent',
    ]);
    expect(sys.files.get(UNIT_FILE)).toEqual({ text: unitFile(plan(), ['dialout', 'lp']), mode: 0o644 });
  });

  it('installing again keeps the user and restarts a running agent on the new unit', async () => {
    const sys = new FakeSystem();
    sys.files.set(UNIT_FILE, { text: 'old', mode: 0o644 });
    expect(await installLinux(sys, plan(), { dryRun: false })).toBe(EXIT.ok);
    expect(sys.done.filter((l) => l.startsWith('useradd'))).toEqual([]);
    expect(sys.done.slice(-3)).toEqual(['systemctl daemon-reload', 'systemctl enable --now shop-agent', 'systemctl try-restart shop-agent']);
    expect(sys.files.get(UNIT_FILE)?.text).toBe(unitFile(plan(), ['dialout', 'lp', 'plugdev']));
  });

  it('stops at a folder the user cannot pass, names it and writes no unit', async () => {
    const sys = new FakeSystem();
    const p = plan({ root: '/home/alice/shop', mainScript: '/home/alice/shop/dist/main.mjs' });
    sys.answers = [['runuser -u shop-agent -- test -r /home/alice/shop/dist/main.mjs', { code: 1 }]];
    sys.modes.set('/home/alice', 0o700);
    await expect(installLinux(sys, p, { dryRun: false })).rejects.toThrow(
      'the user shop-agent cannot read the agent (/home/alice/shop/dist/main.mjs): /home/alice is closed to other users. Install under /opt (e.g. /opt/shop-agent), or open it: chmod o+x /home/alice',
    );
    expect(sys.files.has(UNIT_FILE)).toBe(false);
    expect(sys.done.some((l) => l.startsWith('systemctl'))).toBe(false);
  });

  it('a dry run runs only questions, prints the unit and every command, and changes nothing, without root', async () => {
    const sys = new FakeSystem();
    sys.root = false;
    sys.answers = [['id -u shop-agent', { code: 1 }]];
    expect(await installLinux(sys, plan(), { dryRun: true })).toBe(EXIT.ok);
    expect(sys.done).toEqual(['id -u shop-agent', 'getent group dialout', 'getent group lp', 'getent group plugdev']);
    expect(sys.files.size).toBe(0);
    expect(sys.out).toContain('would run: systemctl enable --now shop-agent');
    expect(sys.out).toContain("would run: useradd --system --user-group --no-create-home --home-dir /var/lib/shop-agent --shell /usr/sbin/nologin --comment 'Shop agent' shop-agent");
    expect(sys.out).toContain('  RestartPreventExitStatus=2 3');
  });

  it('uninstall disables and stops it, removes the unit, reloads systemd, and keeps the user and the store', async () => {
    const sys = new FakeSystem();
    sys.files.set(UNIT_FILE, { text: 'x', mode: 0o644 });
    expect(await uninstallLinux(sys, { dryRun: false, rerun: 'x' })).toBe(EXIT.ok);
    expect(sys.done).toEqual(['systemctl disable --now shop-agent', `remove ${UNIT_FILE}`, 'systemctl daemon-reload']);
    expect(sys.output()).toMatch(/Kept: the store \(store\.dir\) and the user `shop-agent`/);

    const again = new FakeSystem();
    expect(await uninstallLinux(again, { dryRun: false, rerun: 'x' })).toBe(EXIT.ok);
    expect(again.done).toEqual([]);
    expect(again.output()).toMatch(/not installed/);
  });

  it('a failing step stops the install there, with the command and its message, exit 1', async () => {
    const sys = new FakeSystem();
    sys.answers = [['systemctl enable', { code: 1, stderr: 'Failed to enable unit: Access denied\n' }]];
    const ctx = cliContext(sys);
    expect(await serviceCli(['install', '--config', ctx.configFile], ctx)).toBe(EXIT.failed);
    expect(sys.done.at(-1)).toBe('systemctl enable --now shop-agent');
    expect(sys.output()).toContain('install stopped: systemctl enable --now shop-agent failed (exit 1): Failed to enable unit: Access denied');
  });

  it('status: not installed (5), running (0) with the last log lines, stopped on an invalid config (3) saying so', async () => {
    const none = new FakeSystem();
    expect(await statusLinux(none)).toBe(EXIT.notInstalled);
    expect(none.output()).toContain('not installed');

    const up = new FakeSystem();
    up.files.set(UNIT_FILE, { text: 'x', mode: 0o644 });
    up.answers = [
      ['systemctl show', { stdout: 'ActiveState=active\nSubState=running\nUnitFileState=enabled\nExecMainStatus=0\nNRestarts=0\n' }],
      ['journalctl', { stdout: 'Dec 04 14:00:00 till shop-agent[42]: info  agent listening url=http://127.0.0.1:8410 version=0.1.0\n' }],
    ];
    expect(await statusLinux(up)).toBe(EXIT.ok);
    expect(up.out).toContain('state: active (running)');
    expect(up.out).toContain('  Dec 04 14:00:00 till shop-agent[42]: info  agent listening url=http://127.0.0.1:8410 version=0.1.0');
    expect(up.output()).toContain('journalctl -u shop-agent');

    const down = new FakeSystem();
    down.files.set(UNIT_FILE, { text: 'x', mode: 0o644 });
    down.answers = [['systemctl show', { stdout: 'ActiveState=failed\nSubState=failed\nUnitFileState=enabled\nExecMainStatus=2\nNRestarts=0\n' }]];
    expect(await statusLinux(down)).toBe(EXIT.notRunning);
    expect(down.out).toContain('last exit code 2: the config is invalid: fix it, then systemctl restart shop-agent');
  });
});

function cliContext(sys: System): CliContext & { configFile: string } {
  const dir = tempDir('service-cli-');
  const configFile = writeConfig(dir, { store: { dir: './store' } });
  return { sys, env: {}, cwd: dir, mainScript: path.join(ROOT, 'dist', 'main.mjs'), nodePath: process.execPath, selfScript: path.join(ROOT, 'dist', 'service.mjs'), configFile };
}

describe('the command line', () => {
  it('without root, install says to re-run it with sudo, with the exact command, and changes nothing (exit 4)', async () => {
    const sys = new FakeSystem();
    sys.root = false;
    const ctx = cliContext(sys);
    expect(await serviceCli(['install', '--config', 'agent.config.json'], ctx)).toBe(EXIT.needsRoot);
    expect(sys.out).toContain(`  sudo ${process.execPath} ${path.join(ROOT, 'dist', 'service.mjs')} install --config ${ctx.configFile}`);
    expect(sys.done).toEqual([]);
  });

  it('without root, uninstall of an installed service says how to run it as root (exit 4)', async () => {
    const sys = new FakeSystem();
    sys.root = false;
    sys.files.set(UNIT_FILE, { text: 'x', mode: 0o644 });
    const ctx = cliContext(sys);
    expect(await serviceCli(['uninstall'], ctx)).toBe(EXIT.needsRoot);
    expect(sys.out).toContain(`  sudo ${process.execPath} ${path.join(ROOT, 'dist', 'service.mjs')} uninstall --config ${ctx.configFile}`);
    expect(sys.done).toEqual([]);
    expect(sys.files.has(UNIT_FILE)).toBe(true);
  });

  it('the service runs on the config given, as an absolute path, with its store', async () => {
    const sys = new FakeSystem();
    const ctx = cliContext(sys);
    expect(await serviceCli(['install', '--config', 'agent.config.json', '--user', 'till'], ctx)).toBe(EXIT.ok);
    const unit = sys.files.get(UNIT_FILE)?.text ?? '';
    expect(unit).toContain(`--config ${ctx.configFile}\n`);
    expect(unit).toContain(`ReadWritePaths=${path.join(ctx.cwd, 'store')}\n`);
    expect(unit).toContain('User=till\n');
    expect(unit).toContain(`WorkingDirectory=${ROOT.replace(/\/$/, '')}\n`);
  });

  it('an invalid config stops the install before anything is done (exit 2, what to fix)', async () => {
    const sys = new FakeSystem();
    const ctx = cliContext(sys);
    const bad = writeConfig(tempDir(), { http: { port: 70000 } });
    expect(await serviceCli(['install', '--config', bad], ctx)).toBe(EXIT.usage);
    expect(sys.output()).toContain('http.port');
    expect(sys.done).toEqual([]);
  });

  it('an unknown command, none, an unknown option or a bad user name print the usage (exit 2)', async () => {
    for (const args of [['start'], [], ['install', '--force'], ['status', 'now'], ['install', '--user', 'Bad User']]) {
      const sys = new FakeSystem();
      expect({ args, code: await serviceCli(args, cliContext(sys)) }).toEqual({ args, code: EXIT.usage });
      expect(sys.done).toEqual([]);
    }
  });

  it('the built command prints the usage for an unknown command, and a dry run on its own install', async () => {
    const bogus = await run(process.execPath, [path.join(ROOT, 'dist', 'service.mjs'), 'restart']);
    expect(bogus.code).toBe(2);
    expect(bogus.stdout).toContain('unknown command: restart');
    expect(bogus.stdout).toContain('usage: npm run service -- install|uninstall|status');

    const configFile = writeConfig(tempDir(), {});
    const dry = await run(process.execPath, [path.join(ROOT, 'dist', 'service.mjs'), 'install', '--dry-run', '--config', configFile]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`  ExecStart=${process.execPath} --enable-source-maps --max-semi-space-size=8 ${path.join(ROOT, 'dist', 'main.mjs')} --config ${configFile}`);
    expect(dry.stdout).toContain('dry run: nothing was changed');
  });
});

describe('the stop a service wrapper asks for over IPC (node-windows)', () => {
  it('a "shutdown" message stops the agent cleanly, exit 0', async () => {
    const dir = tempDir();
    const configFile = writeConfig(dir, { http: { port: 0 }, store: { dir: './data' } });
    const child = fork(path.join(ROOT, 'dist', 'main.mjs'), ['--config', configFile], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', () => /agent listening url=/.test(out) && resolve());
      void exited.then(() => reject(new Error(`the agent exited before listening:\n${out}`)));
    });
    child.send('shutdown');
    expect(await exited).toBe(0);
    expect(out).toContain('agent stopping signal="shutdown message"');
    expect(out).toContain('every change is on disk');
    expect(readFileSync(path.join(dir, 'data', 'secrets.json'), 'utf8')).toContain('apiToken');
  });
});
