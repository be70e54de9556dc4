import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Loading the directory, or pulling it whole from the cloud, leaves ~100 MB of garbage (decoded
 * files, parse trees, build arrays) that V8 would otherwise keep resident until memory pressure:
 * one full collection right after returns it. Node exposes gc() only behind a flag; this asks V8
 * for it at run time.
 */
export function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') gc();
  } catch {
    // not available on this runtime: memory is released later, as V8 sees fit
  }
}
