import { afterEach } from 'vitest';
import type { Client } from '../../agent/directory/schema.js';
import { ReferenceCloud } from '../fakes/cloud.js';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { openTestAgent, type TestAgent } from './agent.js';

const CLOUD_TOKEN = 'cloud-token-for-synced-agents-0123';

/**
 * An agent synced once with a reference cloud of `n` generated clients, both closed after each
 * test. It pushes when the test says so (`syncNow`), not ~0.3 s after each edit, so a test can
 * read the outbox before the cloud has it.
 */
export function syncedAgentPerTest(): (n: number) => Promise<{ a: TestAgent; c: ReferenceCloud; clients: Client[] }> {
  const opened: Array<{ agent: TestAgent | null; cloud: ReferenceCloud }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      await o.agent?.close();
      await o.cloud.close();
    }
  });
  return async (n) => {
    const clients = generateClients(n);
    const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, groups: generateGroups(), clients });
    const entry: { agent: TestAgent | null; cloud: ReferenceCloud } = { agent: null, cloud };
    opened.push(entry);
    const url = await cloud.listen();
    entry.agent = await openTestAgent({
      config: { cloud: { url, token: CLOUD_TOKEN, intervalSeconds: 3600 } },
      options: { sync: { backoffMinMs: 50, backoffMaxMs: 400, pageLimit: 10, nudgeMs: 60_000, timeoutMs: 2_000, probeMs: 60_000 } },
    });
    await entry.agent.agent.services.sync!.syncNow();
    return { a: entry.agent, c: cloud, clients };
  };
}
