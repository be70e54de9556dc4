import type { Directory } from './directory.js';
import { fold, phoneForms, splitWords } from './normalize.js';
import { oneTypoApart, SOUND_MIN, soundTokens, TYPO_MIN } from './phonetic.js';
import type { Client, ClientCreate, ClientOut } from './schema.js';

/** Why two clients may be one (the reasons of agent-api.md, "Directory care"). */
export type DuplicateReason = 'reference' | 'phone' | 'email' | 'name+postalCode' | 'close-name+postalCode';
export const DUPLICATE_REASONS = ['reference', 'phone', 'email', 'name+postalCode', 'close-name+postalCode'] as const satisfies readonly DuplicateReason[];

export interface LikelyDuplicate {
  client: ClientOut;
  reasons: DuplicateReason[];
}

export interface DuplicatePair {
  clients: [ClientOut, ClientOut];
  reasons: DuplicateReason[];
}

/** Enough candidates to find the few true ones among namesakes (each then checked exactly). */
const CANDIDATES = 50;

/** A name as a client or a create body has it (no kind: a person, as the API's default). */
type Named = Partial<Pick<Client, 'kind' | 'lastName' | 'firstName' | 'companyName'>>;
type Comparable = Named & { phone?: string | null; email?: string | null; address?: { postalCode?: string | null } | null };

/**
 * The clients a client about to be saved may duplicate: the same reference, phone, e-mail, the
 * same name in the same postcode, or a name one typo away or sounding the same in that postcode.
 * Found through the search index (a handful of indexed queries, never a scan of the directory),
 * each candidate then compared exactly: a search match is only a prefix match. `input.id`, a client
 * being edited, is not its own duplicate.
 */
export function likelyDuplicates(directory: Directory, input: ClientCreate, limit = 5): LikelyDuplicate[] {
  const found = new Map<string, LikelyDuplicate>();
  const add = (client: ClientOut, reason: DuplicateReason) => {
    if (client.id === input.id) return;
    const entry = found.get(client.id) ?? { client, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    found.set(client.id, entry);
  };
  const candidates = (q: string) => directory.search(q, CANDIDATES).items;
  const keys = new DuplicateKeys(directory.country);

  const reference = input.reference?.trim();
  if (reference) {
    const owner = directory.findByReference(reference);
    if (owner) add(owner, 'reference');
  }
  const phone = keys.phone(input);
  if (phone) for (const c of candidates(phone)) if (keys.phone(c) === phone) add(c, 'phone');
  const email = keys.email(input);
  if (email) for (const c of candidates(email)) if (keys.email(c) === email) add(c, 'email');

  const postcode = postcodeOf(input);
  const name = nameWords(input);
  if (postcode && name) {
    // the search's own close matches (a typo, a sound) find the candidates with another spelling
    const q = input.kind === 'company' ? `${input.companyName ?? ''} ${postcode}` : `${input.lastName ?? ''} ${input.firstName ?? ''} ${postcode}`;
    for (const c of candidates(q)) {
      if (postcodeOf(c) !== postcode) continue;
      const same = sameName(input, c);
      if (same) add(c, same);
    }
  }
  return [...found.values()].sort((a, b) => b.reasons.length - a.reasons.length).slice(0, limit);
}

/** A phone or e-mail shared by more clients than this is a placeholder (the shop's own number), not a sign of one client twice. */
export const SHARED_BY_MANY = 10;
/** Clients with one name in one postcode beyond this many are a placeholder too: their close namesakes are not looked for. */
const SAME_NAME_MAX = 1000;

interface Entry {
  client: Readonly<Client>;
  words: string[];
}

/**
 * Every likely pair of the directory, most reasons first. Found by grouping the clients on keys
 * (the same phone, e-mail, name and postcode) and, for close names, through the first words of
 * the names in each postcode: clients of the same first word are compared with each other, and
 * two first words only when they share a block (`blockKeys`: the first letters, a sound) and are
 * close; then only their clients. One pass over the directory and a few comparisons per client,
 * never one per pair.
 */
export function duplicatePairs(directory: Directory, limit: number): { items: DuplicatePair[]; total: number } {
  const keys = new DuplicateKeys(directory.country);
  const groups = new Map<string, string[]>(); // "reason\u0000key" → ids
  const leads = new Map<string, Map<string, Entry[]>>(); // postcode → a name's first word → its clients
  const file = (key: string, id: string) => {
    const list = groups.get(key);
    if (list) list.push(id);
    else groups.set(key, [id]);
  };
  for (const c of directory.eachClient()) {
    const phone = keys.phone(c);
    if (phone) file(`phone\u0000${phone}`, c.id);
    const email = keys.email(c);
    if (email) file(`email\u0000${email}`, c.id);
    const postcode = postcodeOf(c);
    const words = postcode ? nameWords(c) : null;
    if (!postcode || !words) continue;
    file(`name+postalCode\u0000${postcode}\u0000${words.join(' ')}`, c.id);
    let byLead = leads.get(postcode);
    if (!byLead) leads.set(postcode, (byLead = new Map()));
    const entries = byLead.get(words[0]!);
    if (entries) entries.push({ client: c, words });
    else byLead.set(words[0]!, [{ client: c, words }]);
  }

  const pairs = new Map<string, { a: Readonly<Client>; b: Readonly<Client>; reasons: DuplicateReason[] }>();
  const byId = (id: string) => directory.recordOf(id)!;
  const pair = (x: Readonly<Client>, y: Readonly<Client>, reason: DuplicateReason) => {
    const [a, b] = x.id < y.id ? [x, y] : [y, x];
    const key = `${a.id}\u0000${b.id}`;
    const entry = pairs.get(key);
    if (!entry) pairs.set(key, { a, b, reasons: [reason] });
    else if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
  };
  for (const [key, ids] of groups) {
    if (ids.length < 2 || ids.length > SHARED_BY_MANY) continue;
    const reason = key.slice(0, key.indexOf('\u0000')) as DuplicateReason;
    const clients = ids.map(byId);
    for (let i = 0; i < clients.length; i++) for (let j = i + 1; j < clients.length; j++) pair(clients[i]!, clients[j]!, reason);
  }
  const closePairs = (xs: readonly Entry[], ys: readonly Entry[] | null) => {
    for (let i = 0; i < xs.length; i++) {
      const from = ys ? ys : xs;
      for (let j = ys ? 0 : i + 1; j < from.length; j++) {
        const x = xs[i]!;
        const y = from[j]!;
        if (x.client.kind === y.client.kind && sameWords(x.words, y.words) === 'close-name+postalCode') pair(x.client, y.client, 'close-name+postalCode');
      }
    }
  };
  for (const byLead of leads.values()) {
    // the same first word: the rest of the name decides
    for (const entries of byLead.values()) if (entries.length > 1 && entries.length <= SAME_NAME_MAX) closePairs(entries, null);
    // two first words: only when they share a block, and are close
    const blocks = new Map<string, string[]>();
    for (const lead of byLead.keys()) {
      for (const k of blockKeys(lead)) {
        const block = blocks.get(k);
        if (block) block.push(lead);
        else blocks.set(k, [lead]);
      }
    }
    const seen = new Set<string>();
    for (const block of blocks.values()) {
      for (let i = 0; i < block.length; i++) {
        for (let j = i + 1; j < block.length; j++) {
          const [a, b] = block[i]! < block[j]! ? [block[i]!, block[j]!] : [block[j]!, block[i]!];
          const key = `${a}\u0000${b}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (closeWords(a, b)) closePairs(byLead.get(a)!, byLead.get(b)!);
        }
      }
    }
  }

  const order = (r: DuplicateReason) => DUPLICATE_REASONS.indexOf(r);
  // the surest first (more reasons, then the stronger one), then by name, so the page is stable;
  // each client's name key made once, and only the page's clients turned into answers
  const nameKeys = new Map<string, string>();
  const nameKey = (c: Readonly<Client>) => {
    let k = nameKeys.get(c.id);
    if (k === undefined) nameKeys.set(c.id, (k = nameOrderKey(c)));
    return k;
  };
  const rows = [...pairs.values()].map((p) => {
    p.reasons.sort((x, y) => order(x) - order(y));
    const [first, second] = nameKey(p.a) <= nameKey(p.b) ? [p.a, p.b] : [p.b, p.a];
    return { reasons: p.reasons, first, second, k1: nameKey(first), k2: nameKey(second) };
  });
  rows.sort((x, y) => y.reasons.length - x.reasons.length || order(x.reasons[0]!) - order(y.reasons[0]!) || cmp(x.k1, y.k1) || cmp(x.k2, y.k2));
  return {
    items: rows.slice(0, limit).map((r) => ({ reasons: r.reasons, clients: [directory.toOut(r.first), directory.toOut(r.second)] })),
    total: rows.length,
  };
}

/**
 * Why two clients may be one, comparing the two alone: what `duplicatePairs` finds through its
 * groups and blocks (a test holds them equal on a sample, and the bench uses it as the naive
 * baseline, one call per pair). References are unique in a directory, so never a reason here.
 */
export function pairReasons(x: Client, y: Client, country: string): DuplicateReason[] {
  const keys = new DuplicateKeys(country);
  const reasons: DuplicateReason[] = [];
  const phone = keys.phone(x);
  if (phone && phone === keys.phone(y)) reasons.push('phone');
  const email = keys.email(x);
  if (email && email === keys.email(y)) reasons.push('email');
  const postcode = postcodeOf(x);
  if (postcode && postcode === postcodeOf(y)) {
    const same = sameName(x, y);
    if (same) reasons.push(same);
  }
  return reasons;
}

/**
 * The blocks a name's first word files it in, so that two words one typo apart or sounding the
 * same always share one: its first three letters, those left of its first four once one is taken
 * out (a letter changed, added, dropped or two swapped there: both words give the same three), and
 * its sound keys. Later typos keep the first three letters.
 */
function blockKeys(lead: string): string[] {
  const keys = new Set([`p${lead.slice(0, 3)}`]);
  const four = lead.slice(0, 4);
  if (four.length === 4) for (let i = 0; i < 4; i++) keys.add(`p${four.slice(0, i)}${four.slice(i + 1)}`);
  if (lead.length >= SOUND_MIN) for (const t of soundTokens(lead)) keys.add(t);
  return [...keys];
}

/** The keys two clients share when they are likely one: a phone by its international digits, an e-mail in any case. */
class DuplicateKeys {
  constructor(private readonly country: string) {}

  /** A number is the same number when its first form (the international digits) is: the other forms include the subscriber number's endings, which different numbers share. */
  phone(c: Comparable): string | null {
    const digits = c.phone ? (phoneForms(c.phone, this.country)[0] ?? '') : '';
    return digits.length >= 6 ? digits : null;
  }

  email(c: Comparable): string | null {
    return c.email?.trim().toLowerCase() || null;
  }
}

const postcodeOf = (c: Comparable): string | null => c.address?.postalCode?.replace(/\s+/g, '').toUpperCase() || null;

/** Who a client is, as folded words: a company's name, or a person's last then first names (both needed). */
function nameWords(c: Named): string[] | null {
  const words = (s: string | null | undefined) => splitWords(fold(s ?? ''));
  if (c.kind === 'company') {
    const name = words(c.companyName);
    return name.length ? name : null;
  }
  const last = words(c.lastName);
  const first = words(c.firstName);
  return last.length && first.length ? [...last, '|', ...first] : null;
}

/** Whether two names are the same (case, accents, spaces aside), close (each word the same, one typo away or sounding the same), or neither. */
function sameName(x: Named, y: Named): 'name+postalCode' | 'close-name+postalCode' | null {
  if ((x.kind ?? 'person') !== (y.kind ?? 'person')) return null;
  const a = nameWords(x);
  const b = nameWords(y);
  return a && b ? sameWords(a, b) : null;
}

function sameWords(a: readonly string[], b: readonly string[]): 'name+postalCode' | 'close-name+postalCode' | null {
  if (a.length !== b.length) return null;
  let same = true;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    same = false;
    if (!closeWords(a[i]!, b[i]!)) return null;
  }
  return same ? 'name+postalCode' : 'close-name+postalCode';
}

/** The search's close match, word to word: one typo in a word of 5 letters or more, or the same sound key. */
function closeWords(a: string, b: string): boolean {
  if (Math.max(a.length, b.length) >= TYPO_MIN && oneTypoApart(a, b)) return true;
  if (a.length < SOUND_MIN || b.length < SOUND_MIN) return false;
  const sa = soundTokens(a);
  return soundTokens(b).some((t) => sa.includes(t));
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Name order, folded (as the directory lists), then as written, then by id: the same order on every call. */
function nameOrderKey(c: Readonly<Client>): string {
  const written = c.kind === 'company' ? (c.companyName ?? '') : `${c.lastName ?? ''} ${c.firstName ?? ''}`;
  return `${fold(written)}\u0000${written}\u0000${c.id}`;
}
