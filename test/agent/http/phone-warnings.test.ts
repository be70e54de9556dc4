import { describe, expect, it } from 'vitest';
import { agentPerTest } from '../../helpers/agent.js';
import { type ClientBody, expectJson, getClient } from './api-util.js';

/**
 * A phone number libphonenumber-js says is impossible is a warning at save, never a refusal: the
 * client is saved with the number as typed, and the answer says what to check.
 */

const open = agentPerTest();

type Saved = ClientBody & { warnings?: Array<{ path: string; code?: string; message: string; params?: Record<string, string | number> }> };

describe('an impossible phone number', () => {
  it('is saved as typed, with a warning in the answer to the create and to the update', async () => {
    const a = await open();
    const created = await expectJson<Saved>(await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Rochat', firstName: 'Anne', phone: '021 55' } }), 201);
    expect(created.phone).toBe('021 55');
    expect(created.warnings).toEqual([expect.objectContaining({ path: 'phone', code: 'phone-impossible', params: { country: 'CH' } })]);
    expect(created.warnings?.[0]?.message).toContain('"021 55" cannot be a phone number');
    expect((await getClient(a, created.id)).phone).toBe('021 55');

    // fixed: no warning; a GET never carries one
    const fixed = await expectJson<Saved>(await a.api(`/api/v1/clients/${created.id}`, { method: 'PATCH', json: { phone: '021 555 00 12' } }), 200);
    expect(fixed.warnings).toBeUndefined();
    expect(fixed.phone).toBe('021 555 00 12');
    const broken = await expectJson<Saved>(await a.api(`/api/v1/clients/${created.id}`, { method: 'PATCH', json: { phone: '+41 21 555 00 12 99 88' } }), 200);
    expect(broken.warnings?.map((w) => w.code)).toEqual(['phone-impossible']);
    expect(await getClient(a, created.id)).not.toHaveProperty('warnings');
  });

  it('a possible number gives no warning, in the shop\'s country or with its prefix; a French shop reads 06… as French', async () => {
    const a = await open();
    for (const phone of ['079 555 00 12', '0795550012', '+33 6 12 34 56 78', '0041 79 555 00 12']) {
      const saved = await expectJson<Saved>(await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Favre', firstName: 'Luc', phone } }), 201);
      expect(saved.warnings, phone).toBeUndefined();
    }
    const fr = await open({ config: { shop: { country: 'FR' } } });
    const french = await expectJson<Saved>(await fr.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Martin', firstName: 'Paul', phone: '06 12 34 56 78' } }), 201);
    expect(french.warnings).toBeUndefined();
    const swissInFrance = await expectJson<Saved>(await fr.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Martin', firstName: 'Paul', phone: '079 555 00 1' } }), 201);
    expect(swissInFrance.warnings?.[0]).toMatchObject({ code: 'phone-impossible', params: { country: 'FR' } });
  });

  it('the check before saving says it too, and the answer sent back whole as a PATCH is taken', async () => {
    const a = await open();
    const checked = await expectJson<{ warnings: Array<{ code?: string }> }>(await a.api('/api/v1/clients/check', { method: 'POST', json: { lastName: 'X', firstName: 'Y', phone: '021 55' } }), 200);
    expect(checked.warnings.map((w) => w.code)).toEqual(['phone-impossible']);
    const fine = await expectJson<{ warnings: unknown[] }>(await a.api('/api/v1/clients/check', { method: 'POST', json: { lastName: 'X', firstName: 'Y', phone: '079 555 00 12' } }), 200);
    expect(fine.warnings).toEqual([]);

    // a till that PATCHes back the record it got (warnings and all) is not refused for it
    const created = await expectJson<Saved>(await a.api('/api/v1/clients', { method: 'POST', json: { lastName: 'Rochat', firstName: 'Anne', phone: '021 55' } }), 201);
    const { id, ...rest } = created;
    const again = await a.api(`/api/v1/clients/${id}`, { method: 'PATCH', json: { ...rest, notes: 'rappeler' } });
    expect(again.status).toBe(200);
    expect((await getClient(a, id)).notes).toBe('rappeler');
  });
});
