import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../agent/directory/directory-store.js';
import { collectGarbage } from '../../agent/gc.js';
import { memoryLogger } from '../../agent/log.js';
import { SyncStore } from '../../agent/sync/sync-store.js';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { openTestAgent, tempDir } from '../helpers/agent.js';

/**
 * The load ends with one full collection, so that what it decoded is given back before the agent
 * serves (V8 alone would keep it resident until memory pressure). That only works if nothing the
 * load made is still referenced when it runs: the saved search index, read beside the directory,
 * once was (~12 MB left resident at 100,000 clients). Counted here as what a second collection
 * right after open() still finds to free in the old generation, where the load's data lives.
 */

const oldGeneration = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'old_space' || s.space_name === 'large_object_space')
    .reduce((sum, s) => sum + s.space_used_size, 0);

describe('the load leaves nothing for the next collection', () => {
  it('a start that takes in the saved search index has freed it by the end of open()', async () => {
    const dir = tempDir();
    const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger(), { sections: [new SyncStore().section] });
    await store.load();
    const clients = generateClients(30_000);
    await store.commit(generateGroups().map((record) => ({ op: 'group.put' as const, record })));
    for (let i = 0; i < clients.length; i += 1000) await store.commit(clients.slice(i, i + 1000).map((record) => ({ op: 'client.put' as const, record })));
    await store.close();
    // a first start builds the index and its stop saves it
    const first = await openTestAgent({ dir });
    expect(first.log.lines.join('\n')).toMatch(/directory loaded .*index="?built/);
    await first.close();

    collectGarbage();
    const agent = await openTestAgent({ dir });
    try {
      expect(agent.log.lines.join('\n')).toMatch(/directory loaded .*index="?saved copy/);
      const afterOpen = oldGeneration();
      collectGarbage();
      const freedLater = afterOpen - oldGeneration();
      // the image's decoded arrays are ~3.5 MB at this size; a few hundred KB of other garbage is allowed
      expect(freedLater).toBeLessThan(1024 * 1024);
    } finally {
      await agent.close();
    }
  });
});
