/**
 * The search index's bucket entries: each the rank of a client in name order, in 3 bytes
 * (little-endian) instead of an Int32Array's 4. There are ~48 entries a client, so this is
 * ~4.8 MB less at 100,000 clients and ~48 MB at a million (where the agent is held to 1.5 GB).
 * A rank fits while the index holds fewer than 2^24 clients (~16.7 million: ~24 GB of agent).
 */
export const RANK_BYTES = 3;
export const MAX_CLIENTS = 2 ** 24;

export function packRanks(ranks: Int32Array): Uint8Array {
  const p = new Uint8Array(ranks.length * RANK_BYTES);
  for (let e = 0; e < ranks.length; e++) putRank(p, e, ranks[e]!);
  return p;
}

export function putRank(p: Uint8Array, e: number, rank: number): void {
  const i = e * RANK_BYTES;
  p[i] = rank & 0xff;
  p[i + 1] = (rank >>> 8) & 0xff;
  p[i + 2] = rank >>> 16;
}

export function rankAt(p: Uint8Array, e: number): number {
  const i = e * RANK_BYTES;
  return p[i]! | (p[i + 1]! << 8) | (p[i + 2]! << 16);
}

/** Whether entries lo..hi of `p` (ranks ascending, as in a bucket) hold `rank`: a binary search. */
export function holdsRank(p: Uint8Array, lo: number, hi: number, rank: number): boolean {
  const end = hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rankAt(p, mid) < rank) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && rankAt(p, lo) === rank;
}

export const rankCount = (p: Uint8Array): number => p.length / RANK_BYTES;
