import { describe, expect, it } from 'vitest';
import { likelyDuplicates } from '../../../agent/directory/duplicates.js';
import { agentPerTest } from '../../helpers/agent.js';

const open = agentPerTest();

describe('likely duplicates of a client about to be created', () => {
  it('finds the same reference, phone (national or international), e-mail (any case), or the same name in the same NPA, each with its reasons', async () => {
    const { agent } = await open();
    const d = agent.services.directory;
    const helene = await d.createClient({ kind: 'person', lastName: 'Dupont', firstName: 'Hélène', phone: '079 555 00 13', email: 'helene@example.ch', reference: 'CARD-1', address: { postalCode: '1204', country: 'CH' } });
    await d.createClient({ kind: 'person', lastName: 'Dupont', firstName: 'Hélène', address: { postalCode: '2000', country: 'CH' } });
    await d.createClient({ kind: 'person', lastName: 'Dupontet', firstName: 'Hélène', address: { postalCode: '1204', country: 'CH' } });
    const gruyere = await d.createClient({ kind: 'company', companyName: 'Fromagerie Gruyère SA', address: { postalCode: '1663', country: 'CH' } });

    const found = (input: Parameters<typeof likelyDuplicates>[1]) => likelyDuplicates(d, input).map((x) => [x.client.id, x.reasons]);
    expect(found({ kind: 'person', lastName: 'DUPONT', firstName: 'helene', address: { postalCode: '1204' } })).toEqual([[helene.id, ['name+postalCode']]]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', phone: '+41 79 555 00 13' })).toEqual([[helene.id, ['phone']]]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', phone: '0041795550013' })).toEqual([[helene.id, ['phone']]]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', email: ' Helene@Example.CH ' })).toEqual([[helene.id, ['email']]]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', reference: 'CARD-1' })).toEqual([[helene.id, ['reference']]]);
    expect(found({ kind: 'person', lastName: 'Dupont', firstName: 'Hélène', phone: '079 555 00 13', address: { postalCode: '1204' } })).toEqual([[helene.id, ['phone', 'name+postalCode']]]);
    expect(found({ kind: 'company', companyName: 'fromagerie gruyere sa', address: { postalCode: '1663' } })).toEqual([[gruyere.id, ['name+postalCode']]]);
    // not alike: another NPA, a longer name, a part of a phone number
    expect(found({ kind: 'person', lastName: 'Dupont', firstName: 'Hélène', address: { postalCode: '1003' } })).toEqual([]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', phone: '555' })).toEqual([]);
    expect(found({ kind: 'person', lastName: 'Autre', firstName: 'Nom', phone: '078 555 00 13' })).toEqual([]); // another number with the same ending
  });

  it('a deleted client comes back as it was, balances included; not twice, and not over a reference given away meanwhile', async () => {
    const { agent } = await open();
    const d = agent.services.directory;
    const c = await d.createClient({ kind: 'person', lastName: 'Zbinden', firstName: 'Urs', reference: 'CARD-9', address: { city: 'Bern', country: 'CH' } });
    const deleted = await d.deleteClient(c.id);
    const back = await d.restoreClient({ ...deleted, walletBalance: 2500 });
    expect({ ...back, updatedAt: '' }).toEqual({ ...c, walletBalance: 2500, updatedAt: '' });
    await expect(d.restoreClient(deleted)).rejects.toMatchObject({ kind: 'exists' });

    const again = await d.deleteClient(c.id);
    await d.createClient({ kind: 'person', lastName: 'Neu', firstName: 'Anna', reference: 'CARD-9', address: { country: 'CH' } });
    await expect(d.restoreClient(again)).rejects.toMatchObject({ kind: 'invalid' });
    expect(d.findById(c.id)).toBeNull();
  });
});
