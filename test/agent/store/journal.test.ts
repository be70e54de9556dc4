import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../../agent/log.js';
import { Journal, JournalCorruptError } from '../../../agent/store/journal.js';
import { tempDir } from '../../helpers/agent.js';

function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();
}

describe('Journal', () => {
  it('replays every acknowledged entry in order after reopening', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    expect(await j.open()).toEqual([]);
    const a = j.append([{ x: 1 }]);
    const b = j.append([{ x: 2 }, { x: 3 }]);
    await Promise.all([a.durable, b.durable]);
    expect([a.seq, b.seq]).toEqual([1, 2]);
    await j.close();

    const again = new Journal(dir, memoryLogger());
    expect(await again.open()).toEqual([
      { seq: 1, ops: [{ x: 1 }] },
      { seq: 2, ops: [{ x: 2 }, { x: 3 }] },
    ]);
    expect(again.append([{ x: 4 }]).seq).toBe(3);
    await again.close();
  });

  it('shares one fsync between concurrent appends (group commit)', async () => {
    const j = new Journal(tempDir(), memoryLogger());
    await j.open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => j.append([{ i }]).durable));
    expect(j.writeCount).toBeLessThan(10);
    await j.close();
  });

  it('drops a torn last line (never acknowledged) and keeps appending after it', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    await j.open();
    await j.append([{ ok: 1 }]).durable;
    await j.close();
    const file = path.join(dir, segmentFiles(dir)[0]!);
    appendFileSync(file, '0badf00d {"seq":2,"ops":[{"half');

    const log = memoryLogger();
    const again = new Journal(dir, log);
    expect(await again.open()).toEqual([{ seq: 1, ops: [{ ok: 1 }] }]);
    expect(log.lines.some((l) => l.includes('unfinished last write'))).toBe(true);
    await again.append([{ ok: 2 }]).durable;
    await again.close();
    const third = new Journal(dir, memoryLogger());
    expect((await third.open()).map((e) => e.ops)).toEqual([[{ ok: 1 }], [{ ok: 2 }]]);
    await third.close();
  });

  it('refuses to open when a damaged line is followed by good ones', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    await j.open();
    for (let i = 0; i < 3; i++) await j.append([{ i }]).durable;
    await j.close();
    const file = path.join(dir, segmentFiles(dir)[0]!);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"i":1', '"i":7'); // checksum no longer matches
    writeFileSync(file, lines.join('\n'));
    const err = await new Journal(dir, memoryLogger()).open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalCorruptError);
    expect((err as Error).message).toContain('line 2');
  });

  it('rotates into a new segment and deletes the segments a snapshot covers', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    await j.open();
    await j.append([{ a: 1 }]).durable;
    await j.rotate();
    await j.append([{ a: 2 }]).durable;
    await j.rotate();
    expect(segmentFiles(dir)).toHaveLength(3);
    await j.removeBefore(1);
    expect(segmentFiles(dir)).toHaveLength(2);
    await j.close();
    expect((await new Journal(dir, memoryLogger()).open(1, true)).map((e) => e.seq)).toEqual([2]); // read only: no segment left open
  });
});

describe('Journal rotation under load', () => {
  it('an append made while the new segment is being opened waits for it', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    await j.open();
    await j.append([{ first: true }]).durable;
    // Hold the opening of the next segment until an append has been made.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const realOpen = fsp.open.bind(fsp);
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      await gate;
      return realOpen(...args);
    });
    try {
      const rotation = j.rotate();
      await new Promise((r) => setTimeout(r, 5));
      const during = j.append([{ during: true }]).durable;
      await new Promise((r) => setTimeout(r, 5));
      release();
      await rotation;
      await expect(during).resolves.toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    await j.close();
    expect((await new Journal(dir, memoryLogger()).open(0, true)).map((e) => e.ops)).toEqual([[{ first: true }], [{ during: true }]]);
  });

  it('never fails an append made while the segment is being switched', async () => {
    const dir = tempDir();
    const j = new Journal(dir, memoryLogger());
    await j.open();
    const appends: Array<Promise<void>> = [];
    for (let round = 0; round < 20; round++) {
      appends.push(j.append([{ round, before: true }]).durable);
      let rotated = false;
      const rotation = j.rotate().then(() => (rotated = true));
      // keep appending, one per turn of the event loop, until the switch is over
      for (let k = 0; !rotated && k < 1000; k++) {
        appends.push(j.append([{ round, k }]).durable);
        await new Promise((r) => setImmediate(r));
      }
      await rotation;
      appends.push(j.append([{ round, after: true }]).durable);
    }
    const results = await Promise.allSettled(appends);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await j.close();
    const replayed = await new Journal(dir, memoryLogger()).open(0, true);
    expect(replayed).toHaveLength(appends.length);
    expect(replayed.map((e) => e.seq)).toEqual(replayed.map((_, i) => i + 1));
  });
});
