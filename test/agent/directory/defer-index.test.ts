import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Directory } from '../../../agent/directory/directory.js';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import { EventBus } from '../../../agent/events.js';
import { memoryLogger } from '../../../agent/log.js';
import { generateClients } from '../../fixtures/swiss-clients.js';
import { tempDir } from '../../helpers/agent.js';

/** Directory.deferIndex: what a full pull uses to index 100,000 clients once instead of one by one. */

async function open() {
  const store = new DirectoryStore(path.join(tempDir(), 'directory'), memoryLogger(), { shardCount: 4 });
  await store.load();
  const directory = new Directory(store, new EventBus());
  directory.start();
  return { store, directory };
}

describe('deferred indexing', () => {
  it.each([
    ['one by one at the end (a few clients)', 300],
    ['with one rebuild at the end (many clients)', 3_000],
  ])('clients written meanwhile are found once it ends: %s', async (_, n) => {
    const { store, directory } = await open();
    const clients = generateClients(n);
    const end = directory.deferIndex();
    for (let i = 0; i < n; i += 500) await store.commit(clients.slice(i, i + 500).map((record) => ({ op: 'client.put' as const, record })));
    const last = clients[n - 1]!;
    // exact lookups stay right meanwhile; search catches up at the end
    expect(directory.getClient(last.id).id).toBe(last.id);
    if (last.reference) expect(directory.findByReference(last.reference)?.id).toBe(last.id);
    expect(directory.search(last.lastName ?? last.companyName ?? '', 100).items.map((c) => c.id)).not.toContain(last.id);
    // a client removed meanwhile is not found afterwards
    await store.commit([{ op: 'client.del', id: clients[0]!.id }]);
    end();
    const q = `${last.lastName ?? last.companyName} ${last.address.city ?? ''}`.trim();
    expect(directory.search(q, 100).items.map((c) => c.id)).toContain(last.id);
    expect(directory.search('', 100_000).items).toHaveLength(n - 1);
    expect(directory.findById(clients[0]!.id)).toBeNull();
    await store.close();
  });
});

describe('a bulk write paces its collections', () => {
  it('tells its pace of every record written during it, an inner bulk write sharing the outer pace, and none after', async () => {
    const store = new DirectoryStore(path.join(tempDir(), 'directory'), memoryLogger(), { shardCount: 4 });
    await store.load();
    const paces: number[] = [];
    const directory = new Directory(store, new EventBus(), {
      garbagePace: () => {
        const i = paces.push(0) - 1;
        return { wrote: () => void paces[i]!++ };
      },
    });
    directory.start();
    const clients = generateClients(40);
    const put = (from: number, to: number) => store.commit(clients.slice(from, to).map((record) => ({ op: 'client.put' as const, record })));
    await put(0, 5); // before: no pace
    const end = directory.bulkWrite();
    await put(5, 15);
    const endInner = directory.bulkWrite();
    await put(15, 20);
    endInner();
    await put(20, 30); // still the outer write's
    end();
    await put(30, 40); // after: no pace
    expect(paces).toEqual([25]);
    await store.close();
  });
});
