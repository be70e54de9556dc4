import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { code128Parts, symbolBars, symbolModules } from '../../../drivers/printer/code128.js';
import { decode, type Printed, printedText } from '../../../drivers/printer/decode.js';
import { encode } from '../../../drivers/printer/escpos.js';

/**
 * Barcodes that scan: the bytes pinned to Epson's and Star's command references, read back by
 * model, and the bars compared with JsBarcode's own single-code-set encoders (a second opinion).
 */

const epson = { model: 'epson' as const, width: 48, codePage: 'PC858_EURO' };
const star = { model: 'star' as const, width: 48, codePage: 'PC858_EURO' };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => Buffer.from(s, 'ascii').toString('hex');
const barcodes = (items: Printed[]) => items.filter((x) => x.kind === 'barcode');
const unknowns = (items: Printed[]) => items.filter((x) => x.kind === 'unknown');

const require = createRequire(import.meta.url);
function jsBarcodeBars(file: string, data: string): string {
  const mod: { default: new (d: string, o: object) => { encode(): { data: string } | Array<{ data: string }> } } = require(`jsbarcode/bin/barcodes/${file}`);
  const r = new mod.default(data, { flat: true }).encode();
  return (Array.isArray(r) ? r : [r]).map((p) => p.data).join('');
}

describe('CODE128 on Epson', () => {
  it('a "{" in the data is sent as "{{" (a lone one would change the code set), and reads back as one', () => {
    const bytes = encode([{ kind: 'barcode', data: 'AB{C12' }], epson);
    expect(hex(bytes)).toContain(`1d6b4909${ascii('{BAB{{C12')}`);
    expect(barcodes(decode(bytes))).toEqual([{ kind: 'barcode', data: 'AB{C12', symbol: { symbology: 'code128', parts: [{ set: 'B', text: 'AB{C12' }] } }]);
    // the bars are the same JsBarcode's code set B encoder draws for the same text
    expect(symbolBars({ symbology: 'code128', parts: [{ set: 'B', text: 'AB{C12' }] })).toBe(jsBarcodeBars('CODE128/CODE128B.js', 'AB{C12'));
  });

  it('runs of digits go in code set C: at the start and end from 4, in the middle from 6, an even count', () => {
    expect(code128Parts('2026000123')).toEqual([{ set: 'C', digits: '2026000123' }]);
    expect(code128Parts('12345')).toEqual([{ set: 'C', digits: '1234' }, { set: 'B', text: '5' }]);
    expect(code128Parts('CARD-000123')).toEqual([{ set: 'B', text: 'CARD-' }, { set: 'C', digits: '000123' }]);
    expect(code128Parts('AB12345CD')).toEqual([{ set: 'B', text: 'AB12345CD' }]); // 5 digits inside: no saving
    expect(code128Parts('AB1234567CD')).toEqual([{ set: 'B', text: 'AB1' }, { set: 'C', digits: '234567' }, { set: 'B', text: 'CD' }]);
    expect(code128Parts('A12')).toEqual([{ set: 'B', text: 'A12' }]);
    // all digits: the bars are JsBarcode's code set C encoder's
    expect(symbolBars({ symbology: 'code128', parts: [{ set: 'C', digits: '2026000123' }] })).toBe(jsBarcodeBars('CODE128/CODE128C.js', '2026000123'));
    // mixed: written and read back with the code set changes
    const bytes = encode([{ kind: 'barcode', data: 'AB1234567CD' }], epson);
    expect(hex(bytes)).toContain(`1d6b490e${ascii('{BAB1')}7b43${'172d43'}${ascii('{BCD')}`);
    expect(barcodes(decode(bytes))[0]).toMatchObject({ data: 'AB1234567CD' });
  });

  it('the module is as wide as the paper allows; a code too long for the paper is printed as a QR code, else as text, with a warning', () => {
    const width = (bytes: Buffer) => bytes[hex(bytes).indexOf('1d77') / 2 + 2];
    const short = encode([{ kind: 'barcode', data: 'SHOP-0001' }], epson);
    expect(width(short)).toBe(3);
    const long = 'REF-ABCDEFGHIJ-KLMNOP'; // 21 characters in code set B
    const modules = symbolModules({ symbology: 'code128', parts: [{ set: 'B', text: long }] });
    expect(modules * 2).toBeLessThanOrEqual(576);
    expect(modules * 3).toBeGreaterThan(576);
    expect(width(encode([{ kind: 'barcode', data: long }], epson))).toBe(2);
    // the same on 58 mm paper (384 dots) does not fit even at 2 dots: a QR code, and the job says so
    const warnings: string[] = [];
    const narrow = encode([{ kind: 'barcode', data: long }], { ...epson, width: 32, warn: (w) => warnings.push(w) });
    expect(hex(narrow)).not.toContain('1d6b');
    expect(decode(narrow).filter((x) => x.kind === 'qr')).toMatchObject([{ kind: 'qr', data: long }]);
    expect(warnings).toEqual([`the barcode "${long}" is too long for this paper: printed as a QR code`]);
    // a printer without QR codes: the text, still readable
    const plain: string[] = [];
    const text = encode([{ kind: 'barcode', data: long }], { ...epson, width: 32, qr: false, warn: (w) => plain.push(w) });
    expect(printedText(decode(text))).toEqual([long]);
    expect(plain).toEqual([`the barcode "${long}" is too long for this paper: printed as text`]);
  });
});

describe('EAN-13', () => {
  it('13 digits with a valid check digit print as EAN-13 (12 digits sent, the printer adds the check digit)', () => {
    const bytes = encode([{ kind: 'barcode', data: '4006381333931' }], epson);
    expect(hex(bytes)).toContain(`1d6b430c${ascii('400638133393')}`);
    expect(barcodes(decode(bytes))).toEqual([{ kind: 'barcode', data: '4006381333931', symbol: { symbology: 'ean13', digits: '4006381333931' } }]);
    expect(symbolBars({ symbology: 'ean13', digits: '4006381333931' })).toBe(jsBarcodeBars('EAN_UPC/EAN13.js', '4006381333931'));
    // a wrong check digit is not an EAN: CODE128, which carries the 13 digits as they are
    expect(barcodes(decode(encode([{ kind: 'barcode', data: '4006381333932' }], epson)))[0]?.symbol.symbology).toBe('code128');
  });
});

describe('Star Line mode', () => {
  it('a Star gets ESC b (CODE128 type 6, HRI below, module, height), never Epson GS k; "%" escaped as "%0"', () => {
    const bytes = encode([{ kind: 'barcode', data: 'CARD-100%' }], star);
    for (const gs of ['1d6b', '1d77', '1d48', '1d68']) expect(hex(bytes)).not.toContain(gs); // Epson's GS k, GS w, GS H, GS h
    expect(hex(bytes)).toContain(`1b6236343250${ascii('CARD-100%0')}1e`);
    const items = decode(bytes, 'star');
    expect(barcodes(items)).toEqual([{ kind: 'barcode', data: 'CARD-100%', symbol: { symbology: 'code128', parts: [{ set: 'B', text: 'CARD-100%' }] } }]);
    expect(unknowns(items)).toEqual([]);
    const ean = encode([{ kind: 'barcode', data: '4006381333931' }], star);
    expect(hex(ean)).toContain(`1b6233343250${ascii('400638133393')}1e`);
    expect(barcodes(decode(ean, 'star'))[0]).toMatchObject({ data: '4006381333931', symbol: { symbology: 'ean13' } });
  });

  it('Epson barcode bytes read as a Star reads them: unknown commands and the text it prints, no barcode', () => {
    const items = decode(encode([{ kind: 'barcode', data: 'B2026' }], epson), 'star');
    expect(barcodes(items)).toEqual([]);
    expect(unknowns(items).length).toBeGreaterThan(0);
  });

  it('every ticket layout on a Star reads back with no command a Star does not know', async () => {
    const { receiptBlocks, clientCardBlocks, testPageBlocks } = await import('../../../agent/printing/tickets.js');
    const shop = { name: 'Boulangerie du Lac', address: ['Rue du Lac 1'], vatNumber: 'CHE-123.456.789 TVA', logo: null, logoDithering: 'threshold' as const, country: 'CH' };
    const client = {
      id: 'c1', kind: 'person' as const, civility: 'Mme', firstName: 'Anne', lastName: 'Rochat', companyName: null, reference: 'CARD-000123', accountNumber: null,
      group: null, email: null, phone: null, address: { street: null, street2: null, postalCode: '1003', city: 'Lausanne', country: 'CH' }, notes: null,
      accountBalance: 0, walletBalance: 0, version: 1, etag: '"1"', updatedAt: '2026-12-02T10:00:00Z', groupId: null,
    };
    const receipt = { number: '2026-1', issuedAt: '2026-12-02T10:00:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, amount: 420 }], total: 420, footer: 'Merci', barcode: '2026000001' };
    for (const blocks of [
      receiptBlocks(receipt, shop, 'fr', null, true),
      clientCardBlocks(client, shop, 'fr'),
      testPageBlocks({ id: 'p', name: 'Star', width: 48, codePage: 'PC858_EURO', transport: 'tcp' }, shop, new Date()),
    ]) {
      const items = decode(encode(blocks, star), 'star');
      expect(unknowns(items)).toEqual([]);
      expect(barcodes(items)).toHaveLength(1);
    }
  });
});

describe('line breaks', () => {
  it('a line break in a text is a line on paper, each line wrapped on its own', () => {
    const items = decode(encode([{ kind: 'text', text: 'Merci de votre visite !\nÀ bientôt', align: 'center' }], epson));
    expect(printedText(items)).toEqual(['Merci de votre visite !', 'À bientôt']);
    expect(printedText(decode(encode([{ kind: 'text', text: 'a\r\nb' }], epson)))).toEqual(['a', 'b']);
  });
});
