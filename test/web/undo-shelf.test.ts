import { describe, expect, it } from 'vitest';
import { UNDO_SHOWN_MS, UndoShelf } from '../../web/undo-shelf.js';

describe('the undo shelf', () => {
  it('gives a kept value back once, by its token', () => {
    const shelf = new UndoShelf<string>(() => 0);
    const a = shelf.keep('a');
    const b = shelf.keep('b');
    expect(a).not.toBe(b);
    expect(shelf.take(b)).toBe('b');
    expect(shelf.take(b)).toBeNull();
    expect(shelf.take(a)).toBe('a');
    expect(shelf.take('made-up')).toBeNull();
  });

  it('keeps a value past the 10 s shown (a late click still works), then lets it go', () => {
    let now = 1_000;
    const shelf = new UndoShelf<string>(() => now);
    const late = shelf.keep('late');
    const gone = shelf.keep('gone');
    now += UNDO_SHOWN_MS + 2_000;
    expect(shelf.take(late)).toBe('late');
    now += 10_000;
    expect(shelf.take(gone)).toBeNull();
  });
});
