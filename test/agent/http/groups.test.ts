import { describe, expect, it } from 'vitest';
import { agentPerTest, type TestAgent } from '../../helpers/agent.js';
import { type ClientBody, createClient, createGroup, errorPaths, expectJson, expectProblem, getClient, type GroupBody } from './api-util.js';

/** agent-api.md "Client directory": /api/v1/groups. */

const open = agentPerTest();

async function listGroups(a: TestAgent): Promise<GroupBody[]> {
  const body = await expectJson<{ items: GroupBody[]; next: null }>(await a.api('/api/v1/groups'), 200);
  expect(body.next).toBeNull();
  return body.items;
}

describe('groups', () => {
  it('POST returns 201 with Location and ETag; GET returns it; list is sorted by name', async () => {
    const a = await open();
    const res = await a.api('/api/v1/groups', { method: 'POST', json: { name: 'VIP', discountPercent: 10 } });
    const vip = await expectJson<GroupBody>(res, 201);
    expect(vip).toMatchObject({ name: 'VIP', discountPercent: 10, version: 1, clientCount: 0, etag: '1' });
    expect(res.headers.get('location')).toBe(`/api/v1/groups/${vip.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    const get = await a.api(res.headers.get('location')!);
    expect(await expectJson<GroupBody>(get, 200)).toEqual(vip);
    expect(get.headers.get('etag')).toBe('"1"');
    const plain = await createGroup(a, { name: '  Employés ' });
    expect(plain).toMatchObject({ name: 'Employés', discountPercent: 0 });
    await createGroup(a, { name: 'apprentis', discountPercent: 5 });
    expect((await listGroups(a)).map((g) => g.name)).toEqual(['apprentis', 'Employés', 'VIP']);
  });

  it('a group name is required and unique, ignoring case, accents and surrounding spaces', async () => {
    const a = await open();
    await createGroup(a, { name: 'Fidèles', discountPercent: 5 });
    for (const name of ['Fidèles', 'fidèles', 'FIDELES', 'fideles', ' Fidéles ', 'FIDÈLES']) {
      const res = await a.api('/api/v1/groups', { method: 'POST', json: { name } });
      const problem = await expectProblem(res, 422);
      expect(errorPaths(problem), name).toEqual(['name']);
    }
    for (const name of ['', '   ']) {
      expect(errorPaths(await expectProblem(await a.api('/api/v1/groups', { method: 'POST', json: { name } }), 422)), JSON.stringify(name)).toEqual(['name']);
    }
    expect(errorPaths(await expectProblem(await a.api('/api/v1/groups', { method: 'POST', json: { name: 'x'.repeat(61) } }), 422))).toEqual(['name']);
    expect(errorPaths(await expectProblem(await a.api('/api/v1/groups', { method: 'POST', json: { name: 'VIP\r\n' } }), 422))).toEqual(['name']);
    expect((await listGroups(a)).map((g) => g.name)).toEqual(['Fidèles']);
  });

  it('renaming a group to another group\'s name is refused; changing the case of its own name is fine', async () => {
    const a = await open();
    const vip = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const staff = await createGroup(a, { name: 'Personnel', discountPercent: 20 });
    const res = await a.api(`/api/v1/groups/${staff.id}`, { method: 'PATCH', json: { name: 'vip' } });
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['name']);
    expect(await expectJson<GroupBody>(await a.api(`/api/v1/groups/${staff.id}`), 200)).toEqual(staff);
    const renamed = await expectJson<GroupBody>(await a.api(`/api/v1/groups/${vip.id}`, { method: 'PATCH', json: { name: 'Vip' } }), 200);
    expect(renamed).toMatchObject({ name: 'Vip', version: 2 });
  });

  it('discountPercent is 0–100: 101, -1, 10.555, strings and null are refused', async () => {
    const a = await open();
    for (const discountPercent of [101, -1, 10.555, 100.01, -0.01, '10', null, true, 1e9]) {
      const res = await a.api('/api/v1/groups', { method: 'POST', json: { name: `G ${String(discountPercent)}`, discountPercent } });
      expect(errorPaths(await expectProblem(res, 422)), String(discountPercent)).toEqual(['discountPercent']);
    }
    expect(await listGroups(a)).toEqual([]);
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    for (const discountPercent of [101, -1, 10.555]) {
      const res = await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { discountPercent } });
      expect(errorPaths(await expectProblem(res, 422)), String(discountPercent)).toEqual(['discountPercent']);
    }
    expect((await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`), 200)).discountPercent).toBe(10);
  });

  it('discountPercent accepts 0, 100 and whole or half percents', async () => {
    const a = await open();
    for (const [i, discountPercent] of [0, 100, 12.5, 33.33, 7.25].entries()) {
      expect((await createGroup(a, { name: `G${i}`, discountPercent })).discountPercent).toBe(discountPercent);
    }
  });

  it('discountPercent accepts every value with at most 2 decimals (floating point must not refuse 2.55 or 4.35)', async () => {
    const a = await open();
    for (const [i, discountPercent] of [0.57, 1.15, 2.55, 4.35, 8.2, 9.95].entries()) {
      const res = await a.api('/api/v1/groups', { method: 'POST', json: { name: `G${i}`, discountPercent } });
      const text = await res.text();
      expect(res.status, `${discountPercent}: ${text}`).toBe(201);
      expect((JSON.parse(text) as GroupBody).discountPercent).toBe(discountPercent);
    }
  });

  it('deleting a group that still has clients gets 409 with the count in detail, and the group stays', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const members: ClientBody[] = [];
    for (const firstName of ['Anne', 'Luc', 'Eva']) members.push(await createClient(a, { lastName: 'Favre', firstName, groupId: g.id }));
    await createClient(a, { lastName: 'Rochat', firstName: 'Paul' });
    expect((await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`), 200)).clientCount).toBe(3);

    const res = await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE' });
    const problem = await expectProblem(res, 409);
    expect(problem.detail).toMatch(/\b3\b/);
    const still = await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`), 200);
    expect(still).toMatchObject({ id: g.id, name: 'VIP', clientCount: 3 });
    for (const m of members) expect((await getClient(a, m.id)).group).toEqual({ id: g.id, name: 'VIP', discountPercent: 10 });

    // If-Match: * does not bypass the rule
    await expectProblem(await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE', headers: { 'if-match': '*' } }), 409);

    // move two away: still refused, with the new count
    for (const m of members.slice(0, 2)) {
      expect((await a.api(`/api/v1/clients/${m.id}`, { method: 'PATCH', json: { groupId: null } })).status).toBe(200);
    }
    const one = await expectProblem(await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE' }), 409);
    expect(one.detail).toMatch(/\b1\b/);
    expect(one.detail).not.toMatch(/\b3\b/);

    // the last one is deleted: the group is free
    expect((await a.api(`/api/v1/clients/${members[2]!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`), 200)).clientCount).toBe(0);
    const del = await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    await expectProblem(await a.api(`/api/v1/groups/${g.id}`), 404);
    expect(await listGroups(a)).toEqual([]);
  });

  it('moving clients to another group frees the group; clientCount follows', async () => {
    const a = await open();
    const old = await createGroup(a, { name: 'Ancien', discountPercent: 5 });
    const neu = await createGroup(a, { name: 'Nouveau', discountPercent: 8 });
    const c1 = await createClient(a, { lastName: 'Favre', firstName: 'Anne', groupId: old.id });
    const c2 = await createClient(a, { lastName: 'Rochat', firstName: 'Luc', groupId: old.id });
    await expectProblem(await a.api(`/api/v1/groups/${old.id}`, { method: 'DELETE' }), 409);
    for (const c of [c1, c2]) {
      const moved = await expectJson<ClientBody>(await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { groupId: neu.id } }), 200);
      expect(moved.group).toEqual({ id: neu.id, name: 'Nouveau', discountPercent: 8 });
    }
    const counts = Object.fromEntries((await listGroups(a)).map((g) => [g.name, g.clientCount]));
    expect(counts).toEqual({ Ancien: 0, Nouveau: 2 });
    expect((await a.api(`/api/v1/groups/${old.id}`, { method: 'DELETE' })).status).toBe(204);
    // a client cannot be put into the deleted group
    const res = await a.api(`/api/v1/clients/${c1.id}`, { method: 'PATCH', json: { groupId: old.id } });
    expect(errorPaths(await expectProblem(res, 422))).toEqual(['groupId']);
  });

  it('group If-Match: stale PATCH and DELETE get 412 and change nothing; current etag works', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const v2Res = await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { discountPercent: 12 }, headers: { 'if-match': '"1"' } });
    const v2 = await expectJson<GroupBody>(v2Res, 200);
    expect(v2).toMatchObject({ discountPercent: 12, version: 2 });
    expect(v2Res.headers.get('etag')).toBe('"2"');
    await expectProblem(await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { discountPercent: 50 }, headers: { 'if-match': '"1"' } }), 412);
    await expectProblem(await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE', headers: { 'if-match': '"1"' } }), 412);
    expect(await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`), 200)).toEqual(v2);
    expect((await a.api(`/api/v1/groups/${g.id}`, { method: 'DELETE', headers: { 'if-match': '"2"' } })).status).toBe(204);
  });

  it('a group PATCH with unchanged values keeps the version', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10 });
    const same = await expectJson<GroupBody>(await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { name: ' VIP ', discountPercent: 10 } }), 200);
    expect(same.version).toBe(1);
  });

  it('read-only group fields (version, clientCount, etag, id) are ignored on input', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'VIP', discountPercent: 10, version: 50, clientCount: 1000, etag: '50', updatedAt: '2000-01-01T00:00:00Z' });
    expect(g).toMatchObject({ version: 1, clientCount: 0, etag: '1' });
    const p = await expectJson<GroupBody>(
      await a.api(`/api/v1/groups/${g.id}`, { method: 'PATCH', json: { id: 'other', name: 'VIP 2', version: 99, clientCount: 7 } }),
      200,
    );
    expect(p).toMatchObject({ id: g.id, name: 'VIP 2', version: 2, clientCount: 0 });
    await expectProblem(await a.api('/api/v1/groups/other'), 404);
  });
});
