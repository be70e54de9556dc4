import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.js';
import { memoryLogger } from '../../../agent/log.js';
import { TEST_TOKEN, tempDir, testConfig } from '../../helpers/agent.js';
import { readEvents, readFrames } from '../../helpers/sse.js';
import { generateClients } from '../../fixtures/swiss-clients.js';

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
    await agent!.services.directoryStore.commit(clients.map((record) => ({ op: 'client.put' as const, record })));
    expect((await tillEvents).filter((e) => e.event === 'directory')).toHaveLength(500);
    await new Promise((r) => setTimeout(r, 120));
    const one = await agent!.services.directory.createClient({ lastName: 'Seul', firstName: 'Client' });
    await new Promise((r) => setTimeout(r, 120));
    agent!.bus.emit('scan', { code: 'END', device: 'test', at: new Date().toISOString(), client: null });
    expect(await pageEvents).toEqual([
      { event: 'directory', data: { id: null, count: 500 } },
      { event: 'directory', data: { entity: 'client', op: 'upsert', id: one.id } },
      { event: 'scan', data: expect.objectContaining({ code: 'END' }) },
    ]);
  });

  it('every event has an id; a stream that reconnects with Last-Event-ID gets what it missed, in order', async () => {
    const url = await start();
    const first = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    const firstTwo = readFrames(first.body!, 2);
    await new Promise((r) => setTimeout(r, 50));
    const scan = (code: string) => agent!.bus.emit('scan', { code, device: 'test', at: new Date().toISOString(), client: null });
    scan('A');
    scan('B');
    const seen = await firstTwo; // then the till goes away
    expect(seen.map((e) => e.id !== null && Number(e.id) > 0)).toEqual([true, true]);
    expect(Number(seen[1]!.id)).toBe(Number(seen[0]!.id) + 1);
    scan('C');
    scan('D');
    const again = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`, { headers: { 'last-event-id': seen[1]!.id! } });
    const caught = readFrames(again.body!, 3);
    await new Promise((r) => setTimeout(r, 50));
    scan('E');
    expect((await caught).map((e) => (e.data as { code: string }).code)).toEqual(['C', 'D', 'E']);
  });

  it('a stream that missed more than is kept gets a reset event (reload what you show)', async () => {
    const url = await start();
    const res = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    const one = readFrames(res.body!, 1);
    await new Promise((r) => setTimeout(r, 50));
    agent!.bus.emit('scan', { code: 'OLD', device: 'test', at: new Date().toISOString(), client: null });
    const [old] = await one;
    for (let i = 0; i < 10_050; i++) agent!.bus.emit('directory', { entity: 'client', op: 'upsert', id: `c${i}` });
    const again = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`, { headers: { 'last-event-id': old!.id! } });
    const [reset] = await readFrames(again.body!, 1);
    expect(reset).toMatchObject({ event: 'reset', data: { lastEventId: expect.any(Number) } });
    // missed more than a stream may have waiting (over 512 KiB, though still kept): reset too, not a replay cut off before its first byte
    const recent = agent!.events.lastId;
    const notes = 'n'.repeat(2000);
    for (let i = 0; i < 400; i++) agent!.bus.emit('scan', { code: `BIG${i}`, device: 'test', at: new Date().toISOString(), client: { notes } as never });
    const big = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`, { headers: { 'last-event-id': String(recent) } });
    expect((await readFrames(big.body!, 1))[0]?.event).toBe('reset');
    // an id from another run (or made up) is a reset too
    const strange = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}&lastEventId=12`);
    expect((await readFrames(strange.body!, 1))[0]?.event).toBe('reset');
  });

  it('a reader that stops reading is disconnected once it is 1 MiB behind, and said once in the log; a reader that reads gets everything', async () => {
    const url = await start();
    const log = agent!.log as ReturnType<typeof memoryLogger>;
    const stuck = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`); // never read
    const reading = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    const all = readFrames(reading.body!, 3000);
    await new Promise((r) => setTimeout(r, 50));
    const notes = 'n'.repeat(2000);
    for (let i = 0; i < 3000; i++) {
      agent!.bus.emit('scan', { code: `S${i}`, device: 'test', at: new Date().toISOString(), client: { notes } as never });
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    expect((await all).map((e) => (e.data as { code: string }).code)).toEqual(Array.from({ length: 3000 }, (_, i) => `S${i}`));
    expect(log.lines.filter((l) => /event stream \(till\): the reader fell behind by more than 1024 KiB; disconnected/.test(l))).toHaveLength(1);
    // the stuck reader's stream ends: what the kernel held, then an error
    const r = stuck.body!.getReader();
    let ended = false;
    try {
      for (let i = 0; i < 100_000 && !ended; i++) ended = (await r.read()).done;
    } catch {
      ended = true;
    }
    expect(ended).toBe(true);
  }, 30_000);
});
