import { describe, expect, it } from 'vitest';
import { NameWords } from '../../../agent/directory/name-words.js';
import { oneTypo } from '../../../agent/directory/phonetic.js';
import { createRng } from '../../fixtures/swiss-clients.js';

const rng = createRng(2026);
const pick = (s: string) => s[Math.floor(rng() * s.length)]!;
const word = (min: number, max: number, alphabet = 'abcdeilmnorstu') => {
  const n = min + Math.floor(rng() * (max - min + 1));
  let w = '';
  for (let i = 0; i < n; i++) w += pick(alphabet);
  return w;
};
/** A word with one random typo of the kinds `oneTypo` makes, or several. */
function typed(w: string, typos: number): string {
  for (let t = 0; t < typos; t++) {
    const i = Math.floor(rng() * w.length);
    const kind = Math.floor(rng() * 4);
    if (kind === 0 && w.length > 1) w = w.slice(0, i) + w.slice(i + 1);
    else if (kind === 1) w = w.slice(0, i) + pick('abcdefghijklmnopqrstuvwxyz') + w.slice(i);
    else if (kind === 2) w = w.slice(0, i) + pick('abcdefghijklmnopqrstuvwxyz') + w.slice(i + 1);
    else if (i + 1 < w.length) w = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  }
  return w;
}
/** What the search did before: spell out every word one typo away, keep the known ones. */
const expected = (known: NameWords, w: string) => oneTypo(w).filter((v) => known.has(v)).sort();

describe('NameWords.near', () => {
  // A small alphabet makes neighbours common: most queries have several, some dozens.
  const dictionary = Array.from({ length: 3000 }, () => word(4, 9));
  // words a typo cannot reach (oneTypo only makes letters a–z): they must never be found
  const others = ['müller', 'o-neil', 'abc1e', 'st.maur'];

  function check(words: NameWords, source: readonly string[], queries: number): number {
    let found = 0;
    for (let q = 0; q < queries; q++) {
      const base = source[Math.floor(rng() * source.length)]!;
      const w = q % 5 === 0 ? word(5, 9) : typed(base, 1 + (q % 3));
      if (!/^[a-z]+$/.test(w)) continue;
      const near = words.near(w).sort();
      expect(near, w).toEqual(expected(words, w));
      found += near.length;
    }
    return found;
  }

  it('finds exactly the known words of oneTypo(word), for words typed with one to three typos', () => {
    const words = new NameWords([...dictionary, ...others]);
    expect(check(words, dictionary, 3000)).toBeGreaterThan(1000); // the comparison is not of empty lists
    expect(words.near('oneil')).toEqual([]);
  });

  it('finds words added after its keys were made, before and after it makes them again', () => {
    const words = new NameWords(dictionary.slice(0, 1000));
    const added: string[] = [];
    for (let round = 0; round < 4; round++) {
      // 300 at a time: the list of recent words crosses the point where the keys are made again
      for (let i = 0; i < 300; i++) {
        const w = word(4, 9);
        words.add(w);
        added.push(w);
      }
      words.add('o-neil'); // not a–z: kept, never a neighbour
      expect(check(words, added, 400)).toBeGreaterThan(0);
    }
    expect(words.has('o-neil')).toBe(true);
    expect(words.size).toBe(new Set([...dictionary.slice(0, 1000), ...added, 'o-neil']).size);
  });

  it('stays exact when the packed pairs leave the hash fewer bits (many more collisions)', () => {
    // 3,000 words take 12 bits: in 36 the hash keeps 24 of its 32 bits, in 20 only 8
    for (const packBits of [36, 20]) {
      const words = new NameWords(dictionary, packBits);
      expect(check(words, dictionary, 1000)).toBeGreaterThan(300);
    }
  });

  it('answers for a word of repeated letters and a word of one letter', () => {
    const words = new NameWords(['ballet', 'balet', 'bellet', 'allet', 'ballett', 'a', 'ab']);
    expect(words.near('ballet').sort()).toEqual(['allet', 'balet', 'ballett', 'bellet']);
    expect(words.near('b').sort()).toEqual(expected(words, 'b'));
  });
});
