import { fold, splitWords } from '../agent/directory/normalize.js';
import { oneTypo, soundTokens } from '../agent/directory/phonetic.js';
import type { Client } from '../agent/directory/schema.js';
import { SearchIndex } from '../agent/directory/search-index.js';
import { percentile } from './lib/stats.js';

/**
 * (a') Close matches (issue 15): queries with a typo or another spelling of a real last name, at
 * the directory's size, against the same-run baseline of a naive scan that finds the same close
 * matches by comparing every client (one typo or a shared sound key, word by word).
 */
export interface CloseResult {
  clients: number;
  queries: number;
  exactP50Ms: number;
  closeP50Ms: number;
  closeP95Ms: number;
  naiveP50Ms: number;
  foundShare: number;
}

/** A last name spelled as a cashier hears it: one letter changed, dropped or swapped. */
function misspell(name: string, rng: () => number): string {
  const w = fold(name).replace(/[^a-z]/g, '');
  const i = 1 + Math.floor(rng() * (w.length - 2));
  const kind = Math.floor(rng() * 3);
  if (kind === 0) return w.slice(0, i) + w.slice(i + 1);
  if (kind === 1) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  return w.slice(0, i) + (w[i] === 'e' ? 'a' : 'e') + w.slice(i + 1);
}

function naiveClose(clients: readonly Client[], q: string): number {
  const words = splitWords(fold(q));
  let n = 0;
  for (const c of clients) {
    const names = splitWords(fold([c.lastName, c.firstName, c.companyName].filter(Boolean).join(' ')));
    const ok = words.every((w) => {
      const typos = w.length >= 5 ? new Set(oneTypo(w)) : null;
      const sounds = w.length >= 4 ? soundTokens(w) : [];
      return names.some((x) => x.startsWith(w) || typos?.has(x) || (sounds.length > 0 && soundTokens(x).some((t) => sounds.includes(t))));
    });
    if (ok) n++;
  }
  return n;
}

export function runCloseBench(clients: readonly Client[], opts: { queries?: number; naive?: number; rng: () => number }): CloseResult {
  const index = new SearchIndex('CH');
  index.rebuild(clients);
  const names = clients.map((c) => c.lastName).filter((n): n is string => !!n && fold(n).replace(/[^a-z]/g, '').length >= 6);
  const queries = Array.from({ length: opts.queries ?? 300 }, () => misspell(names[Math.floor(opts.rng() * names.length)]!, opts.rng));
  const pct = (xs: readonly number[], q: number) => percentile([...xs].sort((a, b) => a - b), q);
  const time = (f: () => void) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  for (const q of queries.slice(0, 30)) index.search(q, 20); // warm up
  const close: number[] = [];
  const exact: number[] = [];
  let withClose = 0;
  for (const q of queries) {
    close.push(time(() => {
      const page = index.search(q, 20);
      if (page.closeFrom < page.ids.length) withClose++;
    }));
    const right = names[Math.floor(opts.rng() * names.length)]!;
    exact.push(time(() => index.search(right, 20)));
  }
  const naive = queries.slice(0, opts.naive ?? 5).map((q) => time(() => naiveClose(clients, q)));
  return {
    clients: clients.length,
    queries: queries.length,
    exactP50Ms: pct(exact, 50),
    closeP50Ms: pct(close, 50),
    closeP95Ms: pct(close, 95),
    naiveP50Ms: pct(naive, 50),
    foundShare: withClose / queries.length,
  };
}
