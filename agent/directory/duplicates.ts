import type { Directory } from './directory.js';
import { fold, phoneForms } from './normalize.js';
import type { ClientCreate, ClientOut } from './schema.js';

/** Why a client may be the one about to be created again (the reasons of agent-api.md, "Directory care"). */
export type DuplicateReason = 'reference' | 'phone' | 'email' | 'name+postalCode';

export interface LikelyDuplicate {
  client: ClientOut;
  reasons: DuplicateReason[];
}

/** Enough candidates to find the few true ones among namesakes (each then checked exactly). */
const CANDIDATES = 50;

/**
 * The clients a new client may duplicate: the same reference, phone, e-mail, or the same name in
 * the same postcode. Found through the search index (a handful of indexed queries, never a scan of
 * the directory), each candidate then compared exactly: a search match is only a prefix match.
 */
export function likelyDuplicates(directory: Directory, input: ClientCreate, limit = 5): LikelyDuplicate[] {
  const found = new Map<string, LikelyDuplicate>();
  const add = (client: ClientOut, reason: DuplicateReason) => {
    const entry = found.get(client.id) ?? { client, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    found.set(client.id, entry);
  };
  const candidates = (q: string) => directory.search(q, CANDIDATES).items;

  const reference = input.reference?.trim();
  if (reference) {
    const owner = directory.findByReference(reference);
    if (owner) add(owner, 'reference');
  }
  // A number is the same number when its first form (the international digits) is: the other
  // forms include the subscriber number's endings, which different numbers share.
  const number = (phone: string) => phoneForms(phone, directory.country)[0] ?? '';
  const phone = input.phone ? number(input.phone) : '';
  if (phone.length >= 6) for (const c of candidates(phone)) if (c.phone !== null && number(c.phone) === phone) add(c, 'phone');
  const email = input.email?.trim().toLowerCase();
  if (email) for (const c of candidates(email)) if (c.email?.trim().toLowerCase() === email) add(c, 'email');

  const postcode = input.address?.postalCode?.trim();
  const name = nameKey(input);
  if (postcode && name) {
    const q = input.kind === 'company' ? `${input.companyName ?? ''} ${postcode}` : `${input.lastName ?? ''} ${input.firstName ?? ''} ${postcode}`;
    for (const c of candidates(q)) if (c.address.postalCode?.trim() === postcode && nameKey(c) === name) add(c, 'name+postalCode');
  }
  return [...found.values()].sort((a, b) => b.reasons.length - a.reasons.length).slice(0, limit);
}

/** Who a client is, spelled loosely (case, accents, spaces): a company's name, or a person's names. */
function nameKey(c: Pick<ClientCreate, 'kind' | 'lastName' | 'firstName' | 'companyName'>): string | null {
  const norm = (s: string | null | undefined) => fold(s ?? '').replace(/\s+/g, ' ').trim();
  if (c.kind === 'company') return norm(c.companyName) || null;
  const last = norm(c.lastName);
  const first = norm(c.firstName);
  return last && first ? `${last}|${first}` : null;
}
