import { lowerBoundU32 } from './lower-bound.js';
import { oneTypoApart } from './phonetic.js';

const LETTERS = /^[a-z]+$/;
/**
 * Words added since the keys were made are checked one by one, until there are this many or an
 * eighth of the keyed words (as the search index folds its overlay). The keys are then made again
 * on the edit that adds the word, never in a search: ~2 µs a word (1.0 ms for 525), so ~16 µs for
 * each word added, paid at once by one edit in every few thousand new names.
 */
const RECENT_MIN = 512;

/**
 * The directory's distinct name words, and which of them are one typo from a query word.
 *
 * A close-match search used to spell out every word one typo from what was typed (~300 for five
 * letters: deleted, added, changed or swapped) and look each up: ~50 µs for every query that does
 * not fill its page, a no-match search 5 µs without it. Here each word files itself and each of its
 * one-letter deletions, hashed, in one sorted typed array; a query word looks up itself and its own
 * deletions (6 keys for five letters). Two words one typo apart always share a key: a deleted or
 * added letter leaves the shorter word as a deletion of the longer, a changed letter gives both the
 * same deletion at its place, a swap of two letters the same deletion of either. A key's words are
 * then checked with `oneTypoApart`, so what is found is exactly the known words of `oneTypo(word)`.
 */
export class NameWords {
  private readonly all: Set<string>;
  /** The words the keys were made from (letters a–z only: `oneTypo` makes no other). */
  private keyed: string[] = [];
  private keyHashes = new Uint32Array(0);
  private keyWords = new Uint32Array(0);
  private recent: string[] = [];
  /** Hash bits dropped so that (hash, word number) packs exactly into a double: none below 2^21 words. */
  private shift = 0;

  /** `packBits`: the exact bits of a packed (hash, word) pair, a double's 53 (tests use fewer, to make the hash give up bits). */
  constructor(
    words: Iterable<string> = [],
    private readonly packBits = 53,
  ) {
    this.all = new Set(words);
    this.reindex();
  }

  get size(): number {
    return this.all.size;
  }

  values(): IterableIterator<string> {
    return this.all.values();
  }

  has(word: string): boolean {
    return this.all.has(word);
  }

  /** Never removes: a word gone from the directory only costs a lookup, until the next build. */
  add(word: string): void {
    if (this.all.has(word)) return;
    this.all.add(word);
    if (!LETTERS.test(word)) return;
    this.recent.push(word);
    if (this.recent.length > Math.max(RECENT_MIN, this.keyed.length / 8)) this.reindex();
  }

  /** The known words one typo from `word` (a word of letters a–z), in no particular order. */
  near(word: string): string[] {
    const out = new Set<string>();
    const { keyHashes, keyWords, keyed } = this;
    for (const key of keysOf(word)) {
      const h = hash(key) >>> this.shift;
      for (let i = lowerBoundU32(keyHashes, h); i < keyHashes.length && keyHashes[i] === h; i++) {
        const v = keyed[keyWords[i]!]!;
        if (oneTypoApart(word, v)) out.add(v);
      }
    }
    for (const v of this.recent) if (oneTypoApart(word, v)) out.add(v);
    return [...out];
  }

  private reindex(): void {
    const keyed = [...this.all].filter((w) => LETTERS.test(w));
    let n = 0;
    for (const w of keyed) n += w.length + 1;
    // (hash, word) pairs packed in one double each, hash · 2^wordBits + word, exact under 2^53, so
    // that one native numeric sort orders them by hash; past 2^21 words the hash gives up low bits
    let wordBits = 1;
    while (2 ** wordBits < keyed.length) wordBits++;
    const shift = Math.max(0, 32 + wordBits - this.packBits);
    const scale = 2 ** wordBits;
    const pairs = new Float64Array(n);
    let p = 0;
    for (let k = 0; k < keyed.length; k++) for (const key of keysOf(keyed[k]!)) pairs[p++] = (hash(key) >>> shift) * scale + k;
    const sorted = pairs.subarray(0, p).sort();
    this.keyHashes = new Uint32Array(p);
    this.keyWords = new Uint32Array(p);
    for (let i = 0; i < p; i++) {
      const x = sorted[i]!;
      const h = Math.floor(x / scale);
      this.keyHashes[i] = h;
      this.keyWords[i] = x - h * scale;
    }
    this.shift = shift;
    this.keyed = keyed;
    this.recent = [];
  }
}

/** The word and its one-letter deletions, once each (deleting either letter of "ll" is one key). */
function keysOf(word: string): string[] {
  const keys = [word];
  for (let i = 0; i < word.length; i++) if (i === 0 || word[i] !== word[i - 1]) keys.push(word.slice(0, i) + word.slice(i + 1));
  return keys;
}

/** FNV-1a: a collision only costs a `oneTypoApart` that says no. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
