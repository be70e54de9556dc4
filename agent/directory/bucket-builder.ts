import { collectGarbage } from '../gc.js';
import { lowerBoundU32 } from './lower-bound.js';
import { putRank, RANK_BYTES } from './packed-ranks.js';

/** The search index's base buckets: one hash per bucket, ascending; where its entries start (one more start for the end); the entries' ranks (3 bytes each). */
export interface Buckets {
  bucketHashes: Uint32Array;
  bucketStarts: Uint32Array;
  ranks: Uint8Array;
}

/** A counting table this large (a build of ~16,400 clients or more) is freed with a collection before the entries are made. */
const RELEASE_NOW_BYTES = 4 * 1024 * 1024;

/** Calls `emit` with every bucket hash of the client of name rank `rank` (a hash may come more than once). */
export type HashScan = (rank: number, emit: (hash: number) => void) => void;

/**
 * Files clients 0..n-1 (their name ranks) under their bucket hashes, each bucket in rank order,
 * each (bucket, client) once. Two scans of the clients' texts instead of one scan and a sort of
 * every (hash, rank) pair: the pairs and the sort's copy of them were 8 bytes an entry twice
 * (~83 MB at 100,000 clients, most of a first pull's peak). The first scan counts each distinct
 * hash in a table (~17 MB, gone before the entries are made), the second writes each entry once,
 * in place, in its final 3 bytes.
 */
export function buildBuckets(n: number, scan: HashScan): Buckets {
  const table = new HashCounts(n);
  const client = new ClientHashes();

  let entries = 0;
  for (let rank = 0; rank < n; rank++) {
    const k = client.of(rank, scan);
    for (let i = 0; i < k; i++) table.add(client.hashes[i]!);
    entries += k;
  }

  // Buckets in hash order, and where each starts; then the table goes, before the entries come.
  const bucketHashes = table.keys().sort();
  const bucketStarts = new Uint32Array(bucketHashes.length + 1);
  let at = 0;
  for (let b = 0; b < bucketHashes.length; b++) {
    bucketStarts[b] = at;
    at += table.countOf(bucketHashes[b]!);
  }
  bucketStarts[bucketHashes.length] = entries;
  // a typed array's memory goes only when a full collection finds it gone (~60 ms at 100,000
  // clients, a build takes ~2 s, a fold of the overlay as long, in the edit that causes it): a
  // large table goes before the entries are allocated, not after
  if (table.release() >= RELEASE_NOW_BYTES) collectGarbage();

  // A bucket is found again by the top 16 bits of its hash (which buckets have them), then a
  // binary search among those few (~13 at 100,000 clients): 256 KB instead of the table's 17 MB
  // beside the entries. Each bucket's start serves as its cursor, and is put back after.
  const byTop = new Uint32Array(65537);
  for (let b = 0; b < bucketHashes.length; b++) byTop[(bucketHashes[b]! >>> 16) + 1]!++;
  for (let t = 0; t < 65536; t++) byTop[t + 1]! += byTop[t]!;
  const ranks = new Uint8Array(entries * RANK_BYTES);
  for (let rank = 0; rank < n; rank++) {
    const k = client.of(rank, scan);
    for (let i = 0; i < k; i++) {
      const hash = client.hashes[i]!;
      const top = hash >>> 16;
      const b = lowerBoundU32(bucketHashes, hash, byTop[top]!, byTop[top + 1]!);
      putRank(ranks, bucketStarts[b]!++, rank);
    }
  }
  // each cursor stopped at the next bucket's start: one place back
  bucketStarts.copyWithin(1, 0, bucketHashes.length);
  bucketStarts[0] = 0;
  return { bucketHashes, bucketStarts, ranks };
}

/** A hash's first slot in a table of 2^(32 - shift) slots (Fibonacci hashing: its top bits after a multiply). */
const home = (hash: number, shift: number): number => Math.imul(hash, 0x9e3779b1) >>> shift;

/**
 * Open addressing from a bucket hash to a count (0: an empty slot, as every hash present counts 1
 * at least). A slot's hash and count sit side by side: one cache line per probe, as the table
 * (17 MB at 100,000 clients) is far larger than the CPU's caches and each probe misses them.
 */
class HashCounts {
  /** [hash, count] per slot. */
  private slots: Uint32Array;
  private shift: number;
  private size = 0;

  constructor(clients: number) {
    // ~8 distinct buckets a client in Swiss directories: a table under half full without regrowing
    const bits = Math.max(10, Math.ceil(Math.log2(Math.max(1, clients) * 16)));
    this.slots = new Uint32Array(2 ** (bits + 1));
    this.shift = 32 - bits;
  }

  add(hash: number): void {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = home(hash, this.shift); ; slot = (slot + 1) & mask) {
      const at = slot << 1;
      if (slots[at + 1] === 0) {
        slots[at] = hash;
        slots[at + 1] = 1;
        if (++this.size * 10 > (slots.length >>> 1) * 7) this.grow();
        return;
      }
      if (slots[at] === hash) {
        slots[at + 1]!++;
        return;
      }
    }
  }

  /** The count of a hash that was added. */
  countOf(hash: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let slot = home(hash, this.shift);
    while (slots[slot << 1] !== hash || slots[(slot << 1) + 1] === 0) slot = (slot + 1) & mask;
    return slots[(slot << 1) + 1]!;
  }

  /** Lets go of the table's memory (the builder's variable still holds this object); returns its size in bytes. */
  release(): number {
    const bytes = this.slots.byteLength;
    this.slots = new Uint32Array(0);
    return bytes;
  }

  keys(): Uint32Array {
    const out = new Uint32Array(this.size);
    for (let at = 0, i = 0; at < this.slots.length; at += 2) if (this.slots[at + 1] !== 0) out[i++] = this.slots[at]!;
    return out;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.shift--;
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at + 1] === 0) continue;
      let slot = home(old[at]!, this.shift);
      while (slots[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = old[at]!;
      slots[(slot << 1) + 1] = old[at + 1]!;
    }
  }
}

/** One client's distinct hashes, through a small set whose slots are stamped with the scan they were set in (never cleared). */
class ClientHashes {
  hashes = new Uint32Array(64);
  private count = 0;
  private seenKeys = new Uint32Array(256);
  private seenStamps = new Int32Array(256).fill(-1);
  private seenShift = 24;
  private stamp = -1;
  private readonly emit = (hash: number): void => {
    if (!this.firstTime(hash)) return;
    if (this.count === this.hashes.length) {
      const more = new Uint32Array(this.hashes.length * 2);
      more.set(this.hashes);
      this.hashes = more;
    }
    this.hashes[this.count++] = hash;
  };

  /** Scans client `rank`; its distinct hashes are then `hashes[0 .. returned count)`. */
  of(rank: number, scan: HashScan): number {
    this.count = 0;
    this.stamp++; // a new scan of each client each pass: a rank would find its slots of the first pass set
    scan(rank, this.emit);
    return this.count;
  }

  private firstTime(hash: number): boolean {
    // kept at most half full, so a probe ends at an empty (or stale) slot
    if (this.count * 2 >= this.seenKeys.length) this.growSeen();
    const mask = this.seenKeys.length - 1;
    for (let slot = home(hash, this.seenShift); ; slot = (slot + 1) & mask) {
      if (this.seenStamps[slot] !== this.stamp) {
        this.seenStamps[slot] = this.stamp;
        this.seenKeys[slot] = hash;
        return true;
      }
      if (this.seenKeys[slot] === hash) return false;
    }
  }

  /** A client with more hashes than the set holds: a larger set, refilled with this client's. */
  private growSeen(): void {
    this.seenKeys = new Uint32Array(this.seenKeys.length * 2);
    this.seenStamps = new Int32Array(this.seenKeys.length).fill(-1);
    this.seenShift--;
    const mask = this.seenKeys.length - 1;
    for (let i = 0; i < this.count; i++) {
      const hash = this.hashes[i]!;
      let slot = home(hash, this.seenShift);
      while (this.seenStamps[slot] === this.stamp) slot = (slot + 1) & mask;
      this.seenStamps[slot] = this.stamp;
      this.seenKeys[slot] = hash;
    }
  }
}
