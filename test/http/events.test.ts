import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../agent/agent.js';
import { memoryLogger } from '../../agent/log.js';
import { TEST_TOKEN, tempDir, testConfig } from '../helpers/agent.js';
import { readEvents } from '../helpers/sse.js';
import { generateClients } from '../fixtures/swiss-clients.js';

/** GET /api/v1/events on a real server: what a till's EventSource receives. */

let agent: Agent | null = null;
afterEach(async () => {
  await agent?.stop();
  agent = null;
});

async function start(): Promise<string> {
  const dir = tempDir();
  agent = new Agent({ config: testConfig(dir, { http: { host: '127.0.0.1', port: 0 } }), file: null, storeDir: dir }, { log: memoryLogger() });
  return agent.start();
}

describe('GET /api/v1/events', () => {
  it('streams a directory event for every change, to a token given as ?token= (EventSource)', async () => {
    const url = await start();
    const res = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const received = readEvents(res.body!, 3);

    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    const created = (await (
      await fetch(`${url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ lastName: 'Favre', firstName: 'Luc' }) })
    ).json()) as { id: string };
    await fetch(`${url}/api/v1/clients/${created.id}`, { method: 'PATCH', headers, body: JSON.stringify({ firstName: 'Lucien' }) });
    await fetch(`${url}/api/v1/clients/${created.id}`, { method: 'DELETE', headers });

    expect(await received).toEqual([
      { event: 'directory', data: { entity: 'client', op: 'upsert', id: created.id } },
      { event: 'directory', data: { entity: 'client', op: 'upsert', id: created.id } },
      { event: 'directory', data: { entity: 'client', op: 'delete', id: created.id } },
    ]);
  });

  it('ends open streams when the agent stops, so stopping never hangs', async () => {
    const url = await start();
    const res = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // ": connected"
    const stopped = agent!.stop();
    agent = null;
    await stopped;
    // the stream was closed by the server
    let done = false;
    for (let i = 0; i < 10 && !done; i++) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it("gives the till every change of a burst, and the staff page one event for it (it only refreshes)", async () => {
    const url = await start();
    const till = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    const page = await fetch(`${url}/events`);
    expect(page.status).toBe(200);
    const tillEvents = readEvents(till.body!, 500);
    // the page's stream: the burst, then one change on its own, then a scan to end the reading
    const pageEvents = readEvents(page.body!, 3);
    await new Promise((r) => setTimeout(r, 100)); // both streams are listening
    const clients = generateClients(500);
    await agent!.directoryStore.commit(clients.map((record) => ({ op: 'client.put' as const, record })));
    expect((await tillEvents).filter((e) => e.event === 'directory')).toHaveLength(500);
    await new Promise((r) => setTimeout(r, 120));
    const one = await agent!.directory.createClient({ lastName: 'Seul', firstName: 'Client' });
    await new Promise((r) => setTimeout(r, 120));
    agent!.bus.emit('scan', { code: 'END', device: 'test', at: new Date().toISOString(), client: null });
    expect(await pageEvents).toEqual([
      { event: 'directory', data: { id: null, count: 500 } },
      { event: 'directory', data: { entity: 'client', op: 'upsert', id: one.id } },
      { event: 'scan', data: expect.objectContaining({ code: 'END' }) },
    ]);
  });
});
