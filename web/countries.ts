import { COUNTRY_CODES } from '../agent/directory/countries.js';

/**
 * Countries by name in the staff's language, from the ICU data Node ships with (Intl.DisplayNames):
 * no list to keep up to date, and every language the pages speak.
 */
const lists = new Map<string, Array<{ code: string; name: string }>>();
const FIRST = ['CH', 'LI'];

/** Every ISO country the directory accepts, sorted as the staff's language reads; Switzerland and Liechtenstein first. */
export function countryOptions(lang: string): Array<{ code: string; name: string }> {
  let list = lists.get(lang);
  if (!list) {
    const names = new Intl.DisplayNames([lang], { type: 'region' });
    const rest = [...COUNTRY_CODES]
      .filter((code) => !FIRST.includes(code))
      .map((code) => ({ code, name: names.of(code) ?? code }))
      .sort((x, y) => x.name.localeCompare(y.name, lang));
    list = [...FIRST.map((code) => ({ code, name: names.of(code) ?? code })), ...rest];
    lists.set(lang, list);
  }
  return list;
}

/** A country's name in the staff's language ("FR" → "France"); an unknown code as it is. */
export function countryName(code: string, lang: string): string {
  return countryOptions(lang).find((c) => c.code === code)?.name ?? code;
}
