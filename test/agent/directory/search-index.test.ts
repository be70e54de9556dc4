import { describe, expect, it } from 'vitest';
import type { Client } from '../../../agent/directory/schema.js';
import { SearchIndex } from '../../../agent/directory/search-index.js';

let seq = 0;
function client(over: Partial<Omit<Client, 'address'>> & { address?: Partial<Client['address']> }): Client {
  seq++;
  return {
    id: over.id ?? `c${String(seq).padStart(4, '0')}`,
    kind: over.kind ?? 'person',
    civility: null,
    lastName: over.lastName ?? null,
    firstName: over.firstName ?? null,
    companyName: over.companyName ?? null,
    reference: over.reference ?? null,
    accountNumber: over.accountNumber ?? null,
    groupId: null,
    email: over.email ?? null,
    phone: over.phone ?? null,
    address: { street: null, street2: null, postalCode: null, city: null, country: 'CH', ...over.address },
    notes: null,
    accountBalance: 0,
    walletBalance: 0,
    version: 1,
    updatedAt: '2026-11-27T09:00:00Z',
  };
}

function names(index: SearchIndex, q: string, all: Client[], exactId?: string): string[] {
  const byId = new Map(all.map((c) => [c.id, c]));
  const page = index.search(q, 50, null, exactId);
  return page.ids.slice(0, page.closeFrom).map((id) => {
    const c = byId.get(id)!;
    return c.companyName ?? `${c.firstName} ${c.lastName}`;
  });
}

const people = [
  client({ id: 'helene', lastName: 'Müller', firstName: 'Hélène', address: { city: 'Genève', postalCode: '1204', street: 'Rue du Rhône 1' }, phone: '+41 22 000 00 00', reference: '7612345000015' }),
  client({ id: 'hans', lastName: 'Zürcher', firstName: 'Hans', address: { city: 'Zürich', postalCode: '8001' }, email: 'hans.zuercher@example.ch' }),
  client({ id: 'marc', lastName: 'Muller', firstName: 'Marc', address: { city: 'Lausanne' }, accountNumber: '1100' }),
  client({ id: 'favre', kind: 'company', companyName: 'Boulangerie Favre SA', lastName: 'Favre', firstName: 'Jean-Pierre', address: { city: 'Morges' } }),
  client({ id: 'anne', lastName: 'Rossi', firstName: 'Anne', address: { city: 'Lugano' }, reference: 'HELENE-CARD' }),
];

function built(): SearchIndex {
  const index = new SearchIndex();
  index.rebuild(people);
  return index;
}

describe('SearchIndex', () => {
  it('matches words by prefix, ignoring case and accents, in any order', () => {
    const index = built();
    expect(names(index, 'helene mul', people)).toEqual(['Hélène Müller']);
    expect(names(index, 'HÉLÈNE', people)).toContain('Hélène Müller');
    expect(names(index, 'mul hel', people)).toEqual(['Hélène Müller']);
  });

  it('finds umlauts written the German way and without them', () => {
    const index = built();
    expect(names(index, 'mueller', people)).toEqual(['Hélène Müller']);
    expect(names(index, 'muller', people)).toEqual(['Hélène Müller', 'Marc Muller']);
    expect(names(index, 'zurich', people)).toEqual(['Hans Zürcher']);
    expect(names(index, 'zuer', people)).toEqual(['Hans Zürcher']);
  });

  it('searches street, NPA, city, email, phone digits, reference and account number', () => {
    const index = built();
    expect(names(index, 'rhone', people)).toEqual(['Hélène Müller']);
    expect(names(index, '1204', people)).toEqual(['Hélène Müller']);
    expect(names(index, 'geneve', people)).toEqual(['Hélène Müller']);
    expect(names(index, 'hans.zuercher@ex', people)).toEqual(['Hans Zürcher']);
    expect(names(index, '022 000 00', people)).toEqual(['Hélène Müller']);
    expect(names(index, '+41 22', people)).toEqual(['Hélène Müller']);
    expect(names(index, '7612345000015', people)).toEqual(['Hélène Müller']);
    expect(names(index, '1100', people)).toEqual(['Marc Muller']);
    expect(names(index, 'jeanpierre', people)).toEqual(['Boulangerie Favre SA']);
  });

  it('ranks the exact reference first, then name matches, then the rest', () => {
    const index = built();
    // "HELENE-CARD" is Anne's reference, and "helene" is also a word of Hélène's name.
    expect(names(index, 'helene', people, 'anne')).toEqual(['Anne Rossi', 'Hélène Müller']);
    expect(names(index, 'helene', people)).toEqual(['Hélène Müller', 'Anne Rossi']);
    // a last name starting with the first word comes before other matches, each by name
    expect(names(index, 'mu', people)).toEqual(['Hélène Müller', 'Marc Muller']);
    expect(names(index, 'r', people)).toEqual(['Anne Rossi', 'Hélène Müller']); // Rossi; then Rue du Rhône
  });

  it('returns nothing for words that match nothing', () => {
    const index = built();
    expect(index.search('xyzzy', 20).ids).toEqual([]);
    expect(index.search('helene xyzzy', 20).ids).toEqual([]);
  });

  it('lists everyone by name without a query and pages with a cursor', () => {
    const index = built();
    const first = index.search('', 2);
    // Boulangerie Favre SA, Müller Hélène, Muller Marc (ü sorts as u), Rossi, Zürcher
    expect(first.ids).toEqual(['favre', 'helene']);
    const second = index.search('', 2, first.after);
    expect(second.ids).toEqual(['marc', 'anne']);
    const third = index.search('', 2, second.after);
    expect(third.ids).toEqual(['hans']);
    expect(third.after).toBeNull();
  });

  it('pagination survives inserts and deletes between pages', () => {
    const index = built();
    const first = index.search('', 2);
    index.remove('helene'); // the cursor's own client
    index.upsert(client({ id: 'aaa', lastName: 'Aebi', firstName: 'Zoé' })); // sorts before the cursor
    const rest = [...index.search('', 10, first.after).ids];
    expect(rest).toEqual(['marc', 'anne', 'hans']);
  });

  it('follows upserts and removals without a rebuild', () => {
    const index = built();
    index.upsert({ ...people[2]!, lastName: 'Meier' });
    expect(names(index, 'muller', people)).toEqual(['Hélène Müller']);
    expect(index.search('meier', 20).ids).toEqual(['marc']);
    index.remove('helene');
    expect(index.search('muller', 20).ids).toEqual([]);
    expect(index.search('7612345000015', 20).ids).toEqual([]);
    expect(index.size).toBe(4);
  });

  it('pages a query result with many matches without duplicates or gaps', () => {
    const many = Array.from({ length: 57 }, (_, i) =>
      client({ id: `m${i}`, lastName: `Meyer${String.fromCharCode(97 + (i % 26))}`, firstName: `P${i}` }),
    );
    const index = new SearchIndex();
    index.rebuild(many);
    const seen: string[] = [];
    let after = null;
    do {
      const page = index.search('mey', 10, after);
      seen.push(...page.ids);
      after = page.after;
    } while (after);
    expect(seen).toHaveLength(57);
    expect(new Set(seen).size).toBe(57);
  });
});

describe('SearchIndex close matches, many of them', () => {
  it('pages through every close match once, in name order, from buckets that overlap, some of them changed since the build', () => {
    // "meier": Meyer and Maier are one typo and the same sound (two buckets holding the same
    // clients); Mayer only sounds the same. More of each than a page, so each bucket is left early.
    const built = [
      ...Array.from({ length: 12 }, (_, i) => client({ lastName: 'Meier', firstName: `E${String(i).padStart(2, '0')}` })),
      ...Array.from({ length: 15 }, (_, i) => client({ lastName: 'Meyer', firstName: `Y${String(i).padStart(2, '0')}` })),
      ...Array.from({ length: 15 }, (_, i) => client({ lastName: 'Maier', firstName: `A${String(i).padStart(2, '0')}` })),
      ...Array.from({ length: 10 }, (_, i) => client({ lastName: 'Mayer', firstName: `M${String(i).padStart(2, '0')}` })),
      client({ lastName: 'Dupont', firstName: 'Paul' }),
    ];
    const index = new SearchIndex();
    index.rebuild(built);
    const later = Array.from({ length: 6 }, (_, i) => client({ lastName: i % 2 ? 'Meyer' : 'Mayer', firstName: `L${i}` }));
    for (const c of later) index.upsert(c);
    index.remove(built[13]!.id); // a Meyer gone
    const all = [...built.filter((c) => c.id !== built[13]!.id), ...later];

    const seen: Array<{ id: string; close: boolean }> = [];
    let after = null;
    do {
      const page = index.search('meier', 7, after);
      page.ids.forEach((id, i) => seen.push({ id, close: i >= page.closeFrom }));
      after = page.after;
    } while (after);

    const key = (c: Client) => `${c.lastName} ${c.firstName}`.toLowerCase();
    const byName = (cs: Client[]) => [...cs].sort((a, b) => (key(a) < key(b) ? -1 : 1)).map((c) => c.id);
    const exact = all.filter((c) => c.lastName === 'Meier');
    const close = all.filter((c) => c.lastName !== 'Meier' && c.lastName !== 'Dupont');
    expect(seen.filter((s) => !s.close).map((s) => s.id)).toEqual(byName(exact));
    expect(seen.filter((s) => s.close).map((s) => s.id)).toEqual(byName(close));
  });
});
