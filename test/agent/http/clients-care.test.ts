import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../../agent/directory/schema.js';
import type { ReferenceCloud } from '../../fakes/cloud.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { agentPerTest, openTestAgent, tempDir, type TestAgent } from '../../helpers/agent.js';
import { syncedAgentPerTest } from '../../helpers/synced-agent.js';
import { type ClientBody, createClient, createGroup, errorPaths, expectJson, expectProblem, getClient } from './api-util.js';

/** agent-api.md "Directory care": merge and anonymise, through the API. */

const open = agentPerTest();

const merge = (a: TestAgent, id: string, json: unknown, headers: Record<string, string> = {}) =>
  a.api(`/api/v1/clients/${encodeURIComponent(id)}/merge`, { method: 'POST', json, headers });
const anonymize = (a: TestAgent, id: string, headers: Record<string, string> = {}) =>
  a.api(`/api/v1/clients/${encodeURIComponent(id)}/anonymize`, { method: 'POST', headers });

/** Balances are the back-office's: put them in the store as a pull would. */
async function setBalances(a: TestAgent, id: string, accountBalance: number, walletBalance: number): Promise<void> {
  const { group: _group, etag: _etag, ...record } = a.agent.services.directory.getClient(id);
  await a.agent.services.directoryStore.commit([{ op: 'client.put', record: { ...record, accountBalance, walletBalance } satisfies Client }]);
}

/** The journal's entries (one per durable write), across its segments. */
function journalEntries(dir: string): string[] {
  const journal = path.join(dir, 'directory', 'journal');
  return readdirSync(journal)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .flatMap((n) => readFileSync(path.join(journal, n), 'utf8').split('\n').filter(Boolean));
}

function auditLines(dir: string): Array<Record<string, unknown>> {
  return readFileSync(path.join(dir, 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const DUPONT = {
  civility: 'M.',
  lastName: 'Dupont',
  firstName: 'Jean',
  phone: '021 555 00 12',
  accountNumber: '1100.001',
  address: { street: 'Rue du Lac 1', postalCode: '1003', city: 'Lausanne', country: 'CH' },
  notes: 'Livraison le mardi',
};
const DUPOND = {
  civility: 'M.',
  lastName: 'Dupond',
  firstName: 'Jean-Pierre',
  phone: '+41 79 555 00 12',
  email: 'jp@example.ch',
  reference: 'CARD-000123',
  accountNumber: '1100.002',
  address: { street: 'Chemin Vert 4', street2: 'Case postale 12', postalCode: '1110', city: 'Morges', country: 'CH' },
  notes: 'Allergie : noix',
};

describe('POST /api/v1/clients/{id}/merge', () => {
  it('takes the fields named in take from the other client, keeps the rest, and deletes the other', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'Clients VIP', discountPercent: 10 });
    const stay = await createClient(a, { ...DUPONT, groupId: g.id });
    const other = await createClient(a, DUPOND);
    const res = await merge(a, stay.id, { from: other.id, take: { firstName: 'from', phone: 'from', email: 'from', address: 'from', 'address.street2': 'id', notes: 'both' } });
    const merged = await expectJson<ClientBody>(res, 200);
    expect(res.headers.get('etag')).toBe(`"${merged.etag}"`);
    expect(merged).toMatchObject({
      id: stay.id,
      civility: 'M.',
      lastName: 'Dupont', // not named: the staying client's
      firstName: 'Jean-Pierre',
      phone: '+41 79 555 00 12',
      email: 'jp@example.ch',
      reference: null, // not named: the staying client had none, and keeps none
      accountNumber: '1100.001',
      groupId: g.id,
      group: { id: g.id, name: 'Clients VIP', discountPercent: 10 },
      // the other's address, but the staying client's (empty) second line
      address: { street: 'Chemin Vert 4', street2: null, postalCode: '1110', city: 'Morges', country: 'CH' },
      notes: 'Livraison le mardi\n\nAllergie : noix',
      version: stay.version + 1,
    });
    expect(await getClient(a, stay.id)).toEqual(merged);
    await expectProblem(await a.api(`/api/v1/clients/${other.id}`), 404);
    // search finds the merged client under its new words, and the other one no more
    const found = await expectJson<{ items: ClientBody[] }>(await a.api('/api/v1/clients?q=morges'), 200);
    expect(found.items.map((c) => c.id)).toEqual([stay.id]);
    const gone = await expectJson<{ items: ClientBody[] }>(await a.api('/api/v1/clients?q=dupond'), 200);
    expect(gone.items.map((c) => c.id)).not.toContain(other.id);
  });

  it('without take, the staying client keeps everything of its own; the other is deleted', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    const merged = await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id }), 200);
    const { version: _v, updatedAt: _u, etag: _e, ...before } = stay;
    expect(merged).toMatchObject(before);
    await expectProblem(await a.api(`/api/v1/clients/${other.id}`), 404);
  });

  it("takes the other's reference (its card then finds the staying client): the delete frees it in the same write", async () => {
    const a = await open();
    const stay = await createClient(a, { ...DUPONT, reference: 'OLD-1' });
    const other = await createClient(a, DUPOND);
    const merged = await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id, take: { reference: 'from' } }), 200);
    expect(merged.reference).toBe('CARD-000123');
    expect((await getClient(a, stay.id)).reference).toBe('CARD-000123');
    const byCard = await expectJson<ClientBody>(await a.api('/api/v1/clients/by-reference/CARD-000123'), 200);
    expect(byCard.id).toBe(stay.id);
    // the staying client's old card is free for someone else
    await expectProblem(await a.api('/api/v1/clients/by-reference/OLD-1'), 404);
    await createClient(a, { lastName: 'Favre', firstName: 'Anne', reference: 'OLD-1' });
  });

  it('one durable write: the journal gets one entry with the delete and the update, and a restart reads the merge back', async () => {
    const dir = tempDir();
    let a = await openTestAgent({ dir });
    try {
      const stay = await createClient(a, DUPONT);
      const other = await createClient(a, DUPOND);
      const before = journalEntries(dir).length;
      await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id, take: { reference: 'from', email: 'from' } }), 200);
      const entries = journalEntries(dir);
      expect(entries.length).toBe(before + 1);
      const ops = (JSON.parse(entries.at(-1)!.slice(entries.at(-1)!.indexOf(' ') + 1)) as { ops: Array<{ op: string; id?: string; record?: { id: string } }> }).ops;
      expect(ops.map((o) => `${o.op} ${o.id ?? o.record?.id}`)).toEqual([`client.del ${other.id}`, `client.put ${stay.id}`]);
      await a.close();

      a = await openTestAgent({ dir });
      const again = await getClient(a, stay.id);
      expect(again).toMatchObject({ lastName: 'Dupont', reference: 'CARD-000123', email: 'jp@example.ch' });
      await expectProblem(await a.api(`/api/v1/clients/${other.id}`), 404);
      expect(a.agent.services.directory.clientCount).toBe(1);
    } finally {
      await a.close();
    }
  });

  it('records when, and which ids, in the audit log; no name', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    const t0 = Date.now();
    await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id }), 200);
    const [line] = auditLines(a.dir);
    expect(line).toMatchObject({ action: 'client.merge', id: stay.id, from: other.id });
    expect(Date.parse(String(line!.at))).toBeGreaterThanOrEqual(t0 - 1);
    expect(readFileSync(path.join(a.dir, 'audit.log'), 'utf8')).not.toMatch(/Dupon|Jean|Lausanne|Morges/);
  });

  it('409 when both have a balance: the back-office must merge them; nothing changes', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    await setBalances(a, stay.id, 12_050, 0);
    await setBalances(a, other.id, 0, 2_500);
    const p = await expectProblem(await merge(a, stay.id, { from: other.id, take: { phone: 'from' } }), 409);
    expect(p.title).toBe('Both clients have a balance');
    expect(p.detail).toContain('back-office');
    expect(p.detail).toContain('120.50');
    expect(p.detail).toContain('25.00');
    expect(p.balances).toEqual([
      { id: stay.id, accountBalance: 12_050, walletBalance: 0 },
      { id: other.id, accountBalance: 0, walletBalance: 2_500 },
    ]);
    expect((await getClient(a, stay.id)).phone).toBe(DUPONT.phone);
    expect((await getClient(a, other.id)).walletBalance).toBe(2_500);
  });

  it('409 when only the client to delete has a balance, saying to merge the other way round; that way works and keeps the balance', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    await setBalances(a, other.id, -4_000, 1_000);
    const p = await expectProblem(await merge(a, stay.id, { from: other.id }), 409);
    expect(p.detail).toContain('the other way round');
    expect(p.mergeInstead).toEqual({ id: other.id, from: stay.id });
    await getClient(a, other.id);

    // the other way round: the client with the balance stays, with the fields taken from the other
    const merged = await expectJson<ClientBody>(await merge(a, other.id, { from: stay.id, take: { lastName: 'from', firstName: 'from', address: 'from' } }), 200);
    expect(merged).toMatchObject({ id: other.id, lastName: 'Dupont', firstName: 'Jean', accountBalance: -4_000, walletBalance: 1_000, address: { city: 'Lausanne' } });
    await expectProblem(await a.api(`/api/v1/clients/${stay.id}`), 404);
  });

  it('a balance on the staying client alone does not stop the merge, and stays as it was', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    await setBalances(a, stay.id, 500, 700);
    const merged = await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id, take: { email: 'from' } }), 200);
    expect(merged).toMatchObject({ accountBalance: 500, walletBalance: 700, email: 'jp@example.ch' });
  });

  it('422 when a client is merged with itself', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const p = await expectProblem(await merge(a, stay.id, { from: stay.id }), 422);
    expect(errorPaths(p)).toEqual(['from']);
    await getClient(a, stay.id);
  });

  it('422 naming every field of take that cannot be taken (unknown, balances, "both" beyond notes, a bad source)', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    const p = await expectProblem(await merge(a, stay.id, { from: other.id, take: { phnoe: 'from', walletBalance: 'from', id: 'from', phone: 'both' } }), 422);
    expect(errorPaths(p)).toEqual(['take.id', 'take.phnoe', 'take.phone', 'take.walletBalance']);
    expect(p.errors!.find((e) => e.path === 'take.walletBalance')!.message).toContain('back-office');
    expect(p.errors!.find((e) => e.path === 'take.phnoe')).toMatchObject({ code: 'unknown-field' });
    const bad = await expectProblem(await merge(a, stay.id, { from: other.id, take: { phone: 'theirs' } }), 422);
    expect(errorPaths(bad)).toEqual(['take.phone']);
    const none = await expectProblem(await merge(a, stay.id, { take: {} }), 422);
    expect(errorPaths(none)).toEqual(['from']);
    const extra = await expectProblem(await merge(a, stay.id, { from: other.id, into: 'x' }), 422);
    expect(errorPaths(extra)).toEqual(['into']);
    // nothing changed
    await getClient(a, other.id);
    expect((await getClient(a, stay.id)).version).toBe(stay.version);
  });

  it("422 when the merged client would break the directory's rules (paths merged.<field>); nothing changes", async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const company = await createClient(a, { kind: 'company', companyName: 'Dupont SA', email: 'info@dupont.ch' });
    // a person made a company without its name
    const p = await expectProblem(await merge(a, stay.id, { from: company.id, take: { kind: 'from' } }), 422);
    expect(p.errors).toEqual([expect.objectContaining({ path: 'merged.companyName', code: 'required-company' })]);
    await getClient(a, company.id);
    // with its name, it is fine
    const merged = await expectJson<ClientBody>(await merge(a, stay.id, { from: company.id, take: { kind: 'from', companyName: 'from' } }), 200);
    expect(merged).toMatchObject({ kind: 'company', companyName: 'Dupont SA', lastName: 'Dupont' });
  });

  it('422 when both notes together are too long for one client', async () => {
    const a = await open();
    const stay = await createClient(a, { ...DUPONT, notes: 'a'.repeat(1200) });
    const other = await createClient(a, { ...DUPOND, notes: 'b'.repeat(1200) });
    const p = await expectProblem(await merge(a, stay.id, { from: other.id, take: { notes: 'both' } }), 422);
    expect(p.errors).toEqual([expect.objectContaining({ path: 'take.notes', code: 'too-long' })]);
  });

  it('404 for an unknown client, either one', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    expect((await expectProblem(await merge(a, 'nobody', { from: stay.id }), 404)).detail).toContain('nobody');
    expect((await expectProblem(await merge(a, stay.id, { from: 'nobody' }), 404)).detail).toContain('nobody');
    await getClient(a, stay.id);
  });

  it('412 when either client changed since it was read (If-Match for {id}, fromEtag for the other)', async () => {
    const a = await open();
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    await a.api(`/api/v1/clients/${other.id}`, { method: 'PATCH', json: { phone: '+41 79 000 00 00' } });
    await expectProblem(await merge(a, stay.id, { from: other.id, fromEtag: `"${other.etag}"` }), 412);
    await expectProblem(await merge(a, stay.id, { from: other.id }, { 'if-match': '"99"' }), 412);
    const fresh = await getClient(a, other.id);
    await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id, fromEtag: fresh.etag }, { 'if-match': `"${stay.etag}"` }), 200);
  });

  it('needs directory:write (403 with a read-only token)', async () => {
    const a = await open({ config: { api: { tokens: ['test-token-0123456789abcdef', { name: 'reader', token: 'reader-token-0123456789', scopes: ['directory:read'] }] } } });
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    const reader = { authorization: 'Bearer reader-token-0123456789' };
    await expectProblem(await merge(a, stay.id, { from: other.id }, reader), 403);
    await expectProblem(await anonymize(a, stay.id, reader), 403);
    await getClient(a, other.id);
  });

  it('a full disk: 507, and nothing changes (both clients as they were)', async () => {
    const fs = new FaultyFs();
    const a = await open({ options: { store: { fs } } });
    const stay = await createClient(a, DUPONT);
    const other = await createClient(a, DUPOND);
    fs.free = 0;
    await expectProblem(await merge(a, stay.id, { from: other.id, take: { reference: 'from' } }), 507);
    fs.free = Infinity;
    expect(await getClient(a, stay.id)).toEqual(stay);
    expect(await getClient(a, other.id)).toEqual(other);
  });
});

describe('POST /api/v1/clients/{id}/anonymize', () => {
  it('removes the names, address lines, phone, e-mail, notes and reference; keeps id, kind, account number, group, balances and country', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'Pro', discountPercent: 5 });
    const c = await createClient(a, { ...DUPOND, companyName: 'Boulangerie Dupond', groupId: g.id, address: { ...DUPOND.address, country: 'FR', postalCode: '74000', city: 'Annecy' } });
    await setBalances(a, c.id, 12_345, -200);
    const res = await anonymize(a, c.id);
    const anon = await expectJson<ClientBody>(res, 200);
    expect(res.headers.get('etag')).toBe(`"${anon.etag}"`);
    expect(anon).toMatchObject({
      id: c.id,
      kind: 'person',
      civility: null,
      lastName: 'Anonymisé',
      firstName: 'Client',
      companyName: null,
      reference: null,
      accountNumber: '1100.002',
      groupId: g.id,
      email: null,
      phone: null,
      address: { street: null, street2: null, postalCode: null, city: null, country: 'FR' },
      notes: null,
      accountBalance: 12_345,
      walletBalance: -200,
    });
    expect(await getClient(a, c.id)).toEqual(anon);
    // nothing of the person is found any more; the card is free
    for (const q of ['dupond', 'jp@example.ch', 'annecy', '0795550012', 'CARD-000123']) {
      const page = await expectJson<{ items: ClientBody[] }>(await a.api(`/api/v1/clients?q=${encodeURIComponent(q)}`), 200);
      expect(page.items, q).toEqual([]);
    }
    await expectProblem(await a.api('/api/v1/clients/by-reference/CARD-000123'), 404);
  });

  it('a company: its name becomes the neutral label, its contact person goes', async () => {
    const a = await open();
    const c = await createClient(a, { kind: 'company', companyName: 'Favre SA', civility: 'M.', lastName: 'Favre', firstName: 'Luc', accountNumber: '1100.9' });
    const anon = await expectJson<ClientBody>(await anonymize(a, c.id), 200);
    expect(anon).toMatchObject({ kind: 'company', companyName: 'Client anonymisé', civility: null, lastName: null, firstName: null, accountNumber: '1100.9' });
  });

  it('twice is fine: the second changes nothing and is recorded again; the audit says when and the id, never a name', async () => {
    const a = await open();
    const c = await createClient(a, DUPOND);
    const t0 = Date.now();
    const first = await expectJson<ClientBody>(await anonymize(a, c.id), 200);
    const second = await expectJson<ClientBody>(await anonymize(a, c.id), 200);
    expect(second).toEqual(first);
    const lines = auditLines(a.dir);
    expect(lines).toEqual([
      { at: expect.any(String), action: 'client.anonymize', id: c.id, changed: true },
      { at: expect.any(String), action: 'client.anonymize', id: c.id, changed: false },
    ]);
    for (const l of lines) {
      expect(Date.parse(String(l.at))).toBeGreaterThanOrEqual(t0 - 1);
      expect(Date.parse(String(l.at))).toBeLessThanOrEqual(Date.now());
    }
    const text = readFileSync(path.join(a.dir, 'audit.log'), 'utf8');
    for (const word of ['Dupond', 'Jean', 'Pierre', 'CARD', 'example', 'Morges', 'Chemin', '1100']) expect(text).not.toContain(word);
    // the agent's log says it too, without a name
    const said = a.log.lines.filter((l) => l.includes('client.anonymize'));
    expect(said).toHaveLength(2);
    expect(said.join('\n')).not.toMatch(/Dupond|Jean/);
  });

  it('is durable: a restart reads the anonymised client back', async () => {
    const dir = tempDir();
    let a = await openTestAgent({ dir });
    try {
      const c = await createClient(a, DUPOND);
      await expectJson<ClientBody>(await anonymize(a, c.id), 200);
      await a.close();
      a = await openTestAgent({ dir });
      expect(await getClient(a, c.id)).toMatchObject({ lastName: 'Anonymisé', phone: null, reference: null, accountNumber: '1100.002' });
    } finally {
      await a.close();
    }
  });

  it("a German shop's label is German", async () => {
    const a = await open({ config: { ui: { locale: 'de' } } });
    const c = await createClient(a, DUPOND);
    expect(await expectJson<ClientBody>(await anonymize(a, c.id), 200)).toMatchObject({ firstName: 'Kunde', lastName: 'Anonymisiert' });
  });

  it('404 for an unknown client; 412 for a stale If-Match', async () => {
    const a = await open();
    await expectProblem(await anonymize(a, 'nobody'), 404);
    const c = await createClient(a, DUPOND);
    await expectProblem(await anonymize(a, c.id, { 'if-match': '"99"' }), 412);
    expect((await getClient(a, c.id)).lastName).toBe('Dupond');
    await expectJson<ClientBody>(await anonymize(a, c.id, { 'if-match': `"${c.etag}"` }), 200);
  });

  it('an audit line the disk refuses does not undo the anonymisation: the agent log holds it instead', async () => {
    const fs = new FaultyFs();
    const a = await open({ options: { store: { fs } } });
    const c = await createClient(a, DUPOND);
    fs.failSyncOf = 'audit.log';
    await expectJson<ClientBody>(await anonymize(a, c.id), 200);
    const said = a.log.lines.find((l) => l.startsWith('error') && l.includes('client.anonymize'));
    expect(said).toContain(c.id);
    expect(said).not.toContain('Dupond');
    // asked again, the line is written
    await expectJson<ClientBody>(await anonymize(a, c.id), 200);
    expect(auditLines(a.dir).map((l) => l.changed)).toEqual([false]);
  });
});

describe('the OpenAPI document', () => {
  it('describes both routes, their body and their errors', async () => {
    const a = await open();
    const doc = await expectJson<{ paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }>(
      await a.api('/api/v1/openapi.json'),
      200,
    );
    const mergeOp = doc.paths['/clients/{id}/merge']!.post!;
    expect(Object.keys(mergeOp.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '412', '422']));
    expect(Object.keys(doc.components.schemas.ClientMerge!.properties!)).toEqual(['from', 'take', 'fromEtag']);
    expect(Object.keys(doc.paths['/clients/{id}/anonymize']!.post!.responses)).toEqual(expect.arrayContaining(['200', '404', '412']));
  });
});

describe('with a cloud', () => {
  const synced = syncedAgentPerTest();

  async function start(): Promise<{ a: TestAgent; c: ReferenceCloud; clients: Client[] }> {
    const started = await synced(30);
    expect(started.a.agent.services.directory.clientCount).toBe(30);
    return started;
  }

  const noBalance = (c: Client) => c.accountBalance === 0 && c.walletBalance === 0;

  it('a merge goes up as a delete and an update: the cloud has the merged client and not the other', async () => {
    const { a, c, clients } = await start();
    const stay = clients.find((x) => noBalance(x) && x.reference !== null)!;
    const other = clients.find((x) => x.id !== stay.id && noBalance(x) && x.reference !== null && x.phone !== null)!;
    const merged = await expectJson<ClientBody>(await merge(a, stay.id, { from: other.id, take: { reference: 'from', phone: 'from' } }), 200);
    expect(merged).toMatchObject({ reference: other.reference, phone: other.phone, version: stay.version });

    const outbox = [...a.agent.services.syncStore.outbox.values()];
    expect(outbox.map((m) => `${m.op} ${m.id}`)).toEqual([`delete ${other.id}`, `update ${stay.id}`]);
    expect(outbox[1]!.data).toEqual({ reference: other.reference, phone: other.phone });

    await a.agent.services.sync!.syncNow();
    expect(c.client(other.id)).toBeUndefined();
    expect(c.client(stay.id)).toMatchObject({ reference: other.reference, phone: other.phone, lastName: stay.lastName });
    expect([...a.agent.services.syncStore.outbox.values()]).toEqual([]);
    expect(a.agent.services.directory.getClient(stay.id).version).toBe(c.client(stay.id)!.version);
  });

  it('an anonymisation goes up as an update: the cloud keeps the account and loses the person', async () => {
    const { a, c, clients } = await start();
    const target = clients.find((x) => x.phone !== null && x.email !== null && x.groupId !== null)!;
    await expectJson<ClientBody>(await anonymize(a, target.id), 200);
    const outbox = [...a.agent.services.syncStore.outbox.values()];
    expect(outbox.map((m) => `${m.op} ${m.id}`)).toEqual([`update ${target.id}`]);
    await a.agent.services.sync!.syncNow();
    const there = c.client(target.id)!;
    expect(there).toMatchObject({
      id: target.id,
      civility: null,
      reference: null,
      email: null,
      phone: null,
      notes: null,
      accountNumber: target.accountNumber,
      groupId: target.groupId,
      accountBalance: target.accountBalance,
      walletBalance: target.walletBalance,
      address: { street: null, street2: null, postalCode: null, city: null, country: target.address.country },
    });
    expect(target.kind === 'person' ? [there.firstName, there.lastName] : [there.companyName]).toEqual(target.kind === 'person' ? ['Client', 'Anonymisé'] : ['Client anonymisé']);
  });
});
