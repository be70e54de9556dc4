import { describe, expect, it } from 'vitest';
import { duplicatePairs, pairReasons, SHARED_BY_MANY } from '../../../agent/directory/duplicates.js';
import { phoneForms } from '../../../agent/directory/normalize.js';
import type { Client } from '../../../agent/directory/schema.js';
import { plantDuplicates } from '../../fixtures/duplicates.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';
import { agentPerTest } from '../../helpers/agent.js';

const open = agentPerTest();

describe('the likely pairs of a whole directory', () => {
  it('finds through its groups and blocks exactly the pairs a comparison of every pair finds, and every planted one', async () => {
    const t = await open();
    const clients = generateClients(2500);
    const { copies, planted } = plantDuplicates(clients, 200);
    const all: Client[] = [...clients, ...copies];
    await t.agent.services.directoryStore.commit([
      ...generateGroups().map((record) => ({ op: 'group.put' as const, record })),
      ...all.map((record) => ({ op: 'client.put' as const, record })),
    ]);
    const directory = t.agent.services.directory;
    const found = duplicatePairs(directory, 1_000_000);
    expect(found.items.length).toBe(found.total);
    const key = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);
    const indexed = new Map(found.items.map((p) => [key(p.clients[0].id, p.clients[1].id), [...p.reasons].sort()]));

    // the naive way: every pair compared, leaving out a phone or e-mail many share, as the scan does
    const count = (f: (c: Client) => string | null) => {
      const n = new Map<string, number>();
      for (const c of all) {
        const k = f(c);
        if (k) n.set(k, (n.get(k) ?? 0) + 1);
      }
      return (c: Client) => n.get(f(c) ?? '') ?? 0;
    };
    const phones = count((c) => (c.phone ? (phoneForms(c.phone, 'CH')[0] ?? null) : null));
    const emails = count((c) => c.email?.trim().toLowerCase() || null);
    const naive = new Map<string, string[]>();
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        const reasons = pairReasons(all[i]!, all[j]!, 'CH').filter((r) => (r === 'phone' ? phones(all[i]!) : r === 'email' ? emails(all[i]!) : 0) <= SHARED_BY_MANY);
        if (reasons.length) naive.set(key(all[i]!.id, all[j]!.id), reasons.sort());
      }
    }
    expect(naive.size).toBeGreaterThan(planted.length); // the generator's own namesakes and shared numbers too
    expect([...indexed.entries()].sort()).toEqual([...naive.entries()].sort());

    const expected = { phone: 'phone', email: 'email', typo: 'close-name+postalCode', 'same-name': 'name+postalCode' } as const;
    for (const p of planted) expect([p, indexed.get(key(p.original, p.copy))]).toEqual([p, expect.arrayContaining([expected[p.kind]])]);
  }, 60_000);
});
