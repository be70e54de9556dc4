import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, configPathFrom, loadConfigFile } from './config.js';
import { runMain } from './run-main.js';
import { DEFAULT_USER, EXIT, StepFailed, shellLine, type ServicePlan } from './service/plan.js';
import { installLinux, statusLinux, uninstallLinux } from './service/systemd.js';
import { realSystem, type System } from './service/system.js';
import { installWindows, statusWindows, uninstallWindows } from './service/windows.js';

/**
 * `npm run service -- install|uninstall|status [--config <file>] [--user <name>] [--dry-run]`:
 * starts the agent with the PC (systemd on Linux, a Windows service through node-windows).
 * Exit codes: see EXIT in agent/service/plan.ts and docs/service.md.
 */

export const USAGE = `usage: npm run service -- install|uninstall|status [--config <file>] [--user <name>] [--dry-run]
  install     start the agent with the PC, now and at every boot (Linux: as root; Windows: as an administrator)
  uninstall   stop it and no longer start it with the PC (the store and the user are kept)
  status      installed? running? the last log lines
  --config    the config the service runs on (default ./agent.config.json, or AGENT_CONFIG)
  --user      Linux: the system user the agent runs as (default ${DEFAULT_USER}; made if missing)
  --dry-run   print what install or uninstall would write and run, and change nothing`;

export interface CliContext {
  sys: System;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** where main.mjs is: beside this script once bundled into dist/ */
  mainScript: string;
  nodePath: string;
  /** the script being run, for the command that re-runs it as root */
  selfScript: string;
}

export async function serviceCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: 'string' }, user: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    });
  } catch (err) {
    ctx.sys.print(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...extra] = parsed.positionals;
  if (!command || !['install', 'uninstall', 'status'].includes(command) || extra.length) {
    ctx.sys.print(`${command ? `unknown command: ${[command, ...extra].join(' ')}\n` : ''}${USAGE}`);
    return EXIT.usage;
  }
  const user = parsed.values.user ?? DEFAULT_USER;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    ctx.sys.print(`--user ${user}: a system user name is lower-case letters, digits, _ and -, starting with a letter or _`);
    return EXIT.usage;
  }
  const dryRun = parsed.values['dry-run'] ?? false;
  const windows = ctx.sys.platform === 'win32';
  if (ctx.sys.platform !== 'linux' && !windows) {
    ctx.sys.print(`npm run service knows Linux (systemd) and Windows; on ${ctx.sys.platform}, start "${ctx.nodePath} ${ctx.mainScript} --config <file>" with the system's own service manager`);
    return EXIT.failed;
  }
  if (command === 'status') return windows ? statusWindows(ctx.sys) : statusLinux(ctx.sys);

  let plan: ServicePlan;
  try {
    plan = makePlan(parsed.values.config, user, dryRun, command, ctx);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StepFailed) {
      ctx.sys.print(err.message);
      return err instanceof ConfigError ? EXIT.usage : EXIT.failed;
    }
    throw err;
  }
  try {
    if (command === 'install') return windows ? await installWindows(ctx.sys, plan, { dryRun }) : await installLinux(ctx.sys, plan, { dryRun });
    return windows ? await uninstallWindows(ctx.sys, plan, { dryRun }) : await uninstallLinux(ctx.sys, { dryRun, rerun: plan.rerun });
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    ctx.sys.print(`${command} stopped: ${err.message}`);
    ctx.sys.print(`nothing after that step was done; fix it and run the same command again (it is safe to repeat)`);
    return EXIT.failed;
  }
}

/** The absolute paths the service uses; install checks the config as a start would (exit 2 if invalid). */
function makePlan(configArg: string | undefined, user: string, dryRun: boolean, command: string, ctx: CliContext): ServicePlan {
  const configFile = path.resolve(ctx.cwd, configArg ?? configPathFrom([], ctx.env));
  const mainScript = path.resolve(ctx.mainScript);
  if (command === 'install' && !existsSync(mainScript)) throw new StepFailed(`${mainScript} is missing: build it first (npm run build; npm run service does it)`);
  // uninstall must work even when the config has gone bad since
  const storeDir = command === 'install' ? loadConfigFile(configFile).storeDir : path.join(path.dirname(configFile), 'data');
  const args = [ctx.nodePath, path.resolve(ctx.selfScript), command, '--config', configFile];
  if (user !== DEFAULT_USER) args.push('--user', user);
  if (dryRun) args.push('--dry-run');
  return {
    nodePath: ctx.nodePath,
    mainScript,
    root: path.dirname(path.dirname(mainScript)),
    configFile,
    storeDir,
    user,
    rerun: shellLine(args[0]!, args.slice(1)),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runMain(
    () =>
      serviceCli(process.argv.slice(2), {
        sys: realSystem,
        env: process.env,
        cwd: process.cwd(),
        mainScript: path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.mjs'),
        nodePath: process.execPath,
        selfScript: process.argv[1]!,
      }),
    'npm run service failed: ',
  );
}
