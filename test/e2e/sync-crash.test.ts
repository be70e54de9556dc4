import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceCloud } from '../fakes/cloud.js';
import { generateClients, generateGroups } from '../fixtures/swiss-clients.js';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { type AgentProcess, startAgentProcess, writeConfig } from '../helpers/process.js';
import { until } from '../helpers/until.js';

/**
 * SIGKILL of a real agent process in the middle of a sync: between two pages of the first pull,
 * and with edits in the outbox whose push the cloud applied but whose answer never came back.
 * The cloud is the reference server behind a gate that can hold a request or its answer.
 */

const CLOUD_TOKEN = 'cloud-token-for-crash-tests';
const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

interface Gate {
  url: string;
  cloud: ReferenceCloud;
  /** Resolves when a matching request arrives; it waits unanswered, then is dropped on release. */
  holdRequest(match: (path: string, query: URLSearchParams) => boolean): Promise<void>;
  /** Lets the cloud apply matching requests but never sends their answers. */
  holdAnswers(match: (path: string) => boolean): Promise<void>;
  release(): void;
  close(): Promise<void>;
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function gatedCloud(clients: number): Promise<Gate> {
  const cloud = new ReferenceCloud({ token: CLOUD_TOKEN, groups: generateGroups(), clients: generateClients(clients) });
  let rule: { match: (path: string, q: URLSearchParams) => boolean; when: 'request' | 'answer'; seen: () => void } | null = null;
  let releaseAll: () => void = () => undefined;
  let released = new Promise<void>((r) => (releaseAll = r));
  const server = serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: async (req: Request) => {
      const u = new URL(req.url);
      const r = rule;
      if (r && r.match(u.pathname, u.searchParams)) {
        r.seen();
        if (r.when === 'request') {
          // its client was killed meanwhile: the request never reaches the cloud
          await released;
          return new Response(null, { status: 503 });
        } else {
          const res = await cloud.fetch(req);
          await released;
          return res;
        }
      }
      return cloud.fetch(req);
    },
  }) as Server;
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hold = (when: 'request' | 'answer', match: (path: string, q: URLSearchParams) => boolean) =>
    new Promise<void>((seen) => {
      rule = { match, when, seen };
    });
  return {
    url,
    cloud,
    holdRequest: (match) => hold('request', match),
    holdAnswers: (match) => hold('answer', (p) => match(p)),
    release() {
      rule = null;
      releaseAll();
      released = new Promise<void>((r) => (releaseAll = r));
    },
    async close() {
      releaseAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function agentConfig(dir: string, cloudUrl: string): string {
  return writeConfig(dir, {
    http: { host: '127.0.0.1', port: 0 },
    api: { tokens: [TEST_TOKEN] },
    store: { dir: './store' },
    cloud: { url: cloudUrl, token: CLOUD_TOKEN, intervalSeconds: 3600 },
  });
}

async function start(file: string): Promise<AgentProcess> {
  const p = await startAgentProcess(file);
  cleanup.push(async () => {
    if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await p.exited;
  });
  return p;
}

async function syncStatus(url: string): Promise<{ state: string; pending: number; lastSyncAt: string | null }> {
  const res = await fetch(`${url}/api/v1/sync`, { headers });
  return (await res.json()) as { state: string; pending: number; lastSyncAt: string | null };
}

describe('sync across a crash (SIGKILL)', () => {
  it('between pages of the first pull: the restart goes on from the stored cursor, nothing lost or pulled twice', async () => {
    const gate = await gatedCloud(2_500); // 3 pages of 1,000
    cleanup.push(() => gate.close());
    const dir = tempDir();
    const file = agentConfig(dir, gate.url);
    let pages = 0;
    const second = gate.holdRequest((p) => p.endsWith('/changes') && ++pages === 2);
    const first = await start(file);
    await second; // page 1 is applied and its cursor stored before page 2 is asked for
    first.proc.kill('SIGKILL');
    await first.exited;
    gate.release();

    const before = gate.cloud.requests.length;
    const again = await start(file);
    await until('the pull to end', async () => (await syncStatus(again.url)).lastSyncAt !== null, 20_000, 50);
    const pulls = gate.cloud.requests.slice(before).filter((r) => r.path === '/v1/directory/changes');
    // pages 2 and 3 (the held page 2 was never answered); page 1 is not asked for again
    expect(pulls).toHaveLength(2);
    const list = (await (await fetch(`${again.url}/api/v1/clients?limit=1`, { headers })).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(1);
    const sample = generateClients(2_500).filter((_, i) => i % 97 === 0);
    for (const c of sample) {
      const res = await fetch(`${again.url}/api/v1/clients/${c.id}`, { headers });
      expect(res.status, c.id).toBe(200);
    }
    // what page 1 had stored: 1,000 records, the groups among them
    const groups = generateGroups().length;
    expect(again.output()).toContain(`directory loaded clients=${1000 - groups} groups=${groups}`);
  });

  it('with a non-empty outbox whose push was applied but not answered: sent again after restart, applied once', async () => {
    const gate = await gatedCloud(50);
    cleanup.push(() => gate.close());
    const dir = tempDir();
    const file = agentConfig(dir, gate.url);
    const first = await start(file);
    await until('the first pull', async () => (await syncStatus(first.url)).lastSyncAt !== null, 20_000, 50);

    const pushed = gate.holdAnswers((p) => p.endsWith('/mutations'));
    const ids = generateClients(50).slice(0, 5).map((c) => c.id);
    for (const [i, id] of ids.entries()) {
      const res = await fetch(`${first.url}/api/v1/clients/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ notes: `before the crash ${i}` }) });
      expect(res.status).toBe(200);
    }
    const created = await fetch(`${first.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ lastName: 'Crash', firstName: 'Nouvelle' }) });
    expect(created.status).toBe(201);
    const newId = ((await created.json()) as { id: string }).id;
    await pushed;
    await until('the cloud to apply the batch whose answer is held', async () => gate.cloud.appliedCount.size > 0, 20_000, 50);
    const appliedBeforeCrash = gate.cloud.appliedCount.size;
    first.proc.kill('SIGKILL');
    await first.exited;
    gate.release();

    const again = await start(file);
    await until('the outbox to empty', async () => {
      const s = await syncStatus(again.url);
      return s.pending === 0 && s.state === 'idle';
    }, 20_000, 50);
    for (const [i, id] of ids.entries()) expect(gate.cloud.client(id)!.notes).toBe(`before the crash ${i}`);
    expect(gate.cloud.client(newId)).toMatchObject({ lastName: 'Crash', firstName: 'Nouvelle', version: 1 });
    expect(appliedBeforeCrash).toBeGreaterThan(0);
    expect(gate.cloud.appliedCount.size).toBe(6);
    expect([...gate.cloud.appliedCount.values()].every((n) => n === 1)).toBe(true);
    const local = (await (await fetch(`${again.url}/api/v1/clients/${newId}`, { headers })).json()) as { version: number };
    expect(local.version).toBe(1);
  });
});
