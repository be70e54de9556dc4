import { code128Text, ean13CheckDigit, readEpsonCode128, type Symbol, symbolText } from './code128.js';
import { type Align, type Size } from './escpos.js';
import { codePageBySelect, codePageEncoding, decodeText, type PrinterModel } from './codepage.js';

/**
 * Reads printer bytes back into what the paper shows: lines of text with their alignment, weight
 * and size, barcodes, cuts, drawer pulses, and anything it does not understand. The preview is
 * drawn from it and the tests assert on it, so both see the bytes that print — never a second
 * template. ESC/POS (Epson) in full for what the agent sends; Star Line mode for the same subset.
 */
export type Printed =
  | { kind: 'line'; text: string; align: Align; bold: boolean; size: Size }
  /** `data` as a scanner reads it; `symbol` what the bars hold (symbology, code sets) */
  | { kind: 'barcode'; data: string; symbol: Symbol }
  /** a QR code the printer draws: its data and dots a module */
  | { kind: 'qr'; data: string; cell: number }
  /** a raster image: `height` rows of `width / 8` bytes, the high bit the leftmost dot */
  | { kind: 'image'; width: number; height: number; bits: Uint8Array }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'drawer'; pin: 2 | 5; onMs: number; offMs: number }
  | { kind: 'codepage'; name: string | null }
  | { kind: 'init' }
  | { kind: 'status-request'; n: number }
  /** bytes no command of the agent produces: in data, this would be an injected command */
  | { kind: 'unknown'; bytes: number[] };

interface State {
  align: Align;
  bold: boolean;
  size: Size;
  codePage: string;
}

const DEFAULT_CODE_PAGE = 'PC437_USA';

function sizeOf(widthMul: number, heightMul: number): Size {
  if (widthMul >= 2 && heightMul >= 2) return 'large';
  if (heightMul >= 2) return 'tall';
  return 'normal';
}

/**
 * `lineEnds`, when given, receives the offset just after each line feed, cut, image band and QR code at the top level (never inside a command's parameters or data): the places where a job's bytes may
 * be split and a status request slipped in.
 */
export function decode(bytes: Uint8Array, model: PrinterModel = 'epson', lineEnds?: number[]): Printed[] {
  const out: Printed[] = [];
  const st: State = { align: 'left', bold: false, size: 'normal', codePage: DEFAULT_CODE_PAGE };
  const qr = { data: '', cell: 3 };
  let text: number[] = [];
  let i = 0;
  const at = (k: number) => bytes[i + k] ?? 0;
  const flush = (force: boolean) => {
    if (!force && text.length === 0) return;
    let enc = 'CP437';
    try {
      enc = codePageEncoding(model, st.codePage);
    } catch {
      // an unknown code page: show the bytes as CP437, as a printer would fall back
    }
    out.push({ kind: 'line', text: decodeText(Uint8Array.from(text), enc), align: st.align, bold: st.bold, size: st.size });
    text = [];
  };
  const init = () => {
    Object.assign(st, { align: 'left', bold: false, size: 'normal', codePage: DEFAULT_CODE_PAGE });
    out.push({ kind: 'init' });
  };
  const unknown = (n: number) => {
    out.push({ kind: 'unknown', bytes: [...bytes.subarray(i, i + n)] });
    i += n;
  };
  /** Bands of one picture, one after the other, read as one image. */
  const image = (rowBytes: number, rows: number, data: Uint8Array) => {
    const last = out.at(-1);
    if (last?.kind === 'image' && last.width === rowBytes * 8) {
      const bits = new Uint8Array(last.bits.length + data.length);
      bits.set(last.bits);
      bits.set(data, last.bits.length);
      out[out.length - 1] = { kind: 'image', width: last.width, height: last.height + rows, bits };
    } else {
      out.push({ kind: 'image', width: rowBytes * 8, height: rows, bits: Uint8Array.from(data) });
    }
  };
  const align = (n: number): Align => (n === 1 || n === 49 ? 'center' : n === 2 || n === 50 ? 'right' : 'left');

  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      flush(true);
      i++;
      lineEnds?.push(i);
    } else if (b === 0x0d) {
      i++;
    } else if (b === 0x1b) {
      const c = at(1);
      if (model === 'star' && c === 0x1d && at(2) === 0x61) {
        st.align = align(at(3));
        i += 4;
      } else if (model === 'star' && c === 0x1d && at(2) === 0x74) {
        const name = codePageBySelect(model, bytes.subarray(i, i + 4));
        st.codePage = name ?? `unknown(${at(3)})`;
        out.push({ kind: 'codepage', name });
        i += 4;
      } else if (model === 'star' && c === 0x69) {
        st.size = sizeOf(at(3) + 1, at(2) + 1);
        i += 4;
      } else if (model === 'star' && c === 0x45) {
        st.bold = true;
        i += 2;
      } else if (model === 'star' && c === 0x46) {
        st.bold = false;
        i += 2;
      } else if (model === 'star' && c === 0x64) {
        flush(false);
        out.push({ kind: 'cut', partial: at(2) === 1 || at(2) === 3 });
        i += 3;
        lineEnds?.push(i);
      } else if (model === 'star' && c === 0x62) {
        flush(false);
        const end = bytes.indexOf(0x1e, i + 6);
        const data = bytes.subarray(i + 6, end < 0 ? bytes.length : end);
        const symbol = starSymbol(at(2), data);
        if (symbol) out.push({ kind: 'barcode', data: symbolText(symbol), symbol });
        else out.push({ kind: 'unknown', bytes: [...bytes.subarray(i, end < 0 ? bytes.length : end + 1)] });
        i = end < 0 ? bytes.length : end + 1;
      } else if (model === 'star' && c === 0x1d && at(2) === 0x79) {
        // QR code: ESC GS y S 0|1|2 n (model, level, cell), ESC GS y D 1 0 nL nH data, ESC GS y P
        const op = at(3);
        if (op === 0x53) {
          if (at(4) === 0x32) qr.cell = at(5);
          i += 6;
        } else if (op === 0x44 && at(4) === 0x31) {
          const n = at(6) + at(7) * 256;
          qr.data = Buffer.from(bytes.subarray(i + 8, i + 8 + n)).toString('utf8');
          i += 8 + n;
        } else if (op === 0x50) {
          flush(false);
          out.push({ kind: 'qr', data: qr.data, cell: qr.cell });
          i += 4;
          lineEnds?.push(i);
        } else {
          unknown(4);
        }
      } else if (model === 'star' && c === 0x6b) {
        // ESC k n1 n2: a band of 24 rows of n1 bytes, and the line feed that prints it
        flush(false);
        const rowBytes = at(2) + at(3) * 256;
        image(rowBytes, 24, bytes.subarray(i + 4, i + 4 + rowBytes * 24));
        i += 4 + rowBytes * 24;
        if (bytes[i] === 0x0a) i++;
        lineEnds?.push(i);
      } else if (model === 'star' && (c === 0x30 || (c === 0x7a && (at(2) === 0x30 || at(2) === 0x31)))) {
        i += c === 0x30 ? 2 : 3; // line spacing: 3 mm for image bands, back to 4 mm
      } else if (model === 'star' && c === 0x07) {
        out.push({ kind: 'drawer', pin: 2, onMs: at(2) * 10, offMs: at(3) * 10 });
        i += at(4) === 0x07 ? 5 : 4;
      } else if (c === 0x40) {
        flush(false);
        init();
        i += 2;
      } else if (c === 0x74 && model === 'epson') {
        const name = codePageBySelect(model, bytes.subarray(i, i + 3));
        st.codePage = name ?? `unknown(${at(2)})`;
        out.push({ kind: 'codepage', name });
        i += 3;
      } else if (c === 0x61 && model === 'epson') {
        st.align = align(at(2));
        i += 3;
      } else if (c === 0x45 && model === 'epson') {
        st.bold = (at(2) & 1) === 1;
        i += 3;
      } else if (c === 0x21) {
        const n = at(2);
        st.size = sizeOf(n & 0x20 ? 2 : 1, n & 0x10 ? 2 : 1);
        st.bold = (n & 0x08) !== 0 || st.bold;
        i += 3;
      } else if (c === 0x64 && model === 'epson') {
        flush(false);
        for (let k = 0; k < at(2); k++) out.push({ kind: 'line', text: '', align: st.align, bold: st.bold, size: st.size });
        i += 3;
      } else if (c === 0x70) {
        out.push({ kind: 'drawer', pin: at(2) === 1 || at(2) === 49 ? 5 : 2, onMs: at(3) * 2, offMs: at(4) * 2 });
        i += 5;
      } else if (c === 0x2d || c === 0x4d || c === 0x33 || c === 0x4a) {
        i += 3; // underline, font, line spacing, feed by dots: no effect on the text
      } else if (c === 0x32) {
        i += 2;
      } else {
        unknown(2);
      }
    } else if (b === 0x1d && model === 'epson') {
      const c = at(1);
      if (c === 0x56) {
        flush(false);
        const m = at(2);
        out.push({ kind: 'cut', partial: m === 1 || m === 49 || m === 66 });
        i += m === 65 || m === 66 ? 4 : 3;
        lineEnds?.push(i);
      } else if (c === 0x21) {
        const n = at(2);
        st.size = sizeOf((n >> 4) + 1, (n & 0x0f) + 1);
        i += 3;
      } else if (c === 0x48 || c === 0x66 || c === 0x77 || c === 0x68 || c === 0x42 || c === 0x72) {
        i += 3; // barcode settings, reverse, status request by GS r
      } else if (c === 0x6b) {
        flush(false);
        const m = at(2);
        let data: Uint8Array;
        if (m <= 6) {
          const end = bytes.indexOf(0, i + 3);
          data = bytes.subarray(i + 3, end < 0 ? bytes.length : end);
          i = end < 0 ? bytes.length : end + 1;
        } else {
          data = bytes.subarray(i + 4, i + 4 + at(3));
          i += 4 + at(3);
        }
        const symbol = epsonSymbol(m, data);
        if (symbol) out.push({ kind: 'barcode', data: symbolText(symbol), symbol });
        else out.push({ kind: 'unknown', bytes: [0x1d, 0x6b, m, ...data] });
      } else if (c === 0x76 && at(2) === 0x30) {
        flush(false);
        const rowBytes = at(4) + at(5) * 256;
        const rows = at(6) + at(7) * 256;
        image(rowBytes, rows, bytes.subarray(i + 8, i + 8 + rowBytes * rows));
        i += 8 + rowBytes * rows;
        lineEnds?.push(i); // a band is printed whole: a window may end after it
      } else if (c === 0x28 && at(2) === 0x6b && at(5) === 0x31) {
        // QR code (cn 49): model, cell size, level, store the data, print it
        const n = at(3) + at(4) * 256;
        const fn = at(6);
        if (fn === 0x43) qr.cell = at(7);
        else if (fn === 0x50) qr.data = Buffer.from(bytes.subarray(i + 8, i + 5 + n)).toString('utf8');
        else if (fn === 0x51) {
          flush(false);
          out.push({ kind: 'qr', data: qr.data, cell: qr.cell });
          lineEnds?.push(i + 5 + n);
        } else if (fn !== 0x41 && fn !== 0x45) {
          unknown(5 + n);
          continue;
        }
        i += 5 + n;
      } else {
        unknown(2);
      }
    } else if (b === 0x10 && at(1) === 0x04) {
      out.push({ kind: 'status-request', n: at(2) });
      i += 3;
    } else if (b < 0x20 || b === 0x7f) {
      if (model === 'star' && b === 0x0b) {
        i++; // vertical tab (the library's feed before a cut)
      } else {
        unknown(1);
      }
    } else {
      text.push(b);
      i++;
    }
  }
  flush(false);
  return out;
}

/** The lines of text a person reads on the paper, blank feed lines left out (for tests). */
export function printedText(items: readonly Printed[]): string[] {
  return items.filter((x): x is Extract<Printed, { kind: 'line' }> => x.kind === 'line' && x.text.trim() !== '').map((x) => x.text);
}

/** An Epson `GS k` barcode the agent writes: CODE128 (m = 73) or EAN-13 (m = 67, 12 digits and the printer's check digit, or 13). */
function epsonSymbol(m: number, data: Uint8Array): Symbol | null {
  if (m === 73) {
    const parts = readEpsonCode128(data);
    return parts ? { symbology: 'code128', parts } : null;
  }
  const digits = Buffer.from(data).toString('latin1');
  if (m === 67 && /^\d{12,13}$/.test(digits)) return { symbology: 'ean13', digits: digits.slice(0, 12) + String(ean13CheckDigit(digits)) };
  return null;
}

/** A Star `ESC b` barcode the agent writes: CODE128 (n1 = '6', `%0` a literal `%`) or EAN-13 (n1 = '3'). */
function starSymbol(type: number, data: Uint8Array): Symbol | null {
  const text = Buffer.from(data).toString('latin1');
  if (type === 0x36 && /^(?:[\x20-\x24\x26-\x7e]|%0)+$/.test(text)) return { symbology: 'code128', parts: [{ set: 'B', text: text.replaceAll('%0', '%') }] };
  if (type === 0x33 && /^\d{12,13}$/.test(text)) return { symbology: 'ean13', digits: text.slice(0, 12) + String(ean13CheckDigit(text)) };
  return null;
}
