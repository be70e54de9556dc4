import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AGENT_NODE_ENV, agentNodeEnv } from '../../agent/node-flags.js';

/**
 * AGENT_NODE_ENV's promise, counted from what the C library does: after a large block was freed,
 * the large blocks allocated next get mappings of their own (given back when freed) instead of
 * growing malloc's heap. Without it the same 16 MB land in the heap: the control that shows the
 * probe can see the difference. A misspelt tunable is ignored by glibc without a word, so only
 * this shows it is right.
 */

const PROBE = `
const { readFileSync } = require('node:fs');
const heapRss = () => {
  let cur = '', kb = 0;
  for (const l of readFileSync('/proc/self/smaps', 'utf8').split('\\n')) {
    const m = /^[0-9a-f]+-[0-9a-f]+ \\S+ \\S+ \\S+ \\S+\\s*(.*)$/.exec(l);
    if (m) { cur = m[1]; continue; }
    const r = /^Rss:\\s+(\\d+)/.exec(l);
    if (r && cur === '[heap]') kb += Number(r[1]);
  }
  return kb * 1024;
};
const maps = () => new Set(readFileSync('/proc/self/maps', 'utf8').split('\\n'));
const before8 = maps();
let big = Buffer.allocUnsafeSlow(8 << 20); big.fill(1);
// its own mapping (8 MB is above any threshold glibc starts with); freed when a collection finds it
const own = [...maps()].filter((l) => !before8.has(l));
big = null;
const freed = () => { const now = maps(); return own.every((l) => !now.has(l)); };
const started = Date.now();
(function wait() {
  gc();
  if (!freed() && Date.now() - started < 5000) return setTimeout(wait, 20);
  if (!freed()) { console.log('the 8 MB block was never freed'); process.exit(3); }
  const before = heapRss();
  const keep = [];
  for (let i = 0; i < 16; i++) { const b = Buffer.allocUnsafeSlow(1 << 20); b.fill(2); keep.push(b); }
  console.log(heapRss() - before, keep.length);
})();
`;

/** Bytes malloc's heap grew by for 16 blocks of 1 MB allocated after an 8 MB one was freed. */
function heapGrowth(env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', PROBE], { env, encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).toBe(0);
  return Number(r.stdout.trim().split(' ')[0]);
}

const withoutOurs = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.GLIBC_TUNABLES;
  return env;
};

const glibc = process.platform === 'linux' && JSON.stringify(process.report.getReport()).includes('"glibcVersionRuntime"');

describe('the environment the agent starts with', () => {
  it.runIf(glibc)('gives large blocks their own mappings (glibc): the heap does not take them', () => {
    expect(heapGrowth(withoutOurs())).toBeGreaterThan(12 * 1024 * 1024);
    expect(heapGrowth(agentNodeEnv(withoutOurs()))).toBeLessThan(1024 * 1024);
  });

  it.runIf(glibc)('keeps tunables set before it, and both apply', () => {
    const env = agentNodeEnv({ ...withoutOurs(), GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
    expect(env.GLIBC_TUNABLES).toBe(`glibc.malloc.arena_max=2:${AGENT_NODE_ENV.GLIBC_TUNABLES}`);
    expect(heapGrowth(env)).toBeLessThan(1024 * 1024);
  });

  it('leaves a threshold someone set themselves as it is', () => {
    expect(agentNodeEnv({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }).GLIBC_TUNABLES).toBe('glibc.malloc.mmap_threshold=65536');
  });

  it('adds to the environment given, changing nothing else', () => {
    const env = agentNodeEnv({ PATH: '/usr/bin', NODE_ENV: 'production' });
    expect(env).toEqual({ PATH: '/usr/bin', NODE_ENV: 'production', ...AGENT_NODE_ENV });
  });
});
