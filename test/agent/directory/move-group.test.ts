import { describe, expect, it } from 'vitest';
import { openTestAgent, tempDir } from '../../helpers/agent.js';

/** Directory.deleteGroupMovingClients: what the groups page's one confirmation does. */

describe('deleting a group in use by moving its clients first', () => {
  it('moves every client of the group, deletes it, in one durable write that survives a restart', async () => {
    const dir = tempDir();
    const t = await openTestAgent({ dir });
    const d = t.agent.services.directory;
    const pro = await d.createGroup({ name: 'Pro', discountPercent: 5 });
    const vip = await d.createGroup({ name: 'VIP', discountPercent: 10 });
    const moved = [];
    for (let i = 0; i < 5; i++) moved.push(await d.createClient({ lastName: `Favre${i}`, firstName: 'Luc', groupId: pro.id }));
    const other = await d.createClient({ lastName: 'Rochat', firstName: 'Anne', groupId: vip.id });
    const none = await d.createClient({ lastName: 'Meier', firstName: 'Eva' });

    const events: string[] = [];
    const off = t.agent.bus.on('directory', (e) => events.push(`${e.entity}:${e.op}`));
    expect(await d.deleteGroupMovingClients(pro.id, vip.id)).toBe(5);
    off();
    expect(events.filter((e) => e === 'client:upsert')).toHaveLength(5);
    expect(events.at(-1)).toBe('group:delete');
    for (const c of moved) expect(d.findById(c.id)).toMatchObject({ groupId: vip.id, version: 2, group: { name: 'VIP' } });
    expect(d.findById(other.id)?.version).toBe(1);
    expect(d.findById(none.id)?.groupId).toBeNull();
    expect(d.listGroups().map((g) => [g.name, g.clientCount])).toEqual([['VIP', 6]]);
    await t.agent.stop(); // then the same store again

    const again = await openTestAgent({ dir });
    expect(again.agent.services.directory.listGroups().map((g) => [g.name, g.clientCount])).toEqual([['VIP', 6]]);
    expect(again.agent.services.directory.search('favre', 10).items.every((c) => c.groupId === vip.id)).toBe(true);
    await again.close();
  });

  it('to no group; refuses the group itself, an unknown target or a stale etag, changing nothing', async () => {
    const t = await openTestAgent();
    const d = t.agent.services.directory;
    const g = await d.createGroup({ name: 'Temporaire' });
    const c = await d.createClient({ lastName: 'Bonvin', firstName: 'Noé', groupId: g.id });
    await expect(d.deleteGroupMovingClients(g.id, g.id)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.deleteGroupMovingClients(g.id, 'nope')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(d.deleteGroupMovingClients(g.id, null, '"99"')).rejects.toMatchObject({ kind: 'stale' });
    await expect(d.deleteGroupMovingClients('nope', null)).rejects.toMatchObject({ kind: 'not-found' });
    expect(d.findById(c.id)?.groupId).toBe(g.id);
    expect(await d.deleteGroupMovingClients(g.id, null, `"${g.etag}"`)).toBe(1);
    expect(d.findById(c.id)?.groupId).toBeNull();
    expect(d.listGroups()).toEqual([]);
    await t.close();
  });
});
