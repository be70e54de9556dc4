import { describe, expect, it } from 'vitest';
import { IdOrdinals } from '../../../agent/directory/id-ordinals.js';
import { createRng } from '../../fixtures/swiss-clients.js';

/** The index's id → ordinal table, against a Map doing the same operations. */

describe('IdOrdinals', () => {
  it('answers as a Map does through adds, replacements, removals and regrowths', () => {
    const random = createRng(99);
    const ids: string[] = [];
    const table = new IdOrdinals(ids);
    const model = new Map<string, number>();
    const pool = Array.from({ length: 3000 }, (_, i) => (i % 3 ? crypto.randomUUID() : `REF-${i}`));
    for (let step = 0; step < 60_000; step++) {
      const id = pool[Math.floor(random() * pool.length)]!;
      const r = random();
      if (r < 0.5) {
        // as the index does: a new ordinal for the id, its old one forgotten
        ids.push(id);
        expect(table.set(id, ids.length - 1)).toBe(!model.has(id));
        model.set(id, ids.length - 1);
      } else if (r < 0.8) {
        expect(table.delete(id)).toBe(model.delete(id));
      } else {
        expect(table.get(id)).toBe(model.get(id));
      }
      expect(table.size).toBe(model.size);
    }
    for (const id of pool) expect(table.get(id)).toBe(model.get(id));
    expect(table.has('not-an-id')).toBe(false);
  });

  it('finds every one of 200,000 ids, sized once or grown from empty', () => {
    const ids = Array.from({ length: 200_000 }, () => crypto.randomUUID());
    for (const table of [new IdOrdinals(ids, ids.length), new IdOrdinals(ids)]) {
      ids.forEach((id, ord) => table.set(id, ord));
      expect(table.size).toBe(ids.length);
      expect(ids.every((id, ord) => table.get(id) === ord)).toBe(true);
      // the same text in another string is the same key
      expect(table.get(String(ids[123]).split('').join(''))).toBe(123);
    }
  });

  it('is not made again at every other add when removals and adds alternate at its fill limit', () => {
    const ids: string[] = [];
    const table = new IdOrdinals(ids);
    // 511 ids: a table of 1,024 slots, as full as it may be
    for (let i = 0; i < 511; i++) table.set((ids[i] = `id-${i}`), i);
    const before = table.regrowths;
    for (let round = 0; round < 10_000; round++) {
      table.delete(ids[ids.length - 511]!);
      ids.push(`id-${ids.length}`);
      table.set(ids[ids.length - 1]!, ids.length - 1);
    }
    expect(table.size).toBe(511);
    expect(ids.slice(-511).every((id, k) => table.get(id) === ids.length - 511 + k)).toBe(true);
    // each remake leaves room for at least as many adds as there are entries
    expect(table.regrowths - before).toBeLessThanOrEqual(10_000 / 511 + 1);
  });

  it("refuses an ordinal that is not the id's (the table finds keys through the ids)", () => {
    const table = new IdOrdinals(['a', 'b']);
    expect(() => table.set('a', 1)).toThrow(/not the id's/);
  });
});
