import { afterEach, describe, expect, it } from 'vitest';
import { openTestAgent, type TestAgent } from '../../helpers/agent.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('till API smoke', () => {
  it('creates a client and finds it by accent-free prefix', async () => {
    t = await openTestAgent();
    const created = await t.api('/api/v1/clients', {
      method: 'POST',
      json: { lastName: 'Müller', firstName: 'Hélène', address: { city: 'Zürich' } },
    });
    expect(created.status).toBe(201);
    const found = await t.api('/api/v1/clients?q=helene%20mul');
    const body = (await found.json()) as { items: Array<{ lastName: string }> };
    expect(body.items.map((c) => c.lastName)).toEqual(['Müller']);
  });
});
