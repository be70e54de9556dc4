import { describe, expect, it } from 'vitest';
import { digits, fold, isPhoneLike, splitWords } from '../../../agent/directory/normalize.js';
import type { Client } from '../../../agent/directory/schema.js';
import { clientTokens, type SearchCursor, SearchIndex, sortKeyOf } from '../../../agent/directory/search-index.js';

/**
 * The index against a plain model: for random directories, edits and queries, both must return
 * the same clients in the same order, page after page. Sizes are chosen so that crowded buckets
 * are split (thousands of references sharing a prefix), which is where an index goes wrong.
 */

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Spaces, hyphens and apostrophes at the same place in names that sort together ("Koch Sami" < "Koch-Meier").
const LAST = ['Müller', 'Muller', 'Meier', 'Schmid', 'Schmidt', 'Favre', 'Dubois', 'Rossi', 'Jäggi', 'Zürcher', 'Gençay', 'Bühler', 'Keller', 'Ma', 'Mülheim', 'Koch', 'Koch-Meier', 'Koch Zaugg', 'De la Harpe', "D'Amico", 'Dé'];
const FIRST = ['Hélène', 'Hans', 'Jean-Pierre', 'Anne', 'Marc', 'Zoé', 'Ueli', 'Françoise', 'Luca', 'Åsa', 'Sami', 'Markus'];
const CITY: Array<[string, string]> = [['1204', 'Genève'], ['8001', 'Zürich'], ['1003', 'Lausanne'], ['6900', 'Lugano'], ['3011', 'Bern']];
const STREET = ['Rue du Rhône', 'Bahnhofstrasse', 'Via Nassa', 'Chemin des Écoliers', 'Route de Berne'];

function makeClient(r: () => number, i: number): Client {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const company = r() < 0.15;
  const [npa, city] = pick(CITY);
  return {
    id: `id-${i}`,
    kind: company ? 'company' : 'person',
    civility: null,
    lastName: pick(LAST),
    firstName: pick(FIRST),
    companyName: company ? `${pick(LAST)} & Fils SA` : null,
    reference: r() < 0.9 ? `7612345${String(i).padStart(6, '0')}` : `CARD-${i}`,
    accountNumber: r() < 0.3 ? String(1000 + Math.floor(r() * 9000)) : null,
    groupId: null,
    email: r() < 0.5 ? `${fold(pick(FIRST)).replace(/\W/g, '')}.${i}@example.ch` : null,
    phone: r() < 0.7 ? `+41 79 ${String(Math.floor(r() * 1e7)).padStart(7, '0')}` : null,
    address: { street: `${pick(STREET)} ${1 + Math.floor(r() * 40)}`, street2: null, postalCode: npa, city, country: 'CH' },
    notes: null,
    accountBalance: 0,
    walletBalance: 0,
    version: 1,
    updatedAt: '2026-11-27T09:00:00Z',
  };
}

/** The rules, written plainly: every query word must start some token; order by (rank, name, id). */
class Model {
  readonly clients = new Map<string, Client>();

  /** Tokenisation has its own unit tests; here the question is whether the index finds by them. */
  tokens(c: Client): string[] {
    return clientTokens(c);
  }

  search(q: string, exactId?: string): string[] {
    const t = q.trim();
    const folded = fold(t);
    const words = isPhoneLike(t) ? [digits(t)] : folded.includes('@') ? [folded] : splitWords(folded);
    const rows: Array<[number, string, string]> = [];
    for (const c of this.clients.values()) {
      const toks = this.tokens(c);
      if (c.id !== exactId && !words.every((w) => toks.some((tok) => tok.startsWith(w)))) continue;
      const key = sortKeyOf(c);
      rows.push([c.id === exactId ? 0 : key.startsWith(words[0]!) ? 1 : 2, key, c.id]);
    }
    rows.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    return rows.map((r) => r[2]);
  }
}

function allPages(index: SearchIndex, q: string, limit: number, exactId?: string): string[] {
  const out: string[] = [];
  let after: SearchCursor | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = index.search(q, limit, after, exactId);
    // the model knows exact matches; close ones (typos, sounds) come after them and have their own tests
    out.push(...page.ids.slice(0, page.closeFrom));
    if (!page.after || page.closeFrom < page.ids.length) return out;
    after = page.after;
  }
  throw new Error('pagination did not end');
}

const QUERIES = ['m', 'mu', 'mül', 'mueller', 'muller hel', 'schmid', 'sch', 'ge', 'zurich', 'zuer', 'rue', 'rue du rh', '1204',
  '761234500', '7612345000', '76123450012', '079', '+41 79', 'card', 'card-12', 'jeanpierre', 'jean pierre', 'asa', 'fils', 'hans.',
  'ueli.1', '@example', 'x', 'via nassa 1', 'ma', 'lu', 'zoé rossi', 'koch', 'k', 'koch m', 'de', 'd', 'sami', 'me',
  // two-letter words, filed in their own buckets: one that matches nobody, pairs of short words, digits
  'zq', 'mu he', 'ma ge', 'hé', 'ü', '12', '07 9'];

describe('SearchIndex matches a plain model', () => {
  it.each([1, 2, 3])('random directory #%i: same results and order, over every page, through edits', (seed) => {
    const r = rng(seed);
    const model = new Model();
    const clients = Array.from({ length: 3000 }, (_, i) => makeClient(r, i));
    for (const c of clients) model.clients.set(c.id, c);
    const index = new SearchIndex();
    index.rebuild(clients);

    const check = () => {
      for (const q of QUERIES) {
        const want = model.search(q);
        expect(allPages(index, q, 37), `query "${q}"`).toEqual(want);
      }
      const exact = [...model.clients.values()].find((c) => c.reference?.startsWith('7612345'));
      if (exact) expect(allPages(index, exact.reference!, 10, exact.id)).toEqual(model.search(exact.reference!, exact.id));
    };
    check();

    // Edits: renames, new clients sharing crowded prefixes (splits during upsert), deletions.
    let next = 3000;
    for (let step = 0; step < 600; step++) {
      const roll = r();
      if (roll < 0.45) {
        const c = makeClient(r, next++);
        model.clients.set(c.id, c);
        index.upsert(c);
      } else if (roll < 0.8) {
        const ids = [...model.clients.keys()];
        const id = ids[Math.floor(r() * ids.length)]!;
        const c = { ...makeClient(r, Number(id.slice(3))), id };
        model.clients.set(id, c);
        index.upsert(c);
      } else {
        const ids = [...model.clients.keys()];
        const id = ids[Math.floor(r() * ids.length)]!;
        model.clients.delete(id);
        index.remove(id);
      }
    }
    expect(index.size).toBe(model.clients.size);
    check();
    expect(allPages(index, '', 50)).toEqual(
      [...model.clients.values()]
        .sort((a, b) => {
          const ka = sortKeyOf(a);
          const kb = sortKeyOf(b);
          return ka < kb ? -1 : ka > kb ? 1 : a.id < b.id ? -1 : 1;
        })
        .map((c) => c.id),
    );
  });
});

/** Every page of a search whole, close matches included, and where they start on each. */
function everyPage(index: SearchIndex, q: string, limit: number): Array<{ ids: string[]; closeFrom: number }> {
  const out: Array<{ ids: string[]; closeFrom: number }> = [];
  let after: SearchCursor | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = index.search(q, limit, after);
    out.push({ ids: page.ids, closeFrom: page.closeFrom });
    if (!page.after) return out;
    after = page.after;
  }
  throw new Error('pagination did not end');
}

// several words, exact and misspelt (a letter missing, changed, swapped, added; a German spelling)
const SEVERAL_WORDS = ['muller hel', 'mueler hel', 'hans mullr', 'schmit hans', 'favr anne', 'dubios marc', 'rosi zoe', 'keler ueli',
  'buhler hans', 'jagi asa', 'zurcher markus', 'koch mei', 'koch meier sami', 'gencay luca', 'meyer sami', 'jean piere', 'jean pierre dubois',
  'rue du rhone', 'via nasa', 'lausane rue', 'geneve favre', 'zurich bahnhofstrase', 'ueli 1204', 'hans 079', 'fils sa keller', 'ma ge'];

describe('narrowing a walk by the other words\' buckets', () => {
  it.each([4, 5])('random directory #%i: the very same pages, close matches included, as reading every text, through edits', (seed) => {
    const r = rng(seed);
    const clients = Array.from({ length: 3000 }, (_, i) => makeClient(r, i));
    const narrowed = new SearchIndex();
    const plain = new SearchIndex('CH', false);
    narrowed.rebuild(clients);
    plain.rebuild(clients);
    const check = () => {
      for (const q of [...SEVERAL_WORDS, ...QUERIES]) {
        for (const limit of [7, 40]) expect(everyPage(narrowed, q, limit), `query "${q}", pages of ${limit}`).toEqual(everyPage(plain, q, limit));
      }
    };
    check();
    // edits leave base entries stale and put clients in the overlay, which the narrowing must not drop
    const ids = clients.map((c) => c.id);
    let next = 3000;
    for (let step = 0; step < 400; step++) {
      const roll = r();
      if (roll < 0.4) {
        const c = makeClient(r, next++);
        ids.push(c.id);
        narrowed.upsert(c);
        plain.upsert(c);
      } else if (roll < 0.8) {
        const id = ids[Math.floor(r() * ids.length)]!;
        const c = { ...makeClient(r, Number(id.slice(3))), id };
        narrowed.upsert(c);
        plain.upsert(c);
      } else {
        const at = Math.floor(r() * ids.length);
        const [id] = ids.splice(at, 1);
        narrowed.remove(id!);
        plain.remove(id!);
      }
    }
    check();
  });

  it('finds close matches of several words at all (the comparison above is not between two empty results)', () => {
    const r = rng(4);
    const clients = Array.from({ length: 3000 }, (_, i) => makeClient(r, i));
    const index = new SearchIndex();
    index.rebuild(clients);
    const page = index.search('mueler hel', 50);
    expect(page.closeFrom).toBeLessThan(page.ids.length);
    expect(index.search('dubios marc', 50).ids.length).toBeGreaterThan(0);
  });
});
