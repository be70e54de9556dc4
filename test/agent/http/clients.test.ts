import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentPerTest, openTestAgent, type TestAgent } from '../../helpers/agent.js';
import {
  type ClientBody,
  clientCount,
  createClient,
  createGroup,
  errorPaths,
  expectJson,
  expectProblem,
  getClient,
  type PageBody,
} from './api-util.js';

/** agent-api.md "Client directory": the rules and the version/If-Match behaviour, through the API. */

const open = agentPerTest();

function patch(a: TestAgent, id: string, json: unknown, ifMatch?: string) {
  return a.api(`/api/v1/clients/${encodeURIComponent(id)}`, { method: 'PATCH', json, ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }) });
}

describe('creating clients', () => {
  it('POST returns 201, the client with a UUID id, a Location and an ETag', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', {
      method: 'POST',
      json: {
        civility: 'Mme',
        lastName: '  Müller ',
        firstName: 'Hélène',
        reference: '7612345000015',
        accountNumber: '1100',
        email: 'helene@example.ch',
        phone: '+41 22 000 00 00',
        address: { street: 'Rue du Rhône 1', postalCode: '1204', city: 'Genève', country: 'CH' },
        notes: 'Allergie: noix',
      },
    });
    const c = await expectJson<ClientBody>(res, 201);
    expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/clients/${c.id}`);
    expect(res.headers.get('etag')).toBe(`"${c.etag}"`);
    expect(c).toMatchObject({
      kind: 'person',
      civility: 'Mme',
      lastName: 'Müller',
      firstName: 'Hélène',
      companyName: null,
      reference: '7612345000015',
      accountNumber: '1100',
      groupId: null,
      group: null,
      email: 'helene@example.ch',
      phone: '+41 22 000 00 00',
      address: { street: 'Rue du Rhône 1', street2: null, postalCode: '1204', city: 'Genève', country: 'CH' },
      notes: 'Allergie: noix',
      accountBalance: 0,
      walletBalance: 0,
      version: 1,
    });
    expect(Number.isNaN(Date.parse(c.updatedAt))).toBe(false);
    // the Location leads to the same client
    const again = await a.api(res.headers.get('location')!);
    expect(await expectJson<ClientBody>(again, 200)).toEqual(c);
    expect(again.headers.get('etag')).toBe(`"${c.etag}"`);
  });

  it('keeps a caller-given id', async () => {
    const a = await open();
    const c = await createClient(a, { id: 'kleek:42', lastName: 'Favre', firstName: 'Anne' });
    expect(c.id).toBe('kleek:42');
    expect((await getClient(a, 'kleek:42')).lastName).toBe('Favre');
  });

  it('a person needs lastName and firstName (422 naming both)', async () => {
    const a = await open();
    const none = await a.api('/api/v1/clients', { method: 'POST', json: { kind: 'person', companyName: 'ACME SA' } });
    const noneProblem = await expectProblem(none, 422);
    expect(errorPaths(noneProblem)).toEqual(['firstName', 'lastName']);
    // a stable code beside the English message, for a till that shows it in its own language
    expect(noneProblem.errors?.map((e) => e.code)).toEqual(['required-person', 'required-person']);
    const blank = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: '   ', firstName: '' } });
    expect(errorPaths(await expectProblem(blank, 422))).toEqual(['firstName', 'lastName']);
    const onlyLast = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre' } });
    expect(errorPaths(await expectProblem(onlyLast, 422))).toEqual(['firstName']);
    const nulls = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: null, firstName: 'Anne' } });
    expect(errorPaths(await expectProblem(nulls, 422))).toEqual(['lastName']);
    expect(await clientCount(a)).toBe(0);
  });

  it('a company needs companyName; a company with a contact person is fine', async () => {
    const a = await open();
    const bad = await a.api('/api/v1/clients', { method: 'POST', json: { kind: 'company', lastName: 'Favre', firstName: 'Anne' } });
    expect(errorPaths(await expectProblem(bad, 422))).toEqual(['companyName']);
    const bare = await createClient(a, { kind: 'company', companyName: 'Boulangerie du Lac SA' });
    expect(bare).toMatchObject({ kind: 'company', companyName: 'Boulangerie du Lac SA', lastName: null, firstName: null });
    const withContact = await createClient(a, { kind: 'company', companyName: 'ACME Sàrl', civility: 'M.', lastName: 'Rochat', firstName: 'Luc' });
    expect(withContact).toMatchObject({ kind: 'company', companyName: 'ACME Sàrl', lastName: 'Rochat', firstName: 'Luc' });
    expect(await clientCount(a)).toBe(2);
  });

  it('switching a person to a company without a companyName is refused', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    expect(errorPaths(await expectProblem(await patch(a, c.id, { kind: 'company' }), 422))).toEqual(['companyName']);
    expect(errorPaths(await expectProblem(await patch(a, c.id, { lastName: null }), 422))).toEqual(['lastName']);
    expect(await getClient(a, c.id)).toEqual(c);
    const ok = await expectJson<ClientBody>(await patch(a, c.id, { kind: 'company', companyName: 'Favre Conseil' }), 200);
    expect(ok.kind).toBe('company');
  });
});

describe('reference', () => {
  it('is unique: 422 on create and on PATCH to another client\'s reference', async () => {
    const a = await open();
    const anne = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: '7612345000015' });
    const dup = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Pirate', firstName: 'Eve', reference: '7612345000015' } });
    const problem = await expectProblem(dup, 422);
    expect(errorPaths(problem)).toEqual(['reference']);
    expect(problem.errors?.[0]).toMatchObject({ code: 'reference-taken', params: { name: 'Anne Favre' } });
    expect(await clientCount(a)).toBe(1);
    // surrounding spaces do not make a different reference
    const spaced = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Pirate', firstName: 'Eve', reference: ' 7612345000015 ' } });
    expect(errorPaths(await expectProblem(spaced, 422))).toEqual(['reference']);

    const luc = await createClient(a, { lastName: 'Rochat', firstName: 'Luc', reference: 'R-2' });
    const steal = await patch(a, luc.id, { reference: '7612345000015' });
    expect(errorPaths(await expectProblem(steal, 422))).toEqual(['reference']);
    expect(await getClient(a, luc.id)).toEqual(luc);
    // the card still finds its owner
    expect((await expectJson<ClientBody>(await a.api('/api/v1/clients/by-reference/7612345000015'), 200)).id).toBe(anne.id);
  });

  it('keeping one\'s own reference in a PATCH is fine, and a freed reference can be reused', async () => {
    const a = await open();
    const anne = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'CARD-1' });
    expect((await patch(a, anne.id, { reference: 'CARD-1', firstName: 'Anne-Marie' })).status).toBe(200);
    expect((await patch(a, anne.id, { reference: 'CARD-2' })).status).toBe(200);
    const luc = await createClient(a, { lastName: 'Rochat', firstName: 'Luc', reference: 'CARD-1' });
    expect((await expectJson<ClientBody>(await a.api('/api/v1/clients/by-reference/CARD-1'), 200)).id).toBe(luc.id);
    expect((await expectJson<ClientBody>(await a.api('/api/v1/clients/by-reference/CARD-2'), 200)).id).toBe(anne.id);
    await a.api(`/api/v1/clients/${luc.id}`, { method: 'DELETE' });
    await expectProblem(await a.api('/api/v1/clients/by-reference/CARD-1'), 404);
    expect((await createClient(a, { lastName: 'Blanc', firstName: 'Eva', reference: 'CARD-1' })).reference).toBe('CARD-1');
  });

  it('two concurrent creates with the same reference: exactly one wins', async () => {
    const a = await open();
    const results = await Promise.all(
      ['Anne', 'Eve', 'Luc', 'Eva'].map((firstName) => a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre', firstName, reference: 'SAME' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422]);
    expect(await clientCount(a)).toBe(1);
  });

  it('by-reference finds references with spaces and accents (URL-encoded)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'Carte Ä-42' });
    const found = await a.api(`/api/v1/clients/by-reference/${encodeURIComponent('Carte Ä-42')}`);
    expect((await expectJson<ClientBody>(found, 200)).id).toBe(c.id);
    expect(found.headers.get('etag')).toBe(`"${c.etag}"`);
  });

  it('by-reference finds a reference containing a slash (URL-encoded as %2F)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: '2026/0042' });
    const found = await a.api(`/api/v1/clients/by-reference/${encodeURIComponent('2026/0042')}`);
    expect((await expectJson<ClientBody>(found, 200)).id).toBe(c.id);
  });
});

describe('groupId, country, postal code, email', () => {
  it('groupId must exist (on create and on PATCH)', async () => {
    const a = await open();
    const bad = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre', firstName: 'Anne', groupId: 'vip' } });
    const problem = await expectProblem(bad, 422);
    expect(errorPaths(problem)).toEqual(['groupId']);
    expect(problem.errors?.[0]?.message).toContain('vip');
    expect(await clientCount(a)).toBe(0);
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    expect(errorPaths(await expectProblem(await patch(a, c.id, { groupId: 'vip' }), 422))).toEqual(['groupId']);
    await createGroup(a, { id: 'vip', name: 'VIP', discountPercent: 10 });
    const ok = await expectJson<ClientBody>(await patch(a, c.id, { groupId: 'vip' }), 200);
    expect(ok.groupId).toBe('vip');
  });

  it('country must be an ISO 3166-1 alpha-2 code; lowercase is normalised; default CH', async () => {
    const a = await open();
    const lower = await createClient(a, { lastName: 'Favre', firstName: 'Anne', address: { country: 'ch', postalCode: '1003' } });
    expect(lower.address.country).toBe('CH');
    const fr = await createClient(a, { lastName: 'Dupont', firstName: 'Jean', address: { country: ' fr ', postalCode: '74100' } });
    expect(fr.address.country).toBe('FR');
    const none = await createClient(a, { lastName: 'Rochat', firstName: 'Luc' });
    expect(none.address.country).toBe('CH');
    for (const country of ['XX', 'Switzerland', 'CHE', 'C', 'UK', '12', 'ÉT']) {
      const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Blanc', firstName: 'Eva', address: { country } } });
      const problem = await expectProblem(res, 422);
      expect(errorPaths(problem), country).toEqual(['address.country']);
    }
    expect(await clientCount(a)).toBe(3);
    expect(errorPaths(await expectProblem(await patch(a, lower.id, { address: { country: 'XX' } }), 422))).toEqual(['address.country']);
    expect(await getClient(a, lower.id)).toEqual(lower);
  });

  it('a Swiss or Liechtenstein NPA is checked', async () => {
    const a = await open();
    for (const [country, postalCode] of [['CH', '1204'], ['CH', '8001'], ['LI', '9490'], ['li', '9485']] as const) {
      const c = await createClient(a, { lastName: 'Favre', firstName: `${country}${postalCode}`, address: { country, postalCode } });
      expect(c.address.postalCode).toBe(postalCode);
    }
    for (const [country, postalCode] of [['CH', '0123'], ['CH', '12045'], ['CH', '120'], ['CH', 'CH-1204'], ['CH', 'abcd'], ['LI', '1204'], ['LI', '9500']] as const) {
      const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Pirate', firstName: 'Eve', address: { country, postalCode } } });
      expect(errorPaths(await expectProblem(res, 422)), `${country} ${postalCode}`).toEqual(['address.postalCode']);
    }
    // the default country is CH, so a bad NPA without a country is caught too
    const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Pirate', firstName: 'Eve', address: { postalCode: '99999' } } });
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['address.postalCode']);
    // changing only the country re-checks the stored NPA
    const ge = await createClient(a, { lastName: 'Blanc', firstName: 'Eva', address: { postalCode: '1204', city: 'Genève' } });
    expect(errorPaths(await expectProblem(await patch(a, ge.id, { address: { country: 'LI' } }), 422))).toEqual(['address.postalCode']);
    expect(await clientCount(a)).toBe(5);
  });

  it('email and phone are checked', async () => {
    const a = await open();
    const res = await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre', firstName: 'Anne', email: 'anne@', phone: 'ring me' } });
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['email', 'phone']);
  });
});

describe('read-only fields', () => {
  it('version, balances, group, etag, updatedAt sent on create are ignored, not stored', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const c = await createClient(a, {
      lastName: 'Favre',
      firstName: 'Anne',
      version: 99,
      accountBalance: -50_000,
      walletBalance: 1_000_000,
      group: { id: g.id, name: 'VIP', discountPercent: 100 },
      etag: '"99"',
      updatedAt: '1999-01-01T00:00:00Z',
    });
    expect(c).toMatchObject({ version: 1, accountBalance: 0, walletBalance: 0, group: null, groupId: null, etag: '1' });
    expect(c.updatedAt).not.toBe('1999-01-01T00:00:00Z');
    expect(await getClient(a, c.id)).toEqual(c);
  });

  it('read-only fields sent on PATCH are ignored: a till may send back the whole record it read', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', groupId: g.id });
    const res = await patch(a, c.id, {
      ...c,
      id: 'hijacked',
      firstName: 'Anne-Marie',
      version: 1000,
      accountBalance: 123_456,
      walletBalance: 999_999,
      group: { id: g.id, name: 'Gratuit', discountPercent: 100 },
      etag: '1000',
    });
    const updated = await expectJson<ClientBody>(res, 200);
    expect(updated).toMatchObject({
      id: c.id,
      firstName: 'Anne-Marie',
      version: 2,
      accountBalance: 0,
      walletBalance: 0,
      group: { id: g.id, name: 'VIP', discountPercent: 10 },
    });
    expect(await getClient(a, c.id)).toEqual(updated);
    await expectProblem(await a.api('/api/v1/clients/hijacked'), 404);
    const group = await expectJson<{ name: string; discountPercent: number }>(await a.api(`/api/v1/groups/${g.id}`), 200);
    expect(group).toMatchObject({ name: 'VIP', discountPercent: 10 });
  });

  it('sending back an unchanged record read with GET changes nothing (version kept)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', address: { city: 'Lausanne', postalCode: '1003' } });
    const res = await patch(a, c.id, c, `"${c.etag}"`);
    const same = await expectJson<ClientBody>(res, 200);
    expect(same).toEqual(c);
  });
});

describe('group on client responses', () => {
  it('a client in a group carries group {id,name,discountPercent} in GET, list, search and by-reference', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'Fidèles', discountPercent: 7.5 });
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'F-1', groupId: g.id });
    const other = await createClient(a, { lastName: 'Rochat', firstName: 'Luc' });
    const summary = { id: g.id, name: 'Fidèles', discountPercent: 7.5 };
    expect(c.group).toEqual(summary);
    expect((await getClient(a, c.id)).group).toEqual(summary);
    expect((await expectJson<ClientBody>(await a.api('/api/v1/clients/by-reference/F-1'), 200)).group).toEqual(summary);
    const list = await expectJson<PageBody>(await a.api('/api/v1/clients'), 200);
    expect(list.items.map((x) => [x.id, x.group])).toEqual([
      [c.id, summary],
      [other.id, null],
    ]);
    const found = await expectJson<PageBody>(await a.api('/api/v1/clients?q=favre'), 200);
    expect(found.items.map((x) => x.group)).toEqual([summary]);
  });

  it('the group summary follows changes to the group', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', groupId: g.id });
    expect((await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { name: 'VIP Or', discountPercent: 15 } })).status).toBe(200);
    expect((await getClient(a, c.id)).group).toEqual({ id: g.id, name: 'VIP Or', discountPercent: 15 });
    const out = await expectJson<ClientBody>(await patch(a, c.id, { groupId: null }), 200);
    expect(out.group).toBeNull();
    expect(out.groupId).toBeNull();
  });
});

describe('versions and If-Match', () => {
  it('PATCH with the current etag succeeds and the ETag changes', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const get = await a.api(`/api/v1/clients/${c.id}`);
    const etag = get.headers.get('etag');
    expect(etag).toBe(`"${c.etag}"`);
    const res = await patch(a, c.id, { firstName: 'Anne-Marie' }, etag!);
    const updated = await expectJson<ClientBody>(res, 200);
    expect(updated.firstName).toBe('Anne-Marie');
    expect(updated.version).toBe(2);
    const newEtag = res.headers.get('etag');
    expect(newEtag).toBe(`"${updated.etag}"`);
    expect(newEtag).not.toBe(etag);
    expect((await a.api(`/api/v1/clients/${c.id}`)).headers.get('etag')).toBe(newEtag);
  });

  it('a stale If-Match gets 412 and the record is unchanged', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const v2 = await expectJson<ClientBody>(await patch(a, c.id, { firstName: 'Anne-Marie' }), 200);
    const res = await patch(a, c.id, { lastName: 'Pirate' }, `"${c.etag}"`);
    const problem = await expectProblem(res, 412);
    expect(problem.detail).toContain(v2.etag);
    expect(await getClient(a, c.id)).toEqual(v2);
    // a made-up etag too
    await expectProblem(await patch(a, c.id, { lastName: 'Pirate' }, '"not-an-etag"'), 412);
    await expectProblem(await patch(a, c.id, { lastName: 'Pirate' }, '""'), 412);
    expect(await getClient(a, c.id)).toEqual(v2);
  });

  it('a stale If-Match is refused even when the PATCH would change nothing', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    await patch(a, c.id, { firstName: 'Anne-Marie' });
    await expectProblem(await patch(a, c.id, { firstName: 'Anne-Marie' }, `"${c.etag}"`), 412);
  });

  it('DELETE with a stale If-Match gets 412 and the client stays; with the current one, 204', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const v2 = await expectJson<ClientBody>(await patch(a, c.id, { firstName: 'Anne-Marie' }), 200);
    await expectProblem(await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE', headers: { 'if-match': `"${c.etag}"` } }), 412);
    expect(await getClient(a, c.id)).toEqual(v2);
    const del = await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE', headers: { 'if-match': `"${v2.etag}"` } });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    await expectProblem(await a.api(`/api/v1/clients/${c.id}`), 404);
  });

  it('If-Match: * matches any current version', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    await patch(a, c.id, { firstName: 'Anne-Marie' });
    const res = await patch(a, c.id, { firstName: 'Annette' }, '*');
    expect((await expectJson<ClientBody>(res, 200)).firstName).toBe('Annette');
    expect((await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE', headers: { 'if-match': '*' } })).status).toBe(204);
  });

  it('a list of etags matches if one of them is current', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    expect((await patch(a, c.id, { firstName: 'Annette' }, '"7", "1"')).status).toBe(200);
  });

  it('PATCH without If-Match is allowed (last write wins)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    expect((await expectJson<ClientBody>(await patch(a, c.id, { firstName: 'Annette' }), 200)).version).toBe(2);
  });

  it('two concurrent PATCHes with the same If-Match: one 200, one 412 (no lost update)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne' });
    const [r1, r2] = await Promise.all([patch(a, c.id, { firstName: 'Un' }, `"${c.etag}"`), patch(a, c.id, { firstName: 'Deux' }, `"${c.etag}"`)]);
    expect([r1.status, r2.status].sort()).toEqual([200, 412]);
    const winner = r1.status === 200 ? 'Un' : 'Deux';
    const now = await getClient(a, c.id);
    expect(now.firstName).toBe(winner);
    expect(now.version).toBe(2);
  });

  it('a PATCH with only unchanged values keeps the version and the etag', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', address: { city: 'Lausanne', country: 'CH' } });
    const res = await patch(a, c.id, { lastName: 'Favre', firstName: ' Anne ', address: { city: 'Lausanne', country: 'ch' } });
    const same = await expectJson<ClientBody>(res, 200);
    expect(same.version).toBe(1);
    expect(same.updatedAt).toBe(c.updatedAt);
    expect(res.headers.get('etag')).toBe(`"${c.etag}"`);
    const empty = await expectJson<ClientBody>(await patch(a, c.id, {}), 200);
    expect(empty.version).toBe(1);
  });

  it('PATCH changes only the fields sent; address fields merge', async () => {
    const a = await open();
    const c = await createClient(a, {
      lastName: 'Favre',
      firstName: 'Anne',
      phone: '021 000 00 00',
      address: { street: 'Rue du Lac 1', postalCode: '1003', city: 'Lausanne' },
    });
    const updated = await expectJson<ClientBody>(await patch(a, c.id, { address: { street: 'Avenue de la Gare 2' } }), 200);
    expect(updated.address).toEqual({ street: 'Avenue de la Gare 2', street2: null, postalCode: '1003', city: 'Lausanne', country: 'CH' });
    expect(updated.phone).toBe('021 000 00 00');
    expect(updated.firstName).toBe('Anne');
    const cleared = await expectJson<ClientBody>(await patch(a, c.id, { phone: null }), 200);
    expect(cleared.phone).toBeNull();
    expect(cleared.version).toBe(3);
  });

  it('GET of an unknown id is a 404 problem; DELETE → 204 then GET → 404 and DELETE again → 404', async () => {
    const a = await open();
    await expectProblem(await a.api('/api/v1/clients/00000000-0000-0000-0000-000000000000'), 404);
    const c = await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'GONE-1' });
    const del = await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    await expectProblem(await a.api(`/api/v1/clients/${c.id}`), 404);
    await expectProblem(await a.api('/api/v1/clients/by-reference/GONE-1'), 404);
    await expectProblem(await a.api(`/api/v1/clients/${c.id}`, { method: 'DELETE' }), 404);
    await expectProblem(await patch(a, c.id, { firstName: 'Zombie' }), 404);
    expect(await clientCount(a)).toBe(0);
    expect((await expectJson<PageBody>(await a.api('/api/v1/clients?q=favre'), 200)).items).toEqual([]);
  });

  it('changes survive a restart of the agent (same store)', async () => {
    const first = await openTestAgent();
    const dir = first.dir;
    let c: ClientBody;
    try {
      c = await createClient(first, { lastName: 'Favre', firstName: 'Anne', reference: 'P-1' });
      await patch(first, c.id, { firstName: 'Anne-Marie' });
    } finally {
      await first.agent.stop();
    }
    const second = await openTestAgent({ dir });
    try {
      const again = await getClient(second, c.id);
      expect(again).toMatchObject({ firstName: 'Anne-Marie', version: 2, reference: 'P-1' });
      expect((await expectJson<PageBody>(await second.api('/api/v1/clients?q=anne-marie'), 200)).items.map((x) => x.id)).toEqual([c.id]);
    } finally {
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
