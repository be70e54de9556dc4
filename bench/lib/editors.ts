import { summarize, type Summary } from './stats.js';

export interface EditResult {
  edits: number;
  failed: number;
  latency: Summary;
  wallMs: number;
  perSecond: number;
  firstError?: string;
}

/**
 * `concurrency` editors take the ids in turn until none is left, each edit timed by `edit` (in
 * process or over HTTP): the latencies of those that succeeded, and the first error of the rest.
 */
export async function runEditors(ids: readonly string[], concurrency: number, edit: (id: string, n: number) => Promise<{ ms: number } | { error: string }>): Promise<EditResult> {
  const lat: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const editor = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const r = await edit(id, next);
      if ('ms' in r) lat.push(r.ms);
      else {
        failed++;
        firstError ??= r.error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, editor));
  const wallMs = performance.now() - started;
  return { edits: lat.length, failed, latency: summarize(lat), wallMs, perSecond: (lat.length / wallMs) * 1000, ...(firstError ? { firstError } : {}) };
}
