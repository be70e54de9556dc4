import type { Client } from './schema.js';
import { digits, fold, foldGerman, hasUmlaut, isPhoneLike, phoneForms, splitWords } from './normalize.js';

/**
 * In-memory search over the client directory, fast enough for a till that searches on every
 * keystroke at 100,000 clients, and cheap to build at start.
 *
 * - Each client has one search text: its folded tokens (name words, umlauts also as ae/oe/ue,
 *   street, NPA, city, email, phone digits in two forms, reference, account number), each
 *   preceded by a separator, so "some token starts with w" is one native `includes(SEP + w)`.
 * - Clients are kept sorted by name (last name then first name, or company); `pos` is a client's
 *   place in that order.
 * - Prefix buckets map the first 1–3 characters of every token (up to 5 digits for numbers, so
 *   phone numbers spread out) to the clients having such a token, kept in name order. A query
 *   word's bucket holds every client that can match it. The narrowest bucket is walked in name
 *   order, each client checked with includes(), and the walk stops when the page is full: the
 *   cost follows the page, not the number of matches.
 * - Results are ordered by (rank, name): 0 the exact reference, 1 a name starting with the first
 *   query word, 2 the rest. Rank-1 clients are one contiguous run of the name order, so a bucket
 *   is walked twice: that run first, then the rest.
 * - Pages continue from a keyset cursor (rank, name, id), stable across inserts and deletes.
 *
 * Bucket keys are numbers packed from the characters, not strings: at 100k clients a map of
 * string tokens meant ~500k keys, seconds of build time and hundreds of MB.
 */

export interface SearchCursor {
  rank: number;
  sortKey: string;
  id: string;
}

export interface SearchPage {
  ids: string[];
  /** Where the next page starts, or null when there is nothing more. */
  after: SearchCursor | null;
}

const SEP = '\u0001';
const RANK_SPAN = 2 ** 24; // positions stay below this (16M clients)
/** Every token has bucket keys for its first 1–3 characters… */
const BASE_DEPTH = 3;
/** …and deeper ones, one character at a time, under a bucket that grew past this… */
const SPLIT_AT = 2048;
/** …down to this many characters (38^9 still packs exactly into a double). */
const MAX_DEPTH = 9;

/** Characters → 1..37 (a–z, 0–9, anything else). Never 0, so keys of different lengths differ. */
function code38(c: number): number {
  if (c >= 97 && c <= 122) return c - 96;
  if (c >= 48 && c <= 57) return c - 21;
  return 37;
}

/** The key of a token's first `depth` characters. Other characters share code 37: buckets may hold a few extra clients, which the check weeds out. */
function prefixKey(token: string, depth: number): number {
  let key = 0;
  for (let i = 0; i < depth; i++) key = key * 38 + code38(token.charCodeAt(i));
  return key;
}

/** The characters a key stands for, or null when one of them is "anything else" (code 37). */
function exactPrefix(key: number): string | null {
  let out = '';
  for (let k = key; k > 0; ) {
    const c = k % 38;
    if (c === 37) return null;
    out = String.fromCharCode(c <= 26 ? c + 96 : c + 21) + out;
    k = (k - c) / 38;
  }
  return out;
}

function keyDepth(key: number): number {
  let d = 0;
  for (let k = key; k > 0; k = Math.floor((k - 1) / 38)) d++;
  return d;
}

/** Ordinals kept in name order (by `pos`), with binary-search insert and remove. */
class OrdList {
  items: number[] = [];

  get length(): number {
    return this.items.length;
  }

  /** First index whose client's position is ≥ p. */
  lowerBound(pos: Int32Array, p: number): number {
    let lo = 0;
    let hi = this.items.length;
    const items = this.items;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pos[items[mid]!]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends, once per client; only valid while clients arrive in name order (rebuild, burst). */
  push(ord: number): void {
    if (this.items[this.items.length - 1] !== ord) this.items.push(ord);
  }

  insert(ord: number, pos: Int32Array): void {
    const at = this.lowerBound(pos, pos[ord]!);
    if (this.items[at] !== ord) this.items.splice(at, 0, ord);
  }

  remove(ord: number, pos: Int32Array): void {
    let at = this.lowerBound(pos, pos[ord]!);
    if (this.items[at] !== ord) at = this.items.indexOf(ord); // only if positions were wrong
    if (at >= 0) this.items.splice(at, 1);
  }
}

export class SearchIndex {
  private ids: Array<string | undefined> = [];
  private texts: string[] = [];
  private sortKeys: string[] = [];
  private freeOrds: number[] = [];
  private ordById = new Map<string, number>();
  private buckets = new Map<number, OrdList>();
  /** Buckets that were split one character deeper because they grew past SPLIT_AT. */
  private split = new Set<number>();
  private sorted: number[] = [];
  private pos = new Int32Array(1024);

  get size(): number {
    return this.ordById.size;
  }

  /** Builds the whole index at once (start-up, full sync): much faster than one upsert per client. */
  rebuild(clients: Iterable<Client>): void {
    const list = [...clients];
    this.ids = list.map((c) => c.id);
    this.sortKeys = list.map(sortKeyOf);
    this.texts = new Array<string>(list.length);
    this.freeOrds = [];
    this.ordById = new Map();
    this.buckets = new Map();
    this.split = new Set();
    this.ids.forEach((id, ord) => this.ordById.set(id!, ord));
    // Sort on a number made of the first characters; strings only break ties (several times faster).
    const pre = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) pre[i] = orderKey(this.sortKeys[i]!);
    this.sorted = list.map((_, i) => i).sort((x, y) => pre[x]! - pre[y]! || this.compareOrds(x, y));
    this.ensureCapacity(list.length);
    this.sorted.forEach((ord, i) => (this.pos[ord] = i));
    // In name order, so every bucket is filled already sorted; crowded buckets are split after.
    for (const ord of this.sorted) {
      for (const key of this.describe(ord, list[ord]!)) this.bucketOf(key).push(ord);
    }
    const crowded = [...this.buckets].filter(([key, b]) => b.length >= SPLIT_AT && keyDepth(key) >= BASE_DEPTH);
    for (const [key, bucket] of crowded) this.burstDeep(key, bucket);
  }

  private burstDeep(key: number, bucket: OrdList): void {
    const depth = keyDepth(key);
    if (depth >= MAX_DEPTH || this.split.has(key)) return;
    for (const [child, childBucket] of this.burst(key, depth, bucket)) {
      if (childBucket.length >= SPLIT_AT) this.burstDeep(child, childBucket);
    }
  }

  /** Bucket keys of a client, from its search text (the same keys it was added under). */
  private keysOf(ord: number): number[] {
    const keys: number[] = [];
    for (const t of this.texts[ord]!.split(SEP)) if (t) this.tokenKeys(t, keys);
    return keys;
  }

  upsert(c: Client): void {
    const existing = this.ordById.get(c.id);
    if (existing !== undefined) this.removeOrd(existing);
    const ord = this.freeOrds.pop() ?? this.ids.length;
    this.ids[ord] = c.id;
    this.ordById.set(c.id, ord);
    this.ensureCapacity(ord + 1);
    this.sortKeys[ord] = sortKeyOf(c);
    const at = this.sortedLowerBound(this.sortKeys[ord]!, c.id);
    this.sorted.splice(at, 0, ord);
    for (let i = at; i < this.sorted.length; i++) this.pos[this.sorted[i]!] = i;
    for (const key of this.describe(ord, c)) this.insertIntoBucket(key, ord);
  }

  remove(id: string): void {
    const ord = this.ordById.get(id);
    if (ord !== undefined) this.removeOrd(ord);
  }

  /**
   * Clients matching every word of `query` by prefix, best first, at most `limit`, after `after`.
   * `exactId` is the client whose reference equals the query, if any (ranked first).
   * An empty query lists everyone by name.
   */
  search(query: string, limit: number, after: SearchCursor | null = null, exactId?: string): SearchPage {
    const q = query.trim();
    if (!q) return this.list(limit, after);
    const folded = fold(q);
    const words = isPhoneLike(q) ? [digits(q)] : folded.includes('@') ? [folded] : splitWords(folded);
    if (words.length === 0) return { ids: [], after: null };
    const needles = words.map((w) => SEP + w);
    const lead = words[0]!;
    const exact = exactId === undefined ? -1 : (this.ordById.get(exactId) ?? -1);
    const threshold = after ? this.keyThreshold(after) : 0;
    const found: Array<{ key: number; ord: number }> = [];
    const want = limit + 1;

    if (exact >= 0 && threshold === 0) found.push({ key: this.pos[exact]!, ord: exact });

    let narrow: OrdList | undefined;
    for (const w of words) {
      const bucket = this.buckets.get(this.wordKey(w));
      if (!bucket) return this.page(found, limit); // this word matches nothing
      if (!narrow || bucket.length < narrow.length) narrow = bucket;
    }
    const bucket = narrow!;
    const texts = this.texts;
    const pos = this.pos;
    const items = bucket.items;
    const a = this.sortKeyLowerBound(lead);
    const b = this.sortKeyLowerBound(`${lead}\uffff`);
    const visit = (from: number, to: number, rankBase: number): void => {
      for (let i = from; i < to && found.length < want; i++) {
        const ord = items[i]!;
        if (ord === exact) continue;
        const text = texts[ord]!;
        let ok = true;
        for (const n of needles) {
          if (!text.includes(n)) {
            ok = false;
            break;
          }
        }
        if (ok) found.push({ key: rankBase + pos[ord]!, ord });
      }
    };
    // rank 1: the name starts with the first word — positions a..b
    const start1 = Math.max(a, threshold - RANK_SPAN);
    const endA = bucket.lowerBound(pos, b);
    visit(bucket.lowerBound(pos, start1), endA, RANK_SPAN);
    // rank 2: everyone else in the bucket, in name order, skipping a..b
    const start2 = Math.max(0, threshold - 2 * RANK_SPAN);
    const beginA = bucket.lowerBound(pos, a);
    visit(bucket.lowerBound(pos, start2), beginA, 2 * RANK_SPAN);
    visit(Math.max(endA, bucket.lowerBound(pos, start2)), bucket.length, 2 * RANK_SPAN);
    return this.page(found, limit);
  }

  private page(found: Array<{ key: number; ord: number }>, limit: number): SearchPage {
    const more = found.length > limit;
    const page = more ? found.slice(0, limit) : found;
    const last = page.at(-1);
    return {
      ids: page.map((e) => this.ids[e.ord]!),
      after: more && last ? this.cursorOf(last.ord, Math.floor(last.key / RANK_SPAN)) : null,
    };
  }

  private list(limit: number, after: SearchCursor | null): SearchPage {
    const start = after ? this.keyThreshold({ ...after, rank: 0 }) : 0;
    const slice = this.sorted.slice(start, start + limit + 1);
    const more = slice.length > limit;
    const page = more ? slice.slice(0, limit) : slice;
    const last = page.at(-1);
    return { ids: page.map((ord) => this.ids[ord]!), after: more && last !== undefined ? this.cursorOf(last, 0) : null };
  }

  private cursorOf(ord: number, rank: number): SearchCursor {
    return { rank, sortKey: this.sortKeys[ord]!, id: this.ids[ord]! };
  }

  /** The smallest key strictly after the cursor's (rank, name, id). */
  private keyThreshold(c: SearchCursor): number {
    let at = this.sortedLowerBound(c.sortKey, c.id);
    const there = this.sorted[at];
    if (there !== undefined && this.ids[there] === c.id) at++;
    return c.rank * RANK_SPAN + at;
  }

  /** The deepest bucket that holds every client a query word can match. */
  private wordKey(word: string): number {
    let key = 0;
    const depth = Math.min(word.length, MAX_DEPTH);
    for (let d = 1; d <= depth; d++) {
      key = key * 38 + code38(word.charCodeAt(d - 1));
      if (d >= BASE_DEPTH && !this.split.has(key)) break;
    }
    return key;
  }

  /** The keys of a token: its first 1–3 characters, then deeper while the bucket above was split. */
  private tokenKeys(token: string, into: number[]): void {
    let key = 0;
    const depth = Math.min(token.length, MAX_DEPTH);
    for (let d = 1; d <= depth; d++) {
      key = key * 38 + code38(token.charCodeAt(d - 1));
      into.push(key); // duplicates are harmless: a bucket holds a client once
      if (d >= BASE_DEPTH && !this.split.has(key)) break;
    }
  }

  private bucketOf(key: number): OrdList {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new OrdList();
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private insertIntoBucket(key: number, ord: number): void {
    const bucket = this.bucketOf(key);
    bucket.insert(ord, this.pos);
    if (bucket.length >= SPLIT_AT && !this.split.has(key)) {
      const depth = keyDepth(key);
      if (depth >= BASE_DEPTH && depth < MAX_DEPTH) this.burst(key, depth, bucket);
    }
  }

  /**
   * Splits a crowded bucket one character deeper (e.g. loyalty cards that all start 7612345):
   * every client in it also goes into the child bucket of each of its tokens. The bucket is in
   * name order, so the children are filled in name order too.
   */
  private burst(key: number, depth: number, bucket: OrdList): Map<number, OrdList> {
    this.split.add(key);
    const children = new Map<number, OrdList>();
    const add = (ord: number, childChar: number) => {
      const child = key * 38 + code38(childChar);
      let childBucket = children.get(child);
      if (!childBucket) {
        childBucket = this.bucketOf(child);
        children.set(child, childBucket);
      }
      childBucket.push(ord);
    };
    const prefix = exactPrefix(key);
    for (const ord of bucket.items) {
      const text = this.texts[ord]!;
      if (prefix !== null) {
        // Jump from one token with this prefix to the next (native search, no allocation).
        const needle = SEP + prefix;
        for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
          const next = at + needle.length;
          if (next < text.length && text.charCodeAt(next) !== 1) add(ord, text.charCodeAt(next));
        }
      } else {
        for (const token of text.split(SEP)) {
          if (token.length > depth && prefixKey(token, depth) === key) add(ord, token.charCodeAt(depth));
        }
      }
    }
    return children;
  }

  /** Computes a client's search text and bucket keys; returns the keys. */
  private describe(ord: number, c: Client): number[] {
    const tokens: string[] = [];
    for (const field of [c.lastName, c.firstName, c.companyName, c.address.street, c.address.street2, c.address.city]) {
      if (field) addTextTokens(tokens, field);
    }
    if (c.address.postalCode) tokens.push(fold(c.address.postalCode).replace(/\s+/g, ''));
    if (c.email) {
      const e = fold(c.email);
      const at = e.indexOf('@');
      tokens.push(e, ...splitWords(at < 0 ? e : e.slice(0, at)));
    }
    if (c.phone) tokens.push(...phoneForms(c.phone));
    for (const field of [c.reference, c.accountNumber]) {
      if (!field) continue;
      const f = fold(field);
      const whole = f.replace(/\s+/g, '');
      tokens.push(whole, ...splitWords(f));
      // "1100.42", "2026-0042": a query typed with separators is searched as its digits
      const d = digits(f);
      if (d.length > 1 && d !== whole) tokens.push(d);
    }
    const keys: number[] = [];
    for (const t of tokens) if (t) this.tokenKeys(t, keys);
    this.texts[ord] = SEP + tokens.join(SEP);
    return keys;
  }

  private removeOrd(ord: number): void {
    for (const key of new Set(this.keysOf(ord))) {
      const bucket = this.buckets.get(key);
      if (!bucket) continue;
      bucket.remove(ord, this.pos);
      if (bucket.length === 0) this.buckets.delete(key);
    }
    const at = this.pos[ord]!;
    this.sorted.splice(at, 1);
    for (let i = at; i < this.sorted.length; i++) this.pos[this.sorted[i]!] = i;
    const id = this.ids[ord];
    if (id !== undefined) this.ordById.delete(id);
    this.ids[ord] = undefined;
    this.texts[ord] = '';
    this.freeOrds.push(ord);
  }

  private compareOrds(a: number, b: number): number {
    const ka = this.sortKeys[a]!;
    const kb = this.sortKeys[b]!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ia = this.ids[a]!;
    const ib = this.ids[b]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  }

  /** First index in `sorted` whose (sortKey, id) is ≥ the given one. */
  private sortedLowerBound(key: string, id: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ord = this.sorted[mid]!;
      const k = this.sortKeys[ord]!;
      if (k < key || (k === key && this.ids[ord]! < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sortKeyLowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortKeys[this.sorted[mid]!]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.pos.length) return;
    let size = this.pos.length;
    while (size < n) size *= 2;
    const pos = new Int32Array(size);
    pos.set(this.pos);
    this.pos = pos;
  }
}

/** A number that orders like the string on its first 9 characters (ties are broken by the string). */
function orderKey(s: string): number {
  let key = 0;
  for (let i = 0; i < 9; i++) {
    const c = i < s.length ? s.charCodeAt(i) : -1;
    // monotone: end < below "0" < digits < between < a–z < above "z"
    const code = c < 0 ? 0 : c < 48 ? 1 : c <= 57 ? c - 46 : c < 97 ? 12 : c <= 122 ? c - 84 : 39;
    key = key * 40 + code;
  }
  return key;
}

/** The order of the directory: last name then first name for a person, company name for a company. */
export function sortKeyOf(c: Client): string {
  const name = c.kind === 'company' ? (c.companyName ?? '') : `${c.lastName ?? ''} ${c.firstName ?? ''}`;
  return fold(name).trim();
}

function addTextTokens(into: string[], text: string): void {
  const words = splitWords(fold(text));
  into.push(...words);
  // "Jean-Pierre", "d'Alembert": also searchable as one word
  if (words.length > 1 && /^[\p{L}\p{N}'’-]+$/u.test(text.trim())) into.push(words.join(''));
  if (hasUmlaut(text)) {
    for (const w of splitWords(foldGerman(text))) if (!words.includes(w)) into.push(w);
  }
}
