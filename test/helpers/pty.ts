import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * A real pseudo-terminal pair made by socat, as the developers' guide prescribes for serial
 * devices: the agent opens `app` as its serial port; the test plays the scanner on `dev`.
 */
export interface PtyPair {
  app: string;
  dev: string;
  /** Writes bytes as the device would send them. */
  write(data: string | Uint8Array): Promise<void>;
  /** Reads what the agent sends to the device (a printer): the callback gets each chunk. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Kills socat: both ends vanish, as when the scanner is unplugged. */
  close(): Promise<void>;
}

export async function ptyPair(dir: string, name = 'scanner'): Promise<PtyPair> {
  const app = path.join(dir, `${name}-app`);
  const dev = path.join(dir, `${name}-dev`);
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${app}`, `pty,raw,echo=0,link=${dev}`], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  while (!(existsSync(app) && existsSync(dev))) {
    if (Date.now() > deadline || socat.exitCode !== null) throw new Error('socat did not make the pty pair (is socat installed?)');
    await new Promise((r) => setTimeout(r, 10));
  }
  let handle: FileHandle | null = await open(dev, 'r+');
  let reader: ReturnType<typeof createReadStream> | null = null;
  return {
    app,
    dev,
    onData(listener) {
      reader ??= createReadStream(dev);
      reader.on('data', (d) => listener(Buffer.isBuffer(d) ? d : Buffer.from(d)));
      reader.on('error', () => undefined);
    },
    async write(data) {
      if (!handle) throw new Error('the pty pair is closed');
      await handle.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    },
    async close() {
      reader?.destroy();
      reader = null;
      await handle?.close();
      handle = null;
      if (socat.exitCode === null) {
        const exited = new Promise((r) => socat.once('exit', r));
        socat.kill('SIGTERM');
        await exited;
      }
      // socat removes its links on exit; wait until they are gone so a new pair can take the names
      const until = Date.now() + 2_000;
      while ((existsSync(app) || existsSync(dev)) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
