import type { Client } from './schema.js';
import { digits, fold, foldGerman, hasUmlaut, isPhoneLike, phoneForms, splitWords } from './normalize.js';

/**
 * In-memory search over the client directory, fast enough for a till that searches on every
 * keystroke at 100,000 clients.
 *
 * - Every client gets a dense ordinal and a list of folded tokens (name words, street, NPA, city,
 *   email, phone digits, reference, account number).
 * - A sorted array of distinct tokens gives the range of tokens a query word is a prefix of, by
 *   binary search; each token has a posting list of ordinals.
 * - Candidates come from the query word with the narrowest range; the other words are checked
 *   against each candidate's own tokens.
 * - Results are ordered by (rank, name): rank 0 is the exact reference, 1 a name word starting
 *   with the first query word, 2 the rest. Clients are kept sorted by name, so a client's place
 *   in that order (`pos`) turns the whole ordering into one integer compare, and pagination is a
 *   keyset (rank, name, id) that survives inserts and deletes between pages.
 */

interface Posting {
  token: string;
  ords: number[];
}

export interface SearchHit {
  ord: number;
  id: string;
  rank: number;
}

export interface SearchPage {
  ids: string[];
  /** Position to continue after, or null when there is nothing more. */
  after: SearchCursor | null;
}

export interface SearchCursor {
  rank: number;
  sortKey: string;
  id: string;
}

const RANK_SPAN = 2 ** 24; // positions stay below this (16M clients)

export class SearchIndex {
  private ids: Array<string | undefined> = [];
  private tokensOf: Array<string[] | undefined> = [];
  /** How many of tokensOf[ord] are name tokens (they come first). */
  private nameTokenCount: number[] = [];
  private sortKeys: string[] = [];
  private refOf: Array<string | undefined> = [];
  private freeOrds: number[] = [];
  private ordById = new Map<string, number>();
  private postings = new Map<string, Posting>();
  private tokenList: string[] = [];
  private sorted: number[] = [];
  private pos = new Int32Array(1024);
  private refExact = new Map<string, number>();
  private stamp = new Uint32Array(1024);
  private generation = 0;

  get size(): number {
    return this.ordById.size;
  }

  /** Builds the whole index at once (start-up, full sync): much faster than one upsert per client. */
  rebuild(clients: Iterable<Client>): void {
    this.ids = [];
    this.tokensOf = [];
    this.nameTokenCount = [];
    this.sortKeys = [];
    this.refOf = [];
    this.freeOrds = [];
    this.ordById = new Map();
    this.postings = new Map();
    this.refExact = new Map();
    for (const c of clients) {
      const ord = this.ids.length;
      this.ids.push(c.id);
      this.ordById.set(c.id, ord);
      this.describe(ord, c);
    }
    this.tokenList = [...this.postings.keys()].sort();
    this.sorted = this.ids.map((_, i) => i).sort((a, b) => this.compareOrds(a, b));
    this.ensureCapacity(this.ids.length);
    this.sorted.forEach((ord, i) => (this.pos[ord] = i));
  }

  upsert(c: Client): void {
    const existing = this.ordById.get(c.id);
    if (existing !== undefined) this.removeOrd(existing);
    const ord = this.freeOrds.pop() ?? this.ids.length;
    this.ids[ord] = c.id;
    this.ordById.set(c.id, ord);
    this.ensureCapacity(ord + 1);
    for (const t of this.describe(ord, c)) {
      if (this.postings.get(t)?.ords.length === 1) this.tokenList.splice(lowerBound(this.tokenList, t), 0, t);
    }
    const at = this.sortedLowerBound(this.sortKeys[ord]!, c.id);
    this.sorted.splice(at, 0, ord);
    for (let i = at; i < this.sorted.length; i++) this.pos[this.sorted[i]!] = i;
  }

  remove(id: string): void {
    const ord = this.ordById.get(id);
    if (ord !== undefined) this.removeOrd(ord);
  }

  /**
   * Clients matching every word of `query` (by prefix), best first, `limit` at most, after `after`.
   * An empty query lists everyone by name.
   */
  search(query: string, limit: number, after: SearchCursor | null = null): SearchPage {
    const q = query.trim();
    if (!q) return this.list(limit, after);
    const words = isPhoneLike(q) ? [digits(q)] : splitWords(fold(q));
    const exactRef = this.refExact.get(fold(q));
    if (words.length === 0) return { ids: [], after: null };

    const ranges = words.map((w) => ({ w, lo: lowerBound(this.tokenList, w), hi: lowerBound(this.tokenList, `${w}\uffff`) }));
    ranges.sort((a, b) => a.hi - a.lo - (b.hi - b.lo));
    const first = ranges[0]!;
    const others = ranges.slice(1).map((r) => r.w);

    const gen = this.nextGeneration();
    const stamp = this.stamp;
    const candidates: number[] = [];
    if (exactRef !== undefined) {
      stamp[exactRef] = gen;
      candidates.push(exactRef);
    }
    for (let t = first.lo; t < first.hi; t++) {
      for (const ord of this.postings.get(this.tokenList[t]!)!.ords) {
        if (stamp[ord] !== gen) {
          stamp[ord] = gen;
          candidates.push(ord);
        }
      }
    }

    const threshold = after ? this.keyThreshold(after) : 0;
    const lead = words[0]!;
    const best = new TopK(limit + 1);
    for (const ord of candidates) {
      const tokens = this.tokensOf[ord]!;
      if (ord !== exactRef && !others.every((w) => hasPrefix(tokens, w, tokens.length))) continue;
      const rank = ord === exactRef ? 0 : hasPrefix(tokens, lead, this.nameTokenCount[ord]!) ? 1 : 2;
      const key = rank * RANK_SPAN + this.pos[ord]!;
      if (key >= threshold) best.offer(key, ord);
    }
    const top = best.sorted();
    const more = top.length > limit;
    const page = more ? top.slice(0, limit) : top;
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

  /** Computes and registers the tokens of a client; returns them. */
  private describe(ord: number, c: Client): string[] {
    const nameTokens = new Set<string>();
    for (const field of [c.lastName, c.firstName, c.companyName]) {
      if (field) addTextTokens(nameTokens, field);
    }
    const other = new Set<string>();
    for (const field of [c.address.street, c.address.street2, c.address.city]) {
      if (field) addTextTokens(other, field);
    }
    if (c.address.postalCode) other.add(fold(c.address.postalCode).replace(/\s+/g, ''));
    if (c.email) {
      const e = fold(c.email);
      other.add(e);
      for (const w of splitWords(e)) other.add(w);
    }
    if (c.phone) for (const f of phoneForms(c.phone)) other.add(f);
    for (const field of [c.reference, c.accountNumber]) {
      if (!field) continue;
      const f = fold(field);
      other.add(f.replace(/\s+/g, ''));
      for (const w of splitWords(f)) other.add(w);
    }
    for (const t of nameTokens) other.delete(t);
    const tokens = [...nameTokens, ...other].map((t) => this.addPosting(t, ord));
    this.tokensOf[ord] = tokens;
    this.nameTokenCount[ord] = nameTokens.size;
    this.sortKeys[ord] = sortKeyOf(c);
    if (c.reference) {
      const ref = fold(c.reference);
      this.refOf[ord] = ref;
      this.refExact.set(ref, ord);
    } else {
      this.refOf[ord] = undefined;
    }
    return tokens;
  }

  /** Adds ord to the token's postings and returns the token's one shared string (saves memory). */
  private addPosting(token: string, ord: number): string {
    let p = this.postings.get(token);
    if (!p) {
      p = { token, ords: [] };
      this.postings.set(token, p);
    }
    p.ords.push(ord);
    return p.token;
  }

  private removeOrd(ord: number): void {
    const at = this.pos[ord]!;
    this.sorted.splice(at, 1);
    for (let i = at; i < this.sorted.length; i++) this.pos[this.sorted[i]!] = i;
    for (const t of this.tokensOf[ord] ?? []) {
      const p = this.postings.get(t);
      if (!p) continue;
      const i = p.ords.indexOf(ord);
      if (i >= 0) p.ords.splice(i, 1);
      if (p.ords.length === 0) {
        this.postings.delete(t);
        const ti = lowerBound(this.tokenList, t);
        if (this.tokenList[ti] === t) this.tokenList.splice(ti, 1);
      }
    }
    const ref = this.refOf[ord];
    if (ref !== undefined && this.refExact.get(ref) === ord) this.refExact.delete(ref);
    const id = this.ids[ord];
    if (id !== undefined) this.ordById.delete(id);
    this.ids[ord] = undefined;
    this.tokensOf[ord] = undefined;
    this.refOf[ord] = undefined;
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
      const before = k < key || (k === key && this.ids[ord]! < id);
      if (before) lo = mid + 1;
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
    const stamp = new Uint32Array(size);
    stamp.set(this.stamp);
    this.stamp = stamp;
  }

  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}

/** The order of the directory: last name then first name for a person, company name for a company. */
export function sortKeyOf(c: Client): string {
  const name = c.kind === 'company' ? (c.companyName ?? '') : `${c.lastName ?? ''} ${c.firstName ?? ''}`;
  return fold(name).trim();
}

function addTextTokens(into: Set<string>, text: string): void {
  const f = fold(text);
  const words = splitWords(f);
  for (const w of words) into.add(w);
  // "Jean-Pierre", "d'Alembert": also searchable as one word
  if (words.length > 1 && /^[\p{L}\p{N}'’-]+$/u.test(text.trim())) into.add(words.join(''));
  if (hasUmlaut(text)) for (const w of splitWords(foldGerman(text))) into.add(w);
}

function hasPrefix(tokens: readonly string[], word: string, count: number): boolean {
  for (let i = 0; i < count; i++) if (tokens[i]!.startsWith(word)) return true;
  return false;
}

export function lowerBound(arr: readonly string[], value: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keeps the k entries with the smallest keys, seen one at a time. */
class TopK {
  private entries: Array<{ key: number; ord: number }> = [];
  constructor(private readonly k: number) {}

  offer(key: number, ord: number): void {
    const e = this.entries;
    if (e.length === this.k && key >= e[e.length - 1]!.key) return;
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e[mid]!.key < key) lo = mid + 1;
      else hi = mid;
    }
    e.splice(lo, 0, { key, ord });
    if (e.length > this.k) e.pop();
  }

  sorted(): Array<{ key: number; ord: number }> {
    return this.entries;
  }
}
