import { describe, expect, it } from 'vitest';
import { oneTypoApart } from '../../../agent/directory/phonetic.js';
import { agentPerTest, type TestAgent } from '../../helpers/agent.js';
import { type ClientBody, createClient, errorPaths, expectJson, expectProblem, allClients } from './api-util.js';

/** agent-api.md "Directory care": the likely duplicates of a client about to be saved, and of the whole directory. */

const open = agentPerTest();

interface CheckBody {
  duplicates: Array<{ client: ClientBody; reasons: string[] }>;
}
interface PairsBody {
  items: Array<{ clients: [ClientBody, ClientBody]; reasons: string[] }>;
  total: number;
}

const check = async (a: TestAgent, json: unknown, headers: Record<string, string> = {}) => a.api('/api/v1/clients/check', { method: 'POST', json, headers });
const found = async (a: TestAgent, json: unknown) =>
  (await expectJson<CheckBody>(await check(a, json), 200)).duplicates.map((d) => [`${d.client.firstName} ${d.client.lastName}`, d.reasons]);
const pairs = async (a: TestAgent, query = '') => expectJson<PairsBody>(await a.api(`/api/v1/duplicates${query}`), 200);
const named = (p: PairsBody) => p.items.map((i) => [i.clients.map((c) => c.companyName ?? `${c.firstName} ${c.lastName}`).join(' / '), i.reasons]);

const home = (postalCode: string) => ({ address: { postalCode, city: 'Lausanne', country: 'CH' } });

describe('POST /api/v1/clients/check', () => {
  it('names each reason: the same reference, phone (however written), e-mail (any case), name in the same postcode, a close name in it', async () => {
    const a = await open();
    await createClient(a, { lastName: 'Rochat', firstName: 'Anne', reference: 'CARD-1', ...home('1003') });
    await createClient(a, { lastName: 'Favre', firstName: 'Luc', phone: '+41 79 555 00 12' });
    await createClient(a, { lastName: 'Blanc', firstName: 'Eva', email: 'Eva.Blanc@Example.CH' });
    await createClient(a, { lastName: 'Dupont', firstName: 'Jean', ...home('1003') });
    await createClient(a, { lastName: 'Meyer', firstName: 'Hans', ...home('8001') });

    expect(await found(a, { lastName: 'X', firstName: 'Y', reference: 'CARD-1' })).toEqual([['Anne Rochat', ['reference']]]);
    expect(await found(a, { lastName: 'X', firstName: 'Y', phone: '079 555 00 12' })).toEqual([['Luc Favre', ['phone']]]);
    expect(await found(a, { lastName: 'X', firstName: 'Y', phone: '0041795550012' })).toEqual([['Luc Favre', ['phone']]]);
    expect(await found(a, { lastName: 'X', firstName: 'Y', phone: '079 555 00 13' })).toEqual([]); // another number, for all the shared digits
    expect(await found(a, { lastName: 'X', firstName: 'Y', email: 'eva.blanc@example.ch' })).toEqual([['Eva Blanc', ['email']]]);
    expect(await found(a, { lastName: 'DUPONT', firstName: 'jean', ...home('1003') })).toEqual([['Jean Dupont', ['name+postalCode']]]);
    expect(await found(a, { lastName: 'Dupond', firstName: 'Jean', ...home('1003') })).toEqual([['Jean Dupont', ['close-name+postalCode']]]); // a typo, the same sound
    expect(await found(a, { lastName: 'Maier', firstName: 'Hans', ...home('8001') })).toEqual([['Hans Meyer', ['close-name+postalCode']]]); // Kölner Phonetik
    expect(await found(a, { lastName: 'Dupont', firstName: 'Jean', ...home('1204') })).toEqual([]); // another postcode: another Jean Dupont
    expect(await found(a, { lastName: 'Dupont', firstName: 'Marc', ...home('1003') })).toEqual([]); // another first name
    expect(await found(a, { lastName: 'Rochat', firstName: 'Anne', reference: 'CARD-1', ...home('1003') })).toEqual([['Anne Rochat', ['reference', 'name+postalCode']]]);
  });

  it('writes nothing, and a client being edited (its id in the body) is not its own duplicate', async () => {
    const a = await open();
    const jean = await createClient(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', ...home('1003') });
    expect(await found(a, { id: jean.id, lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', ...home('1003') })).toEqual([]);
    expect(await found(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', ...home('1003') })).toEqual([['Jean Dupont', ['phone', 'name+postalCode']]]);
    expect((await allClients(a)).map((c) => c.id)).toEqual([jean.id]);
  });

  it('checks the body as POST /clients does (422 naming the fields), and needs directory:read', async () => {
    const a = await open({ config: { api: { tokens: ['test-token-0123456789abcdef', { name: 'printer', token: 'print-token-0123456789', scopes: ['print'] }] } } });
    expect(errorPaths(await expectProblem(await check(a, { kind: 'robot', lastName: 'X', shoeSize: 42 }), 422))).toEqual(['kind', 'shoeSize']);
    await expectProblem(await check(a, { lastName: 'X' }, { authorization: 'Bearer print-token-0123456789' }), 403);
  });
});

describe('GET /api/v1/duplicates', () => {
  it('lists every likely pair once, with all its reasons, the surest first', async () => {
    const a = await open();
    await createClient(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', ...home('1003') });
    await createClient(a, { lastName: 'Dupond', firstName: 'Jean', phone: '+41 21 555 00 12', ...home('1003') });
    await createClient(a, { lastName: 'Blanc', firstName: 'Eva', email: 'eva@example.ch' });
    await createClient(a, { lastName: 'Blanc-Rey', firstName: 'Eva', email: 'EVA@example.ch ' });
    await createClient(a, { kind: 'company', companyName: 'Boulangerie Favre SA', ...home('1110') });
    await createClient(a, { kind: 'company', companyName: 'boulangerie favre sa', ...home('1110') });
    await createClient(a, { lastName: 'Rochat', firstName: 'Anne', ...home('1003') }); // alone
    await createClient(a, { lastName: 'Rochat', firstName: 'Anne', ...home('1204') }); // a namesake elsewhere

    const p = await pairs(a);
    expect(p.total).toBe(3);
    expect(named(p)).toEqual([
      ['Jean Dupond / Jean Dupont', ['phone', 'close-name+postalCode']],
      ['Eva Blanc / Eva Blanc-Rey', ['email']],
      ['Boulangerie Favre SA / boulangerie favre sa', ['name+postalCode']],
    ]);
  });

  it('a phone shared by many (the shop’s own number as a placeholder) is no sign; limit cuts the list, total counts all', async () => {
    const a = await open();
    for (let i = 0; i < 11; i++) await createClient(a, { lastName: `Client${i}`, firstName: 'A', phone: '021 000 00 00' });
    await createClient(a, { lastName: 'Muller', firstName: 'Hans', ...home('8001') });
    await createClient(a, { lastName: 'Müller', firstName: 'Hans', ...home('8001') }); // the same, accents aside
    await createClient(a, { lastName: 'Mueller', firstName: 'Hans', ...home('8001') }); // one letter more
    const p = await pairs(a);
    expect(named(p)).toEqual([
      ['Hans Muller / Hans Müller', ['name+postalCode']],
      ['Hans Mueller / Hans Muller', ['close-name+postalCode']],
      ['Hans Mueller / Hans Müller', ['close-name+postalCode']],
    ]);
    const one = await pairs(a, '?limit=1');
    expect([one.items.length, one.total]).toEqual([1, 3]);
    expect(errorPaths(await expectProblem(await a.api('/api/v1/duplicates?limit=0'), 422))).toEqual(['limit']);
  });

  it('a merged pair is gone from the list', async () => {
    const a = await open();
    const jean = await createClient(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12' });
    const twin = await createClient(a, { lastName: 'Dupont', firstName: 'J.', phone: '0215550012' });
    expect((await pairs(a)).total).toBe(1);
    await expectJson(await a.api(`/api/v1/clients/${jean.id}/merge`, { method: 'POST', json: { from: twin.id } }), 200);
    expect((await pairs(a)).items).toEqual([]);
  });
});

describe('one typo apart', () => {
  it('a letter deleted, added, changed, or two swapped; not the same word, not two typos', () => {
    for (const [x, y] of [['dupont', 'dupond'], ['muller', 'mueller'], ['schmid', 'schmidt'], ['rochat', 'rocaht'], ['favre', 'afvre'], ['meier', 'meie']] as const) {
      expect([x, y, oneTypoApart(x, y), oneTypoApart(y, x)]).toEqual([x, y, true, true]);
    }
    for (const [x, y] of [['dupont', 'dupont'], ['dupont', 'dupnd'], ['muller', 'mullerin'], ['rochat', 'rohcta'], ['abc', 'cba']] as const) {
      expect([x, y, oneTypoApart(x, y)]).toEqual([x, y, false]);
    }
  });
});
