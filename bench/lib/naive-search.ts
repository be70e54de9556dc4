import { fold, splitWords } from '../../agent/directory/normalize.js';
import type { Client } from '../../agent/directory/schema.js';
import { sortKeyOf } from '../../agent/directory/search-index.js';

/**
 * The baseline: what a first version without an index would do on every keystroke. For each query
 * it folds every searchable field of every record (fold() of normalize.ts, the same folding as the
 * index) and keeps the records where every query word is the prefix of some word; then sorts the
 * matches by name and returns the first `limit` (and every match, for the result check). No
 * transliteration or phone forms: it does less than the index, so the speed-up it shows is, if
 * anything, understated; and every record it finds, the index must find too.
 */
export function naiveSearch(clients: readonly Client[], query: string, limit: number): { ids: string[]; matches: string[] } {
  const words = splitWords(fold(query));
  if (words.length === 0) return { ids: [], matches: [] };
  const hits: Array<{ key: string; id: string }> = [];
  for (const c of clients) {
    const recordWords: string[] = [];
    for (const field of [
      c.lastName,
      c.firstName,
      c.companyName,
      c.address.street,
      c.address.street2,
      c.address.postalCode,
      c.address.city,
      c.phone,
      c.reference,
      c.accountNumber,
    ]) {
      if (field) for (const w of splitWords(fold(field))) recordWords.push(w);
    }
    if (c.email) {
      // The whole address and the words before the @ (not the domain: "gmail" or "ch" find no one in particular).
      const e = fold(c.email);
      recordWords.push(e, ...splitWords(e.slice(0, Math.max(0, e.indexOf('@')))));
    }
    if (words.every((w) => recordWords.some((rw) => rw.startsWith(w)))) hits.push({ key: sortKeyOf(c), id: c.id });
  }
  hits.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const matches = hits.map((h) => h.id);
  return { ids: matches.slice(0, limit), matches };
}
