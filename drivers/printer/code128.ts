import { createRequire } from 'node:module';

/**
 * Barcodes as the printer draws them: the symbology and code sets chosen for the data, the bytes
 * that ask a printer for them, the same read back, and their real bars (from JsBarcode's encoders,
 * a well-kept library whose tables have been read by scanners for years) for the preview.
 */

/** A run of CODE128: code set B takes printable ASCII one character a symbol, code set C two digits a symbol. */
export type Code128Part = { set: 'B'; text: string } | { set: 'C'; digits: string };

export type Symbol =
  | { symbology: 'code128'; parts: Code128Part[] }
  /** 13 digits, the last the check digit */
  | { symbology: 'ean13'; digits: string };

/** What is printed for the data: EAN-13 for 13 digits with a valid check digit, else CODE128; null when neither can hold it. */
export function symbolFor(data: string): Symbol | null {
  if (isValidEan13(data)) return { symbology: 'ean13', digits: data };
  const parts = code128Parts(data);
  return parts ? { symbology: 'code128', parts } : null;
}

/**
 * The same on a Star, which chooses CODE128's code sets itself: the agent counts it as code set B
 * throughout (the widest it can be) to know it fits, and the preview draws it so.
 */
export function starSymbolFor(data: string): Symbol | null {
  if (isValidEan13(data)) return { symbology: 'ean13', digits: data };
  return /^[\x20-\x7e]{1,80}$/.test(data) ? { symbology: 'code128', parts: [{ set: 'B', text: data }] } : null;
}

export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/**
 * The data cut into code sets: a run of digits long enough to save symbols (4 at either end, 6 in
 * the middle, an even count of them) goes in code set C, the rest in code set B. Null when the data
 * is not printable ASCII.
 */
export function code128Parts(data: string): Code128Part[] | null {
  if (!/^[\x20-\x7e]{1,80}$/.test(data)) return null;
  const parts: Code128Part[] = [];
  const pushB = (text: string) => {
    if (!text) return;
    const last = parts.at(-1);
    if (last?.set === 'B') last.text += text;
    else parts.push({ set: 'B', text });
  };
  const runs = data.match(/\d+|\D+/g) ?? [];
  let at = 0;
  for (const run of runs) {
    const start = at === 0;
    at += run.length;
    const end = at === data.length;
    const digits = /^\d/.test(run);
    if (!digits || run.length < (start || end ? 4 : 6)) {
      pushB(run);
      continue;
    }
    const even = run.length - (run.length % 2);
    // an odd digit goes in set B: after the pairs at the start, before them elsewhere
    if (start) {
      parts.push({ set: 'C', digits: run.slice(0, even) });
      pushB(run.slice(even));
    } else {
      pushB(run.slice(0, run.length - even));
      parts.push({ set: 'C', digits: run.slice(run.length - even) });
    }
  }
  return parts;
}

/** The data a CODE128 carries, as a scanner reads it. */
export function code128Text(parts: readonly Code128Part[]): string {
  return parts.map((p) => (p.set === 'B' ? p.text : p.digits)).join('');
}

/** What a scanner reads from the symbol. */
export function symbolText(s: Symbol): string {
  return s.symbology === 'ean13' ? s.digits : code128Text(s.parts);
}

/** Modules of the symbol, its quiet zones included: start, one symbol per character or digit pair and per code set change, check, stop. */
export function symbolModules(s: Symbol): number {
  if (s.symbology === 'ean13') return 95 + 2 * 9;
  const symbols = s.parts.reduce((n, p) => n + (p.set === 'B' ? p.text.length : p.digits.length / 2), 0) + s.parts.length - 1;
  return 11 * (1 + symbols + 1) + 13 + 2 * 10;
}

/**
 * The widest module (in dots) at which the symbol fits the printable dots, from the range the
 * printer takes; null when even the narrowest does not fit (the code is then printed as text).
 */
export function moduleWidth(s: Symbol, dots: number, range: { min: number; max: number } = { min: 2, max: 3 }): number | null {
  const modules = symbolModules(s);
  for (let w = range.max; w >= range.min; w--) if (modules * w <= dots) return w;
  return null;
}

/**
 * Epson's `GS k` data for CODE128 (m = 73): `{B` or `{C` starts a code set, a `{` in the data is
 * sent as `{{` (a lone `{` would be read as a code set change), code set C sends one byte 0–99 per
 * digit pair.
 */
export function epsonCode128Data(parts: readonly Code128Part[]): Buffer {
  const out: number[] = [];
  for (const p of parts) {
    out.push(0x7b, p.set === 'B' ? 0x42 : 0x43);
    if (p.set === 'B') {
      for (const ch of p.text) {
        if (ch === '{') out.push(0x7b);
        out.push(ch.charCodeAt(0));
      }
    } else {
      for (let i = 0; i < p.digits.length; i += 2) out.push(Number(p.digits.slice(i, i + 2)));
    }
  }
  return Buffer.from(out);
}

/** The code sets in Epson `GS k` CODE128 data, as `epsonCode128Data` writes them; null for data it would not write (code set A, FNC codes). */
export function readEpsonCode128(data: Uint8Array): Code128Part[] | null {
  const parts: Code128Part[] = [];
  let set: 'B' | 'C' | null = null;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x7b) {
      const n = data[++i];
      if (n === 0x7b && set === 'B') {
        addB(parts, '{');
      } else if (n === 0x42 || n === 0x43) {
        set = n === 0x42 ? 'B' : 'C';
        parts.push(set === 'B' ? { set, text: '' } : { set, digits: '' });
      } else {
        return null;
      }
    } else if (set === 'B' && b >= 0x20 && b <= 0x7e) {
      addB(parts, String.fromCharCode(b));
    } else if (set === 'C' && b <= 99) {
      const last = parts.at(-1);
      if (last?.set !== 'C') return null;
      last.digits += String(b).padStart(2, '0');
    } else {
      return null;
    }
  }
  return parts.length && parts.every((p) => (p.set === 'B' ? p.text.length > 0 : p.digits.length > 0)) ? parts : null;
}

function addB(parts: Code128Part[], ch: string): void {
  const last = parts.at(-1);
  if (last?.set === 'B') last.text += ch;
}

// JsBarcode's encoders, loaded as CommonJS; each is checked for the shape used before it is trusted.
const require = createRequire(import.meta.url);
const loadClass = (file: string): unknown => {
  const m: unknown = require(file);
  return typeof m === 'object' && m !== null && 'default' in m ? m.default : null;
};
const CODE128_CLASS = loadClass('jsbarcode/bin/barcodes/CODE128/CODE128.js');
const EAN13_CLASS = loadClass('jsbarcode/bin/barcodes/EAN_UPC/EAN13.js');

interface Encoding {
  valid(): boolean;
  encode(): unknown;
}

function isEncoding(x: unknown): x is Encoding {
  return typeof x === 'object' && x !== null && 'valid' in x && typeof x.valid === 'function' && 'encode' in x && typeof x.encode === 'function';
}

/** "1" a bar, "0" a space, from an encoder's result (EAN-13 gives several pieces: guards and halves). */
function barsOf(result: unknown): string | null {
  const pieces = Array.isArray(result) ? result : [result];
  let bars = '';
  for (const p of pieces) {
    if (typeof p !== 'object' || p === null || !('data' in p) || typeof p.data !== 'string') return null;
    bars += p.data;
  }
  return /^[01]+$/.test(bars) ? bars : null;
}

// JsBarcode's master CODE128 takes the start code as the character 105 + code, and a code set change as 105 + 99 (C) or 105 + 100 (B)
const START = { B: 104 + 105, C: 105 + 105 } as const;
const SWITCH = { B: 100 + 105, C: 99 + 105 } as const;

/** The bars of the symbol, for the preview to draw the barcode the printer draws. */
export function symbolBars(s: Symbol): string | null {
  if (s.symbology === 'ean13') {
    if (typeof EAN13_CLASS !== 'function') return null;
    const enc: unknown = Reflect.construct(EAN13_CLASS, [s.digits, { flat: true }]);
    return isEncoding(enc) && enc.valid() ? barsOf(enc.encode()) : null;
  }
  if (typeof CODE128_CLASS !== 'function') return null;
  let code = '';
  s.parts.forEach((p, k) => {
    code += String.fromCharCode(k === 0 ? START[p.set] : SWITCH[p.set]);
    code += p.set === 'B' ? p.text : p.digits;
  });
  const enc: unknown = Reflect.construct(CODE128_CLASS, [code, {}]);
  return isEncoding(enc) && enc.valid() ? barsOf(enc.encode()) : null;
}

/** The bars of a CODE128 of `data` as the agent prints it (its code sets chosen as `code128Parts` does). */
export function code128Modules(data: string): string | null {
  const parts = code128Parts(data);
  return parts ? symbolBars({ symbology: 'code128', parts }) : null;
}
