import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { madeTempDirs } from './helpers/config.js';

// Each test file's temporary folders go once its own hooks have stopped its agents (after-hooks run
// last-registered first, so this one, registered before the file's, runs after them). A folder
// still busy (a mount a test left) stays, and says so, rather than failing the file.
afterAll(() => {
  for (const dir of madeTempDirs.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.warn(`could not remove ${dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
});
