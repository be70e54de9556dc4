import { describe, expect, it } from 'vitest';
import { KeyboardReportDecoder, keyToChar, type KeyboardLayout, PosReportDecoder } from '../../../drivers/scanner/hid.js';

/** HID keyboard reports as a scanner sends them: a press report, then an all-keys-up report. */
const SHIFT = 0x02;
const ALTGR = 0x40;
const press = (usage: number, mods = 0) => Uint8Array.from([mods, 0, usage, 0, 0, 0, 0, 0]);
const release = () => new Uint8Array(8);
const ENTER = 0x28;

function typed(layout: KeyboardLayout, keys: Array<[number, number?]>): string[] {
  const codes: string[] = [];
  const d = new KeyboardReportDecoder(layout, (c) => codes.push(c));
  for (const [usage, mods] of [...keys, [ENTER] as [number]]) {
    d.push(press(usage, mods));
    d.push(release());
  }
  return codes;
}

// The US-keyboard key positions: usage of the key labelled X on a US keyboard
const usKey = (ch: string) => (/[a-z]/.test(ch) ? 0x04 + ch.charCodeAt(0) - 97 : ch === '0' ? 0x27 : 0x1e + Number(ch) - 1);

describe('HID keyboard reports, per layout (the same key types different characters)', () => {
  // key (US label), modifiers → character on each layout
  const table: Array<[string, number, Record<KeyboardLayout, string>]> = [
    ['a', 0, { us: 'a', 'ch-fr': 'a', 'ch-de': 'a', fr: 'q' }],
    ['q', 0, { us: 'q', 'ch-fr': 'q', 'ch-de': 'q', fr: 'a' }],
    ['w', 0, { us: 'w', 'ch-fr': 'w', 'ch-de': 'w', fr: 'z' }],
    ['z', 0, { us: 'z', 'ch-fr': 'y', 'ch-de': 'y', fr: 'w' }],
    ['y', 0, { us: 'y', 'ch-fr': 'z', 'ch-de': 'z', fr: 'y' }],
    ['a', SHIFT, { us: 'A', 'ch-fr': 'A', 'ch-de': 'A', fr: 'Q' }],
    ['1', 0, { us: '1', 'ch-fr': '1', 'ch-de': '1', fr: '&' }],
    ['1', SHIFT, { us: '!', 'ch-fr': '+', 'ch-de': '+', fr: '1' }],
    ['2', 0, { us: '2', 'ch-fr': '2', 'ch-de': '2', fr: 'é' }],
    ['7', SHIFT, { us: '&', 'ch-fr': '/', 'ch-de': '/', fr: '7' }],
    ['0', 0, { us: '0', 'ch-fr': '0', 'ch-de': '0', fr: 'à' }],
    ['2', ALTGR, { us: '', 'ch-fr': '@', 'ch-de': '@', fr: '~' }],
  ];
  for (const [key, mods, want] of table) {
    it(`key "${key}"${mods === SHIFT ? ' + Shift' : mods === ALTGR ? ' + AltGr' : ''}`, () => {
      for (const layout of ['us', 'ch-fr', 'ch-de', 'fr'] as const) {
        expect([layout, keyToChar(layout, usKey(key), mods) ?? '']).toEqual([layout, want[layout]]);
      }
    });
  }

  it('the differing punctuation of Swiss French and Swiss German', () => {
    expect([keyToChar('ch-fr', 0x2f, 0), keyToChar('ch-de', 0x2f, 0)]).toEqual(['è', 'ü']);
    expect([keyToChar('ch-fr', 0x33, 0), keyToChar('ch-de', 0x33, 0)]).toEqual(['é', 'ö']);
    expect([keyToChar('ch-fr', 0x34, SHIFT), keyToChar('ch-de', 0x34, SHIFT)]).toEqual(['ä', 'à']);
    expect(keyToChar('ch-de', 0x38, 0)).toBe('-');
    expect(keyToChar('us', 0x2d, 0)).toBe('-');
    expect(keyToChar('fr', 0x23, 0)).toBe('-'); // the 6 key
  });

  it('a whole EAN-13 from a US-layout scanner, digits on the top row', () => {
    expect(typed('us', [...'7612345000015'].map((d) => [usKey(d)]))).toEqual(['7612345000015']);
  });

  it('the same card from a scanner emulating French AZERTY: digits come with Shift', () => {
    expect(typed('fr', [...'7612345000015'].map((d) => [usKey(d), SHIFT]))).toEqual(['7612345000015']);
    // decoded as US, the same reports would be nonsense: the layout matters
    const codes: string[] = [];
    const asUs = new KeyboardReportDecoder('us', (c) => codes.push(c));
    for (const d of '76') {
      asUs.push(press(usKey(d), SHIFT));
      asUs.push(release());
    }
    asUs.push(press(ENTER));
    expect(codes).toEqual(['&^']);
  });

  it('"CARD-Zürich" from a Swiss German scanner: letters with Shift, y/z swapped, ü and -', () => {
    const keys: Array<[number, number?]> = [
      [usKey('c'), SHIFT], [usKey('a'), SHIFT], [usKey('r'), SHIFT], [usKey('d'), SHIFT], [0x38],
      [usKey('y'), SHIFT], [0x2f], [usKey('r')], [usKey('i')], [usKey('c')], [usKey('h')],
    ];
    expect(typed('ch-de', keys)).toEqual(['CARD-Zürich']);
  });

  it('keypad digits, a key held over several reports typed once, and Tab as the end', () => {
    const codes: string[] = [];
    const d = new KeyboardReportDecoder('us', (c) => codes.push(c));
    d.push(Uint8Array.from([0, 0, 0x59, 0, 0, 0, 0, 0])); // keypad 1
    d.push(Uint8Array.from([0, 0, 0x59, 0, 0, 0, 0, 0])); // still held: not again
    d.push(Uint8Array.from([0, 0, 0x59, 0x5a, 0, 0, 0, 0])); // 2 pressed while 1 held
    d.push(release());
    d.push(Uint8Array.from([0, 0, 0x2b, 0, 0, 0, 0, 0])); // Tab
    expect(codes).toEqual(['12']);
  });

  it('reports with a leading report id (9 bytes) and error codes (rollover) are read right', () => {
    const codes: string[] = [];
    const d = new KeyboardReportDecoder('us', (c) => codes.push(c));
    d.push(Uint8Array.from([1, 0, 0, usKey('4'), 0, 0, 0, 0, 0]));
    d.push(Uint8Array.from([1, 0, 0, 1, 1, 1, 1, 1, 1])); // ErrorRollOver: no key
    d.push(Uint8Array.from([1, 0, 0, usKey('2'), 0, 0, 0, 0, 0]));
    d.push(Uint8Array.from([1, 0, 0, ENTER, 0, 0, 0, 0, 0]));
    expect(codes).toEqual(['42']);
  });

  it('Ctrl or Alt shortcuts are not characters; an empty Enter is no code', () => {
    expect(keyToChar('us', usKey('c'), 0x01)).toBeNull();
    expect(keyToChar('us', usKey('c'), 0x04)).toBeNull();
    expect(typed('us', [])).toEqual([]);
  });
});

describe('HID POS barcode reports', () => {
  const report = (data: string, more = false, id = 0x02) => {
    const r = new Uint8Array(64);
    const bytes = Buffer.from(data, 'utf8');
    r[0] = id;
    r[1] = bytes.length;
    r.set([0x5d, 0x45, 0x30], 2); // "]E0": AIM id of EAN-13
    r.set(bytes, 5);
    r[63] = more ? 1 : 0;
    return r;
  };

  it('gives the data bytes without the symbology id', () => {
    const codes: string[] = [];
    const d = new PosReportDecoder((c) => codes.push(c));
    d.push(report('7612345000015'));
    expect(codes).toEqual(['7612345000015']);
  });

  it('joins a code continued over several reports, and reads UTF-8', () => {
    const codes: string[] = [];
    const d = new PosReportDecoder((c) => codes.push(c));
    d.push(report('https://kleek.ch/carte/', true));
    d.push(report('Zürich-0042'));
    expect(codes).toEqual(['https://kleek.ch/carte/Zürich-0042']);
  });

  it('ignores reports with another id', () => {
    const codes: string[] = [];
    const d = new PosReportDecoder((c) => codes.push(c));
    d.push(report('123', false, 0x04));
    expect(codes).toEqual([]);
  });
});
