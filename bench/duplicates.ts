import path from 'node:path';
import { duplicatePairs, pairReasons } from '../agent/directory/duplicates.js';
import type { Logger } from '../agent/log.js';
import type { Client, Group } from '../agent/directory/schema.js';
import { plantDuplicates } from '../test/fixtures/duplicates.js';
import { openDirectory } from './edits.js';
import { seedStore } from './lib/seed.js';
import { median } from './lib/stats.js';

/**
 * (a'') The likely pairs of a whole directory (issue 15, `GET /api/v1/duplicates`): the directory
 * and 1,000 planted second records (the same phone written another way, an e-mail in capitals, a
 * slip in a last name, the same name in the same postcode), through the agent's own store and
 * Directory. Same-run baseline: every pair compared (`pairReasons`, what the scan's groups and
 * blocks stand for) on a sample, scaled to the directory's number of pairs.
 */
export interface DuplicatesResult {
  clients: number;
  planted: number;
  plantedFound: number;
  pairs: number;
  runsMs: number[];
  p50Ms: number;
  naiveSample: number;
  naiveSampleMs: number;
  naiveExtrapolatedMs: number;
}

export async function runDuplicatesBench(clients: readonly Client[], groups: readonly Group[], tmp: string, log: Logger): Promise<DuplicatesResult> {
  const { copies, planted } = plantDuplicates(clients, 1000);
  const all = [...clients, ...copies];
  const dir = path.join(tmp, 'duplicates');
  await seedStore(dir, all, groups, log);
  const open = await openDirectory(dir);
  try {
    const runsMs: number[] = [];
    let found = duplicatePairs(open.directory, 1);
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      found = duplicatePairs(open.directory, 50);
      runsMs.push(performance.now() - t);
    }
    const every = duplicatePairs(open.directory, Number.MAX_SAFE_INTEGER);
    const key = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);
    const pairs = new Set(every.items.map((p) => key(p.clients[0].id, p.clients[1].id)));
    const plantedFound = planted.filter((p) => pairs.has(key(p.original, p.copy))).length;

    const sample = all.slice(0, 1000);
    const t = performance.now();
    let naivePairs = 0;
    for (let i = 0; i < sample.length; i++) for (let j = i + 1; j < sample.length; j++) if (pairReasons(sample[i]!, sample[j]!, 'CH').length) naivePairs++;
    const naiveSampleMs = performance.now() - t;
    const pairsOf = (n: number) => (n * (n - 1)) / 2;
    return {
      clients: all.length,
      planted: planted.length,
      plantedFound,
      pairs: found.total,
      runsMs,
      p50Ms: median(runsMs),
      naiveSample: sample.length,
      naiveSampleMs,
      naiveExtrapolatedMs: (naiveSampleMs * pairsOf(all.length)) / pairsOf(sample.length),
    };
  } finally {
    await open.close();
  }
}
