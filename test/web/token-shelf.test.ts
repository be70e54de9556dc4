import { describe, expect, it } from 'vitest';
import { TokenShelf } from '../../web/token-shelf.js';

describe('the upload shelf', () => {
  it('gives a kept value back by its token as often as asked, and takes a new value for it', () => {
    const shelf = new TokenShelf<string>(60_000, 4, () => 0);
    const a = shelf.keep('a');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(shelf.get(a)).toBe('a');
    expect(shelf.get(a)).toBe('a');
    expect(shelf.set(a, 'a done')).toBe(true);
    expect(shelf.get(a)).toBe('a done');
    expect(shelf.get('made-up')).toBeNull();
    expect(shelf.set('made-up', 'x')).toBe(false);
  });

  it('lets a value go after its time (a new value keeps it longer), and the oldest past the maximum', () => {
    let now = 0;
    const shelf = new TokenShelf<string>(1_000, 2, () => now);
    const old = shelf.keep('old');
    const renewed = shelf.keep('renewed');
    now = 900;
    shelf.set(renewed, 'renewed again');
    now = 1_000;
    expect(shelf.get(old)).toBeNull();
    expect(shelf.get(renewed)).toBe('renewed again');
    const b = shelf.keep('b');
    const c = shelf.keep('c'); // the shelf holds 2: the oldest goes
    expect([shelf.get(renewed), shelf.get(b), shelf.get(c)]).toEqual([null, 'b', 'c']);
  });
});
