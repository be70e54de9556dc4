/**
 * Decoding what a USB HID scanner sends, read directly (so codes never go to whichever window has
 * the focus):
 * - keyboard reports (boot protocol, 8 bytes: modifiers, reserved, up to 6 key usages). The scanner
 *   types as if it were a keyboard of a given layout, so the same key usage means a different
 *   character on a US, Swiss or French keyboard: the layout the scanner emulates must be known.
 * - HID POS barcode reports (usage page 0x8C), which carry the code's bytes as they are.
 */

export const KEYBOARD_LAYOUTS = ['us', 'ch-fr', 'ch-de', 'fr'] as const;
export type KeyboardLayout = (typeof KEYBOARD_LAYOUTS)[number];

/** [plain, shift, altGr?] per key usage. */
type KeyMap = Record<number, readonly [string, string, string?]>;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function lettersAt(order: string): KeyMap {
  // usages 0x04..0x1D are the keys A..Z of a US keyboard, left to right by letter
  const map: KeyMap = {};
  for (let i = 0; i < 26; i++) {
    const ch = order[i]!;
    map[0x04 + i] = [ch, ch.toUpperCase()];
  }
  return map;
}

function digitRow(plain: string[], shifted: string[], altGr: Record<number, string> = {}): KeyMap {
  // usages 0x1E..0x27: the keys 1,2,…,9,0 of a US keyboard
  const map: KeyMap = {};
  for (let i = 0; i < 10; i++) map[0x1e + i] = [plain[i]!, shifted[i]!, altGr[i]];
  return map;
}

const COMMON: KeyMap = { 0x2c: [' ', ' '] };

const US: KeyMap = {
  ...lettersAt(LETTERS),
  ...digitRow([...'1234567890'], [...'!@#$%^&*()']),
  ...COMMON,
  0x2d: ['-', '_'],
  0x2e: ['=', '+'],
  0x2f: ['[', '{'],
  0x30: [']', '}'],
  0x31: ['\\', '|'],
  0x33: [';', ':'],
  0x34: ["'", '"'],
  0x35: ['`', '~'],
  0x36: [',', '<'],
  0x37: ['.', '>'],
  0x38: ['/', '?'],
};

// Swiss keyboards (QWERTZ): Y and Z swapped; the French and German variants differ on three keys.
const SWISS_LETTERS = lettersAt('abcdefghijklmnopqrstuvwxzy');
const swiss = (p2f: [string, string], p33: [string, string], p34: [string, string]): KeyMap => ({
  ...SWISS_LETTERS,
  0x08: ['e', 'E', '€'],
  ...digitRow([...'1234567890'], [...'+"*ç%&/()='], { 0: '¦', 1: '@', 2: '#', 6: '|', 7: '¢' }),
  ...COMMON,
  0x2d: ["'", '?', '´'],
  0x2e: ['^', '`', '~'],
  0x2f: [p2f[0], p2f[1], '['],
  0x30: ['¨', '!', ']'],
  0x31: ['$', '£', '}'],
  0x32: ['$', '£', '}'],
  0x33: p33,
  0x34: [p34[0], p34[1], '{'],
  0x35: ['§', '°'],
  0x36: [',', ';'],
  0x37: ['.', ':'],
  0x38: ['-', '_'],
  0x64: ['<', '>', '\\'],
});

const CH_DE = swiss(['ü', 'è'], ['ö', 'é'], ['ä', 'à']);
const CH_FR = swiss(['è', 'ü'], ['é', 'ö'], ['à', 'ä']);

// French AZERTY: A/Q, Z/W swapped, M on the US ";" key; digits need Shift.
const FR_LETTERS = lettersAt('qbcdefghijkl,noparstuvzxyw');
const FR: KeyMap = {
  ...FR_LETTERS,
  0x10: [',', '?'],
  0x08: ['e', 'E', '€'],
  ...digitRow([...'&é"\'(-è_çà'], [...'1234567890'], { 1: '~', 2: '#', 3: '{', 4: '[', 5: '|', 6: '`', 7: '\\', 8: '^', 9: '@' }),
  ...COMMON,
  0x2d: [')', '°', ']'],
  0x2e: ['=', '+', '}'],
  0x2f: ['^', '¨'],
  0x30: ['$', '£', '¤'],
  0x31: ['*', 'µ'],
  0x32: ['*', 'µ'],
  0x33: ['m', 'M'],
  0x34: ['ù', '%'],
  0x35: ['²', '²'],
  0x36: [';', '.'],
  0x37: [':', '/'],
  0x38: ['!', '§'],
  0x64: ['<', '>'],
};

const LAYOUTS: Record<KeyboardLayout, KeyMap> = { us: US, 'ch-fr': CH_FR, 'ch-de': CH_DE, fr: FR };

// Keypad: the same on every layout (Num Lock on, as scanners assume)
const KEYPAD: Record<number, string> = {
  0x54: '/', 0x55: '*', 0x56: '-', 0x57: '+',
  0x59: '1', 0x5a: '2', 0x5b: '3', 0x5c: '4', 0x5d: '5', 0x5e: '6', 0x5f: '7', 0x60: '8', 0x61: '9', 0x62: '0', 0x63: '.',
};

const ENTER = 0x28;
const KEYPAD_ENTER = 0x58;
const TAB = 0x2b;
const SHIFT = 0x02 | 0x20; // left or right Shift
const CTRL = 0x01 | 0x10;
const LEFT_ALT = 0x04;
const RIGHT_ALT = 0x40; // AltGr
const GUI = 0x08 | 0x80;

/** The character a key usage types on `layout` with these modifiers, or null (not a character). */
export function keyToChar(layout: KeyboardLayout, usage: number, modifiers: number): string | null {
  if (KEYPAD[usage] !== undefined) return KEYPAD[usage];
  const entry = LAYOUTS[layout][usage];
  if (!entry) return null;
  const ctrl = (modifiers & CTRL) !== 0;
  // AltGr is right Alt, or Ctrl+Alt as Windows-style scanners send it
  const altGr = (modifiers & RIGHT_ALT) !== 0 || (ctrl && (modifiers & LEFT_ALT) !== 0);
  if (altGr) return entry[2] ?? null;
  if (ctrl || (modifiers & (LEFT_ALT | GUI)) !== 0) return null; // a shortcut, not a character
  return (modifiers & SHIFT) !== 0 ? entry[1] : entry[0];
}

/**
 * Reads boot-protocol keyboard reports and gives whole codes: characters until Enter (or Tab).
 * A key counts when it appears in a report (not while it stays held in the next ones).
 */
export class KeyboardReportDecoder {
  private held = new Set<number>();
  private code = '';

  constructor(
    private readonly layout: KeyboardLayout,
    private readonly onCode: (code: string) => void,
  ) {}

  push(report: Uint8Array): void {
    if (report.length < 3) return;
    // Some scanners prefix a report id: 9 bytes with the keys from byte 3.
    const offset = report.length >= 9 ? 1 : 0;
    const modifiers = report[offset]!;
    const keys = [...report.subarray(offset + 2, offset + 8)].filter((k) => k > 0x03); // 0: none, 1–3: errors
    const now = new Set(keys);
    for (const usage of keys) {
      if (this.held.has(usage)) continue;
      if (usage === ENTER || usage === KEYPAD_ENTER || usage === TAB) {
        if (this.code) this.onCode(this.code);
        this.code = '';
        continue;
      }
      const ch = keyToChar(this.layout, usage, modifiers);
      if (ch !== null) this.code += ch;
    }
    this.held = now;
  }
}

/**
 * HID POS "scanned data" reports (usage page 0x8C), as Honeywell, Zebra and Datalogic send them in
 * HID POS mode: byte 0 the report id (0x02), byte 1 the number of data bytes in this report, bytes
 * 2–4 the AIM symbology identifier, then the data; the last byte's bit 0 set means the code goes on
 * in the next report. Data is bytes, decoded as UTF-8 once the code is whole.
 */
export class PosReportDecoder {
  private parts: Buffer[] = [];

  constructor(
    private readonly onCode: (code: string) => void,
    private readonly reportId = 0x02,
  ) {}

  push(report: Uint8Array): void {
    if (report.length < 6 || report[0] !== this.reportId) return;
    const length = Math.min(report[1]!, report.length - 6);
    this.parts.push(Buffer.from(report.subarray(5, 5 + length)));
    const more = (report[report.length - 1]! & 0x01) === 1;
    if (more) return;
    const code = Buffer.concat(this.parts).toString('utf8').replace(/\0+$/, '');
    this.parts = [];
    if (code) this.onCode(code);
  }
}
