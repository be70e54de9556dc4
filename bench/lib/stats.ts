/** Small statistics and formatting helpers for the benchmarks. */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentile by linear interpolation between closest ranks (p in 0..100) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const sum = s.reduce((acc, x) => acc + x, 0);
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? Number.NaN,
    mean: s.length ? sum / s.length : Number.NaN,
  };
}

export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}

/** Milliseconds, with a precision that suits the size: 0.0123 ms, 1.23 ms, 123 ms. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x < 1) return `${x.toFixed(3)} ms`;
  if (x < 10) return `${x.toFixed(2)} ms`;
  if (x < 100) return `${x.toFixed(1)} ms`;
  return `${Math.round(x)} ms`;
}

export function ratio(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return x >= 100 ? `${Math.round(x)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Rounds every number in a value for the JSON file (µs precision for ms figures). */
export function rounded<T>(value: T, digits = 4): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(digits)) : v))) as T;
}

/** A plain text table with aligned columns. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Fisher–Yates with a given random source (deterministic runs). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function sleep(msec: number): Promise<void> {
  await new Promise((r) => setTimeout(r, msec));
}

/** Runs a GC if node was started with --expose-gc. */
export function gcIfPossible(): boolean {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) return false;
  g();
  g();
  return true;
}

/** What came out of a burst against what went in: each one once, none missing, none doubled. */
export function deliveries(sent: readonly string[], received: readonly string[]): { distinct: number; missing: number; doubled: number } {
  const counts = new Map<string, number>();
  for (const r of received) counts.set(r, (counts.get(r) ?? 0) + 1);
  return {
    distinct: counts.size,
    missing: sent.filter((s) => !counts.has(s)).length,
    doubled: [...counts.values()].filter((v) => v > 1).length,
  };
}
