import { describe, expect, it } from 'vitest';
import type { Client, Group } from '../../../agent/directory/schema.js';
import type { MutationResult } from '../../../agent/sync/cloud-client.js';
import { ENTITIES } from '../../../agent/sync/entities.js';
import { type PushSituation, decide, nextBatch } from '../../../agent/sync/push.js';
import type { Mutation } from '../../../agent/sync/records.js';
import type { SyncedOp } from '../../../agent/sync/sync-store.js';
import { personRecord } from '../../fixtures/records.js';

/**
 * What the push does with each answer of the cloud, and what it sends next, without a cloud: the
 * decisions are pure, so each row gives a mutation, the cloud's answer and what is known here,
 * and says the writes that must follow, one line per op.
 */

const AT = '2026-03-01T10:00:00.000Z';

const client = (over: Partial<Client> = {}): Client =>
  personRecord('c1', {
    civility: null,
    lastName: 'Favre',
    firstName: 'Luc',
    address: { street: null, street2: null, postalCode: '1260', city: 'Nyon', country: 'CH' },
    version: 3,
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });

function group(over: Partial<Group> = {}): Group {
  return { id: 'g1', name: 'VIP', discountPercent: 10, version: 3, updatedAt: '2026-01-01T00:00:00.000Z', ...over };
}

/** An outbox entry built as the shop builds it, with readable keys. */
function clientEdit(key: string, before: Client | undefined, after: Client | undefined, base: Client | null, adopted = false): Mutation {
  const m = ENTITIES.client.mutation(before, after, base, AT, adopted);
  if (!m) throw new Error('no mutation');
  return { ...m, key, mutationId: `mid-${key}` };
}

function groupEdit(key: string, before: Group | undefined, after: Group | undefined, base: Group | null): Mutation {
  const m = ENTITIES.group.mutation(before, after, base, AT, false);
  if (!m) throw new Error('no mutation');
  return { ...m, key, mutationId: `mid-${key}` };
}

/** One line per op: what it writes, with the fields that tell rows apart. */
function line(op: SyncedOp): string {
  switch (op.op) {
    case 'outbox.del':
      return `outbox.del ${op.key}`;
    case 'outbox.put': {
      const m = op.mutation;
      return `outbox.put ${m.key} ${m.op} on v${m.baseVersion} (base v${m.base?.version ?? '-'}) as ${m.mutationId} ${JSON.stringify(m.data ?? null)}`;
    }
    case 'client.put': {
      const r = op.record;
      return `client.put ${r.id} v${r.version} ${r.lastName} phone=${r.phone} email=${r.email} city=${r.address.city}`;
    }
    case 'group.put':
      return `group.put ${op.record.id} v${op.record.version} ${op.record.name} ${op.record.discountPercent}%`;
    case 'client.del':
    case 'group.del':
      return `${op.op} ${op.id}`;
    case 'sync.cursor':
      return `sync.cursor ${op.state.cursor}`;
    case 'issue.put': {
      const i = op.issue;
      const fields = i.fields.map((f) => `${f.path}: ${String(f.shop)} / ${String(f.cloud)}`).join(', ');
      return `issue ${i.id} ${i.kind} ${i.entity}:${i.recordId} ${i.op} "${i.label}" at ${i.at} [${fields}] code=${i.code} record=${i.record?.id ?? null}`;
    }
    case 'issue.del':
      return `issue.del ${op.id}`;
  }
}

interface Row {
  name: string;
  m: Mutation;
  result: MutationResult;
  later?: Mutation[];
  local: Client | Group | undefined;
  ops: string[];
  /** The log line, matched (null: none). */
  warning: RegExp | null;
}

const base = client();
const phoned = client({ phone: '+41 22 000 00 00' });
const update = clientEdit('k1', base, phoned, base);
const emailed = client({ phone: '+41 22 000 00 00', email: 'luc@example.ch' });
const laterEmail = clientEdit('k2', phoned, emailed, base);
const created = client({ version: 0 });
const create = clientEdit('k1', undefined, created, null);
const adoptedCreate = clientEdit('k1', undefined, created, null, true);
const createThenEdit = clientEdit('k2', created, client({ version: 0, phone: '+41 22 000 00 00' }), null);
const remove = clientEdit('k1', base, undefined, base);
const gland = client({ version: 5, address: { ...base.address, city: 'Gland' } });
const vip = group();
const renamed = group({ name: 'VIP Gold' });
const rename = groupEdit('k1', vip, renamed, vip);

const ROWS: Row[] = [
  {
    name: 'applied update: leaves the outbox, the cloud’s record comes in',
    m: update,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4, data: { ...phoned, version: 4 } },
    local: phoned,
    ops: ['outbox.del k1', 'client.put c1 v4 Favre phone=+41 22 000 00 00 email=null city=Nyon'],
    warning: null,
  },
  {
    name: 'applied update with a later edit: the later one now stands on the new version, and stays on top here',
    m: update,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4, data: { ...phoned, version: 4 } },
    later: [laterEmail],
    local: emailed,
    ops: [
      'outbox.del k1',
      'outbox.put k2 update on v4 (base v4) as mid-k2 {"email":"luc@example.ch"}',
      'client.put c1 v4 Favre phone=+41 22 000 00 00 email=luc@example.ch city=Nyon',
    ],
    warning: null,
  },
  {
    name: 'applied delete: only leaves the outbox',
    m: remove,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4 },
    local: undefined,
    ops: ['outbox.del k1'],
    warning: null,
  },
  {
    name: 'applied, but the record the cloud returned is not valid: leaves the outbox, the copy stays, staff see why',
    m: update,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4, data: { id: 'c1' } },
    local: phoned,
    ops: ['outbox.del k1', 'issue id-1 rejected client:c1 update "Luc Favre" at 2026-03-01T10:00:00.000Z [] code=invalid-answer record=null'],
    warning: /^cloud sync: the record the cloud returned for mutation mid-k1 is not a valid client c1 \(kind: /,
  },
  {
    name: 'applied, but the cloud returned another record: never overwrites it',
    m: update,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4, data: { ...phoned, id: 'c9', version: 4 } },
    local: phoned,
    ops: ['outbox.del k1', 'issue id-1 rejected client:c1 update "Luc Favre" at 2026-03-01T10:00:00.000Z [] code=invalid-answer record=null'],
    warning: /is not a valid client c1 \(id: is "c9", expected "c1"\)/,
  },
  {
    name: 'conflict on other fields: the shop’s field is sent again on the cloud’s version, under a new mutationId',
    m: update,
    result: { mutationId: 'mid-k1', status: 'conflict', current: gland },
    local: phoned,
    ops: ['outbox.put k1 update on v5 (base v5) as id-1 {"phone":"+41 22 000 00 00"}', 'client.put c1 v5 Favre phone=+41 22 000 00 00 email=null city=Gland'],
    warning: /^cloud sync: client c1 was changed in the cloud meanwhile; the shop's other changes are sent again on version 5$/,
  },
  {
    name: 'conflict on the same field: the cloud’s value is kept, the shop’s is an issue',
    m: update,
    result: { mutationId: 'mid-k1', status: 'conflict', current: client({ version: 5, phone: '+41 79 111 11 11' }) },
    local: phoned,
    ops: [
      'outbox.del k1',
      'client.put c1 v5 Favre phone=+41 79 111 11 11 email=null city=Nyon',
      'issue id-1 conflict client:c1 update "Luc Favre" at 2026-03-01T10:00:00.000Z [phone: +41 22 000 00 00 / +41 79 111 11 11] code=null record=null',
    ],
    warning: /nothing else to send; kept the cloud's value of phone \(shown under conflicts\)$/,
  },
  {
    name: 'conflict with a later edit: both are re-made on the cloud’s record, in their places',
    m: update,
    result: { mutationId: 'mid-k1', status: 'conflict', current: gland },
    later: [laterEmail],
    local: emailed,
    ops: [
      'outbox.put k1 update on v5 (base v5) as id-1 {"phone":"+41 22 000 00 00"}',
      'outbox.put k2 update on v5 (base v5) as id-2 {"email":"luc@example.ch"}',
      'client.put c1 v5 Favre phone=+41 22 000 00 00 email=luc@example.ch city=Gland',
    ],
    warning: /sent again on version 5$/,
  },
  {
    name: 'the cloud deleted what the shop edited: the cloud wins, the shop’s record is kept for staff',
    m: update,
    result: { mutationId: 'mid-k1', status: 'conflict', current: null },
    local: phoned,
    ops: ['outbox.del k1', 'client.del c1', 'issue id-1 deleted-in-cloud client:c1 update "Luc Favre" at 2026-03-01T10:00:00.000Z [] code=null record=c1'],
    warning: null,
  },
  {
    name: 'deleted on both sides: nothing more to do',
    m: remove,
    result: { mutationId: 'mid-k1', status: 'conflict', current: null },
    local: undefined,
    ops: ['outbox.del k1'],
    warning: null,
  },
  {
    name: 'the shop deleted what the cloud changed: the cloud’s record is kept, staff decide',
    m: remove,
    result: { mutationId: 'mid-k1', status: 'conflict', current: gland },
    local: undefined,
    ops: ['outbox.del k1', 'client.put c1 v5 Favre phone=null email=null city=Gland', 'issue id-1 changed-in-cloud client:c1 delete "Luc Favre" at 2026-03-01T10:00:00.000Z [] code=null record=null'],
    warning: null,
  },
  {
    name: 'a refused create: gone here with its later edits, kept for staff',
    m: create,
    result: { mutationId: 'mid-k1', status: 'rejected', code: 'validation', message: 'no' },
    later: [createThenEdit],
    local: created,
    ops: [
      'outbox.del k1',
      'outbox.del k2',
      'client.del c1',
      'issue id-1 rejected client:c1 create "Luc Favre" at 2026-03-01T10:00:00.000Z [kind: person / null, civility: null / null, lastName: Favre / null, firstName: Luc / null, companyName: null / null, reference: null / null, accountNumber: null / null, groupId: null / null, email: null / null, phone: null / null, notes: null / null, address.street: null / null, address.street2: null / null, address.postalCode: 1260 / null, address.city: Nyon / null, address.country: CH / null] code=validation record=c1',
    ],
    warning: /^cloud sync: the cloud refused the create of client "Luc Favre" \(validation: no\)/,
  },
  {
    name: 'a refused create of a record made before the cloud: it stays here, flagged',
    m: adoptedCreate,
    result: { mutationId: 'mid-k1', status: 'rejected', code: 'validation', message: 'no' },
    local: created,
    ops: [
      'outbox.del k1',
      'issue id-1 rejected client:c1 create "Luc Favre" at 2026-03-01T10:00:00.000Z [kind: person / null, civility: null / null, lastName: Favre / null, firstName: Luc / null, companyName: null / null, reference: null / null, accountNumber: null / null, groupId: null / null, email: null / null, phone: null / null, notes: null / null, address.street: null / null, address.street2: null / null, address.postalCode: 1260 / null, address.city: Nyon / null, address.country: CH / null] code=validation record=c1',
    ],
    warning: /refused the create/,
  },
  {
    name: 'a refused update: the record goes back to the cloud’s state, later edits on top',
    m: update,
    result: { mutationId: 'mid-k1', status: 'rejected', code: 'forbidden', message: 'locked' },
    later: [laterEmail],
    local: emailed,
    ops: [
      'outbox.del k1',
      'client.put c1 v3 Favre phone=null email=luc@example.ch city=Nyon',
      'issue id-1 rejected client:c1 update "Luc Favre" at 2026-03-01T10:00:00.000Z [phone: +41 22 000 00 00 / null] code=forbidden record=null',
    ],
    warning: /the record is back to the cloud's state$/,
  },
  {
    name: 'a group: applied',
    m: rename,
    result: { mutationId: 'mid-k1', status: 'applied', version: 4, data: { ...renamed, version: 4 } },
    local: renamed,
    ops: ['outbox.del k1', 'group.put g1 v4 VIP Gold 10%'],
    warning: null,
  },
  {
    name: 'a group: conflict on its name, the other field sent again',
    m: groupEdit('k1', vip, group({ name: 'VIP Gold', discountPercent: 15 }), vip),
    result: { mutationId: 'mid-k1', status: 'conflict', current: group({ name: 'Gold', version: 6 }) },
    local: group({ name: 'VIP Gold', discountPercent: 15 }),
    ops: [
      'outbox.put k1 update on v6 (base v6) as id-1 {"discountPercent":15}',
      'group.put g1 v6 Gold 15%',
      'issue id-2 conflict group:g1 update "VIP Gold" at 2026-03-01T10:00:00.000Z [name: VIP Gold / Gold] code=null record=null',
    ],
    warning: /kept the cloud's value of name/,
  },
];

function situation(row: Pick<Row, 'later' | 'local'>): PushSituation {
  let n = 0;
  return { later: row.later ?? [], local: row.local, at: AT, newId: () => `id-${++n}` };
}

describe('what the push does with each answer', () => {
  it.each(ROWS)('$name', (row) => {
    const decision = decide(row.m, row.result, situation(row));
    expect(decision.ops.map(line)).toEqual(row.ops);
    if (row.warning === null) expect(decision.warning).toBeNull();
    else expect(decision.warning).toMatch(row.warning);
  });

  it.each([
    { name: 'not a record', current: { id: 'c1', kind: 'robot' }, error: /the current record the cloud returned for mutation mid-k1 is not a valid client c1 \(kind: / },
    { name: 'another record', current: { ...gland, id: 'c2' }, error: /is not a valid client c1 \(id: is "c2", expected "c1"\)/ },
  ])('a conflict whose current record is $name fails the cycle and writes nothing', ({ current, error }) => {
    expect(() => decide(update, { mutationId: 'mid-k1', status: 'conflict', current }, situation({ local: phoned }))).toThrow(error);
  });
});

describe('what the push sends next', () => {
  const a = clientEdit('a', base, phoned, base);
  const a2 = clientEdit('a2', phoned, emailed, base);
  const b = clientEdit('b', undefined, client({ id: 'c2', version: 0 }), null);
  const c = clientEdit('c', undefined, client({ id: 'c3', version: 0 }), null);
  const dropGroup = groupEdit('g', vip, undefined, vip);
  const durable = () => true;

  it.each([
    { name: 'the oldest first, one per record', outbox: [a, b, c], notOnDisk: [], max: 100, sent: ['a', 'b', 'c'] },
    { name: 'stops before a second edit of a record', outbox: [a, b, a2, c], notOnDisk: [], max: 100, sent: ['a', 'b'] },
    { name: 'stops before an edit not yet on disk', outbox: [a, b, c], notOnDisk: ['b'], max: 100, sent: ['a'] },
    { name: 'sends nothing while the oldest is not on disk', outbox: [a, b], notOnDisk: ['a'], max: 100, sent: [] },
    { name: 'a group deletion waits for what is before it', outbox: [a, dropGroup, b], notOnDisk: [], max: 100, sent: ['a'] },
    { name: 'a group deletion goes first when it is the oldest', outbox: [dropGroup, a, b], notOnDisk: [], max: 100, sent: ['g', 'a', 'b'] },
    { name: 'at most a request’s worth', outbox: [a, b, c], notOnDisk: [], max: 2, sent: ['a', 'b'] },
  ])('$name', ({ outbox, notOnDisk, max, sent }) => {
    const isDurable = notOnDisk.length ? (key: string) => !notOnDisk.includes(key) : durable;
    expect(nextBatch(outbox, isDurable, max).map((m) => m.key)).toEqual(sent);
  });
});
