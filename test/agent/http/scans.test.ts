import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../agent/agent.js';
import { memoryLogger } from '../../../agent/log.js';
import { TEST_TOKEN, tempDir, testConfig } from '../../helpers/agent.js';
import { readEvents } from '../../helpers/sse.js';
import { agentPerTest } from '../../helpers/agent.js';
import type { ClientBody, ProblemBody } from './api-util.js';

const open = agentPerTest();

describe('POST /api/v1/scans', () => {
  it('answers with the client found by reference, and null for an unknown code', async () => {
    const t = await open();
    const created = (await (await t.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Rochat', firstName: 'Anne', reference: '7612345000015' } })).json()) as ClientBody;
    const res = await t.api('/api/v1/scans', { method: 'POST', json: { code: '7612345000015', device: 'keyboard' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code: string; device: string; client: ClientBody | null; duplicate: boolean; at: string };
    expect(body).toMatchObject({ code: '7612345000015', device: 'keyboard', duplicate: false });
    expect(body.client?.id).toBe(created.id);
    expect(body.client?.group).toBeNull();
    expect(Date.parse(body.at)).not.toBeNaN();
    const unknown = (await (await t.api('/api/v1/scans', { method: 'POST', json: { code: '42' } })).json()) as { client: unknown; device: string };
    expect(unknown).toMatchObject({ client: null, device: 'api' });
  });

  it('refuses a missing or blank code with 422 naming the field', async () => {
    const t = await open();
    for (const json of [{}, { code: '' }, { code: '\r\n' }, { code: 12 }]) {
      const res = await t.api('/api/v1/scans', { method: 'POST', json });
      expect(res.status).toBe(422);
      expect(((await res.json()) as ProblemBody).errors?.map((e) => e.path)).toEqual(['code']);
    }
  });

  it('needs a token with directory:read', async () => {
    const t = await open({ config: { api: { tokens: [{ name: 'printer-only', token: 'p'.repeat(32), scopes: ['print'] }] } } });
    expect((await t.api('/api/v1/scans', { method: 'POST', json: { code: '1' }, headers: { authorization: '' } })).status).toBe(401);
    expect((await t.api('/api/v1/scans', { method: 'POST', json: { code: '1' }, headers: { authorization: `Bearer ${'p'.repeat(32)}` } })).status).toBe(403);
  });
});

describe('scan events on GET /api/v1/events', () => {
  let agent: Agent | null = null;
  afterEach(async () => {
    await agent?.stop();
    agent = null;
  });

  it('sends a scan event per scan to the till, without the repeat of the same card', async () => {
    const dir = tempDir();
    agent = new Agent({ config: testConfig(dir, { http: { host: '127.0.0.1', port: 0 } }), file: null, storeDir: dir }, { log: memoryLogger() });
    const url = await agent.start();
    const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    const client = (await (await fetch(`${url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'company', companyName: 'Garage Favre SA', reference: 'C-100' }) })).json()) as ClientBody;
    const res = await fetch(`${url}/api/v1/events?token=${TEST_TOKEN}`);
    const received = readEvents(res.body!, 2);
    for (const code of ['C-100', 'C-100', 'nope']) {
      await fetch(`${url}/api/v1/scans`, { method: 'POST', headers, body: JSON.stringify({ code, device: 'scanner-1' }) });
    }
    const events = await received;
    expect(events.map((e) => e.event)).toEqual(['scan', 'scan']);
    expect(events[0]!.data).toMatchObject({ code: 'C-100', device: 'scanner-1', client: { id: client.id, companyName: 'Garage Favre SA' } });
    expect(events[1]!.data).toMatchObject({ code: 'nope', client: null });
  });
});
