import { describe, expect, it } from 'vitest';
import { agentPerTest, openTestAgent, tempDir } from '../../helpers/agent.js';

const open = agentPerTest();

describe('a batch of client edits (import, merge)', () => {
  it('creates, updates and deletes in one durable write, which a restart reads back whole', async () => {
    const dir = tempDir();
    const t = await open({ dir });
    const d = t.agent.services.directory;
    const a = await d.createClient({ kind: 'person', lastName: 'Amacker', firstName: 'Ida', reference: 'CARD-1', address: { country: 'CH' } });
    const b = await d.createClient({ kind: 'person', lastName: 'Bovet', firstName: 'Léon', reference: 'CARD-2', address: { country: 'CH' } });
    const plan = await d.commitClientChanges([
      { op: 'delete', id: b.id },
      { op: 'update', id: a.id, patch: { reference: 'CARD-2', phone: '079 555 00 13' } }, // takes the card the delete freed
      { op: 'create', input: { kind: 'company', companyName: 'Cave SA', reference: 'CARD-1', address: { country: 'CH' } } }, // takes a's old card
    ]);
    expect(plan.map((p) => p.errors)).toEqual([[], [], []]);
    expect(d.findById(a.id)).toMatchObject({ reference: 'CARD-2' });
    await t.close();
    const again = await openTestAgent({ dir });
    const d2 = again.agent.services.directory;
    expect(d2.findById(b.id)).toBeNull();
    expect(d2.findById(a.id)).toMatchObject({ reference: 'CARD-2', phone: '079 555 00 13' });
    expect(d2.findByReference('CARD-1')?.companyName).toBe('Cave SA');
    await again.close();
  });

  it('one refused change refuses the batch, and nothing is written; the plan says which and why', async () => {
    const t = await open();
    const d = t.agent.services.directory;
    const a = await d.createClient({ kind: 'person', lastName: 'Amacker', firstName: 'Ida', reference: 'CARD-1', address: { country: 'CH' } });
    const changes = [
      { op: 'update', id: a.id, patch: { phone: '021 555 00 00' } },
      { op: 'create', input: { kind: 'person', lastName: 'Neu', firstName: 'Anna', reference: 'CARD-9', address: { country: 'CH' } } },
      { op: 'create', input: { kind: 'person', lastName: 'Zwei', firstName: 'Bea', reference: 'CARD-9', address: { country: 'CH' } } }, // same card as the row before
      { op: 'delete', id: 'nobody' },
    ] as const;
    const plan = d.planClientChanges(changes);
    expect(plan.map((p) => p.errors.map((e) => e.code))).toEqual([[], [], ['reference-taken'], ['client-unknown']]);
    await expect(d.commitClientChanges(changes)).rejects.toMatchObject({ kind: 'invalid', errors: [{ path: '2.reference' }, { path: '3.id' }] });
    expect(d.findById(a.id)?.phone).toBeNull();
    expect(d.search('neu').items).toHaveLength(0);
  });
});
