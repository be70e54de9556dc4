import { createRequire } from 'node:module';

/**
 * Names that sound alike, for the close matches of a search: the Kölner Phonetik (German names:
 * Meier/Meyer/Maier, Müller/Mueller, Schmid/Schmidt) and Phonex (French names: Favre/Fabre,
 * Rochat/Roshat, Dupont/Dupond), both from talisman, a maintained library of string metrics by the
 * author of mnemonist. Soundex was tried and set aside: it is built for English and keeps the first
 * letter, so Phonex catches Th/T, Ph/F and silent endings that it misses. A Swiss shop's names
 * are French and German (and Italian, which Phonex handles well enough), so both keys are kept.
 */

/** Close matches: one typo in a word of this many letters or more; a sound key from this many. */
export const TYPO_MIN = 5;
export const SOUND_MIN = 4;

const require = createRequire(import.meta.url);
type Key = (word: string) => string;

function load(path: string): Key {
  const mod: unknown = require(path);
  const fn = typeof mod === 'function' ? mod : typeof mod === 'object' && mod !== null && 'default' in mod ? mod.default : null;
  if (typeof fn !== 'function') throw new Error(`${path} is not the phonetic function this agent was built with`);
  return (word) => String(fn(word));
}

const cologne = load('talisman/phonetics/german/cologne');
const phonex = load('talisman/phonetics/french/phonex');

/** The phonetic keys of a folded word of letters (3 or more), as search tokens of one fixed length. */
export function soundTokens(word: string): string[] {
  // Names repeat (a directory of 100,000 holds a few thousand last names): each word is keyed once.
  let tokens = soundCache.get(word);
  if (!tokens) {
    tokens = computeSoundTokens(word);
    if (soundCache.size >= SOUND_CACHE_MAX) soundCache.clear();
    soundCache.set(word, tokens);
  }
  return tokens;
}
const SOUND_CACHE_MAX = 200_000;
const soundCache = new Map<string, string[]>();

function computeSoundTokens(word: string): string[] {
  if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
  const tokens: string[] = [];
  const k = cologne(word);
  const f = phonex(word);
  if (k) tokens.push(soundToken('k', k));
  if (f) tokens.push(soundToken('f', f.toLowerCase()));
  return tokens;
}

/** Marked by a leading \u0002 (never in a folded word), so a sound never matches a typed prefix. */
export const SOUND_MARK = '\u0002';
export const SOUND_TOKEN_LENGTH = 10;
const soundToken = (tag: string, code: string) => `${SOUND_MARK}${tag}${code}`.slice(0, SOUND_TOKEN_LENGTH).padEnd(SOUND_TOKEN_LENGTH, '_');

/** Every word one typo away (deleted, added, changed or swapped letter). */
export function oneTypo(word: string): string[] {
  const out = new Set<string>();
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (const l of letters) {
      out.add(head + l + tail);
      if (tail) out.add(head + l + tail.slice(1));
    }
  }
  out.delete(word);
  return [...out];
}

/** Whether two different words are one typo apart (a letter deleted, added, changed, or two swapped). */
export function oneTypoApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length < b.length) [a, b] = [b, a];
  if (a.length - b.length > 1) return false;
  let i = 0;
  while (i < b.length && a[i] === b[i]) i++;
  if (a.length > b.length) return a.slice(i + 1) === b.slice(i); // one letter more in a
  if (a.slice(i + 1) === b.slice(i + 1)) return true; // one letter changed
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // two swapped
}
