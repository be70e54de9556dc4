import QRCode from 'qrcode';

/**
 * QR codes: the printer draws them with its own command (Epson `GS ( k`, Star `ESC GS y`) from
 * the data; the agent picks the cell size so the code fits the paper, and the preview draws the
 * same symbol with the qrcode library (the version and error correction the printer chooses for
 * the data: the smallest that holds it, at level M).
 */

export const QR_MAX_CHARS = 500;
const QUIET = 4; // modules of white around the code, each side

/** Modules across the symbol of `data` at level M (21 for version 1 … 177 for version 40). */
export function qrSize(data: string): number {
  return QRCode.create(data, { errorCorrectionLevel: 'M' }).modules.size;
}

/**
 * Dots a module, so that the code takes about half the paper (easy to scan from a phone, room for
 * the rest), at most `max` (8 on a Star, 16 on an Epson) and at least 2; null when even 2 does not fit.
 */
export function qrCell(data: string, dots: number, max: number): number | null {
  const across = qrSize(data) + 2 * QUIET;
  if (across * 2 > dots) return null;
  return Math.max(2, Math.min(max, Math.floor((dots * 0.5) / across)));
}

/** The symbol's dark modules, row by row, for the preview. */
export function qrMatrix(data: string): boolean[][] {
  const m = QRCode.create(data, { errorCorrectionLevel: 'M' }).modules;
  return Array.from({ length: m.size }, (_, y) => Array.from({ length: m.size }, (_, x) => Boolean(m.get(x, y))));
}

const gsk = (fn: number, params: readonly number[]) => {
  const n = params.length + 2;
  return Buffer.from([0x1d, 0x28, 0x6b, n & 0xff, n >> 8, 0x31, fn, ...params]);
};

/** Epson: model 2, the cell size, level M, store the data, print it. */
export function epsonQr(data: string, cell: number): Buffer {
  const bytes = Buffer.from(data, 'utf8');
  return Buffer.concat([gsk(0x41, [0x32, 0x00]), gsk(0x43, [cell]), gsk(0x45, [0x31]), gsk(0x50, [0x30, ...bytes]), gsk(0x51, [0x30])]);
}

/** Star Line mode: model 2, level M, the cell size, the data (auto analysis), print. */
export function starQr(data: string, cell: number): Buffer {
  const bytes = Buffer.from(data, 'utf8');
  const y = (rest: readonly number[]) => Buffer.from([0x1b, 0x1d, 0x79, ...rest]);
  return Buffer.concat([y([0x53, 0x30, 0x02]), y([0x53, 0x31, 0x01]), y([0x53, 0x32, cell]), y([0x44, 0x31, 0x00, bytes.length & 0xff, bytes.length >> 8]), bytes, y([0x50])]);
}
