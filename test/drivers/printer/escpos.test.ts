import { describe, expect, it } from 'vitest';
import { printable } from '../../../drivers/printer/codepage.js';
import { decode, printedText } from '../../../drivers/printer/decode.js';
import { type Block, encode, pairLines, wrap } from '../../../drivers/printer/escpos.js';

/** The bytes that reach the paper, pinned, and read back by the project's decoder. */

const epson = { model: 'epson' as const, width: 42, codePage: 'PC858_EURO' };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ESC/POS encoding (node-thermal-printer, with its defects kept off the paper)', () => {
  it('French and German accents and € come out right, also after a cut (the code page is selected again)', () => {
    const bytes = encode(
      [
        { kind: 'text', text: 'Café crème, Müller, Größe: 4.20 €' },
        { kind: 'cut' },
        { kind: 'text', text: 'À bientôt! Über 5 € Rabatt' },
      ],
      epson,
    );
    expect(printedText(decode(bytes))).toEqual(['Café crème, Müller, Größe: 4.20 €', 'À bientôt! Über 5 € Rabatt']);
    // CP858: é = 0x82, € = 0xD5, À = 0xB7; ESC t 19 right after each ESC @
    expect(hex(bytes)).toContain('43616682'); // "Caf" then é
    expect(hex(bytes)).toContain('b72062');
    const items = decode(bytes).map((x) => x.kind);
    const inits = items.flatMap((k, i) => (k === 'init' ? [i] : []));
    expect(inits.length).toBe(2);
    for (const i of inits) expect(decode(bytes)[i + 1]).toEqual({ kind: 'codepage', name: 'PC858_EURO' });
  });

  it('one well-formed drawer pulse when asked (ESC p 0 25 250), none otherwise', () => {
    const withDrawer = encode([{ kind: 'drawer' }, { kind: 'text', text: 'Total' }, { kind: 'cut' }], epson);
    expect(hex(withDrawer).split('1b700019fa').length - 1).toBe(1);
    expect(hex(withDrawer)).not.toContain('1b70001b7001'); // the library's malformed pair
    expect(decode(withDrawer).filter((x) => x.kind === 'drawer')).toEqual([{ kind: 'drawer', pin: 2, onMs: 50, offMs: 500 }]);
    const without = encode([{ kind: 'text', text: 'Total' }, { kind: 'cut' }], epson);
    expect(decode(without).some((x) => x.kind === 'drawer')).toBe(false);
  });

  it('CODE128: digit pairs in code set C, the length byte counts every byte; data a barcode cannot hold is printed as text', () => {
    const bytes = encode([{ kind: 'barcode', data: '2026000123' }], epson);
    // {C then 20 26 00 01 23 as one byte a pair (Epson's GS k m=73 format)
    expect(hex(bytes)).toContain('1d6b49077b43141a000117');
    expect(decode(bytes).filter((x) => x.kind === 'barcode')).toEqual([{ kind: 'barcode', data: '2026000123', symbol: { symbology: 'code128', parts: [{ set: 'C', digits: '2026000123' }] } }]);
    const accented = encode([{ kind: 'barcode', data: 'Zürich-1' }], epson);
    expect(hex(accented)).not.toContain('1d6b');
    expect(printedText(decode(accented))).toEqual(['Zürich-1']); // as text, still readable
  });

  it('control characters in data never reach the printer as commands', () => {
    const hostile = 'Evil\u001b@\u001dV\u0000\u0010\u0004\u0001\u0007\u001bp\u0000\u0019\u00faName\u009b';
    const bytes = encode([{ kind: 'text', text: hostile }, { kind: 'pair', left: `A\u001b!\u0030`, right: '1\u001bd\u0009' }], epson);
    const items = decode(bytes);
    expect(items.filter((x) => x.kind === 'unknown' || x.kind === 'drawer' || x.kind === 'cut' || x.kind === 'status-request')).toEqual([]);
    expect(items.filter((x) => x.kind === 'init')).toHaveLength(1); // ours, at the start
    expect(printedText(items)[0]).toBe('Evil @ V      p  úName');
  });

  it('what the code page cannot show is transliterated where natural, else "?"', () => {
    expect(printable('Łódź, Straße, œuvre, “quoted” – 北京 😀', 'CP858')).toBe('Lódz, Straße, oeuvre, "quoted" - ?? ?'); // ó and ß are in CP858
    const bytes = encode([{ kind: 'text', text: 'Łukasz Wałęsa — 王' }], epson);
    expect(printedText(decode(bytes))).toEqual(['Lukasz Walesa - ?']);
    // never a silent switch to another code page for the rest of the ticket
    expect(decode(bytes).filter((x) => x.kind === 'codepage')).toHaveLength(1);
  });

  it('styles: alignment, bold, double height and double size, read back as printed', () => {
    const blocks: Block[] = [
      { kind: 'text', text: 'Boulangerie du Lac', align: 'center', bold: true, size: 'large' },
      { kind: 'text', text: 'Commande 42', size: 'tall' },
      { kind: 'text', text: 'Merci', align: 'right' },
    ];
    const lines = decode(encode(blocks, epson)).filter((x) => x.kind === 'line');
    expect(lines).toEqual([
      { kind: 'line', text: 'Boulangerie du Lac', align: 'center', bold: true, size: 'large' },
      { kind: 'line', text: 'Commande 42', align: 'left', bold: false, size: 'tall' },
      { kind: 'line', text: 'Merci', align: 'right', bold: false, size: 'normal' },
    ]);
  });

  it('lines fit the paper: 32, 42 and 48 columns, double width halves them', () => {
    for (const width of [32, 42, 48]) {
      const bytes = encode(
        [
          { kind: 'text', text: 'Pain au levain bio tranché, sans sel ajouté, cuit au feu de bois ce matin' },
          { kind: 'pair', left: 'Tresse au beurre familiale extra longue', right: "1'234.50" },
          { kind: 'text', text: 'Très grand titre sur deux lignes', size: 'large' },
        ],
        { ...epson, width },
      );
      for (const l of decode(bytes)) {
        if (l.kind === 'line') expect(l.text.length).toBeLessThanOrEqual(l.size === 'large' ? width / 2 : width);
      }
    }
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(pairLines('Café', '4.20', 12)).toEqual(['Café    4.20']);
    expect(pairLines('Croissant au beurre', '4.20', 12)).toEqual(['Croissant au', 'beurre  4.20']);
  });

  it('Star printers get Star Line commands, read back the same', () => {
    const star = { model: 'star' as const, width: 48, codePage: 'PC858_EURO' };
    const bytes = encode([{ kind: 'text', text: 'Zürich €', bold: true, align: 'center' }, { kind: 'cut' }, { kind: 'text', text: 'Genève' }], star);
    const items = decode(bytes, 'star');
    expect(printedText(items)).toEqual(['Zürich €', 'Genève']);
    expect(items.find((x) => x.kind === 'line')).toMatchObject({ bold: true, align: 'center' });
    expect(items.filter((x) => x.kind === 'cut')).toHaveLength(1);
    expect(items.filter((x) => x.kind === 'unknown')).toEqual([]);
  });
});

describe('preview', () => {
  it('draws the real CODE128 bars of the barcode the bytes carry (start B, data, check, stop)', async () => {
    const { previewHtml } = await import('../../../drivers/printer/preview.js');
    const { code128Modules } = await import('../../../drivers/printer/code128.js');
    const modules = code128Modules('SHOP-AB')!;
    expect(modules.startsWith('11010010000')).toBe(true); // start B
    expect(modules.endsWith('1100011101011')).toBe(true); // stop
    expect(modules.length).toBe(11 * (7 + 2) + 13); // start, 7 data, check: 11 modules each; stop: 13
    const html = previewHtml(decode(encode([{ kind: 'barcode', data: 'SHOP-AB' }], epson)), 42, 't');
    expect(html).toContain(`<svg viewBox="0 0 ${modules.length} 40"`);
    expect(html).toContain('<rect x="0" y="0" width="2" height="40"/>');
  });
});

describe('reprints', () => {
  it('a copy of a ticket without its drawer pulse, the rest byte for byte', async () => {
    const { withoutDrawer } = await import('../../../drivers/printer/escpos.js');
    const withPulse = encode([{ kind: 'drawer' }, { kind: 'text', text: 'Total 12.50 €' }, { kind: 'cut' }], epson);
    const copy = withoutDrawer(withPulse);
    expect(decode(copy).some((x) => x.kind === 'drawer')).toBe(false);
    expect(hex(copy)).toBe(hex(encode([{ kind: 'text', text: 'Total 12.50 €' }, { kind: 'cut' }], epson)));
  });
});
