import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/min';

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
const GERMAN: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'ae', Ö: 'oe', Ü: 'ue' };
// Made from the tables' keys rather than written as literals: the bundler escapes strings, not a
// regular expression's letters, and one letter past U+00FF in the bundle makes V8 hold all of its
// text two bytes a character (~2.3 MB more of the agent's memory).
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL).join('')}]`, 'g');
const GERMAN_RE = new RegExp(`[${Object.keys(GERMAN).join('')}]`, 'g');
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

/** Country calling codes whose national form starts with 0 (for numbers the library cannot read). */
const TRUNK_ZERO = ['41', '423', '33', '49', '43', '39', '32', '31', '44'];

const isCountry = (c: string): c is CountryCode => isSupportedCountry(c);

/** A phone number as the library reads it, in the shop's country unless it says otherwise; null when impossible. */
export function parsePhone(phone: string, country = 'CH'): PhoneNumber | null {
  const parsed = parsePhoneNumberFromString(phone, isCountry(country) ? country : 'CH');
  return parsed?.isPossible() ? parsed : null;
}

/**
 * A number libphonenumber-js says cannot be a phone number (read in the shop's country unless it
 * starts with + or 00): impossible (too few or too many digits) or not valid (no such number range:
 * `079 555 00 1`, a digit short, passes the length test alone because the library then keeps the
 * 0). Saving keeps it as typed: ten years of a shop's cards hold numbers like that, and refusing them
 * would lose the rest of the edit. Staff are warned instead.
 */
export function phoneNeedsChecking(phone: string, country = 'CH'): boolean {
  const parsed = parsePhone(phone, country);
  return parsed === null || !parsed.isValid();
}

/**
 * How a number shows on the page and the tickets: `+41 79 555 00 12`; as typed when it needs
 * checking (formatting a number the library cannot place gives `+41 079555001`, which hides the typo).
 */
export function formatPhone(phone: string, country = 'CH'): string {
  const parsed = parsePhone(phone, country);
  return parsed?.isValid() ? parsed.formatInternational() : phone;
}

/**
 * The searchable forms of a phone number, so it is found however it is typed: international
 * digits (`41795550012`, what `+41…` and `0041…` give), the national form (`0795550012`), and the
 * subscriber number without its prefix (`5550012`, how a customer often says it: every ending of
 * 6 digits or more of the national number). Read by libphonenumber-js with the shop's country as
 * the default, so `079 555 00 13` and `+41 79 555 00 13` are the same number.
 */
export function phoneForms(phone: string, country = 'CH'): string[] {
  const swiss = swissNumber(phone, country);
  if (swiss) return nsnForms('41', '0', swiss);
  const parsed = parsePhone(phone, country);
  if (!parsed) return rawPhoneForms(phone);
  return nsnForms(parsed.number.slice(1, -parsed.nationalNumber.length), digits(parsed.formatNational()).slice(0, -parsed.nationalNumber.length), parsed.nationalNumber);
}

function nsnForms(callingCode: string, trunk: string, nsn: string): string[] {
  const forms = new Set([callingCode + nsn, trunk + nsn]);
  for (let i = 0; nsn.length - i >= 6; i++) forms.add(nsn.slice(i));
  return [...forms];
}

/**
 * A Swiss number's 9-digit national number, without the library: most numbers in a Swiss shop's
 * directory are Swiss, and reading 100,000 of them through libphonenumber-js costs ~0.7 s at every
 * start. What the library calls possible for CH is exactly this: 9 digits after +41, 0041 or 0.
 * Anything else goes through the library.
 */
function swissNumber(phone: string, country: string): string | null {
  const t = phone.trim();
  const d = digits(t);
  let nsn: string | null = null;
  if (t.startsWith('+')) nsn = d.startsWith('41') ? d.slice(2) : null;
  else if (d.startsWith('0041')) nsn = d.slice(4);
  else if (country === 'CH' && d.startsWith('0') && !d.startsWith('00')) nsn = d.slice(1);
  return nsn !== null && nsn.length === 9 && nsn[0] !== '0' && /^[+\d\s().\/-]+$/.test(t) ? nsn : null;
}

function rawPhoneForms(phone: string): string[] {
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

/** A phone query as one run of digits: `0041 79…` as `41 79…` (what the international form holds). */
export function phoneQuery(q: string): string {
  const d = digits(q);
  return d.startsWith('00') ? d.slice(2) : d;
}

/** A query typed like a phone number (digits with spaces, dots, +): searched as one run of digits. */
export function isPhoneLike(q: string): boolean {
  return /^[+\d][\d\s().\/-]*$/.test(q) && /\d[\s.\/-]+\d/.test(q);
}
