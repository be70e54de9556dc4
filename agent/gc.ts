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

/** Writes between two looks at the heap: reading its size costs ~1 µs, a write ~10. */
const LOOK_EVERY = 1000;
const MB = 1024 * 1024;
/**
 * Above this much live heap (a directory of ~600,000 clients or more) V8 paces itself: a forced
 * full collection stops everything while it marks (0.52–0.68 s with 1,000,000 records alone,
 * 44–78 ms with 100,000), where V8's own marks alongside on other threads.
 */
const PACE_BELOW_BYTES = 512 * MB;

/**
 * Full collections at a pace of the heap's own growth, for a long run of writes that leaves most of
 * what it allocates behind as garbage (a first pull: each page's JSON, its parse tree, the
 * records' copies). V8 would let the heap grow to about twice what lives before collecting, and
 * keep those pages; collecting once the heap holds a quarter more than the last collection left
 * (32 MB at least) kept a first pull of 100,000 clients at 207 MB instead of 257, in as much time.
 * The work stays in proportion: each collection costs what lives, and comes after a quarter of it
 * was allocated again; a large heap is left to V8 (see PACE_BELOW_BYTES).
 */
export class GarbagePace {
  private writes = 0;
  private budgetEnd: number;

  /** `heapUsed` and `collect` are V8's (tests give their own). */
  constructor(
    private readonly heapUsed: () => number = () => v8.getHeapStatistics().used_heap_size,
    private readonly collect: () => void = collectGarbage,
  ) {
    this.budgetEnd = this.next(this.heapUsed());
  }

  /** A write was made: collects when the heap is over its budget. */
  wrote(): void {
    if (++this.writes < LOOK_EVERY) return;
    this.writes = 0;
    const used = this.heapUsed();
    if (used < this.budgetEnd || used >= PACE_BELOW_BYTES) return;
    this.collect();
    this.budgetEnd = this.next(this.heapUsed());
  }

  private next(used: number): number {
    return used + Math.max(32 * MB, used / 4);
  }
}
