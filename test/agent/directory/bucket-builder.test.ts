import { describe, expect, it } from 'vitest';
import { buildBuckets, type HashScan } from '../../../agent/directory/bucket-builder.js';
import { rankAt, rankCount } from '../../../agent/directory/packed-ranks.js';
import { createRng } from '../../fixtures/swiss-clients.js';

/** What the buckets must hold, the plain way: each hash's set of ranks, hashes ascending, ranks ascending. */
function reference(n: number, scan: HashScan): Array<[number, number[]]> {
  const byHash = new Map<number, Set<number>>();
  for (let rank = 0; rank < n; rank++) scan(rank, (h) => (byHash.get(h) ?? byHash.set(h, new Set()).get(h)!).add(rank));
  return [...byHash.entries()].sort((a, b) => a[0] - b[0]).map(([h, ranks]) => [h, [...ranks].sort((a, b) => a - b)]);
}

function unpack(b: ReturnType<typeof buildBuckets>): Array<[number, number[]]> {
  const out: Array<[number, number[]]> = [];
  for (let i = 0; i < b.bucketHashes.length; i++) {
    const ranks: number[] = [];
    for (let e = b.bucketStarts[i]!; e < b.bucketStarts[i + 1]!; e++) ranks.push(rankAt(b.ranks, e));
    out.push([b.bucketHashes[i]!, ranks]);
  }
  return out;
}

/** Each client's hashes drawn once, so both scans see the same (as the index's texts do). */
function randomScan(n: number, seed: number, perClient: (random: () => number) => number, hashOf: (random: () => number) => number): HashScan {
  const random = createRng(seed);
  const lists = Array.from({ length: n }, () => Array.from({ length: perClient(random) }, () => hashOf(random)));
  return (rank, emit) => {
    for (const h of lists[rank]!) emit(h);
  };
}

describe('buildBuckets', () => {
  it('files every client under each of its hashes once, buckets by hash, each in rank order', () => {
    const n = 20_000;
    // few distinct hashes (long buckets), repeats within a client, the extremes 0 and 2^32 - 1
    const scan = randomScan(
      n,
      7,
      (r) => Math.floor(r() * 60),
      (r) => {
        const x = r();
        return x < 0.02 ? 0 : x < 0.04 ? 0xffffffff : x < 0.5 ? Math.floor(r() * 500) : Math.floor(r() * 2 ** 32) >>> 0;
      },
    );
    const built = buildBuckets(n, scan);
    expect(unpack(built)).toEqual(reference(n, scan));
    expect(rankCount(built.ranks)).toBe(built.bucketStarts[built.bucketHashes.length]);
  });

  it('takes a client with far more hashes than its small set holds, and a table that must grow', () => {
    // client 3 files 5,000 distinct hashes (the per-client set starts at 256), every client many
    // distinct ones (the table is sized for ~8 a client and must double several times)
    const n = 400;
    const scan = randomScan(
      n,
      11,
      (r) => 200 + Math.floor(r() * 100),
      (r) => Math.floor(r() * 2 ** 32) >>> 0,
    );
    const heavy: HashScan = (rank, emit) => {
      if (rank === 3) for (let i = 0; i < 5000; i++) emit((i * 2654435761) >>> 0);
      scan(rank, emit);
      if (rank === 3) for (let i = 0; i < 5000; i++) emit((i * 2654435761) >>> 0); // all again
    };
    expect(unpack(buildBuckets(n, heavy))).toEqual(reference(n, heavy));
  });

  it('writes ranks of 65,536 and more (their third byte)', () => {
    // 70,000 clients, each in a bucket of its own and in one of 3 shared ones: ranks 65,536 and up
    // need the third byte, and the shared buckets hold ranks from 0 to 69,999 in order
    const n = 70_000;
    const scan: HashScan = (rank, emit) => {
      emit(1_000_000 + rank);
      emit(rank % 3);
    };
    const built = buildBuckets(n, scan);
    expect(unpack(built)).toEqual(reference(n, scan));
    const shared = unpack(built).find(([h]) => h === 1)!;
    expect(shared[1].at(-1)).toBe(69_997);
    expect(shared[1].filter((r) => r >= 65_536).length).toBeGreaterThan(1000);
  });

  it('gives empty buckets for no clients, or clients without hashes', () => {
    for (const n of [0, 5]) {
      const built = buildBuckets(n, () => undefined);
      expect(built.bucketHashes.length).toBe(0);
      expect([...built.bucketStarts]).toEqual([0]);
      expect(built.ranks.length).toBe(0);
    }
  });
});
