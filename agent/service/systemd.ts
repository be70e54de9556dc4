import path from 'node:path';
import { EXIT, isInside, shellLine, StepFailed, type ServicePlan } from './plan.js';
import { AGENT_NODE_ENV, AGENT_NODE_FLAGS } from '../node-flags.js';
import type { System } from './system.js';

export const UNIT_NAME = 'shop-agent';
export const UNIT_FILE = `/etc/systemd/system/${UNIT_NAME}.service`;

/** Groups that own serial ports (dialout), USB printer nodes (lp) and, on many distributions, USB devices (plugdev). */
export const DEVICE_GROUPS = ['dialout', 'lp', 'plugdev'] as const;

/**
 * Longest clean stop, in seconds. Agent.stop() closes HTTP (idle connections cut after 2 s) while
 * the printers stop (a ticket being sent gets 1.5 s, then 0.5 s more), then stops the sync (the
 * request in flight is dropped: its edits stay in the outbox), and writes the directory's last
 * snapshot, which on a slow disk with a large directory takes a few seconds. 30 s is ten times what
 * a stop takes; a SIGKILL after it loses nothing acknowledged (the journal has every change: the
 * next start replays it), only the last snapshot.
 */
export const STOP_TIMEOUT_SECONDS = 30;

/** Exit codes of dist/main.mjs that a restart cannot fix: 2 an invalid config, 3 a damaged store (agent/main.ts). */
export const NO_RESTART_EXIT_CODES = [2, 3] as const;

/** A word of ExecStart=: `%` starts a specifier and `$` a variable, quotes keep spaces in one argument. */
function execWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

/** A path in a list of paths (ReadWritePaths=): specifiers escaped, quoted when it holds a space. */
function pathListValue(p: string): string {
  const escaped = p.replace(/%/g, '%%');
  return /\s/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

/** A setting that takes one path (WorkingDirectory=) takes it whole, spaces and all; quotes would be part of it. */
function pathValue(p: string): string {
  return p.replace(/%/g, '%%');
}

/** Folders ProtectHome= would hide or make read-only. */
const HOME_FOLDERS = ['/home', '/root', '/run/user'];

/** The unit for this install: pure, so a test can check it and `systemd-analyze verify` it. */
export function unitFile(plan: ServicePlan, groups: readonly string[]): string {
  const used = [plan.nodePath, plan.mainScript, plan.root, plan.configFile, plan.storeDir];
  const underHome = used.filter((p) => HOME_FOLDERS.some((h) => isInside(p, h)));
  const exec = [plan.nodePath, ...AGENT_NODE_FLAGS, plan.mainScript, '--config', plan.configFile].map(execWord).join(' ');
  return [
    `# Written by \`npm run service -- install\` for the install in ${plan.root}.`,
    '# Rewritten by the next install; removed by `npm run service -- uninstall`. See docs/service.md.',
    '[Unit]',
    'Description=Shop agent: receipt printers, barcode scanners, client directory',
    `Documentation=file://${encodeURI(path.join(plan.root, 'docs', 'service.md')).replace(/%/g, '%%')}`,
    // a cloud sync works better once the network is up; the agent starts (and retries) without it
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${plan.user}`,
    `Group=${plan.user}`,
    ...(groups.length ? [`SupplementaryGroups=${groups.join(' ')}`] : []),
    `WorkingDirectory=${pathValue(plan.root)}`,
    'Environment=NODE_ENV=production',
    '# what glibc reads as the agent starts (agent/node-flags.ts): large blocks given back to the system when freed',
    ...Object.entries(AGENT_NODE_ENV).map(([name, value]) => `Environment=${name}=${value.replace(/%/g, '%%')}`),
    '# Node options (agent/node-flags.ts): source maps for the log; a young generation of at most 8 MB (a first pull peaks ~15 MB lower, a directory of a million starts ~1 s slower)',
    `ExecStart=${exec}`,
    'Restart=on-failure',
    'RestartSec=5',
    `# ${NO_RESTART_EXIT_CODES[0]}: invalid config, ${NO_RESTART_EXIT_CODES[1]}: store damaged; restarting cannot help (the journal says what to fix)`,
    `RestartPreventExitStatus=${NO_RESTART_EXIT_CODES.join(' ')}`,
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${STOP_TIMEOUT_SECONDS}s`,
    'SyslogIdentifier=shop-agent',
    'UMask=0027',
    // Hardening that leaves /dev alone (serial ports, USB printers and scanners) and the store writable.
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${pathListValue(plan.storeDir)}`,
    'PrivateTmp=yes',
    ...(underHome.length
      ? [`# ProtectHome= is left out: this install uses ${underHome.join(', ')}, which it would hide`]
      : ['ProtectHome=yes']),
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'LockPersonality=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export interface Options {
  dryRun: boolean;
}

/** Runs a command that changes the machine, or says it would. */
async function change(sys: System, { dryRun }: Options, command: string, args: readonly string[]): Promise<void> {
  sys.print(`${dryRun ? 'would run' : 'running'}: ${shellLine(command, args)}`);
  if (dryRun) return;
  const r = await sys.run(command, args);
  if (r.code !== 0) throw new StepFailed(`${shellLine(command, args)} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim() || 'no message'}`);
}

function needsRoot(sys: System, plan: ServicePlan | null, what: string, rerun: string): number {
  sys.print(`${what} changes the system (a system user, /etc/systemd/system): run it as root:`);
  sys.print(`  sudo ${rerun}`);
  if (plan) sys.print('(or add --dry-run to see the unit and the commands without changing anything)');
  return EXIT.needsRoot;
}

/** Why the service user cannot reach a file, and how to fix it. */
async function checkAccess(sys: System, plan: ServicePlan, opts: Options): Promise<void> {
  const checks: Array<[flag: string, file: string, what: string]> = [
    ['-x', plan.nodePath, 'run Node'],
    ['-r', plan.mainScript, 'read the agent'],
    ['-r', plan.configFile, 'read the config'],
    ['-w', plan.storeDir, 'write the store'],
  ];
  for (const [flag, file, what] of checks) {
    const args = ['-u', plan.user, '--', 'test', flag, file];
    if (opts.dryRun) {
      sys.print(`would check: ${shellLine('runuser', args)}`);
      continue;
    }
    const r = await sys.run('runuser', args);
    if (r.code === 0) continue;
    const folders: string[] = [];
    for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const mode = await sys.mode(dir);
      if (mode !== null && (mode & 0o001) === 0) folders.push(dir);
    }
    throw new StepFailed(
      `the user ${plan.user} cannot ${what} (${file})` +
        (folders.length
          ? `: ${folders.join(', ')} ${folders.length > 1 ? 'are' : 'is'} closed to other users. Install under /opt (e.g. /opt/shop-agent), or open ${folders.length > 1 ? 'them' : 'it'}: chmod o+x ${folders.join(' ')}`
          : `: give it access (chmod o+r ${file}, or chgrp ${plan.user} ${file} && chmod g+r ${file})`),
    );
  }
}

export async function installLinux(sys: System, plan: ServicePlan, opts: Options): Promise<number> {
  if (!opts.dryRun && !sys.isRoot()) return needsRoot(sys, plan, 'install', plan.rerun);
  const hadUnit = await sys.exists(UNIT_FILE);

  if ((await sys.run('id', ['-u', plan.user])).code !== 0) {
    await change(sys, opts, 'useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', plan.storeDir, '--shell', '/usr/sbin/nologin', '--comment', 'Shop agent', plan.user]);
  } else {
    sys.print(`user ${plan.user}: already there`);
  }
  const groups: string[] = [];
  for (const group of DEVICE_GROUPS) if ((await sys.run('getent', ['group', group])).code === 0) groups.push(group);
  if (groups.length) await change(sys, opts, 'usermod', ['--append', '--groups', groups.join(','), plan.user]);

  if (opts.dryRun) sys.print(`would create: ${plan.storeDir}`);
  else await sys.mkdir(plan.storeDir);
  // `user:` is the user and its login group
  await change(sys, opts, 'chown', ['-R', `${plan.user}:`, plan.storeDir]);
  await checkAccess(sys, plan, opts);

  const unit = unitFile(plan, groups);
  if (opts.dryRun) {
    sys.print(`would write ${UNIT_FILE}:`);
    for (const line of unit.trimEnd().split('\n')) sys.print(`  ${line}`);
  } else {
    sys.print(`writing ${UNIT_FILE}`);
    await sys.writeFile(UNIT_FILE, unit, 0o644);
  }
  await change(sys, opts, 'systemctl', ['daemon-reload']);
  await change(sys, opts, 'systemctl', ['enable', '--now', UNIT_NAME]);
  // a running agent keeps its old unit until restarted; a stopped one was just started by enable --now
  if (hadUnit) await change(sys, opts, 'systemctl', ['try-restart', UNIT_NAME]);

  if (opts.dryRun) {
    sys.print('dry run: nothing was changed');
  } else {
    sys.print(`installed: the agent runs as ${plan.user} now and at every start of the PC, on ${plan.configFile}`);
    sys.print(`  status: npm run service -- status    logs: journalctl -u ${UNIT_NAME} -f`);
  }
  return EXIT.ok;
}

export async function uninstallLinux(sys: System, opts: Options & { rerun: string }): Promise<number> {
  if (!(await sys.exists(UNIT_FILE))) {
    sys.print(`not installed (no ${UNIT_FILE}): nothing to do`);
    return EXIT.ok;
  }
  if (!opts.dryRun && !sys.isRoot()) return needsRoot(sys, null, 'uninstall', opts.rerun);
  await change(sys, opts, 'systemctl', ['disable', '--now', UNIT_NAME]);
  if (opts.dryRun) sys.print(`would remove ${UNIT_FILE}`);
  else {
    sys.print(`removing ${UNIT_FILE}`);
    await sys.removeFile(UNIT_FILE);
  }
  await change(sys, opts, 'systemctl', ['daemon-reload']);
  sys.print(
    opts.dryRun
      ? 'dry run: nothing was changed'
      : `uninstalled: the agent is stopped and no longer starts with the PC. Kept: the store (store.dir) and the user ${'`'}shop-agent${'`'} (userdel shop-agent removes it).`,
  );
  return EXIT.ok;
}

/** key=value lines of `systemctl show` */
function properties(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
  );
}

const EXIT_MEANING: Record<string, string> = {
  '1': 'it could not start (port in use, another agent on the same store…)',
  '2': 'the config is invalid: fix it, then systemctl restart shop-agent',
  '3': 'the store is damaged: the log names the npm run store command that gets it going again',
};

export async function statusLinux(sys: System): Promise<number> {
  if (!(await sys.exists(UNIT_FILE))) {
    sys.print(`not installed (no ${UNIT_FILE}): sudo npm run service -- install`);
    return EXIT.notInstalled;
  }
  const show = properties((await sys.run('systemctl', ['show', UNIT_NAME, '--property=ActiveState,SubState,UnitFileState,ExecMainStatus,NRestarts'])).stdout);
  const active = show.get('ActiveState') ?? 'unknown';
  sys.print(`installed: ${UNIT_FILE} (${show.get('UnitFileState') === 'enabled' ? 'starts with the PC' : `not enabled: ${show.get('UnitFileState') ?? 'unknown'}`})`);
  sys.print(`state: ${active}${show.get('SubState') ? ` (${show.get('SubState')})` : ''}${show.get('NRestarts') && show.get('NRestarts') !== '0' ? `, restarted ${show.get('NRestarts')} times` : ''}`);
  const status = show.get('ExecMainStatus');
  if (active !== 'active' && status && status !== '0') sys.print(`last exit code ${status}: ${EXIT_MEANING[status] ?? 'see the log'}`);
  const journal = await sys.run('journalctl', ['--unit', UNIT_NAME, '--lines', '10', '--no-pager', '--quiet']);
  if (journal.code === 0 && journal.stdout.trim()) {
    sys.print('last log lines:');
    for (const line of journal.stdout.trimEnd().split('\n')) sys.print(`  ${line}`);
  }
  sys.print(`more: journalctl -u ${UNIT_NAME} -n 200 (as root or a member of adm or systemd-journal); follow with -f`);
  return active === 'active' ? EXIT.ok : EXIT.notRunning;
}
