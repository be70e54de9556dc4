import { expect, it } from 'vitest';
import { MAX_CLIENTS, packRanks, rankAt, rankCount } from '../../../agent/directory/packed-ranks.js';

it('packs ranks in 3 bytes each and reads every one back, up to the largest a rank can be', () => {
  const ranks = Int32Array.from([0, 1, 255, 256, 65535, 65536, 1_000_000, MAX_CLIENTS - 2, MAX_CLIENTS - 1, 0x123456]);
  const packed = packRanks(ranks);
  expect(packed.length).toBe(ranks.length * 3);
  expect(rankCount(packed)).toBe(ranks.length);
  expect(Array.from(ranks, (_, e) => rankAt(packed, e))).toEqual([...ranks]);
});
