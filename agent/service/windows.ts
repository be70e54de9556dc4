import { createRequire } from 'node:module';
import { EXIT, StepFailed, type ServicePlan } from './plan.js';
import { AGENT_NODE_FLAGS } from '../node-flags.js';
import { STOP_TIMEOUT_SECONDS } from './systemd.js';
import type { System } from './system.js';

/**
 * Windows: a service registered by node-windows, which writes a WinSW configuration and WinSW's
 * executable into `<root>/dist/daemon/` and registers it with the service manager. WinSW runs
 * node-windows's wrapper, which runs the agent and restarts it when it exits.
 */

export const SERVICE_NAME = 'Shop agent';
/** node-windows's id: the name without spaces, lower case, plus .exe; the name `sc query` knows. */
export const SERVICE_ID = 'shopagent.exe';

/** What node-windows's `Service` is given (its options, as its daemon.js reads them). */
export interface WindowsServiceOptions {
  name: string;
  description: string;
  script: string;
  execPath: string;
  nodeOptions: string[];
  env: Array<{ name: string; value: string }>;
  workingDirectory: string;
  wait: number;
  grow: number;
  maxRestarts: number;
  stopparentfirst: boolean;
  stoptimeout: number;
}

export function windowsServiceOptions(plan: ServicePlan): WindowsServiceOptions {
  return {
    name: SERVICE_NAME,
    description: `Shop agent: receipt printers, barcode scanners, client directory (${plan.root})`,
    script: plan.mainScript,
    execPath: plan.nodePath,
    nodeOptions: [...AGENT_NODE_FLAGS], // the wrapper's fork() passes its own options on to the agent
    // The config goes in the environment, not as an argument: node-windows splits the script's
    // arguments at spaces, and Windows paths have spaces ("C:\Program Files\…").
    env: [
      { name: 'AGENT_CONFIG', value: plan.configFile },
      { name: 'NODE_ENV', value: 'production' },
    ],
    workingDirectory: plan.root,
    // The wrapper restarts the agent after any exit, 5 s, then 7.5 s… later; more than 3 starts in
    // 60 s ends the service. It cannot skip exit codes 2 and 3 (its abortOnError never takes
    // effect in 1.0.0-beta.8), so an invalid config costs four quick tries, then the service stops.
    wait: 5,
    grow: 0.5,
    maxRestarts: 3,
    // WinSW sends Ctrl+C to the wrapper first, which asks the agent to stop with an IPC "shutdown"
    // message (agent/run-main.ts), and kills it after stoptimeout.
    stopparentfirst: true,
    stoptimeout: STOP_TIMEOUT_SECONDS,
  };
}

/** The part of node-windows's Service this uses. */
export interface NodeWindowsService {
  readonly exists: boolean;
  install(): void;
  uninstall(): void;
  start(): void;
  stop(): void;
  on(event: string, listener: (arg?: unknown) => void): void;
}
export type ServiceClass = new (options: WindowsServiceOptions) => NodeWindowsService;

/** node-windows's Service class (CommonJS, no types). Its entry point refuses to load anywhere but Windows. */
function windowsServiceClass(): ServiceClass {
  const { Service }: { Service: ServiceClass } = createRequire(import.meta.url)('node-windows');
  return Service;
}

/**
 * Tests elsewhere pass `node-windows/lib/daemon.js`'s export: the same class, which the entry
 * point re-exports as `Service` after its platform check.
 */
export function nodeWindowsService(options: WindowsServiceOptions, serviceClass: () => ServiceClass = windowsServiceClass): NodeWindowsService {
  return new (serviceClass())(options);
}

/** `net session` works only for an administrator: the check node-windows's isAdminUser makes, without its elevation prompt. */
async function isAdmin(sys: System): Promise<boolean> {
  return (await sys.run('net', ['session'])).code === 0;
}

function needsAdmin(sys: System, plan: ServicePlan): number {
  sys.print('a Windows service is installed and removed by an administrator: open PowerShell or a Command Prompt with');
  sys.print('"Run as administrator" (right-click) and run:');
  sys.print(`  ${plan.rerun}`);
  return EXIT.needsRoot;
}

/** node-windows answers with events, and with none at all for some failures (it only logs them): hence the time limit. */
function waitFor(svc: NodeWindowsService, done: string[], failed: string[], act: () => void, what: string, limitMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StepFailed(`node-windows did not finish ${what} within ${limitMs / 1000} s: see the Event Viewer (Application, source "${SERVICE_NAME} Monitor")`)),
      limitMs,
    );
    for (const e of done) {
      svc.on(e, () => {
        clearTimeout(timer);
        resolve(e);
      });
    }
    for (const e of failed) {
      svc.on(e, (err) => {
        clearTimeout(timer);
        reject(new StepFailed(`node-windows could not finish ${what} (${e}${err ? `: ${String(err)}` : ''})`));
      });
    }
    act();
  });
}

export async function installWindows(sys: System, plan: ServicePlan, opts: { dryRun: boolean }, make: (options: WindowsServiceOptions) => NodeWindowsService = nodeWindowsService): Promise<number> {
  const options = windowsServiceOptions(plan);
  if (opts.dryRun) {
    sys.print(`would register the Windows service "${SERVICE_NAME}" (${SERVICE_ID}) with node-windows:`);
    sys.print(JSON.stringify(options, null, 2));
    sys.print('dry run: nothing was changed');
    return EXIT.ok;
  }
  if (!(await isAdmin(sys))) return needsAdmin(sys, plan);
  const svc = make(options);
  const how = await waitFor(svc, ['install', 'alreadyinstalled'], ['invalidinstallation', 'error'], () => svc.install(), 'the install');
  if (how === 'alreadyinstalled') {
    sys.print(`already installed; to change it: npm run service -- uninstall, then install again`);
    return EXIT.ok;
  }
  await waitFor(svc, ['start'], ['error'], () => svc.start(), 'starting the service');
  sys.print(`installed and started: the Windows service "${SERVICE_NAME}" runs the agent on ${plan.configFile} at every start of the PC`);
  sys.print('  status: npm run service -- status    logs: Event Viewer (Application, source "Shop agent wrapper"), <root>\\dist\\daemon\\*.log');
  return EXIT.ok;
}

export async function uninstallWindows(sys: System, plan: ServicePlan, opts: { dryRun: boolean }, make: (options: WindowsServiceOptions) => NodeWindowsService = nodeWindowsService): Promise<number> {
  if (opts.dryRun) {
    sys.print(`would stop and remove the Windows service "${SERVICE_NAME}" (${SERVICE_ID}) and its files in dist\\daemon`);
    return EXIT.ok;
  }
  if (!(await isAdmin(sys))) return needsAdmin(sys, plan);
  const svc = make(windowsServiceOptions(plan));
  if (!svc.exists) {
    sys.print('not installed (no dist\\daemon\\shopagent.xml): nothing to do');
    return EXIT.ok;
  }
  // stopped first, so that the agent closes its store before WinSW removes the service
  await waitFor(svc, ['stop', 'alreadystopped'], ['error'], () => svc.stop(), 'stopping the service');
  await waitFor(svc, ['uninstall', 'alreadyuninstalled'], ['error'], () => svc.uninstall(), 'the uninstall');
  sys.print('uninstalled: the agent is stopped and no longer starts with the PC; the store (store.dir) is kept');
  return EXIT.ok;
}

export async function statusWindows(sys: System): Promise<number> {
  const r = await sys.run('sc', ['query', SERVICE_ID]);
  if (r.code !== 0) {
    sys.print(`not installed (sc query ${SERVICE_ID}: exit ${r.code}): npm run service -- install, as an administrator`);
    return EXIT.notInstalled;
  }
  const state = /STATE\s*:\s*\d+\s+(\w+)/.exec(r.stdout)?.[1] ?? 'UNKNOWN';
  sys.print(`installed: Windows service "${SERVICE_NAME}" (${SERVICE_ID}), state ${state}`);
  sys.print('logs: Event Viewer (Application, source "Shop agent wrapper"), and <root>\\dist\\daemon\\shopagent.out.log / .err.log');
  return state === 'RUNNING' ? EXIT.ok : EXIT.notRunning;
}
