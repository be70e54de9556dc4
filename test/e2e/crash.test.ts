import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

function config(dir: string) {
  return writeConfig(dir, {
    http: { host: '127.0.0.1', port: 0 },
    api: { tokens: [TEST_TOKEN] },
    store: { dir: './store' },
  });
}

interface ClientBody {
  id: string;
  lastName: string;
  version: number;
}

describe('durability across a crash', () => {
  it('keeps every acknowledged edit after SIGKILL', async () => {
    const dir = tempDir();
    const file = config(dir);
    const first = await startAgentProcess(file);
    const acknowledged = new Map<string, ClientBody>();
    const deleted = new Set<string>();

    // Concurrent creates, then edits of some and deletes of others: all acknowledged before the kill.
    const created = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const res = await fetch(`${first.url}/api/v1/clients`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ lastName: `Crash${i}`, firstName: 'Test', reference: `REF-${i}` }),
        });
        expect(res.status).toBe(201);
        return (await res.json()) as ClientBody;
      }),
    );
    for (const c of created) acknowledged.set(c.id, c);
    await Promise.all(
      created.slice(0, 20).map(async (c) => {
        const res = await fetch(`${first.url}/api/v1/clients/${c.id}`, {
          method: 'PATCH',
          headers: { ...headers, 'if-match': `"${c.version}"` },
          body: JSON.stringify({ lastName: `${c.lastName}-edited` }),
        });
        expect(res.status).toBe(200);
        acknowledged.set(c.id, (await res.json()) as ClientBody);
      }),
    );
    await Promise.all(
      created.slice(50).map(async (c) => {
        const res = await fetch(`${first.url}/api/v1/clients/${c.id}`, { method: 'DELETE', headers });
        expect(res.status).toBe(204);
        deleted.add(c.id);
        acknowledged.delete(c.id);
      }),
    );

    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startAgentProcess(file);
    try {
      for (const [id, want] of acknowledged) {
        const res = await fetch(`${second.url}/api/v1/clients/${id}`, { headers });
        expect(res.status, `client ${id}`).toBe(200);
        const got = (await res.json()) as ClientBody;
        expect(got.lastName).toBe(want.lastName);
        expect(got.version).toBe(want.version);
      }
      for (const id of deleted) {
        expect((await fetch(`${second.url}/api/v1/clients/${id}`, { headers })).status).toBe(404);
      }
      const list = (await (await fetch(`${second.url}/api/v1/clients?limit=100`, { headers })).json()) as { items: unknown[] };
      expect(list.items).toHaveLength(50);
      expect(second.output()).toMatch(/directory loaded clients=\d+/);
    } finally {
      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    }
  });

  it('stops cleanly on SIGTERM: exit 0 and the store written', async () => {
    const dir = tempDir();
    const file = config(dir);
    const agent = await startAgentProcess(file);
    const res = await fetch(`${agent.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'company', companyName: 'Garage du Lac Sàrl' }) });
    expect(res.status).toBe(201);
    agent.proc.kill('SIGTERM');
    const { code } = await agent.exited;
    expect(code).toBe(0);
    expect(agent.output()).toContain('every change is on disk');

    const again = await startAgentProcess(file);
    try {
      const list = (await (await fetch(`${again.url}/api/v1/clients?q=garage`, { headers })).json()) as { items: Array<{ companyName: string }> };
      expect(list.items.map((c) => c.companyName)).toEqual(['Garage du Lac Sàrl']);
      // the snapshot at shutdown holds it: nothing to replay
      expect(again.output()).not.toContain('replayed');
    } finally {
      again.proc.kill('SIGTERM');
      await again.exited;
    }
  });
});
