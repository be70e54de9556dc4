import { describe, expect, it } from 'vitest';
import { anonymousPatch, balanceBlock, isAnonymous, parseTake, suggestedTake } from '../../../agent/directory/care.js';
import type { Client } from '../../../agent/directory/schema.js';
import { AgentError } from '../../../agent/errors.js';

/** The merge and anonymisation rules on their own (the API tests go through the directory). */

const client = (over: Partial<Client> = {}): Client => ({
  id: 'a', kind: 'person', civility: 'Mme', lastName: 'Müller', firstName: 'Hélène', companyName: null, reference: null, accountNumber: null,
  groupId: null, email: null, phone: null, address: { street: null, street2: null, postalCode: null, city: null, country: 'CH' }, notes: null,
  accountBalance: 0, walletBalance: 0, version: 1, updatedAt: '2026-11-27T09:00:00Z', ...over,
});

describe('suggestedTake (the merge page defaults)', () => {
  it("keeps the staying client's values, takes the other's where the staying one has none, and both notes", () => {
    const stay = client({ phone: '021 555 00 12', notes: 'Livraison le mardi' });
    const other = client({ id: 'b', firstName: 'Helene', phone: '079 555 00 12', email: 'h@example.ch', reference: 'CARD-1', notes: 'Allergie', address: { street: 'Rue 1', street2: null, postalCode: '1003', city: 'Lausanne', country: 'CH' } });
    expect(suggestedTake(stay, other)).toEqual({ firstName: 'id', phone: 'id', email: 'from', reference: 'from', address: 'from', notes: 'both' });
  });

  it('names nothing that is the same in both', () => {
    expect(suggestedTake(client(), client({ id: 'b' }))).toEqual({});
  });

  it('offers one note when the two would be too long together', () => {
    expect(suggestedTake(client({ notes: 'a'.repeat(1500) }), client({ id: 'b', notes: 'b'.repeat(600) }))).toEqual({ notes: 'id' });
  });
});

describe('parseTake', () => {
  it('takes the API field names, address whole or in parts', () => {
    expect(parseTake({ 'address.city': 'from', address: 'id', notes: 'both', kind: 'from' })).toEqual({ 'address.city': 'from', address: 'id', notes: 'both', kind: 'from' });
  });
  it('lists every field it refuses', () => {
    const err = (() => {
      try {
        parseTake({ accountBalance: 'from', foo: 'from', email: 'both' });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(AgentError);
    expect((err as AgentError).errors!.map((e) => e.path)).toEqual(['take.accountBalance', 'take.foo', 'take.email']);
  });
});

describe('balanceBlock', () => {
  it('both, the one to delete, or none', () => {
    const zero = client();
    const owes = client({ accountBalance: 100 });
    const wallet = client({ walletBalance: -5 });
    expect(balanceBlock(owes, wallet)).toBe('both');
    expect(balanceBlock(zero, wallet)).toBe('from');
    expect(balanceBlock(owes, zero)).toBeNull();
    expect(balanceBlock(zero, zero)).toBeNull();
  });
});

describe('anonymisation', () => {
  it('a person gets the neutral names; a client that has them and nothing else is anonymous', () => {
    const c = client({ phone: '079', reference: 'X', address: { street: 'Rue 1', street2: 'b', postalCode: '1003', city: 'Lausanne', country: 'FR' } });
    const patch = anonymousPatch(c, 'fr');
    expect(patch).toEqual({
      civility: null, lastName: 'Anonymisé', firstName: 'Client', companyName: null, reference: null, email: null, phone: null, notes: null,
      address: { street: null, street2: null, postalCode: null, city: null },
    });
    expect(isAnonymous(c)).toBe(false);
    expect(isAnonymous(client({ civility: null, lastName: 'Anonymisé', firstName: 'Client', address: { ...c.address, street: null, street2: null, postalCode: null, city: null } }))).toBe(true);
    expect(isAnonymous(client({ civility: null, lastName: 'Anonymisiert', firstName: 'Kunde' }))).toBe(true);
  });
  it('a company: the label as its name, no contact person', () => {
    expect(anonymousPatch(client({ kind: 'company', companyName: 'Favre SA' }), 'de')).toMatchObject({ companyName: 'Anonymisierter Kunde', lastName: null, firstName: null, civility: null });
  });
});
