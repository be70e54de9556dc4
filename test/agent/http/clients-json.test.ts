import { describe, expect, it } from 'vitest';
import type { Client } from '../../../agent/directory/schema.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';
import { agentPerTest, type TestAgent } from '../../helpers/agent.js';

/**
 * The client GETs answer with JSON text joined from the directory's cached per-client JSON: the
 * bytes and headers must be those `c.json()` gave for the same data, and a change must show in
 * the very next answer.
 */

const open = agentPerTest();

async function seeded(): Promise<{ a: TestAgent; clients: Client[] }> {
  const a = await open();
  const clients = generateClients(300);
  const store = a.agent.services.directoryStore;
  await store.commit(generateGroups().map((record) => ({ op: 'group.put' as const, record })));
  await store.commit(clients.map((record) => ({ op: 'client.put' as const, record })));
  return { a, clients };
}

/** The answer's bytes and content type, and the ETag header. */
async function get(a: TestAgent, pathname: string): Promise<{ status: number; type: string | null; etag: string | null; text: string }> {
  const res = await a.api(pathname);
  return { status: res.status, type: res.headers.get('content-type'), etag: res.headers.get('etag'), text: await res.text() };
}

async function expectAnswersAsUncached(a: TestAgent, clients: readonly Client[]): Promise<void> {
  const directory = a.agent.services.directory;
  const queries = ['', 'm', 'gen', 'zurich', '079', 'xqzv', ...clients.slice(0, 25).map((c) => c.lastName ?? c.companyName ?? '')];
  for (const q of queries) {
    let cursor: string | null = null;
    for (let n = 0; n < 3; n++) {
      const r = await get(a, `/api/v1/clients?${new URLSearchParams({ q, limit: '50', ...(cursor ? { cursor } : {}) })}`);
      const page = directory.search(q, 50, cursor);
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/json');
      expect(r.text, `q=${JSON.stringify(q)} page ${n}`).toBe(JSON.stringify(page));
      if (!page.next) break;
      cursor = page.next;
    }
  }
  for (const c of clients.slice(0, 40)) {
    if (!directory.recordOf(c.id)) continue;
    const uncached = directory.getClient(c.id);
    const byId = await get(a, `/api/v1/clients/${c.id}`);
    expect(byId).toEqual({ status: 200, type: 'application/json', etag: `"${uncached.etag}"`, text: JSON.stringify(uncached) });
    if (uncached.reference) expect(await get(a, `/api/v1/clients/by-reference/${encodeURIComponent(uncached.reference)}`)).toEqual(byId);
  }
}

describe('client GETs from cached JSON', () => {
  it('answer the bytes and headers of JSON.stringify of the uncached value, before and after edits, group changes and deletes', async () => {
    const { a, clients } = await seeded();
    await expectAnswersAsUncached(a, clients);
    await expectAnswersAsUncached(a, clients); // served from the cache now

    const grouped = clients.filter((c) => c.groupId !== null && clients.indexOf(c) < 40);
    expect((await a.api(`/api/v1/clients/${clients[0]!.id}`, { method: 'PATCH', json: { lastName: 'Zwahlen', notes: 'café "crème"' } })).status).toBe(200);
    expect((await a.api(`/api/v1/groups/${grouped[0]!.groupId}`, { method: 'PATCH', json: { name: 'Fidèles', discountPercent: 7 } })).status).toBe(200);
    expect((await a.api(`/api/v1/clients/${clients[1]!.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectAnswersAsUncached(a, clients);

    const edited = JSON.parse((await get(a, `/api/v1/clients/${clients[0]!.id}`)).text) as { lastName: string; notes: string };
    expect(edited).toMatchObject({ lastName: 'Zwahlen', notes: 'café "crème"' });
    const member = JSON.parse((await get(a, `/api/v1/clients/${grouped[0]!.id}`)).text) as { group: { name: string; discountPercent: number } };
    expect(member.group).toMatchObject({ name: 'Fidèles', discountPercent: 7 });
    expect((await get(a, `/api/v1/clients/${clients[1]!.id}`)).status).toBe(404);
  });

  it('never answer a changed client stale: each PATCH shows in the next search and GET', async () => {
    const { a, clients } = await seeded();
    const c = clients.find((x) => x.reference !== null)!;
    for (let i = 0; i < 10; i++) {
      await get(a, `/api/v1/clients?q=${encodeURIComponent(c.reference!)}`);
      const patched = await a.api(`/api/v1/clients/${c.id}`, { method: 'PATCH', json: { notes: `edit ${i}` } });
      const etag = patched.headers.get('etag');
      const page = JSON.parse((await get(a, `/api/v1/clients?q=${encodeURIComponent(c.reference!)}`)).text) as { items: Array<{ id: string; notes: string; etag: string }> };
      expect(page.items[0]).toMatchObject({ id: c.id, notes: `edit ${i}` });
      expect(`"${page.items[0]!.etag}"`).toBe(etag);
      expect((await get(a, `/api/v1/clients/${c.id}`)).etag).toBe(etag);
    }
  });
});
