import { fold, foldGerman, hasUmlaut, phoneForms } from '../../agent/directory/normalize.js';
import type { Client } from '../../agent/directory/schema.js';
import { createRng } from '../../test/fixtures/swiss-clients.js';

/**
 * The query mix of the search benchmarks: what a cashier types in the till's client search box.
 * Every class has the same number of queries, so "overall" weighs each kind of search equally.
 * Queries derived from one client carry its id (`expect`), so the run also checks they find it.
 */

export type QueryClass =
  | 'prefix-1'
  | 'prefix-2-3'
  | 'last-name'
  | 'first+last'
  | 'transliterated'
  | 'city'
  | 'npa'
  | 'phone'
  | 'email'
  | 'reference'
  | 'account'
  | 'no-match';

export const QUERY_CLASSES: readonly QueryClass[] = [
  'prefix-1',
  'prefix-2-3',
  'last-name',
  'first+last',
  'transliterated',
  'city',
  'npa',
  'phone',
  'email',
  'reference',
  'account',
  'no-match',
];

export const QUERY_CLASS_HELP: Record<QueryClass, string> = {
  'prefix-1': 'one letter (first keystroke): "m", "R"',
  'prefix-2-3': '2–3 letters: "mu", "Fav", "ros"',
  'last-name': 'a full last name as written: "Müller", "Dubois", "Gençay"',
  'first+last': 'first name + last name (prefix), with or without accents: "helene mul", "Françoise Jäggi"',
  transliterated: 'German spelling without umlauts: "mueller", "zuercher", "hans buehler"',
  city: 'a city, with or without accents: "zurich", "Genève", "neuchatel"',
  npa: 'a postal code: "1204", "8001", "74100"',
  phone: 'a phone fragment as typed: "079 123", "+41 22 731", "022 731 45"',
  email: 'the start of an e-mail address: "helene.mueller", "info@boulangerie"',
  reference: 'a full loyalty card (EAN-13) or card reference: "7612345000015", "CARD-000123"',
  account: 'a full account number: "100123", "1100.00042"',
  'no-match': 'nonsense that matches nothing: "xqzv", "zzkrt 4419"',
};

export interface BenchQuery {
  cls: QueryClass;
  q: string;
  /** A client this query must find (somewhere in its pages). */
  expect?: string;
}

const VOWELLESS = 'bcdfghjklmnpqrstvwxz';

export function buildQueries(clients: readonly Client[], perClass: number, seed = 7): BenchQuery[] {
  const random = createRng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const persons = clients.filter((c) => c.kind === 'person');
  const nameOf = (c: Client) => (c.kind === 'company' ? c.companyName! : c.lastName!);
  const umlauts = persons.filter((c) => hasUmlaut(c.lastName!));
  const withPhone = clients.filter((c) => c.phone);
  const withEmail = clients.filter((c) => c.email);
  const withRef = clients.filter((c) => c.reference);
  const withAccount = clients.filter((c) => c.accountNumber);
  const withCity = clients.filter((c) => c.address.city);
  const withNpa = clients.filter((c) => c.address.postalCode);
  const caseVariant = (s: string) => {
    const r = random();
    return r < 0.4 ? s.toLowerCase() : r < 0.7 ? fold(s) : s;
  };

  const out: BenchQuery[] = [];
  for (let i = 0; i < perClass; i++) {
    // prefix-1: first letter of a name, mostly lower case
    out.push({ cls: 'prefix-1', q: caseVariant(fold(nameOf(pick(clients))).slice(0, 1)) });

    // prefix-2-3
    const n = nameOf(pick(clients));
    out.push({ cls: 'prefix-2-3', q: caseVariant(n.slice(0, random() < 0.5 ? 2 : 3)) });

    // last-name: as written, sometimes folded
    const ln = pick(persons);
    out.push({ cls: 'last-name', q: random() < 0.7 ? ln.lastName! : fold(ln.lastName!), expect: ln.id });

    // first + last (prefix of 3+ letters, or full), accents kept or dropped
    const fl = pick(persons);
    const last = fold(fl.lastName!).replace(/[^a-z]/g, '');
    const lastPart = random() < 0.5 ? last.slice(0, Math.max(3, Math.min(last.length, 3 + Math.floor(random() * 3)))) : fl.lastName!;
    const first = random() < 0.5 ? fold(fl.firstName!) : fl.firstName!;
    out.push({ cls: 'first+last', q: random() < 0.8 ? `${first} ${lastPart}` : `${lastPart} ${first}`, expect: fl.id });

    // transliterated umlauts: "mueller", sometimes with a first name
    const um = pick(umlauts);
    const g = foldGerman(um.lastName!);
    out.push({ cls: 'transliterated', q: random() < 0.7 ? g : `${fold(um.firstName!)} ${g}`, expect: um.id });

    // city
    const city = pick(withCity).address.city!;
    const cr = random();
    out.push({ cls: 'city', q: cr < 0.5 ? fold(city) : cr < 0.8 ? city : foldGerman(city) });

    // NPA
    out.push({ cls: 'npa', q: pick(withNpa).address.postalCode! });

    // phone fragment: national "079 534" / "079 534 85", or international "+41 79 534"
    const ph = pick(withPhone);
    const phone = ph.phone!;
    let q: string;
    const forms = phoneForms(phone);
    const national = forms.find((f) => f.startsWith('0'));
    if (national && random() < 0.75) {
      const areaLen = national.startsWith('07') || national.length === 10 ? 3 : 3;
      const rest = national.slice(areaLen);
      q = `${national.slice(0, areaLen)} ${rest.slice(0, 3)}${random() < 0.4 ? ` ${rest.slice(3, 5)}` : ''}`;
    } else {
      // as written, cut after the second group of digits
      const parts = phone.split(' ');
      q = parts.slice(0, Math.min(parts.length, 3)).join(' ');
    }
    out.push({ cls: 'phone', q, expect: ph.id });

    // e-mail start: the local part, sometimes with the @ and the domain's start
    const em = pick(withEmail).email!;
    const at = em.indexOf('@');
    out.push({ cls: 'email', q: random() < 0.6 ? em.slice(0, at) : em.slice(0, at + 4) });

    // full reference (exact match ranks first)
    const rf = pick(withRef);
    out.push({ cls: 'reference', q: rf.reference!, expect: rf.id });

    // full account number
    const ac = pick(withAccount);
    out.push({ cls: 'account', q: ac.accountNumber!, expect: ac.id });

    // no match
    const word = () => Array.from({ length: 4 + Math.floor(random() * 3) }, () => pick([...VOWELLESS])).join('');
    out.push({ cls: 'no-match', q: random() < 0.5 ? word() : `${word()} ${Math.floor(random() * 9000) + 1000}` });
  }
  return out;
}
