import { describe, expect, it } from 'vitest';
import { RefOwners } from '../../../agent/directory/ref-owners.js';
import { createRng } from '../../fixtures/swiss-clients.js';

describe('RefOwners (reference → the client holding it)', () => {
  it('answers as a Map would through adds, changes of owner and removals, freed places taken again', () => {
    const random = createRng(17);
    const owners = new RefOwners();
    const model = new Map<string, string>();
    const pool = Array.from({ length: 3000 }, (_, i) => `76123450${String(i).padStart(5, '0')}`);
    for (let step = 0; step < 60_000; step++) {
      const ref = pool[Math.floor(random() * pool.length)]!;
      const r = random();
      if (r < 0.5) {
        const owner = `client-${step}`;
        owners.set(ref, owner);
        model.set(ref, owner);
      } else if (r < 0.8) {
        owners.delete(ref);
        model.delete(ref);
      } else {
        expect(owners.get(ref)).toBe(model.get(ref));
      }
      expect(owners.size).toBe(model.size);
    }
    for (const ref of pool) expect(owners.get(ref)).toBe(model.get(ref));
    expect(owners.get('no such card')).toBeUndefined();
    owners.delete('no such card'); // nothing to remove: nothing changes
    expect(owners.size).toBe(model.size);
  });

  it('holds 300,000 references, sized once or grown from empty, the same text in another string as the same key', () => {
    const refs = Array.from({ length: 300_000 }, (_, i) => `ref-${i * 7919}`);
    for (const owners of [new RefOwners(refs.length), new RefOwners()]) {
      refs.forEach((ref, i) => owners.set(ref, `c${i}`));
      expect(owners.size).toBe(refs.length);
      expect(refs.every((ref, i) => owners.get(ref) === `c${i}`)).toBe(true);
      expect(owners.get(['ref-', String(42 * 7919)].join(''))).toBe('c42');
    }
  });
});
