import { describe, expect, it } from 'vitest';
import { epson, star, stateFromStarStatus, stateFromStatus } from '../../../drivers/printer/dialect.js';

/** Requests and answers byte by byte, from Epson's ESC/POS and Star's Line mode references. */

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

describe('Epson ESC/POS', () => {
  it('asks DLE EOT 1, 2, 4 (whole state), DLE EOT 1 (ping) and GS ( H fn 48 with the id as four ASCII digits', () => {
    expect(hex(epson.statusRequest)).toBe('10 04 01 10 04 02 10 04 04');
    expect(hex(epson.pingRequest)).toBe('10 04 01');
    expect(hex(epson.completionRequest(42)!)).toBe('1d 28 48 06 00 30 30 30 30 34 32');
    expect(hex(epson.completionRequest(9876)!)).toBe('1d 28 48 06 00 30 30 39 38 37 36');
  });

  it('reads the three status bytes as one answer, the most urgent state first', () => {
    expect(stateFromStatus(0x12, 0x12, 0x12)).toBe('online');
    expect(stateFromStatus(0x1a, 0x16, 0x12)).toBe('cover-open');
    expect(stateFromStatus(0x1a, 0x32, 0x72)).toBe('paper-out');
    expect(stateFromStatus(0x12, 0x12, 0x1e)).toBe('paper-near-end');
    expect(stateFromStatus(0x1a, 0x12, 0x12)).toBe('offline');
    expect(stateFromStatus(0x00, 0x12, 0x12)).toBe('unknown');
    const r = epson.reader();
    r.expect('status');
    r.expect('status');
    r.push(Uint8Array.from([0x12, 0x12]));
    expect(r.answers).toBe(0);
    r.push(Uint8Array.from([0x12, 0x1a, 0x32, 0x72]));
    expect([r.answers, r.state]).toEqual([2, 'paper-out']);
  });

  it('a ping is answered by one byte: online or offline; paper near its end, seen in a whole state, is kept', () => {
    const r = epson.reader();
    r.expect('status');
    r.push(Uint8Array.from([0x12, 0x12, 0x1e]));
    expect(r.state).toBe('paper-near-end');
    r.expect('ping');
    r.push(Uint8Array.from([0x12]));
    expect([r.answers, r.state]).toEqual([2, 'paper-near-end']);
    r.expect('ping');
    r.push(Uint8Array.from([0x1a]));
    expect([r.answers, r.state]).toEqual([3, 'offline']);
  });

  it('status bytes nobody asked for are noise, not answers', () => {
    const r = epson.reader();
    r.push(Uint8Array.from([0x12, 0x12, 0x12]));
    expect([r.answers, r.noise]).toEqual([0, 3]);
  });

  it('a process ID response split across reads, with digits that look like status bytes ("2", "6"), is one completion and no status', () => {
    const r = epson.reader();
    r.push(Uint8Array.from([0x37, 0x22, 0x32]));
    r.push(Uint8Array.from([0x36, 0x32, 0x36, 0x00]));
    expect(r.completed).toBe(2626);
    expect(r.answers).toBe(0);
    expect(r.noise).toBe(0);
  });

  it('bytes that answer nothing are counted as noise and never taken for answers', () => {
    const r = epson.reader();
    r.expect('status');
    r.push(Uint8Array.from([0xff, 0x00, 0x37, 0x41, 0x0d, 0x12, 0x12, 0x12]));
    expect([r.answers, r.state, r.completed]).toEqual([1, 'online', null]);
    expect(r.noise).toBe(5);
  });
});

describe('Star Line mode', () => {
  it('asks ESC ACK SOH (whole state and ping alike) and ESC GS ETX 1 n1 n2', () => {
    expect(hex(star.statusRequest)).toBe('1b 06 01');
    expect(hex(star.pingRequest)).toBe('1b 06 01');
    expect(hex(star.completionRequest(1234)!)).toBe('1b 1d 03 01 0c 22');
  });

  it('reads status blocks by the length in their first byte (0x0f: 7 bytes, 0x23: 9 bytes)', () => {
    const r = star.reader();
    r.expect('status');
    r.expect('ping');
    r.push(Uint8Array.from([0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
    expect([r.answers, r.state]).toEqual([1, 'online']);
    r.push(Uint8Array.from([0x23, 0x00, 0x20, 0x00, 0x00]));
    r.push(Uint8Array.from([0x00, 0x00, 0x00, 0x00]));
    expect([r.answers, r.state]).toEqual([2, 'cover-open']);
    expect(stateFromStarStatus([0x0f, 0, 0, 0, 0, 0x08, 0])).toBe('paper-out');
    expect(stateFromStarStatus([0x0f, 0, 0x08, 0, 0, 0, 0])).toBe('offline');
    expect(stateFromStarStatus([0x0f, 0, 0, 0, 0, 0x04, 0])).toBe('paper-near-end');
    // a block nobody asked for (automatic status back): noise
    r.push(Uint8Array.from([0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]));
    expect([r.answers, r.noise]).toEqual([2, 7]);
  });

  it('reads the completion reply 1B 1D 03 01 n1 n2 counter 00', () => {
    const r = star.reader();
    r.push(Uint8Array.from([0x1b, 0x1d, 0x03, 0x01, 0x0c, 0x22, 0x05, 0x00]));
    expect(r.completed).toBe(1234);
    expect(r.answers).toBe(0);
  });
});
