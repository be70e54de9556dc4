import { describe, expect, it } from 'vitest';
import { agentPerTest, type TestAgent } from '../../helpers/agent.js';
import { type ClientBody, createClient, errorPaths, expectJson, expectProblem, type PageBody } from './api-util.js';

/** agent-api.md "Client directory": GET /api/v1/clients?q=&limit=&cursor=. */

const open = agentPerTest();

async function search(a: TestAgent, params: Record<string, string>): Promise<PageBody> {
  return expectJson<PageBody>(await a.api(`/api/v1/clients?${new URLSearchParams(params)}`), 200);
}

function label(c: ClientBody): string {
  return c.kind === 'company' ? (c.companyName ?? '') : `${c.lastName} ${c.firstName}`;
}

/** Follows `next` until null; returns every page. */
async function pages(a: TestAgent, params: Record<string, string>): Promise<ClientBody[][]> {
  const out: ClientBody[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: PageBody = await search(a, cursor ? { ...params, cursor } : params);
    out.push(page.items);
    if (page.next === null) return out;
    expect(typeof page.next).toBe('string');
    cursor = page.next;
  }
  throw new Error('pagination never ended');
}

describe('search: accents, case, German transliteration', () => {
  async function seed(a: TestAgent) {
    const helene = await createClient(a, { civility: 'Mme', lastName: 'Müller', firstName: 'Hélène', address: { city: 'Genève', postalCode: '1204' } });
    const hans = await createClient(a, { lastName: 'Mueller', firstName: 'Hans', address: { city: 'Bern', postalCode: '3011' } });
    const zurich = await createClient(a, { lastName: 'Keller', firstName: 'Urs', address: { city: 'Zürich', postalCode: '8001' } });
    const acme = await createClient(a, {
      kind: 'company',
      companyName: 'Boulangerie Crémerie du Lac SA',
      email: 'contact@cremerie-lac.ch',
      phone: '+41 21 555 12 34',
      reference: 'CARD-0099',
      accountNumber: '1100.42',
      address: { city: 'Lausanne', postalCode: '1003' },
    });
    await createClient(a, { lastName: 'Favre', firstName: 'Anne', address: { city: 'Sion', postalCode: '1950' } });
    return { helene, hans, zurich, acme };
  }

  it('"helene mul" finds Hélène Müller', async () => {
    const a = await open();
    const { helene } = await seed(a);
    expect((await search(a, { q: 'helene mul' })).items.map((c) => c.id)).toEqual([helene.id]);
    expect((await search(a, { q: 'mul helene' })).items.map((c) => c.id)).toEqual([helene.id]);
  });

  it.each(['HÉLÈNE', 'hélène', 'Helene', 'HELENE MÜLLER', 'he\u0301le\u0300ne' /* decomposed accents */])('"%s" finds Hélène', async (q) => {
    const a = await open();
    const { helene } = await seed(a);
    expect((await search(a, { q })).items.map((c) => c.id)).toEqual([helene.id]);
  });

  it('"mueller" and "muller" both find Müller; "mueller" also finds Mueller', async () => {
    const a = await open();
    const { helene, hans } = await seed(a);
    expect((await search(a, { q: 'muller' })).items.map((c) => [c.id, c.match])).toEqual([[helene.id, 'exact'], [hans.id, 'close']]); // Mueller: one letter more
    expect(new Set((await search(a, { q: 'mueller' })).items.map((c) => c.id))).toEqual(new Set([helene.id, hans.id]));
    expect(new Set((await search(a, { q: 'MÜLLER' })).items.map((c) => c.id))).toContain(helene.id);
  });

  it('"zurich" and "zuerich" find a client in Zürich', async () => {
    const a = await open();
    const { zurich } = await seed(a);
    expect((await search(a, { q: 'zurich' })).items.map((c) => c.id)).toEqual([zurich.id]);
    expect((await search(a, { q: 'zuerich' })).items.map((c) => c.id)).toEqual([zurich.id]);
    expect((await search(a, { q: 'ZÜR' })).items.map((c) => c.id)).toEqual([zurich.id]);
  });

  it('matches company, city, email, phone, reference and account number by prefix', async () => {
    const a = await open();
    const { acme } = await seed(a);
    for (const q of ['cremerie', 'CRÈM', 'boul lac', 'lausan', 'contact@cremerie', 'cremerie-lac', '021 555', '+41 21 555 12', '4121555', 'card-0099', 'CARD-00', '1100']) {
      expect((await search(a, { q })).items.map((c) => c.id), q).toEqual([acme.id]);
    }
  });

  it('finds references and account numbers written with dots or dashes, in full and by prefix', async () => {
    const a = await open();
    const acct = await createClient(a, { lastName: 'Favre', firstName: 'Anne', accountNumber: '1100.42' });
    const ref = await createClient(a, { lastName: 'Rochat', firstName: 'Luc', reference: '2026-0042' });
    await createClient(a, { lastName: 'Blanc', firstName: 'Eva', phone: '+41 21 000 00 00' });
    const failures: string[] = [];
    for (const [q, id] of [['1100.42', acct.id], ['1100.4', acct.id], ['2026-0042', ref.id], ['2026-00', ref.id], ['2026-004', ref.id]] as const) {
      const got = (await search(a, { q })).items.map((c) => c.id);
      if (got.length !== 1 || got[0] !== id) failures.push(`q=${q} found ${got.length} client(s)`);
    }
    expect(failures).toEqual([]);
  });

  it('every word must match; no match gives an empty page', async () => {
    const a = await open();
    await seed(a);
    expect(await search(a, { q: 'helene keller' })).toEqual({ items: [], next: null });
    expect(await search(a, { q: 'xyz' })).toEqual({ items: [], next: null });
    expect(await search(a, { q: '--- ... ' })).toEqual({ items: [], next: null });
  });

  it('words match by prefix only, not in the middle of a word', async () => {
    const a = await open();
    await seed(a);
    expect((await search(a, { q: 'ller' })).items).toEqual([]);
  });
});

describe('search ranking', () => {
  it('the exact reference comes first, before name-sorted matches', async () => {
    const a = await open();
    const zbinden = await createClient(a, { lastName: 'Zbinden', firstName: 'Eva', reference: '1000' });
    const aebi = await createClient(a, { lastName: 'Aebi', firstName: 'Paul', reference: '10001' });
    const blanc = await createClient(a, { lastName: 'Blanc', firstName: 'Marc', accountNumber: '1000' });
    const page = await search(a, { q: '1000' });
    expect(page.items[0]?.id).toBe(zbinden.id);
    expect(new Set(page.items.map((c) => c.id))).toEqual(new Set([zbinden.id, aebi.id, blanc.id]));
    // the other reference is exact for its own query
    expect((await search(a, { q: '10001' })).items.map((c) => c.id)).toEqual([aebi.id]);
  });

  it('name matches come before matches on other fields', async () => {
    const a = await open();
    const aebi = await createClient(a, { lastName: 'Aebi', firstName: 'Paul', address: { city: 'Martigny', postalCode: '1920' } });
    const martin = await createClient(a, { lastName: 'Martin', firstName: 'Zoé', address: { city: 'Genève', postalCode: '1204' } });
    const page = await search(a, { q: 'mart' });
    expect(page.items.map((c) => c.id)).toEqual([martin.id, aebi.id]);
  });
});

describe('listing without q', () => {
  it('is sorted by name (last name, first name; company name), ignoring case and accents', async () => {
    const a = await open();
    for (const body of [
      { lastName: 'Zürcher', firstName: 'Anna' },
      { lastName: 'Écuyer', firstName: 'Paul' },
      { lastName: 'eichenberger', firstName: 'Rolf' },
      { lastName: 'Bernard', firstName: 'Zoé' },
      { lastName: 'Bernard', firstName: 'Alain' },
      { kind: 'company', companyName: 'ACME SA' },
      { lastName: 'Dubois', firstName: 'Luc' },
      { kind: 'company', companyName: 'Coop Lausanne' },
    ]) {
      await createClient(a, body);
    }
    const page = await search(a, {});
    expect(page.next).toBeNull();
    expect(page.items.map(label)).toEqual([
      'ACME SA',
      'Bernard Alain',
      'Bernard Zoé',
      'Coop Lausanne',
      'Dubois Luc',
      'Écuyer Paul',
      'eichenberger Rolf',
      'Zürcher Anna',
    ]);
  });
});

describe('pagination', () => {
  const N = 45;
  const name = (i: number) => `Client${String(i).padStart(2, '0')}`;

  async function seed45(a: TestAgent): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    // created in a scrambled order, so the listing order is the agent's doing
    for (let k = 0; k < N; k++) {
      const i = (k * 17) % N;
      const c = await createClient(a, { lastName: name(i), firstName: 'Test', address: { city: 'Lausanne', postalCode: '1003' } });
      ids.set(c.id, name(i));
    }
    return ids;
  }

  it('limit=20 through next until null: 20+20+5, sorted by name, no duplicates, none missing', async () => {
    const a = await open();
    const ids = await seed45(a);
    const all = await pages(a, { limit: '20' });
    expect(all.map((p) => p.length)).toEqual([20, 20, 5]);
    const flat = all.flat();
    expect(new Set(flat.map((c) => c.id)).size).toBe(N);
    expect(new Set(flat.map((c) => c.id))).toEqual(new Set(ids.keys()));
    expect(flat.map((c) => c.lastName)).toEqual(Array.from({ length: N }, (_, i) => name(i)));
  });

  it('the same with q (every client matches): all found once, in name order', async () => {
    const a = await open();
    const ids = await seed45(a);
    const flat = (await pages(a, { q: 'lausanne', limit: '20' })).flat();
    expect(flat.map((c) => c.id).sort()).toEqual([...ids.keys()].sort());
    expect(flat.map((c) => c.lastName)).toEqual(Array.from({ length: N }, (_, i) => name(i)));
  });

  it('the default page size is 20, and limit=100 returns all 45 with next null', async () => {
    const a = await open();
    await seed45(a);
    const first = await search(a, {});
    expect(first.items).toHaveLength(20);
    expect(first.next).not.toBeNull();
    const all = await search(a, { limit: '100' });
    expect(all.items).toHaveLength(N);
    expect(all.next).toBeNull();
    const exact = await search(a, { limit: '45' });
    expect(exact.items).toHaveLength(N);
    expect(exact.next).toBeNull();
  });

  it('paginates across ranks (name matches, then the rest) with no duplicates or gaps', async () => {
    const a = await open();
    const nameMatches: string[] = [];
    const cityMatches: string[] = [];
    for (let i = 0; i < 12; i++) nameMatches.push((await createClient(a, { lastName: `Mayor${String(i).padStart(2, '0')}`, firstName: 'Jean' })).id);
    for (let i = 0; i < 18; i++) {
      cityMatches.push((await createClient(a, { lastName: `Aebi${String(i).padStart(2, '0')}`, firstName: 'Paul', address: { city: 'Martigny', postalCode: '1920' } })).id);
    }
    await createClient(a, { lastName: 'Nobody', firstName: 'Else' });
    const all = await pages(a, { q: 'ma', limit: '7' });
    expect(all.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    expect(all.flat().map((c) => c.id)).toEqual([...nameMatches, ...cityMatches]);
  });

  it('survives inserts and deletes between pages: nothing after the cursor is skipped or repeated', async () => {
    const a = await open();
    await seed45(a);
    const p1 = await search(a, { limit: '20' });
    expect(p1.items.at(-1)?.lastName).toBe('Client19');
    // delete the last client of page 1 and one still to come; add one before and one after the cursor
    expect((await a.api(`/api/v1/clients/${p1.items[19]!.id}`, { method: 'DELETE' })).status).toBe(204);
    const rest0 = await search(a, { q: 'client30' });
    expect((await a.api(`/api/v1/clients/${rest0.items[0]!.id}`, { method: 'DELETE' })).status).toBe(204);
    await createClient(a, { lastName: 'Client05b', firstName: 'Test' });
    await createClient(a, { lastName: 'Client33b', firstName: 'Test' });
    const rest: ClientBody[] = [];
    let cursor = p1.next;
    while (cursor) {
      const page: PageBody = await search(a, { limit: '20', cursor });
      rest.push(...page.items);
      cursor = page.next;
    }
    const expected = Array.from({ length: 25 }, (_, k) => name(k + 20)).filter((n) => n !== 'Client30');
    expected.splice(expected.indexOf('Client33') + 1, 0, 'Client33b');
    expect(rest.map((c) => c.lastName)).toEqual(expected);
  });

  it('a cursor used with a different q gets 422 naming cursor', async () => {
    const a = await open();
    await seed45(a);
    const p = await search(a, { q: 'client', limit: '10' });
    expect(p.next).not.toBeNull();
    const res = await a.api(`/api/v1/clients?${new URLSearchParams({ q: 'lausanne', limit: '10', cursor: p.next! })}`);
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['cursor']);
    // a listing cursor used with a q, and a search cursor used without q
    const l = await search(a, { limit: '10' });
    expect(errorPaths(await expectProblem(await a.api(`/api/v1/clients?${new URLSearchParams({ q: 'client', cursor: l.next! })}`), 422))).toEqual(['cursor']);
    expect(errorPaths(await expectProblem(await a.api(`/api/v1/clients?${new URLSearchParams({ cursor: p.next! })}`), 422))).toEqual(['cursor']);
    // the same q, spelled with other case/accents, is the same search
    expect((await a.api(`/api/v1/clients?${new URLSearchParams({ q: 'CLIENT', limit: '10', cursor: p.next! })}`)).status).toBe(200);
  });

  it.each(['0', '101', '-1', '1.5', 'abc', '', '1e3'])('limit=%s gets 422 naming limit', async (limit) => {
    const a = await open();
    const res = await a.api(`/api/v1/clients?limit=${encodeURIComponent(limit)}`);
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['limit']);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['base64 of an object', Buffer.from('{"rank":0}').toString('base64url')],
    ['base64 of a wrong tuple', Buffer.from(JSON.stringify([9, 1, 2, ''])).toString('base64url')],
    ['base64 of a JSON string', Buffer.from('"x"').toString('base64url')],
    ['over 1000 characters', 'A'.repeat(1001)],
  ])('a bad cursor (%s) gets 422 naming cursor', async (_what, cursor) => {
    const a = await open();
    await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const res = await a.api(`/api/v1/clients?${new URLSearchParams({ cursor })}`);
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['cursor']);
  });
});

describe('search as people type at a till (agent-api.md "Directory care")', () => {
  async function seed(a: TestAgent) {
    return {
      dupont: await createClient(a, { lastName: 'Dupont', firstName: 'Hélène', phone: '+41 79 555 00 12', email: 'helene@fromagerie.example.ch', address: { postalCode: '1204' } }),
      muller: await createClient(a, { lastName: 'Müller', firstName: 'Hans', phone: '079 555 00 13' }),
      meyer: await createClient(a, { lastName: 'Meyer', firstName: 'Eva' }),
      fabre: await createClient(a, { lastName: 'Fabre', firstName: 'Luc' }),
      other: await createClient(a, { lastName: 'Durand', firstName: 'Paul', phone: '022 700 00 00' }),
    };
  }
  const found = async (a: TestAgent, q: string) => (await search(a, { q })).items.map((c) => [c.lastName, c.match]);

  it('a phone number however it is typed: national, international (+41, 0041), spaced or not, the subscriber number alone', async () => {
    const a = await open();
    await seed(a);
    for (const q of ['0795550012', '079 555 00 12', '+41 79 555 00 12', '+41795550012', '0041 79 555 00 12', '555 00 12', '5550012']) {
      expect([q, await found(a, q)]).toEqual([q, [['Dupont', 'exact']]]);
    }
    // saved nationally, found internationally (and the reverse above)
    expect(await found(a, '+41 79 555 00 13')).toEqual([['Müller', 'exact']]);
  });

  it('an e-mail by its domain, with or without the @', async () => {
    const a = await open();
    await seed(a);
    expect(await found(a, 'example.ch')).toEqual([['Dupont', 'exact']]);
    expect(await found(a, '@fromagerie')).toEqual([['Dupont', 'exact']]);
    expect(await found(a, 'fromagerie')).toEqual([['Dupont', 'exact']]);
  });

  it('close matches after the exact ones, marked "close": one typo in a word of 5+ letters, names that sound the same', async () => {
    const a = await open();
    await seed(a);
    expect(await found(a, 'dupond')).toEqual([['Dupont', 'close']]); // a typo, and the same sound in French
    expect(await found(a, 'mueler')).toEqual([['Müller', 'close']]); // one letter short of "mueller"
    expect(await found(a, 'meier')).toEqual([['Meyer', 'close']]); // Kölner Phonetik
    expect(await found(a, 'maier')).toEqual([['Meyer', 'close']]);
    expect(await found(a, 'favre')).toEqual([['Fabre', 'close']]); // Phonex
    expect(await found(a, 'hans mueler')).toEqual([['Müller', 'close']]); // every word must match, closely or exactly
    expect(await found(a, 'eva mueler')).toEqual([]);
    expect(await found(a, 'dupont')).toEqual([['Dupont', 'exact']]); // nothing else sounds like it
    expect(await found(a, 'dup')).toEqual([['Dupont', 'exact']]); // short words: exact prefixes only
  });

  it('close matches page on from the exact ones, each client once', async () => {
    const a = await open();
    for (let i = 0; i < 3; i++) await createClient(a, { lastName: 'Meier', firstName: `Exact${i}` });
    for (let i = 0; i < 3; i++) await createClient(a, { lastName: 'Meyer', firstName: `Close${i}` });
    const all = (await pages(a, { q: 'meier', limit: '2' })).flat();
    expect(all.map((c) => [c.firstName, c.match])).toEqual([
      ['Exact0', 'exact'], ['Exact1', 'exact'], ['Exact2', 'exact'], ['Close0', 'close'], ['Close1', 'close'], ['Close2', 'close'],
    ]);
  });
});
