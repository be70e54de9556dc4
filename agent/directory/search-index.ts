import { crc32 } from 'node:zlib';
import type { IndexImage } from './index-image.js';
import type { Client } from './schema.js';
import { digits, fold, foldGerman, hasUmlaut, isPhoneLike, phoneForms, phoneQuery, splitWords } from './normalize.js';
import { lowerBoundU32 } from './lower-bound.js';
import { IdOrdinals } from './id-ordinals.js';
import { NameWords } from './name-words.js';
import { holdsRank, MAX_CLIENTS, rankAt } from './packed-ranks.js';
import { type Buckets, buildBuckets } from './bucket-builder.js';
import { SOUND_MARK, SOUND_MIN, SOUND_TOKEN_LENGTH, soundTokens, TYPO_MIN } from './phonetic.js';

/**
 * In-memory search over the client directory: fast enough for a till that searches on every
 * keystroke at 100,000 clients, and cheap enough to build at every start.
 *
 * - Each client has one search text: its folded tokens (name words, umlauts also as ae/oe/ue,
 *   street, NPA, city, email, phone digits in two forms, reference, account number), each after a
 *   separator, so "some token starts with w" is one native `includes(SEP + w)`.
 * - Clients are kept sorted by name (last name then first name, or company), then id.
 * - Prefix buckets: every token of 2+ characters is filed under a hash of its first 2 characters
 *   (and of its first 3 and 6; numbers of 3+ digits under 3, 5, 7 and 9, so phone numbers spread
 *   out). A query word's bucket holds every client that can match it. The narrowest bucket is
 *   walked in name order, each client checked with includes(), until the page is full: the cost
 *   follows the page size, not the number of matches. Words of 1 letter (2 digits) walk the name
 *   order itself.
 * - The buckets are built as flat typed arrays (one hash and one start per bucket, then the
 *   clients of each bucket), counted in one scan of the texts and filled in a second: no map of
 *   tokens, no object per bucket; ~40 MB while building and ~2 s at 100k. Clients changed since
 *   are marked stale there and filed in a small overlay of per-bucket lists, merged in name order
 *   at query time; the base is rebuilt when the overlay grows large.
 * - Results are ordered by (rank, name): 0 the exact reference, 1 a name starting with the first
 *   query word (one contiguous run of the name order), 2 the rest. Pages continue from a keyset
 *   cursor (rank, name, id), stable across inserts and deletes.
 */

export interface SearchCursor {
  rank: number;
  sortKey: string;
  id: string;
}

export interface SearchPage {
  ids: string[];
  /** Where the close matches start in `ids` (ids.length: none); they always come after the exact ones. */
  closeFrom: number;
  /** Where the next page starts, or null when there is nothing more. */
  after: SearchCursor | null;
}

const SEP = '\u0001';
/** Clients per slice of an image taken while serving (a few ms each). */
const IMAGE_SLICE = 4096;
/**
 * A word files its first 2, 3 and 6 letters. The 2-letter buckets are for what a till types
 * first: without them a query of short words only ("zq", or "marie ja" narrowed by "mar") walked
 * the whole directory or a large bucket, 30–40 ms for two letters that match nobody.
 */
const LETTER_DEPTHS = [2, 3, 6] as const;
const DIGIT_DEPTHS = [3, 5, 7, 9] as const;

const SOUND_DEPTHS = [SOUND_TOKEN_LENGTH] as const;
const SOUND_MARK_CODE = SOUND_MARK.charCodeAt(0);

function depthsFor(firstChar: number): readonly number[] {
  // a sound key is filed whole (one bucket per key): a prefix of a key means nothing
  if (firstChar === SOUND_MARK_CODE) return SOUND_DEPTHS;
  return firstChar >= 48 && firstChar <= 57 ? DIGIT_DEPTHS : LETTER_DEPTHS;
}


/**
 * Bucket hashes of every token in a search text (tokens after SEP): FNV-1a over a token's
 * characters, taken at each depth of `depthsFor` it reaches. Scans the text once, without splitting
 * it. Two prefixes may share a hash: the check against the search text weeds out extras.
 */
function scanHashes(text: string, emit: (hash: number) => void): void {
  let h = 0;
  let len = 0;
  let next = 0;
  let depths: readonly number[] = LETTER_DEPTHS;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 1) {
      len = 0;
      continue;
    }
    if (len === 0) {
      h = 0x811c9dc5;
      next = 0;
      depths = depthsFor(c);
    }
    len++;
    if (next >= depths.length) continue;
    h = Math.imul(h ^ c, 0x01000193);
    if (len === depths[next]) {
      emit(Math.imul(h ^ len, 0x01000193) >>> 0);
      next++;
    }
  }
}

/** The hash of the narrowest bucket that holds every client a query word can match, or -1 (walk everyone). */
function wordHash(word: string): number {
  let best = -1;
  scanHashes(word, (h) => (best = h));
  return best;
}

const ORD_SPAN = 2 ** 21;

/**
 * Ordinals sorted by (sortKey, id). A native numeric sort of (first 6 characters, ordinal) packed
 * in one double, then only runs sharing those 6 characters are sorted by the full strings: several
 * times faster than a comparator sort of 100k strings.
 */
function nameOrder(sortKeys: readonly string[], ids: readonly string[]): number[] {
  const n = sortKeys.length;
  const cmp = (a: number, b: number) => compareKeys(sortKeys[a]!, ids[a]!, sortKeys[b]!, ids[b]!);
  if (n >= ORD_SPAN) return sortKeys.map((_, i) => i).sort(cmp);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = orderKey(sortKeys[i]!, 6) * ORD_SPAN + i;
  packed.sort();
  // Arrays are filled with push: `new Array(n)` of this size starts in V8's slow dictionary mode.
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(packed[i]! % ORD_SPAN);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && Math.floor(packed[i]! / ORD_SPAN) === Math.floor(packed[start]! / ORD_SPAN)) continue;
    if (i - start > 1) {
      const run = order.slice(start, i).sort(cmp);
      for (let k = 0; k < run.length; k++) order[start + k] = run[k]!;
    }
    start = i;
  }
  return order;
}

/**
 * A client's search text: each token after a separator, and a closing one, so that a whole word
 * (a typo's alternative) is `SEP word SEP`. Joined with both ends in one flat string: `SEP + … +
 * SEP` made two rope cells over the joined tokens (64 bytes a client), and each client's first
 * search copied it flat again.
 */
function searchText(tokens: readonly string[]): string {
  return tokens.length === 0 ? SEP + SEP : ['', ...tokens, ''].join(SEP);
}

function compareKeys(ka: string, ia: string, kb: string, ib: string): number {
  if (ka !== kb) return ka < kb ? -1 : 1;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

export class SearchIndex {
  // ---- per client (by ordinal; ordinals are not reused until the next rebuild) ----
  private ids: Array<string | undefined> = [];
  private texts: string[] = [];
  private sortKeys: string[] = [];
  /** Always over `ids` (the same array): a new `ids` gets a new table. */
  private ordById = new IdOrdinals(this.ids);
  /** Every live client, in name order. */
  private sorted: number[] = [];

  // ---- base buckets, built at rebuild() ----
  /** The base buckets' hashes, ascending, each once; bucket b's entries are bucketStarts[b] up to bucketStarts[b + 1]. */
  private bucketHashes: Uint32Array = new Uint32Array(0);
  private bucketStarts: Uint32Array = new Uint32Array(1);
  /** Entry → base rank (the client's place in name order at rebuild), ascending within a bucket; 3 bytes each (`rankAt`). */
  private baseRanks: Uint8Array = new Uint8Array(0);
  private baseOrd = new Int32Array(0);
  /** A base rank whose client was changed or removed since: its base entries no longer count. */
  private baseStale = new Uint8Array(0);

  // ---- overlay: clients changed since rebuild(), per bucket, in name order ----
  private overlay = new Map<number, number[]>();
  private overlayOrds = new Set<number>();

  /** Distinct name words (4 letters or more), for the typo alternatives of a query word. Never shrinks between rebuilds: a word gone only costs a lookup. */
  private nameWords = new NameWords();

  /** Upserts and removals since the last build, restore or image: whether a new image is worth writing. */
  private changes = 0;
  /** Grows at every new base (build, fold, restore): an image taken in slices across one is not used. */
  private generation = 0;

  /**
   * `narrowByRank`: a query of several words reads the text only of base clients that every other
   * word's buckets also hold (false: every client of the narrowest bucket is read, as before; tests
   * compare the two).
   */
  constructor(
    private readonly country = 'CH',
    private readonly narrowByRank = true,
  ) {}

  get changedSinceImage(): number {
    return this.changes;
  }

  get size(): number {
    return this.ordById.size;
  }

  private textOf(c: Client, words: { add(word: string): unknown }): string {
    for (const w of nameWordsOf(c)) if (w.length >= SOUND_MIN) words.add(w);
    return searchText(clientTokens(c, this.country));
  }

  /** Builds the whole index at once (start-up, after a full sync). */
  rebuild(clients: Iterable<Client>): void {
    const list = [...clients];
    const n = list.length;
    const ids = list.map((c) => c.id);
    this.ids = ids;
    this.sortKeys = list.map(sortKeyOf);
    this.ordById = IdOrdinals.over(ids);
    this.sorted = nameOrder(this.sortKeys, ids);
    // Texts in storage order (records visited in name order would miss the CPU cache at each one)…
    const words = new Set<string>();
    const texts: string[] = [];
    for (let ord = 0; ord < n; ord++) texts.push(this.textOf(list[ord]!, words));
    this.texts = texts;
    this.nameWords = new NameWords(words);
    // …buckets filled in name order, so each bucket is in name order.
    const { sorted } = this;
    this.setBase(buildBuckets(n, (rank, emit) => scanHashes(texts[sorted[rank]!]!, emit)));
    this.changes = n; // nothing saved matches a build
  }

  /**
   * The index as a restart can take it in (`restore`): the base clients in name order with their
   * texts, and the base buckets. Without `pause` (at a stop) the overlay is folded in first, so the
   * image is whole. With `pause` (while the agent serves), nothing is folded and it yields between
   * slices; a client changed meanwhile, or no longer in the base, goes with version -1 (the next
   * start reads it again), and null comes back if the base was rebuilt meanwhile.
   */
  async image(clients: ReadonlyMap<string, Client>, pause?: () => Promise<void>, slice = IMAGE_SLICE): Promise<IndexImage | null> {
    if (!pause && (this.overlayOrds.size > 0 || this.baseStale.includes(1))) this.compact();
    const generation = this.generation;
    const changesBefore = this.changes;
    const { baseOrd, baseStale, ids: ordIds, texts: ordTexts, sortKeys: ordKeys } = this;
    const n = baseOrd.length;
    const ids: string[] = [];
    const texts: string[] = [];
    const sortKeys: string[] = [];
    const updatedAts: string[] = [];
    const versions = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (pause && r > 0 && r % slice === 0) {
        await pause();
        if (this.generation !== generation) return null;
      }
      const ord = baseOrd[r]!;
      const id = ordIds[ord]!;
      const c = !baseStale[r] && this.ordById.get(id) === ord ? clients.get(id) : undefined;
      ids.push(id);
      texts.push(c ? ordTexts[ord]! : '');
      sortKeys.push(ordKeys[ord]!);
      updatedAts.push(c ? c.updatedAt : '');
      versions[r] = c ? c.version : -1;
    }
    this.changes -= changesBefore; // the changes made meanwhile are for the next image
    return { fingerprint: indexFingerprint(this.country), country: this.country, ids, texts, sortKeys, updatedAts, versions, bucketHashes: this.bucketHashes, bucketStarts: this.bucketStarts, ranks: this.baseRanks, nameWords: [...this.nameWords.values()] };
  }

  /**
   * Takes in a saved image instead of building: every client whose version and last change are the
   * record's keeps its text and buckets; the others (changed, new, gone since) are read again from
   * the records, as edits are. Null, and nothing changed, when the image is for another tokenizer or
   * country, holds an id twice, or when so many clients changed that a build is as quick.
   */
  restore(image: IndexImage, clients: ReadonlyMap<string, Client>): { kept: number; reread: number } | null {
    if (image.country !== this.country || image.fingerprint !== indexFingerprint(this.country)) return null;
    const n = image.ids.length;
    const stale = new Uint8Array(n);
    let kept = 0;
    // the records' own id strings, not the image's: those would keep the file's whole text of ids alive
    const ids: string[] = [];
    const ordById = new IdOrdinals(ids, n);
    for (let r = 0; r < n; r++) {
      const c = clients.get(image.ids[r]!);
      const id = c ? c.id : Buffer.from(image.ids[r]!).toString();
      ids.push(id);
      if (!ordById.set(id, r)) return null; // the id was there already
      if (c && c.version === image.versions[r] && c.updatedAt === image.updatedAts[r]) kept++;
      else stale[r] = 1;
    }
    const reread = clients.size - kept;
    if (n - kept + reread > Math.max(2000, n / 8)) return null;
    const sorted: number[] = [];
    for (let r = 0; r < n; r++) {
      if (stale[r]) {
        ordById.delete(ids[r]!);
        image.texts[r] = '';
      } else sorted.push(r);
    }
    this.ids = ids;
    this.texts = image.texts;
    this.sortKeys = image.sortKeys;
    this.ordById = ordById;
    this.sorted = sorted;
    this.generation++;
    this.bucketHashes = image.bucketHashes;
    this.bucketStarts = image.bucketStarts;
    this.baseRanks = image.ranks;
    this.baseOrd = new Int32Array(n).map((_, i) => i);
    this.baseStale = stale;
    this.overlay = new Map();
    this.overlayOrds = new Set();
    this.nameWords = new NameWords(image.nameWords);
    if (reread > 0) for (const c of clients.values()) if (!ordById.has(c.id)) this.upsert(c);
    this.changes = n - kept + reread;
    return { kept, reread };
  }

  /** The base entries of the bucket `hash` (an empty range when there is none). */
  private baseBucket(hash: number): { lo: number; hi: number } {
    const b = lowerBoundU32(this.bucketHashes, hash);
    if (b < this.bucketHashes.length && this.bucketHashes[b] === hash) return { lo: this.bucketStarts[b]!, hi: this.bucketStarts[b + 1]! };
    return { lo: 0, hi: 0 };
  }

  private setBase(buckets: Buckets): void {
    if (this.sorted.length >= MAX_CLIENTS) {
      throw new Error(`the search index holds fewer than ${MAX_CLIENTS.toLocaleString('en')} clients and this directory has ${this.sorted.length.toLocaleString('en')}: share it between several agents`);
    }
    this.generation++;
    const { bucketHashes, bucketStarts, ranks } = buckets;
    this.bucketHashes = bucketHashes;
    this.bucketStarts = bucketStarts;
    this.baseRanks = ranks;
    this.baseOrd = Int32Array.from(this.sorted);
    this.baseStale = new Uint8Array(this.sorted.length);
    this.overlay = new Map();
    this.overlayOrds = new Set();
  }

  upsert(c: Client): void {
    this.changes++;
    const existing = this.ordById.get(c.id);
    if (existing !== undefined) this.removeOrd(existing);
    const ord = this.ids.length;
    this.ids.push(c.id);
    this.ordById.set(c.id, ord);
    this.sortKeys[ord] = sortKeyOf(c);
    this.sorted.splice(this.sortedLowerBound(this.sortKeys[ord]!, c.id), 0, ord);
    const hashes = new Set<number>();
    this.texts[ord] = this.textOf(c, this.nameWords);
    scanHashes(this.texts[ord]!, (h) => hashes.add(h));
    for (const h of hashes) this.overlayInsert(this.overlayBucket(h), ord);
    this.overlayOrds.add(ord);
    // A large overlay makes every query merge more: fold it into the base.
    if (this.overlayOrds.size > Math.max(2000, this.baseOrd.length / 8)) this.compact();
  }

  remove(id: string): void {
    const ord = this.ordById.get(id);
    if (ord === undefined) return;
    this.changes++;
    this.removeOrd(ord);
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
    const phone = isPhoneLike(q);
    const words = phone ? [phoneQuery(q)] : folded.includes('@') ? [folded] : splitWords(folded);
    if (words.length === 0) return { ids: [], closeFrom: 0, after: null };
    const needles = words.map((w) => SEP + w);
    const lead = words[0]!;
    const exact = exactId === undefined ? -1 : (this.ordById.get(exactId) ?? -1);
    const found: Array<{ rank: number; ord: number }> = [];
    const want = limit + 1;
    if (exact >= 0 && after === null) found.push({ rank: 0, ord: exact });

    // The narrowest bucket among the words that have one.
    let best: { lo: number; hi: number; overlay: readonly number[] } | null = null;
    const wordBuckets: Array<Array<{ lo: number; hi: number }>> = [];
    for (const w of words) {
      const hash = wordHash(w);
      if (hash < 0) continue;
      const { lo, hi } = this.baseBucket(hash);
      const overlay = this.overlay.get(hash) ?? [];
      const bucket = { lo, hi, overlay };
      wordBuckets.push([bucket]);
      if (!best || hi - lo + overlay.length < best.hi - best.lo + best.overlay.length) best = bucket;
    }
    const keep = best ? this.inAllBuckets(wordBuckets.filter(([b]) => b !== best)) : undefined;

    const texts = this.texts;
    const matches = (ord: number): boolean => {
      if (ord === exact) return false;
      const text = texts[ord]!;
      for (const n of needles) if (!text.includes(n)) return false;
      return true;
    };
    const sources = best
      ? { base: { lo: best.lo, hi: best.hi }, overlay: best.overlay }
      : { base: null, overlay: this.sorted }; // only short words: everyone, in name order

    const leadEnd = `${lead}\uffff`;
    // Rank 1: names starting with the first word; rank 2: everyone else (before and after that run).
    const phases: Array<{ rank: number; from: [string, string] | null; to: [string, string] | null }> = [
      { rank: 1, from: [lead, ''], to: [leadEnd, ''] },
      { rank: 2, from: null, to: [lead, ''] },
      { rank: 2, from: [leadEnd, ''], to: null },
    ];
    for (const phase of phases) {
      if (found.length >= want) break;
      let from = phase.from;
      if (after) {
        if (after.rank > phase.rank) continue;
        if (after.rank === phase.rank && (!from || compareKeys(after.sortKey, after.id, from[0], from[1]) >= 0)) {
          from = [after.sortKey, `${after.id}\u0000`]; // strictly after the cursor
        }
      }
      this.walk(
        sources,
        from,
        phase.to,
        (ord) => {
          if (matches(ord)) found.push({ rank: phase.rank, ord });
          return found.length < want;
        },
        keep,
      );
    }

    // Rank 3: close matches (a typo, a name that sounds the same), when the exact ones leave room.
    if (found.length < want && !phone && !folded.includes('@') && (!after || after.rank <= 3)) {
      const cursor = after && after.rank === 3 ? after : null;
      for (const ord of this.closeMatches(words, needles, cursor, want - found.length)) found.push({ rank: 3, ord });
    }

    const more = found.length > limit;
    const page = more ? found.slice(0, limit) : found;
    const last = page.at(-1);
    const closeAt = page.findIndex((e) => e.rank === 3);
    return {
      ids: page.map((e) => this.ids[e.ord]!),
      closeFrom: closeAt < 0 ? page.length : closeAt,
      after: more && last ? { rank: last.rank, sortKey: this.sortKeys[last.ord]!, id: this.ids[last.ord]! } : null,
    };
  }

  /**
   * Clients every query word matches exactly or closely (a name word one typo away, or a name word
   * with the same sound key), but not all exactly (those are ranks 1–2), in name order after
   * `after`, at most `want`. Candidates come from the buckets of one word's alternatives (the word
   * with the fewest): a few hundred checks at most, never the whole directory.
   */
  private closeMatches(words: readonly string[], exact: readonly string[], after: SearchCursor | null, want: number): number[] {
    const alternatives = words.map((w, i) => {
      const needles = [exact[i]!];
      const tokens: string[] = [];
      if (/^[a-z]+$/.test(w)) {
        if (w.length >= TYPO_MIN) tokens.push(...this.nameWords.near(w));
        if (w.length >= SOUND_MIN) tokens.push(...soundTokens(w));
      }
      // a typo's word whole (`dupond` is not `dupontet`); a sound key is whole by its fixed length
      for (const t of tokens) needles.push(SEP + t + (t.startsWith(SOUND_MARK) ? '' : SEP));
      return { needles, tokens: [w, ...tokens] };
    });
    if (alternatives.every((a) => a.needles.length === 1)) return [];
    // the word whose alternatives' buckets hold the fewest clients; several alternatives often
    // share a bucket (a typo past the 6th letter keeps the prefix): each bucket is walked once
    const bucketsOf = (tokens: readonly string[]) => {
      const hashes = new Set<number>();
      for (const t of tokens) {
        const hash = wordHash(t);
        if (hash < 0) return null;
        hashes.add(hash);
      }
      return [...hashes].map((hash) => ({ ...this.baseBucket(hash), overlay: this.overlay.get(hash) ?? [] }));
    };
    let best: NonNullable<ReturnType<typeof bucketsOf>> | null = null;
    let bestSize = Infinity;
    const wordBuckets: Array<NonNullable<ReturnType<typeof bucketsOf>>> = [];
    // A word without alternatives must match as typed: its own bucket is a source too, and often
    // the narrowest (`CARD-012345`: the few clients with `012345…`, not every `car…`).
    for (const a of alternatives) {
      const buckets = bucketsOf(a.tokens);
      if (!buckets) continue;
      wordBuckets.push(buckets);
      const size = buckets.reduce((n, b) => n + b.hi - b.lo + b.overlay.length, 0);
      if (size < bestSize) {
        best = buckets;
        bestSize = size;
      }
    }
    if (!best) return [];
    // a close match matches every word exactly or closely: it is in one of each word's buckets
    const keep = this.inAllBuckets(wordBuckets.filter((b) => b !== best));
    const texts = this.texts;
    const isClose = (ord: number): boolean => {
      const text = texts[ord]!;
      if (!text) return false;
      if (exact.every((n) => text.includes(n))) return false; // an exact match: already given
      return alternatives.every((a) => a.needles.some((n) => text.includes(n)));
    };
    // Each bucket is in name order: its first `want` close matches hold all it can give to the
    // page, so a bucket is left as soon as it has given them (a common name's sound bucket holds
    // thousands, most of them matches).
    const found = new Set<number>();
    for (const b of best) {
      let taken = 0;
      this.walk(
        { base: { lo: b.lo, hi: b.hi }, overlay: b.overlay },
        after ? [after.sortKey, `${after.id}\u0000`] : null,
        null,
        (ord) => {
          if (!found.has(ord) && isClose(ord)) {
            found.add(ord);
            taken++;
          }
          return taken < want;
        },
        keep,
      );
    }
    const out = [...found];
    out.sort((a, b) => compareKeys(this.sortKeys[a]!, this.ids[a]!, this.sortKeys[b]!, this.ids[b]!));
    return out.slice(0, want);
  }

  /**
   * Visits, in name order, the live clients of a bucket (base entries lo..hi merged with an
   * overlay list) whose (name, id) is in [from, to). Stops when `visit` returns false. A base
   * client whose rank `keep` refuses is passed over without being visited.
   */
  private walk(
    src: { base: { lo: number; hi: number } | null; overlay: readonly number[] },
    from: [string, string] | null,
    to: [string, string] | null,
    visit: (ord: number) => boolean,
    keep?: (rank: number) => boolean,
  ): void {
    const { baseRanks, baseOrd, baseStale, sortKeys, ids } = this;
    const baseKeyAt = (e: number) => baseOrd[rankAt(baseRanks, e)]!;
    // Base entries: a client's base rank orders like its (name, id) at rebuild, which a stale
    // entry keeps; compare through the ordinal, whose name and id never change.
    let b = src.base ? src.base.lo : 0;
    let bEnd = src.base ? src.base.hi : 0;
    if (src.base) {
      if (from) b = this.bucketBound(b, bEnd, (e) => compareKeys(sortKeys[baseKeyAt(e)]!, ids[baseKeyAt(e)]!, from[0], from[1]) < 0);
      if (to) bEnd = this.bucketBound(b, bEnd, (e) => compareKeys(sortKeys[baseKeyAt(e)]!, ids[baseKeyAt(e)]!, to[0], to[1]) < 0);
    }
    const ov = src.overlay;
    let o = from ? this.bucketBound(0, ov.length, (i) => compareKeys(sortKeys[ov[i]!]!, ids[ov[i]!]!, from[0], from[1]) < 0) : 0;
    const oEnd = to ? this.bucketBound(o, ov.length, (i) => compareKeys(sortKeys[ov[i]!]!, ids[ov[i]!]!, to[0], to[1]) < 0) : ov.length;

    while (b < bEnd || o < oEnd) {
      let ord: number;
      if (b < bEnd) {
        const rank = rankAt(baseRanks, b);
        if (baseStale[rank] || (keep && !keep(rank))) {
          b++;
          continue;
        }
        const bo = baseOrd[rank]!;
        if (o < oEnd) {
          const oo = ov[o]!;
          if (compareKeys(sortKeys[oo]!, ids[oo]!, sortKeys[bo]!, ids[bo]!) < 0) {
            ord = oo;
            o++;
          } else {
            ord = bo;
            b++;
          }
        } else {
          ord = bo;
          b++;
        }
      } else {
        ord = ov[o++]!;
      }
      if (!visit(ord)) return;
    }
  }

  /**
   * For a walk over one word's bucket: whether a base client (its rank) is in one of the base
   * buckets of each other word too, which a client that matches them all must be (its text is
   * what filed it there, and a base client's text is that of the build until it goes stale).
   * A bucket's ranks ascend, so each is a binary search of 3-byte entries: a client of the
   * walked bucket that another word rules out costs ~15 reads of one array instead of reading its
   * text (two words of 1,000–3,000 clients each, most of them not the other's). Undefined when
   * there is nothing to narrow by.
   */
  private inAllBuckets(others: ReadonlyArray<ReadonlyArray<{ lo: number; hi: number }>>): ((rank: number) => boolean) | undefined {
    if (!this.narrowByRank || others.length === 0) return undefined;
    const ranks = this.baseRanks;
    // loops, not every/some: this runs for each client a walk passes, and a callback closing over
    // the rank would be a new function each time
    return (rank) => {
      for (const buckets of others) {
        let held = false;
        for (const b of buckets) if ((held = holdsRank(ranks, b.lo, b.hi, rank))) break;
        if (!held) return false;
      }
      return true;
    };
  }

  /** First index in [lo, hi) for which `before` is false (`before` is true then false along the range). */
  private bucketBound(lo: number, hi: number, before: (i: number) => boolean): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private list(limit: number, after: SearchCursor | null): SearchPage {
    let start = 0;
    if (after) {
      start = this.sortedLowerBound(after.sortKey, after.id);
      const there = this.sorted[start];
      if (there !== undefined && this.ids[there] === after.id) start++;
    }
    const slice = this.sorted.slice(start, start + limit + 1);
    const more = slice.length > limit;
    const page = more ? slice.slice(0, limit) : slice;
    const last = page.at(-1);
    return {
      ids: page.map((ord) => this.ids[ord]!),
      closeFrom: page.length,
      after: more && last !== undefined ? { rank: 0, sortKey: this.sortKeys[last]!, id: this.ids[last]! } : null,
    };
  }

  /** Folds the overlay into the base: one rebuild from the live clients' texts. */
  private compact(): void {
    const live = this.sorted;
    const n = live.length;
    const ids: Array<string | undefined> = [];
    const texts: string[] = [];
    const sortKeys: string[] = [];
    for (let rank = 0; rank < n; rank++) {
      const old = live[rank]!;
      ids.push(this.ids[old]);
      texts.push(this.texts[old]!);
      sortKeys.push(this.sortKeys[old]!);
    }
    this.ids = ids;
    this.texts = texts;
    this.sortKeys = sortKeys;
    this.ordById = IdOrdinals.over(ids);
    this.sorted = ids.map((_, i) => i);
    this.setBase(buildBuckets(n, (rank, emit) => scanHashes(texts[rank]!, emit)));
  }

  private overlayBucket(hash: number): number[] {
    let list = this.overlay.get(hash);
    if (!list) {
      list = [];
      this.overlay.set(hash, list);
    }
    return list;
  }

  private overlayInsert(list: number[], ord: number): void {
    const key = this.sortKeys[ord]!;
    const id = this.ids[ord]!;
    const at = this.bucketBound(0, list.length, (i) => compareKeys(this.sortKeys[list[i]!]!, this.ids[list[i]!]!, key, id) < 0);
    list.splice(at, 0, ord);
  }

  private removeOrd(ord: number): void {
    const id = this.ids[ord]!;
    const at = this.sortedLowerBound(this.sortKeys[ord]!, id);
    if (this.sorted[at] === ord) this.sorted.splice(at, 1);
    if (this.overlayOrds.delete(ord)) {
      for (const list of this.overlay.values()) {
        const i = list.indexOf(ord);
        if (i >= 0) list.splice(i, 1);
      }
    } else {
      // A base client: its entries stay, marked stale.
      const rank = this.bucketBound(0, this.baseOrd.length, (r) => {
        const o = this.baseOrd[r]!;
        return compareKeys(this.sortKeys[o]!, this.ids[o]!, this.sortKeys[ord]!, id) < 0;
      });
      if (this.baseOrd[rank] === ord) this.baseStale[rank] = 1;
    }
    // ids and sortKeys of an ordinal never change (stale base entries are still ordered by them)
    this.ordById.delete(id);
    this.texts[ord] = '';
  }


  /** First index in `sorted` whose (sortKey, id) is ≥ the given one. */
  private sortedLowerBound(key: string, id: string): number {
    return this.bucketBound(0, this.sorted.length, (i) => {
      const ord = this.sorted[i]!;
      return compareKeys(this.sortKeys[ord]!, this.ids[ord]!, key, id) < 0;
    });
  }
}

/**
 * A number that orders like the string on its first `chars` characters; equal numbers are then
 * ordered by the strings. Digits and a–z get a code each; every other character shares one code
 * per range (below "0", between "9" and "a", above "z") and ends the key there, so that "koch sami"
 * and "koch-meier" (space and hyphen share a code) tie and are ordered by the strings, as they must.
 */
function orderKey(s: string, chars: number): number {
  let key = 0;
  let ended = false;
  for (let i = 0; i < chars; i++) {
    let code = 0;
    if (!ended && i < s.length) {
      const c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) code = c - 46; // 2..11
      else if (c >= 97 && c <= 122) code = c - 84; // 13..38
      else {
        code = c < 48 ? 1 : c < 97 ? 12 : 39;
        ended = true;
      }
    }
    key = key * 40 + code;
  }
  return key;
}

/** The order of the directory: last name then first name for a person, company name for a company. */
export function sortKeyOf(c: Client): string {
  const name = c.kind === 'company' ? (c.companyName ?? '') : `${c.lastName ?? ''} ${c.firstName ?? ''}`;
  return fold(name).trim();
}

/**
 * The folded search tokens of a client: name words (umlauts also as ae/oe/ue; "Jean-Pierre" also as
 * one word), street, NPA, city, e-mail (whole and its local part's words), phone (international
 * and national digits), reference and account number (whole, words, digits).
 */
/** The folded words of a client's names (with German spellings), for typos and sound keys. */
function nameWordsOf(c: Client): string[] {
  const words: string[] = [];
  for (const field of [c.lastName, c.firstName, c.companyName]) {
    if (!field) continue;
    for (const w of splitWords(fold(field))) words.push(w);
    if (hasUmlaut(field)) for (const w of splitWords(foldGerman(field))) words.push(w);
  }
  return words;
}

export function clientTokens(c: Client, country = 'CH'): string[] {
  const tokens: string[] = [];
  for (const field of [c.lastName, c.firstName, c.companyName, c.address.street, c.address.street2, c.address.city]) {
    if (!field) continue;
    const words = splitWords(fold(field));
    for (const w of words) tokens.push(w);
    if (words.length > 1 && !/\s/.test(field)) tokens.push(words.join(''));
    if (hasUmlaut(field)) for (const w of splitWords(foldGerman(field))) if (!words.includes(w)) tokens.push(w);
  }
  if (c.address.postalCode) tokens.push(fold(c.address.postalCode).replace(/\s+/g, ''));
  if (c.email) {
    const e = fold(c.email);
    const at = e.indexOf('@');
    tokens.push(e);
    for (const w of splitWords(at < 0 ? e : e.slice(0, at))) tokens.push(w);
    if (at >= 0) {
      // the domain: `example.ch`, `@fromagerie` (typed with its @), and its words
      const domain = e.slice(at + 1);
      tokens.push(`@${domain}`);
      for (const w of splitWords(domain)) tokens.push(w);
    }
  }
  if (c.phone) for (const f of phoneForms(c.phone, country)) tokens.push(f);
  const sounds = new Set<string>();
  for (const w of nameWordsOf(c)) if (w.length >= SOUND_MIN) for (const t of soundTokens(w)) sounds.add(t);
  for (const t of sounds) tokens.push(t);
  for (const field of [c.reference, c.accountNumber]) {
    if (!field) continue;
    const f = fold(field);
    const whole = f.replace(/\s+/g, '');
    tokens.push(whole);
    for (const w of splitWords(f)) tokens.push(w);
    // "1100.42", "2026-0042": a query typed with separators is searched as its digits
    const d = digits(f);
    if (d.length > 1 && d !== whole) tokens.push(d);
  }
  return tokens;
}

/** Clients whose texts, buckets and sort keys stand for the tokenizer in `indexFingerprint`. */
const FINGERPRINT_SAMPLES: Client[] = [
  {
    id: 'fp-1', kind: 'person', civility: 'Mme', lastName: 'Müller-Lüdenscheidt', firstName: 'Hélène Zoë', companyName: null,
    reference: 'CARTE 0042-17', accountNumber: '1100.42', groupId: null, email: 'h.muller@fromagerie-du-coin.ch', phone: '+41 79 123 45 67',
    address: { street: 'Rue de l’Église 12b', street2: 'Case postale 7', postalCode: '1204', city: 'Genève', country: 'CH' },
    notes: null, accountBalance: 0, walletBalance: 0, version: 1, updatedAt: '2026-01-01T00:00:00Z',
  },
  {
    id: 'fp-2', kind: 'company', civility: null, lastName: null, firstName: null, companyName: 'Bäckerei Oechslin & Söhne AG',
    reference: '7612345678900', accountNumber: null, groupId: null, email: null, phone: '044 261 00 00',
    address: { street: 'Bahnhofstrasse 1', street2: null, postalCode: '9490', city: 'Vaduz', country: 'LI' },
    notes: null, accountBalance: 0, walletBalance: 0, version: 1, updatedAt: '2026-01-01T00:00:00Z',
  },
];

const fingerprints = new Map<string, string>();

/**
 * What a saved index was made by: the texts, bucket hashes, name words and sort keys this code
 * makes of sample clients. Any change to how clients are tokenized, folded, hashed or ordered
 * changes it, so an image from another version is never taken for this one's.
 */
export function indexFingerprint(country: string): string {
  let fp = fingerprints.get(country);
  if (fp === undefined) {
    const parts = FINGERPRINT_SAMPLES.map((c) => {
      const text = searchText(clientTokens(c, country));
      const hashes: number[] = [];
      scanHashes(text, (h) => hashes.push(h));
      return [text, hashes, nameWordsOf(c), sortKeyOf(c), orderKey(sortKeyOf(c), 6)];
    });
    fp = crc32(JSON.stringify(parts)).toString(16).padStart(8, '0');
    fingerprints.set(country, fp);
  }
  return fp;
}
