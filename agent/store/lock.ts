import { promises as fs } from 'node:fs';
import path from 'node:path';
import { errorCode } from './durable-file.js';

/**
 * One agent per store folder: two agents appending to the same journal would corrupt it. The lock
 * file holds the owner's pid; a lock left by a process that no longer runs (crash, power cut) is taken over.
 */
export class StoreLock {
  private held = false;
  constructor(private readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, 'agent.lock');
  }

  async acquire(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(this.file, String(process.pid), { flag: 'wx' });
        this.held = true;
        return;
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') throw err;
      }
      const pid = Number((await fs.readFile(this.file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) && (await looksLikeAgent(pid))) {
        throw new Error(
          `another agent (pid ${pid}) is already using the store folder ${this.dir}. Stop it first, or give this one another store.dir.`,
        );
      }
      await fs.rm(this.file, { force: true });
    }
    throw new Error(`could not create the lock file ${this.file}; check the folder's permissions`);
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await fs.rm(this.file, { force: true });
  }
}

/** After a reboot the old pid may belong to another program: on Linux, check it is a Node process. */
async function looksLikeAgent(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  return cmdline === null || /node|tsx/.test(cmdline);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}
