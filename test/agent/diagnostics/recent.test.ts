import { describe, expect, it } from 'vitest';
import { RecentProblems } from '../../../agent/diagnostics/recent.js';
import { memoryLogger, type Logger } from '../../../agent/log.js';

describe('RecentProblems', () => {
  it('keeps the last warnings and errors, passes every line (and its fields) on, and keeps what else the logger has', () => {
    const inner = memoryLogger();
    const calls: unknown[][] = [];
    const withFields: Logger = Object.assign(Object.create(inner), { warn: (...args: unknown[]) => calls.push(args) });
    const ring = new RecentProblems(3);
    const log = ring.wrap(withFields);
    log.info('started');
    for (let i = 1; i <= 4; i++) log.error(`failure ${i}`);
    (log.warn as (msg: string, fields?: Record<string, unknown>) => void)('slow printer', { printer: 'front' });

    expect(ring.list().map((l) => `${l.level} ${l.msg}`)).toEqual(['error failure 3', 'error failure 4', 'warn slow printer']);
    expect(ring.list()[2]!.fields).toEqual({ printer: 'front' });
    expect(calls).toEqual([['slow printer', { printer: 'front' }]]);
    expect(inner.lines).toEqual(['info started', 'error failure 1', 'error failure 2', 'error failure 3', 'error failure 4']);
    expect((log as Logger & { lines: string[] }).lines).toBe(inner.lines);
    expect(RecentProblems.of(log)).toBe(ring);
    expect(RecentProblems.of(inner)).toBeNull();
  });
});
