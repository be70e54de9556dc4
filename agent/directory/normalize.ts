/**
 * Text folding for search: case- and accent-insensitive, with German transliteration, so that
 * `helene` finds `Hélène`, `mueller` and `muller` both find `Müller`, `zurich` finds `Zürich`.
 */

const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_RE = /[ßẞæÆœŒøØłŁđĐðþı]/g;
const GERMAN_RE = /[äöüÄÖÜ]/g;
const GERMAN: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'ae', Ö: 'oe', Ü: 'ue' };
const MARKS_RE = /\p{M}/gu;
// eslint-disable-next-line no-control-regex
const ASCII_RE = /^[\x00-\x7f]*$/;
const WORD_SPLIT_RE = /[^\p{L}\p{N}]+/u;

function slowFold(s: string): string {
  return s.replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c).normalize('NFD').replace(MARKS_RE, '').toLowerCase();
}

/** fold() of every character up to U+024F (Latin-1 and Latin Extended A/B), computed once. */
const LATIN_TABLE: string[] = Array.from({ length: 0x250 }, (_, c) => slowFold(String.fromCharCode(c)));

const NON_ASCII_RE = /[^\x00-\x7f]/g;
const BEYOND_LATIN_RE = /[^\x00-\u024f]/;

/** Lower case without accents: `Hélène Müller` → `helene muller`. */
export function fold(s: string): string {
  if (ASCII_RE.test(s)) return s.toLowerCase();
  if (BEYOND_LATIN_RE.test(s)) return slowFold(s);
  // Names are almost always Latin: a table lookup per accented letter is several times faster than NFD.
  return s.replace(NON_ASCII_RE, (c) => LATIN_TABLE[c.charCodeAt(0)]!).toLowerCase();
}

/** German spelling without umlauts: `Müller` → `mueller`; equal to fold() for text without umlauts. */
export function foldGerman(s: string): string {
  return fold(s.replace(GERMAN_RE, (c) => GERMAN[c] ?? c));
}

export function hasUmlaut(s: string): boolean {
  GERMAN_RE.lastIndex = 0;
  return GERMAN_RE.test(s);
}

const ASCII_WORD_SPLIT_RE = /[^a-z0-9]+/;

/** Words of already-folded text. */
export function splitWords(folded: string): string[] {
  const parts = folded.split(ASCII_RE.test(folded) ? ASCII_WORD_SPLIT_RE : WORD_SPLIT_RE);
  return parts[0] === '' || parts[parts.length - 1] === '' ? parts.filter((w) => w.length > 0) : parts;
}

/** Digits only: `+41 22 000 00 00` → `41220000000`. */
export function digits(s: string): string {
  return s.replace(/\D+/g, '');
}

/** Country calling codes whose national form starts with 0 (so `022…` finds `+41 22…`). */
const TRUNK_ZERO = ['41', '423', '33', '49', '43', '39', '32', '31', '44'];

/** The searchable forms of a phone number: international digits and the national 0… form. */
export function phoneForms(phone: string): string[] {
  let d = digits(phone);
  if (!d) return [];
  if (d.startsWith('00')) d = d.slice(2);
  const forms = [d];
  if (phone.trim().startsWith('+') || digits(phone).startsWith('00')) {
    const cc = TRUNK_ZERO.find((c) => d.startsWith(c));
    if (cc) forms.push(`0${d.slice(cc.length)}`);
  }
  return forms;
}

/** A query typed like a phone number (digits with spaces, dots, +): searched as one run of digits. */
export function isPhoneLike(q: string): boolean {
  return /^[+\d][\d\s().\/-]*$/.test(q) && /\d[\s.\/-]+\d/.test(q);
}
