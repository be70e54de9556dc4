import ntp from 'node-thermal-printer';
import { code128Text, epsonCode128Data, moduleWidth, starSymbolFor, type Symbol, symbolFor } from './code128.js';
import { codePageEncoding, codePageSelect, type PrinterModel, printable } from './codepage.js';
import { epsonQr, qrCell, starQr } from './qr.js';
import { epsonRaster, type MonoImage, starRaster } from './raster.js';
import { rasterLine } from './text-raster.js';

/**
 * A ticket as the paper shows it, before it becomes printer bytes: what the ticket layouts produce,
 * what `encode()` turns into ESC/POS (Epson) or Star Line commands, and what the decoder reads back
 * from those bytes for the preview and the tests.
 */
export type Align = 'left' | 'center' | 'right';
export type Size = 'normal' | 'tall' | 'large'; // large = double width and height

export type Block =
  | { kind: 'text'; text: string; align?: Align; bold?: boolean; size?: Size }
  /** left and right parts on one line, the gap filled with spaces (amounts on the right) */
  | { kind: 'pair'; left: string; right: string; bold?: boolean; size?: Size }
  | { kind: 'rule' }
  | { kind: 'feed'; lines: number }
  | { kind: 'barcode'; data: string }
  /** a QR code of the data (a link, a reference), drawn by the printer */
  | { kind: 'qr'; data: string }
  /** a 1-bit picture as wide as the paper (the shop's logo) */
  | { kind: 'image'; image: MonoImage }
  | { kind: 'cut' }
  | { kind: 'drawer' };

/** What could not print as asked: a barcode too long for the paper (as a QR code, or as text), or data no barcode can hold. */
export const ENCODE_WARNINGS = ['barcode-as-qr', 'barcode-as-text', 'no-barcode'] as const;
export type EncodeWarning = (typeof ENCODE_WARNINGS)[number];

export interface EncodeOptions {
  model: PrinterModel;
  /** characters per line at normal size */
  width: number;
  codePage: string;
  /** printable dots across the paper (576 on 80 mm, 384 on 58 mm); by default 12 a character (font A) */
  dots?: number;
  /** the printer draws QR codes (else their data is printed as text) */
  qr?: boolean;
  /** the printer prints raster images (else images are left out) */
  raster?: boolean;
  /** hears what could not print as asked (the job keeps it): in English, and as a code with the data it is about */
  warn?: (message: string, said: { code: EncodeWarning; data: string }) => void;
  /** a line the code page cannot print is printed as an image of it (on a printer that prints images) */
  rasterFallback?: boolean;
}

// Control characters never reach the printer, as text or as an image.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const questionMarks = (s: string) => s.split('?').length - 1;

/** An image's bytes, made once per image and model: a logo is not encoded again for every ticket. */
const rasterCache = new WeakMap<MonoImage, Partial<Record<PrinterModel, Buffer>>>();

function rasterBytes(image: MonoImage, model: PrinterModel): Buffer {
  let cached = rasterCache.get(image);
  if (!cached) rasterCache.set(image, (cached = {}));
  return (cached[model] ??= model === 'star' ? starRaster(image) : epsonRaster(image));
}

const BARCODE_HEIGHT = 80; // dots: 10 mm at 203 dpi

/**
 * Star Line mode: `ESC b n1 n2 n3 n4 data RS` — type (6 CODE128, 3 EAN-13), HRI below without a
 * feed, the module (1: 2 dots, 2: 3 dots, 3: 4 dots), the height in dots. The printer picks
 * CODE128's code sets and adds the check character; `%` is its escape (a literal one is `%0`).
 */
function starBarcode(symbol: Symbol, module: number): Buffer {
  const head = (type: number) => Buffer.from([0x1b, 0x62, type, 0x34, 0x30 + module - 1, BARCODE_HEIGHT]);
  if (symbol.symbology === 'ean13') return Buffer.concat([head(0x33), Buffer.from(symbol.digits.slice(0, 12), 'ascii'), Buffer.from([0x1e])]);
  return Buffer.concat([head(0x36), Buffer.from(code128Text(symbol.parts).replaceAll('%', '%0'), 'ascii'), Buffer.from([0x1e])]);
}

/** Epson: HRI below in font A, module width, height, then `GS k` (format 2: a length byte, then the data). */
function epsonBarcode(symbol: Symbol, module: number): Buffer {
  const settings = Buffer.from([0x1d, 0x48, 0x02, 0x1d, 0x66, 0x00, 0x1d, 0x77, module, 0x1d, 0x68, BARCODE_HEIGHT]);
  if (symbol.symbology === 'ean13') {
    // 12 digits: the printer adds the check digit (the same one: the data's was checked)
    return Buffer.concat([settings, Buffer.from([0x1d, 0x6b, 0x43, 12]), Buffer.from(symbol.digits.slice(0, 12), 'ascii')]);
  }
  const data = epsonCode128Data(symbol.parts);
  return Buffer.concat([settings, Buffer.from([0x1d, 0x6b, 0x49, data.length]), data]);
}

/** Characters per line at a size: double width halves it. */
export function columns(width: number, size: Size = 'normal'): number {
  return size === 'large' ? Math.floor(width / 2) : width;
}

/** Splits a text into lines of at most `cols` characters, at spaces where it can. */
export function wrap(text: string, cols: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = paragraph.trimEnd();
    if (rest === '') {
      out.push('');
      continue;
    }
    while (rest.length > cols) {
      const cut = rest.lastIndexOf(' ', cols);
      const at = cut > 0 ? cut : cols;
      out.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).trimStart();
    }
    out.push(rest);
  }
  return out;
}

/** One line with `left` and `right`; a left part too long to fit goes on lines of its own. */
export function pairLines(left: string, right: string, cols: number): string[] {
  const room = cols - right.length - 1;
  if (room >= 1 && left.length <= room) return [left + ' '.repeat(cols - left.length - right.length) + right];
  const lines = wrap(left, cols);
  const last = lines.at(-1) ?? '';
  if (last.length + right.length + 1 <= cols) {
    lines[lines.length - 1] = last + ' '.repeat(cols - last.length - right.length) + right;
    return lines;
  }
  return [...lines, ' '.repeat(Math.max(0, cols - right.length)) + right];
}

// A pulse on pin 2, 50 ms on, 500 ms off: ESC p m t1 t2 (the library sends a malformed one).
const DRAWER_PULSE = Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]);
const STAR_DRAWER = Buffer.from([0x1b, 0x07, 0x0b, 0x37, 0x07]);

/**
 * The bytes of a document, through node-thermal-printer for the text and its styles, with its
 * known defects kept off the paper (FIELD-NOTES):
 * - every text is made printable for the code page first, so the library never switches code page
 *   behind our back, and no control character from data reaches the printer;
 * - the code page is selected again after every cut (the library's cut ends with ESC @, which
 *   resets it) — and at the start, after our own ESC @;
 * - the drawer pulse and the barcodes are written here: the library's pulse is malformed, its
 *   CODE128 length counts characters, not bytes, it does not escape `{`, and on a Star it sends
 *   Epson's barcode commands, which a Star prints as text.
 */
export function encode(blocks: readonly Block[], options: EncodeOptions): Buffer {
  const { model, width, codePage } = options;
  const dots = options.dots ?? width * 12;
  const encoding = codePageEncoding(model, codePage);
  codePageSelect(model, codePage); // throws, naming the known ones, for a code page the model lacks
  const characterSet = Object.values(ntp.CharacterSet).find((c) => c === codePage);
  if (!characterSet) throw new Error(`node-thermal-printer does not know the code page ${codePage}`);
  const printer = new ntp.ThermalPrinter({
    type: model === 'star' ? ntp.PrinterTypes.STAR : ntp.PrinterTypes.EPSON,
    interface: '', // none: we take the bytes (getBuffer) and send them ourselves
    width,
    characterSet,
    breakLine: ntp.BreakLine.NONE,
  });
  const clean = (s: string) => printable(s, encoding);
  const asImage = options.rasterFallback === true && options.raster !== false;
  /** the code page would print some of it as "?": an image of it, in the printer's own line height */
  const unprintable = (s: string, cleaned: string) => asImage && questionMarks(cleaned) > questionMarks(s);
  const printQr = (data: string, cell: number) => {
    printer.alignCenter();
    printer.append(model === 'star' ? starQr(data, cell) : epsonQr(data, cell));
    printer.newLine();
    printer.alignLeft();
  };
  const lineImage = (line: string | { left: string; right: string }, size: Size, align: Align, bold: boolean) => printer.append(rasterBytes(rasterLine(line, dots, { size, align, bold }), model));
  // ESC @ first (a known state, whatever the last job left), then the code page
  printer.setBuffer(Buffer.from([0x1b, 0x40]));
  const setPage = () => printer.setCharacterSet(characterSet);
  setPage();

  const style = (align: Align, bold: boolean, size: Size) => {
    if (align === 'center') printer.alignCenter();
    else if (align === 'right') printer.alignRight();
    else printer.alignLeft();
    printer.bold(bold);
    if (size === 'large') printer.setTextQuadArea();
    else if (size === 'tall') printer.setTextDoubleHeight();
    else printer.setTextNormal();
  };
  const reset = () => style('left', false, 'normal');

  for (const b of blocks) {
    switch (b.kind) {
      case 'text': {
        const size = b.size ?? 'normal';
        style(b.align ?? 'left', b.bold ?? false, size);
        // a line break the text carries is a line on paper (a two-line footer); each is cleaned on its own
        const align = b.align ?? 'left';
        for (const paragraph of b.text.split(/\r\n|\r|\n/)) {
          const cleaned = clean(paragraph);
          if (unprintable(paragraph, cleaned)) for (const line of wrap(paragraph.replace(CONTROL, ' '), columns(width, size))) lineImage(line, size, align, b.bold ?? false);
          else for (const line of wrap(cleaned, columns(width, size))) printer.println(line);
        }
        reset();
        break;
      }
      case 'pair': {
        const size = b.size ?? 'normal';
        style('left', b.bold ?? false, size);
        const left = clean(b.left);
        const right = clean(b.right);
        if (unprintable(b.left + b.right, left + right)) {
          // as the image of the line, in the text's own script (the cleaned text would be "?")
          const amount = b.right.replace(CONTROL, ' ');
          const labels = wrap(b.left.replace(CONTROL, ' '), Math.max(1, columns(width, size) - amount.length - 1));
          labels.forEach((label, k) => lineImage(k === labels.length - 1 ? { left: label, right: amount } : label, size, 'left', b.bold ?? false));
        } else {
          for (const line of pairLines(left, right, columns(width, size))) printer.println(line);
        }
        reset();
        break;
      }
      case 'rule':
        printer.println('-'.repeat(width));
        break;
      case 'feed':
        for (let i = 0; i < b.lines; i++) printer.newLine();
        break;
      case 'barcode': {
        // The symbol the data needs, at the widest module that fits the paper; a code no symbol can
        // hold, or one too long for the paper, is printed as text instead, so it can still be typed in.
        const symbol = model === 'star' ? starSymbolFor(b.data) : symbolFor(b.data);
        const module = symbol ? moduleWidth(symbol, dots) : null;
        if (!symbol || module === null) {
          // too long for the paper: a QR code, which holds more in less room; no barcode can hold
          // it (or no QR on this printer): the text, which can still be typed in
          const cell = options.qr === false || !symbol ? null : qrCell(b.data, dots, model === 'star' ? 8 : 16);
          const why = symbol ? `the barcode "${b.data}" is too long for this paper` : `no barcode can hold "${b.data}"`;
          if (cell !== null) {
            options.warn?.(`${why}: printed as a QR code`, { code: 'barcode-as-qr', data: b.data });
            printQr(b.data, cell);
          } else {
            options.warn?.(`${why}: printed as text`, { code: symbol ? 'barcode-as-text' : 'no-barcode', data: b.data });
            style('center', false, 'normal');
            printer.println(clean(b.data));
            reset();
          }
          break;
        }
        printer.alignCenter();
        printer.append(model === 'star' ? starBarcode(symbol, module) : epsonBarcode(symbol, module));
        printer.newLine();
        printer.alignLeft();
        break;
      }
      case 'qr': {
        const cell = options.qr === false ? null : qrCell(b.data, dots, model === 'star' ? 8 : 16);
        if (cell === null) {
          // no QR on this printer, or too big for its paper: the text, which can still be typed in
          style('center', false, 'normal');
          for (const line of wrap(clean(b.data), width)) printer.println(line);
          reset();
          break;
        }
        printQr(b.data, cell);
        break;
      }
      case 'image':
        if (options.raster !== false) printer.append(rasterBytes(b.image, model));
        break;
      case 'cut':
        printer.cut({ verticalTabAmount: 1 }); // 4 lines of feed bring the last line past the cutter
        setPage();
        break;
      case 'drawer':
        printer.append(model === 'star' ? STAR_DRAWER : DRAWER_PULSE);
        break;
    }
  }
  return Buffer.from(printer.getBuffer() ?? Buffer.alloc(0));
}

/**
 * The same ticket without its drawer pulse: a reprint must not open the cash drawer again. Text
 * never carries ESC (control characters are removed from data), so the pulse bytes are ours.
 */
export function withoutDrawer(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x1b && bytes[i + 1] === 0x70 && i + 4 < bytes.length) {
      i += 4; // ESC p m t1 t2
      continue;
    }
    if (bytes[i] === 0x1b && bytes[i + 1] === 0x07 && bytes[i + 4] === 0x07) {
      i += 4; // Star: ESC BEL n1 n2 BEL
      continue;
    }
    out.push(bytes[i]!);
  }
  return Buffer.from(out);
}
