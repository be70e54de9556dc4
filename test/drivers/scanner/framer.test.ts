import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeFramer } from '../../../drivers/scanner/framer.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

function framer(opts: ConstructorParameters<typeof CodeFramer>[1] = {}) {
  const codes: string[] = [];
  return { codes, f: new CodeFramer((c) => codes.push(c), opts) };
}

afterEach(() => vi.useRealTimers());

describe('CodeFramer', () => {
  it('ends a code at CR, LF or CRLF, one code each', () => {
    const { codes, f } = framer();
    f.push(bytes('111\r222\n333\r\n444\r\n'));
    expect(codes).toEqual(['111', '222', '333', '444']);
  });

  it('reassembles a code split over reads, and a CRLF split between reads', () => {
    const { codes, f } = framer();
    f.push(bytes('76123'));
    f.push(bytes('45000015\r'));
    f.push(bytes('\n'));
    f.push(bytes('9'));
    f.push(bytes('9\r\n'));
    expect(codes).toEqual(['7612345000015', '99']);
  });

  it('blank lines are no codes', () => {
    const { codes, f } = framer();
    f.push(bytes('\r\n\r\n\n\r'));
    expect(codes).toEqual([]);
  });

  it('strips a configured prefix and suffix', () => {
    const { codes, f } = framer({ prefix: '\u0002', suffix: '\u0003' });
    f.push(bytes('\u0002CARD-1\u0003\r\nCARD-2\r\n'));
    expect(codes).toEqual(['CARD-1', 'CARD-2']);
  });

  it('reads UTF-8 split in the middle of a character', () => {
    const { codes, f } = framer();
    const b = bytes('Zürich\r');
    f.push(b.subarray(0, 2));
    f.push(b.subarray(2));
    expect(codes).toEqual(['Zürich']);
  });

  it('without a terminator, a pause ends the code (inter-byte timeout)', () => {
    vi.useFakeTimers();
    const { codes, f } = framer({ interByteTimeoutMs: 50 });
    f.push(bytes('7612'));
    vi.advanceTimersByTime(30);
    f.push(bytes('345000015'));
    vi.advanceTimersByTime(49);
    expect(codes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(codes).toEqual(['7612345000015']);
    f.push(bytes('42\r'));
    expect(codes).toEqual(['7612345000015', '42']);
    vi.advanceTimersByTime(100);
    expect(codes).toHaveLength(2);
  });

  it('drops an endless line (a wrong baud rate) whole, instead of growing forever', () => {
    const { codes, f } = framer({ maxLength: 16 });
    f.push(bytes('x'.repeat(40)));
    f.push(bytes('OK\r'));
    f.push(bytes('12345\r'));
    expect(codes).toEqual(['12345']);
  });
});
