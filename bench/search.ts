import { isPhoneLike } from '../agent/directory/normalize.js';
import type { Client } from '../agent/directory/schema.js';
import { SearchIndex } from '../agent/directory/search-index.js';
import { createRng } from '../test/fixtures/swiss-clients.js';
import { naiveSearch } from './lib/naive-search.js';
import { type BenchQuery, QUERY_CLASSES, type QueryClass } from './lib/queries.js';
import { ms, ratio, shuffle, type Summary, summarize, table } from './lib/stats.js';

/**
 * (a) In-process search: SearchIndex.search(q, 20) over the query mix, against a naive scan that
 * folds every record on every query. Both run here, on the same records, in the same process.
 */

export interface SearchResult {
  clients: number;
  rebuildMs: number;
  rounds: number;
  perClass: Record<string, Summary & { queries: number; avgHits: number; found: string }>;
  overall: Summary;
  naive: {
    queries: number;
    perClass: Record<string, Summary>;
    overall: Summary;
  };
  speedupP50: number;
  speedupP50PerClass: Record<string, number>;
  /** Queries built from one client: was that client found (paging with the cursor)? */
  recall: Record<string, { checked: number; found: number; misses: string[] }>;
  /** The naive scan's matches that the index (one page of everything) does not return. */
  naiveAgreement: { checked: number; ok: number; misses: Array<{ q: string; naive: number; missing: number }> };
  /** Paging with the cursor (limit 20) gives exactly the one-page result, no repeats, and ends. */
  pagination: { checked: number; ok: number; failures: Array<{ q: string; expected: number; pages: number; returned: number; unique: number; missing: number; endless: boolean }> };
}

const EVERYTHING = 1_000_000;

/** Pages through `q` with `limit`, comparing with the one-page answer. */
function checkPagination(index: SearchIndex, q: string, limit: number) {
  const expected = index.search(q, EVERYTHING).ids;
  const maxPages = Math.ceil(expected.length / limit) + 10;
  const seen = new Set<string>();
  let returned = 0;
  let pages = 0;
  let after = null;
  let endless = false;
  for (;;) {
    const res = index.search(q, limit, after);
    pages++;
    returned += res.ids.length;
    for (const id of res.ids) seen.add(id);
    if (!res.after) break;
    if (pages >= maxPages) {
      endless = true;
      break;
    }
    after = res.after;
  }
  const missing = expected.filter((id) => !seen.has(id)).length;
  const ok = !endless && missing === 0 && returned === expected.length && seen.size === expected.length;
  return { ok, q, expected: expected.length, pages, returned, unique: seen.size, missing, endless };
}

export function runSearchBench(
  clients: readonly Client[],
  queries: readonly BenchQuery[],
  opts: { rounds: number; naivePerClass: number; log: (s: string) => void },
): SearchResult {
  const { log } = opts;
  const index = new SearchIndex();
  let t = performance.now();
  index.rebuild(clients);
  const rebuildMs = performance.now() - t;
  log(`  index rebuilt over ${index.size} clients in ${ms(rebuildMs)}`);

  // Recall check (not timed): every query built from a client must find it, paging with the cursor.
  const recall: SearchResult['recall'] = {};
  for (const q of queries) {
    if (!q.expect) continue;
    const r = (recall[q.cls] ??= { checked: 0, found: 0, misses: [] });
    r.checked++;
    let after = null;
    let found = false;
    for (let page = 0; page < 200 && !found; page++) {
      const res = index.search(q.q, 100, after);
      found = res.ids.includes(q.expect);
      if (!res.after) break;
      after = res.after;
    }
    if (found) r.found++;
    else if (r.misses.length < 5) r.misses.push(q.q);
  }

  // Pagination check (not timed): the broad classes, 10 queries each.
  const pagination: SearchResult['pagination'] = { checked: 0, ok: 0, failures: [] };
  for (const cls of ['prefix-1', 'prefix-2-3', 'last-name', 'transliterated', 'city'] as const) {
    for (const q of queries.filter((x) => x.cls === cls).slice(0, 10)) {
      const r = checkPagination(index, q.q, 20);
      pagination.checked++;
      if (r.ok) pagination.ok++;
      else if (pagination.failures.length < 8) {
        const { ok: _ok, ...failure } = r;
        pagination.failures.push(failure);
      }
    }
  }

  // Warm-up: two passes over every query.
  for (let i = 0; i < 2; i++) for (const q of queries) index.search(q.q, 20);

  // Measure: `rounds` passes, each in a new shuffled order.
  const random = createRng(99);
  const samples = new Map<QueryClass, number[]>();
  const hits = new Map<QueryClass, number[]>();
  const all: number[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const q of shuffle([...queries], random)) {
      const start = performance.now();
      const res = index.search(q.q, 20);
      const dt = performance.now() - start;
      all.push(dt);
      (samples.get(q.cls) ?? samples.set(q.cls, []).get(q.cls)!).push(dt);
      if (round === 0) (hits.get(q.cls) ?? hits.set(q.cls, []).get(q.cls)!).push(res.ids.length);
    }
  }

  // Naive baseline: a few queries of each class (each one scans and folds all records).
  const naiveSamples = new Map<QueryClass, number[]>();
  const naiveAll: number[] = [];
  const naiveAgreement: SearchResult['naiveAgreement'] = { checked: 0, ok: 0, misses: [] };
  naiveSearch(clients, 'warm up', 20);
  naiveSearch(clients, 'mu', 20);
  for (const cls of QUERY_CLASSES) {
    const qs = queries.filter((q) => q.cls === cls).slice(0, opts.naivePerClass);
    for (const q of qs) {
      t = performance.now();
      const naive = naiveSearch(clients, q.q, 20);
      const dt = performance.now() - t;
      naiveAll.push(dt);
      (naiveSamples.get(cls) ?? naiveSamples.set(cls, []).get(cls)!).push(dt);
      // Every record the naive scan finds, the index must find too (for plain words: a query typed
      // like a phone number or an e-mail address is one run of characters to the index, by design).
      if (isPhoneLike(q.q.trim()) || q.q.includes('@')) continue;
      const indexed = new Set(index.search(q.q, EVERYTHING).ids);
      const missing = naive.matches.filter((id) => !indexed.has(id)).length;
      naiveAgreement.checked++;
      if (missing === 0) naiveAgreement.ok++;
      else naiveAgreement.misses.push({ q: q.q, naive: naive.matches.length, missing });
    }
  }

  const perClass: SearchResult['perClass'] = {};
  const naivePerClass: Record<string, Summary> = {};
  const speedupPerClass: Record<string, number> = {};
  for (const cls of QUERY_CLASSES) {
    const s = summarize(samples.get(cls) ?? []);
    const h = hits.get(cls) ?? [];
    const rc = recall[cls];
    perClass[cls] = {
      ...s,
      queries: h.length,
      avgHits: h.reduce((a, b) => a + b, 0) / Math.max(1, h.length),
      found: rc ? `${rc.found}/${rc.checked}` : '-',
    };
    naivePerClass[cls] = summarize(naiveSamples.get(cls) ?? []);
    speedupPerClass[cls] = naivePerClass[cls]!.p50 / s.p50;
  }
  const overall = summarize(all);
  const naiveOverall = summarize(naiveAll);
  return {
    clients: clients.length,
    rebuildMs,
    rounds: opts.rounds,
    perClass,
    overall,
    naive: { queries: naiveAll.length, perClass: naivePerClass, overall: naiveOverall },
    speedupP50: naiveOverall.p50 / overall.p50,
    speedupP50PerClass: speedupPerClass,
    recall,
    naiveAgreement,
    pagination,
  };
}

export function searchTable(r: SearchResult): string {
  const rows = QUERY_CLASSES.map((cls) => {
    const s = r.perClass[cls]!;
    return [cls, ms(s.p50), ms(s.p95), ms(s.p99), s.avgHits.toFixed(1), s.found, ms(r.naive.perClass[cls]!.p50), ratio(r.speedupP50PerClass[cls]!)];
  });
  rows.push(['overall', ms(r.overall.p50), ms(r.overall.p95), ms(r.overall.p99), '', '', ms(r.naive.overall.p50), ratio(r.speedupP50)]);
  return table(['query class', 'index p50', 'p95', 'p99', 'hits', 'found', 'naive p50', 'speed-up'], rows);
}
