import { describe, expect, it } from 'vitest';
import { decode, type Printed, printedText } from '../../../drivers/printer/decode.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { rasterLine } from '../../../drivers/printer/text-raster.js';

/** Text in any script: a line the code page cannot print goes as an image of it; the rest stays text. */

const epson = { model: 'epson' as const, width: 48, codePage: 'PC858_EURO', dots: 576, rasterFallback: true };
const images = (items: Printed[]) => items.filter((x): x is Extract<Printed, { kind: 'image' }> => x.kind === 'image');
/** Dark dots in columns [from, to) of the image. */
const ink = (img: { width: number; height: number; bits: Uint8Array }, from = 0, to = img.width) => {
  let n = 0;
  for (let y = 0; y < img.height; y++) for (let x = from; x < to; x++) if (img.bits[y * (img.width / 8) + (x >> 3)]! & (0x80 >> (x & 7))) n++;
  return n;
};

describe('raster fallback', () => {
  it('Cyrillic, Chinese, Arabic and Greek lines print as images of the line, the Latin ones stay text', () => {
    const names = ['Владимир Петров', '王伟', 'محمد علي', 'Ελένη'];
    const items = decode(encode([{ kind: 'text', text: 'Client' }, ...names.map((text) => ({ kind: 'text' as const, text })), { kind: 'text', text: 'Zoë Müller' }], epson));
    expect(printedText(items)).toEqual(['Client', 'Zoë Müller']); // Latin-1 in PC858: text, sharp and fast
    const [img] = images(items); // consecutive line images read back as one picture
    expect(img).toMatchObject({ width: 576, height: 24 * names.length });
    for (let k = 0; k < names.length; k++) {
      const band = { width: 576, height: 24, bits: img!.bits.subarray(k * 24 * 72, (k + 1) * 24 * 72) };
      expect([names[k], ink(band) > 40]).toEqual([names[k], true]); // a glyph for every script, no empty boxes
    }
    expect(items.some((x) => x.kind === 'line' && x.text.includes('?'))).toBe(false);
  });

  it('alignment and size as the text would have: a centred line is centred, a right-to-left line set from the right', () => {
    const centred = rasterLine('Владимир', 576, { align: 'center' });
    expect(ink(centred, 0, 200)).toBe(0);
    expect(ink(centred, 200, 376)).toBeGreaterThan(100);
    const right = rasterLine('محمد علي', 576, { align: 'right' });
    expect(ink(right, 0, 400)).toBe(0);
    expect(ink(right, 400, 576)).toBeGreaterThan(100);
    expect(rasterLine('王伟', 576, { size: 'tall' }).height).toBe(48);
  });

  it('off (rasterFallback false, or a printer without images): the code page\'s "?" as before', () => {
    expect(printedText(decode(encode([{ kind: 'text', text: 'Владимир' }], { ...epson, rasterFallback: false })))).toEqual(['????????']);
    expect(printedText(decode(encode([{ kind: 'text', text: 'Владимир' }], { ...epson, raster: false })))).toEqual(['????????']);
  });

  it('a pair (a line\'s label and its amount) with a label in another script is one image of the line; on a Star too', () => {
    const epsonItems = decode(encode([{ kind: 'pair', left: 'Борщ', right: '12.50' }], epson));
    expect(images(epsonItems)).toHaveLength(1);
    const starItems = decode(encode([{ kind: 'pair', left: 'Борщ', right: '12.50' }], { ...epson, model: 'star' }), 'star');
    expect(images(starItems)).toHaveLength(1);
    expect(starItems.filter((x) => x.kind === 'unknown')).toEqual([]);
  });
});
