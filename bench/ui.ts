import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/browser.js';
import type { BenchQuery } from './lib/queries.js';
import { ms, type Summary, summarize, table } from './lib/stats.js';

/**
 * (e) The staff page in headless Chromium (Debian's, as the tests use it), as staff meet it:
 * - first load of the directory page: navigation start → load event, with an empty cache (first
 *   visit after an install) and with the cache warm (every later visit);
 * - a keystroke in the search box → the new results painted: from the key event to the frame after
 *   htmx swapped the results in. The page waits ~150 ms after the last key before asking (the
 *   debounce), so this is reported whole and from the moment the request leaves.
 * Each figure is measured on the large directory and, in the same run, on a baseline agent holding
 * 100 clients: the difference is what the directory's size costs.
 */

export interface UiSide {
  clients: number;
  loadCold: Summary;
  loadWarm: Summary;
  /** a fresh context loading /healthz (no script, no style): what any first visit costs here */
  loadFloor: Summary;
  /** key event → results painted, debounce included */
  keystroke: Summary;
  /** request sent (after the debounce) → results painted */
  afterDebounce: Summary;
  /** of which the request: sent → last byte of the answer received (the browser's resource timing) */
  response: Summary;
}

export interface UiResult {
  large: UiSide;
  baseline: UiSide;
  keystrokes: number;
  loads: number;
}

async function measureLoads(browser: Browser, url: string, n: number): Promise<{ cold: number[]; warm: number[]; floor: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const floor: number[] = [];
  const loadTime = (page: Page) =>
    page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return nav.loadEventEnd - nav.startTime;
    });
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${url}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.toJSON().loadEventEnd > 0);
    cold.push(await loadTime(page));
    await page.goto(`${url}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.toJSON().loadEventEnd > 0);
    warm.push(await loadTime(page));
    await context.close();
    // the browser's own floor: a fresh context loading a tiny document with no script or style
    const bare = await browser.newContext();
    const p = await bare.newPage();
    await p.goto(`${url}/healthz`, { waitUntil: 'load' });
    await p.waitForFunction(() => performance.getEntriesByType('navigation')[0]?.toJSON().loadEventEnd > 0);
    floor.push(await loadTime(p));
    await bare.close();
  }
  return { cold, warm, floor };
}

interface KeyMeasure {
  total: number;
  afterDebounce: number;
  response: number;
}

/** Types the last character of each query into the search box (the rest set silently first). */
async function measureKeystrokes(browser: Browser, url: string, queries: readonly string[]): Promise<KeyMeasure[]> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${url}/`);
  await page.evaluate(() => {
    const w = window as unknown as { __done: KeyMeasure[]; __t: { key: number; sent: number } };
    w.__done = [];
    w.__t = { key: 0, sent: 0 };
    document.addEventListener('keydown', (e) => (w.__t.key = e.timeStamp), true);
    document.body.addEventListener('htmx:beforeRequest', () => (w.__t.sent = performance.now()));
    document.body.addEventListener('htmx:afterSettle', (e) => {
      if (!(e.target instanceof Element) || e.target.id !== 'results') return;
      // the frame that shows the new results: after the next animation frame has been painted
      requestAnimationFrame(() =>
        setTimeout(() => {
          const now = performance.now();
          // the network part, from the browser's own timing of the request
          const xhr = performance.getEntriesByType('resource').filter((r) => (r as PerformanceResourceTiming).initiatorType === 'xmlhttprequest').at(-1);
          performance.clearResourceTimings();
          const response = xhr ? (xhr as PerformanceResourceTiming).responseEnd - xhr.startTime : Number.NaN;
          w.__done.push({ total: now - w.__t.key, afterDebounce: now - w.__t.sent, response });
        }, 0),
      );
    });
  });
  const out: KeyMeasure[] = [];
  const box = page.locator('input[name="q"]');
  for (const q of queries) {
    const before = await page.evaluate(() => (window as unknown as { __done: unknown[] }).__done.length);
    await box.evaluate((el, v) => ((el as HTMLInputElement).value = v), q.slice(0, -1));
    await box.focus();
    await page.keyboard.type(q.slice(-1));
    await page.waitForFunction((n) => (window as unknown as { __done: unknown[] }).__done.length > n, before, { timeout: 10_000 });
    out.push(await page.evaluate(() => (window as unknown as { __done: KeyMeasure[] }).__done.at(-1)!));
  }
  await page.close();
  return out;
}

export async function runUiBench(
  largeUrl: string,
  largeCount: number,
  baselineUrl: string,
  baselineCount: number,
  queries: readonly BenchQuery[],
  opts: { loads: number; log: (s: string) => void },
): Promise<UiResult> {
  const browser = await launchChromium();
  try {
    // htmx asks only when the value changed: no query may follow itself
    // one query in four of the mix (300): enough for stable percentiles, ~1 min per side
    const typed = queries
      .map((q) => q.q)
      .filter((_, i) => i % 4 === 0)
      .filter((q, i, all) => q.length >= 1 && q !== all[i - 1]);
    const side = async (url: string, clients: number): Promise<UiSide> => {
      await measureKeystrokes(browser, url, typed.slice(0, 10)); // warm-up: JIT, caches, connections
      const loads = await measureLoads(browser, url, opts.loads);
      const keys = await measureKeystrokes(browser, url, typed);
      return {
        clients,
        loadCold: summarize(loads.cold),
        loadWarm: summarize(loads.warm),
        loadFloor: summarize(loads.floor),
        keystroke: summarize(keys.map((k) => k.total)),
        afterDebounce: summarize(keys.map((k) => k.afterDebounce)),
        response: summarize(keys.map((k) => k.response)),
      };
    };
    // Interleaving whole sides would double the browser's warm-up; measure baseline then large.
    const baseline = await side(baselineUrl, baselineCount);
    opts.log(`baseline (${baselineCount} clients) measured`);
    const large = await side(largeUrl, largeCount);
    return { large, baseline, keystrokes: typed.length, loads: opts.loads };
  } finally {
    await browser.close();
  }
}

export function uiTable(r: UiResult): string {
  const row = (name: string, pick: (s: UiSide) => Summary) => [
    name,
    `${ms(pick(r.large).p50)} / ${ms(pick(r.large).p95)}`,
    `${ms(pick(r.baseline).p50)} / ${ms(pick(r.baseline).p95)}`,
    ms(pick(r.large).p50 - pick(r.baseline).p50),
  ];
  return table(
    ['staff page in Chromium', `${r.large.clients} clients p50 / p95`, `baseline ${r.baseline.clients} p50 / p95`, 'cost of size (p50)'],
    [
      row(`first load, empty cache (${r.loads}×)`, (s) => s.loadCold),
      row(`first load, warm cache (${r.loads}×)`, (s) => s.loadWarm),
      row('  floor: a fresh context loading /healthz', (s) => s.loadFloor),
      row(`keystroke → results painted (${r.keystrokes}×)`, (s) => s.keystroke),
      row('  of which after the 150 ms debounce', (s) => s.afterDebounce),
      row('  of which the request (sent → answer received)', (s) => s.response),
    ],
  );
}
