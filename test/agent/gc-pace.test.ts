import { describe, expect, it } from 'vitest';
import { GarbagePace } from '../../agent/gc.js';

const MB = 1024 * 1024;

/** A heap that grows by `perWrite` bytes a write and falls back to `live` at each collection. */
function fakeHeap(live: number, perWrite: number) {
  let used = live;
  let collections = 0;
  let writesAtCollections: number[] = [];
  let writes = 0;
  const pace = new GarbagePace(
    () => used,
    () => {
      collections++;
      writesAtCollections.push(writes);
      used = live;
    },
  );
  return {
    write(n: number) {
      for (let i = 0; i < n; i++) {
        writes++;
        used += perWrite;
        pace.wrote();
      }
    },
    get collections() {
      return collections;
    },
    get writesAtCollections() {
      return writesAtCollections;
    },
    setLive(bytes: number) {
      live = bytes;
    },
    reset() {
      collections = 0;
      writesAtCollections = [];
    },
  };
}

describe('GarbagePace', () => {
  it('collects once the heap holds 32 MB more than a small heap left, never before', () => {
    // 10 KB of garbage a write: 32 MB is ~3,277 writes, looked at every 1,000
    const heap = fakeHeap(20 * MB, 10 * 1024);
    heap.write(3000);
    expect(heap.collections).toBe(0);
    heap.write(1000);
    expect(heap.writesAtCollections).toEqual([4000]);
    heap.write(100_000 - 4000);
    // one every 4,000 writes (the budget counts from what the last collection left)
    expect(heap.collections).toBe(25);
  });

  it('gives a larger heap a quarter of what lives, so its collections stay in proportion to its size', () => {
    const heap = fakeHeap(320 * MB, 10 * 1024);
    heap.write(8000); // 78 MB allocated: under the budget (a quarter of 320 MB)
    expect(heap.collections).toBe(0);
    heap.write(1000);
    expect(heap.collections).toBe(1);
  });

  it('leaves a heap of 512 MB or more to V8 (a forced collection of it stops the agent for half a second)', () => {
    const heap = fakeHeap(600 * MB, 10 * 1024);
    heap.write(100_000); // ~1 GB allocated, several budgets' worth
    expect(heap.collections).toBe(0);
  });

  it('follows what lives after each collection, which grows as a pull brings records', () => {
    const heap = fakeHeap(20 * MB, 10 * 1024);
    heap.write(4000);
    expect(heap.collections).toBe(1);
    heap.setLive(400 * MB); // the next collection leaves much more: the budget grows with it (100 MB)
    heap.reset();
    heap.write(4000);
    expect(heap.collections).toBe(1);
    heap.reset();
    heap.write(9000); // 88 MB, under a quarter of 400 MB
    expect(heap.collections).toBe(0);
  });
});
