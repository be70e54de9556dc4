import path from 'node:path';
import type { Logger } from '../log.js';
import type { StoreFs } from './fs.js';

/**
 * Opens the store folder: tightens its permissions, and says whether it was used before (it has
 * secrets or a print queue), in which case its directory folder must be there.
 */
export async function openStoreFolder(storeDir: string, fs: StoreFs, log: Logger): Promise<{ usedBefore: boolean }> {
  await tightenStore(storeDir, fs, log);
  const usedBefore = (await exists(fs, path.join(storeDir, 'secrets.json'))) || (await exists(fs, path.join(storeDir, 'jobs')));
  return { usedBefore };
}

async function exists(fs: StoreFs, file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Client data and the API token are for the agent's user alone (POSIX): the store folder 0700,
 * secrets.json 0600. A store made by an older version is tightened, and the log says so.
 */
async function tightenStore(storeDir: string, fs: StoreFs, log: Logger): Promise<void> {
  if (process.platform === 'win32') return; // NTFS permissions come from the folder the installer chose
  for (const [file, mode] of [
    [storeDir, 0o700],
    [path.join(storeDir, 'secrets.json'), 0o600],
    [path.join(storeDir, 'secrets.json.bak'), 0o600],
  ] as const) {
    const st = await fs.stat(file).catch(() => null);
    if (!st || (st.mode & 0o777) === mode) continue;
    await fs.chmod(file, mode);
    log.info('store: a file was readable by other users; its mode is tightened', { file, was: (st.mode & 0o777).toString(8), now: mode.toString(8) });
  }
}
