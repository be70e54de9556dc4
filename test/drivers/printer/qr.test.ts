import { describe, expect, it } from 'vitest';
import { decode, type Printed, printedText } from '../../../drivers/printer/decode.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { previewHtml } from '../../../drivers/printer/preview.js';
import { qrMatrix, qrSize } from '../../../drivers/printer/qr.js';

/** QR codes: the printers' own commands, pinned to Epson's and Star's references, read back by model. */

const epson = { model: 'epson' as const, width: 48, codePage: 'PC858_EURO' };
const star = { model: 'star' as const, width: 48, codePage: 'PC858_EURO' };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const LINK = 'https://kleek.example/r/2026-000123';
const qrs = (items: Printed[]) => items.filter((x) => x.kind === 'qr');

describe('QR codes', () => {
  it('Epson: GS ( k model 2, cell size, level M, the data stored, then printed; read back with its data', () => {
    expect(qrSize(LINK)).toBe(29); // version 3 at level M
    const bytes = encode([{ kind: 'qr', data: LINK }], epson);
    const data = Buffer.from(LINK).toString('hex');
    const n = LINK.length + 3;
    // half of 576 dots over 29 + 8 modules: 7 dots a module
    expect(hex(bytes)).toContain(`1d286b0400314132001d286b03003143071d286b03003145311d286b${n.toString(16).padStart(2, '0')}00315030${data}1d286b0300315130`);
    expect(qrs(decode(bytes))).toEqual([{ kind: 'qr', data: LINK, cell: 7 }]);
    expect(decode(bytes).filter((x) => x.kind === 'unknown')).toEqual([]);
  });

  it('Star Line mode: ESC GS y (model, level, cell at most 8), the data with its length, print', () => {
    const bytes = encode([{ kind: 'qr', data: LINK }], star);
    const data = Buffer.from(LINK).toString('hex');
    expect(hex(bytes)).toContain(`1b1d795330021b1d795331011b1d795332071b1d79443100${LINK.length.toString(16)}00${data}1b1d7950`);
    expect(hex(bytes)).not.toContain('1d286b'); // never Epson's
    const items = decode(bytes, 'star');
    expect(qrs(items)).toEqual([{ kind: 'qr', data: LINK, cell: 7 }]);
    expect(items.filter((x) => x.kind === 'unknown')).toEqual([]);
    // Epson's QR bytes on a Star: no QR, commands it does not know
    expect(qrs(decode(encode([{ kind: 'qr', data: LINK }], epson), 'star'))).toEqual([]);
  });

  it('500 characters fit 58 mm paper; a printer without QR prints the text', () => {
    const long = `https://kleek.example/r/${'x'.repeat(476)}`;
    const [code] = qrs(decode(encode([{ kind: 'qr', data: long }], { ...epson, width: 32, dots: 384 })));
    expect(code).toBeDefined();
    expect(code!.cell * (qrSize(long) + 8)).toBeLessThanOrEqual(384);
    const plain = decode(encode([{ kind: 'qr', data: LINK }], { ...epson, qr: false }));
    expect(qrs(plain)).toEqual([]);
    expect(printedText(plain)).toEqual([LINK]);
  });

  it('the preview draws the QR code of the data the bytes carry, finder patterns in three corners', () => {
    const html = previewHtml(decode(encode([{ kind: 'qr', data: LINK }], epson)), 48, 't');
    expect(html).toContain(`aria-label="QR ${LINK}"`);
    const m = qrMatrix(LINK);
    const finder = (x: number, y: number) => [0, 6].every((d) => m[y + d]!.slice(x, x + 7).every(Boolean)) && m[y + 1]![x + 1] === false;
    expect([finder(0, 0), finder(m.length - 7, 0), finder(0, m.length - 7)]).toEqual([true, true, true]);
    expect(html.match(/<rect /g)?.length).toBe(m.flat().filter(Boolean).length);
  });
});
