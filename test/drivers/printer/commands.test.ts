import { describe, expect, it } from 'vitest';
import { decode } from '../../../drivers/printer/decode.js';
import { type Block, encode } from '../../../drivers/printer/escpos.js';

/**
 * Byte-level fixtures for the text, style, drawer and cut commands, written from the vendors'
 * references (Epson ESC/POS Application Programming Guide; Star Line Mode Command Specifications),
 * each command named: a change in any byte fails here. Barcodes, QR codes and images have theirs in
 * barcodes.test.ts, qr.test.ts, logo.test.ts and text-raster.test.ts.
 */

const blocks: Block[] = [{ kind: 'drawer' }, { kind: 'text', text: 'Zürich', align: 'center', bold: true, size: 'large' }, { kind: 'text', text: 'x', size: 'tall' }, { kind: 'cut' }];
const seq = (...parts: string[]) => parts.join('').replace(/ /g, '');

describe('command fixtures', () => {
  it('Epson ESC/POS', () => {
    const hex = encode(blocks, { model: 'epson', width: 48, codePage: 'PC858_EURO' }).toString('hex');
    expect(hex).toBe(
      seq(
        '1b40', // ESC @ initialise
        '1b7413', // ESC t 19: code page PC858 (Euro)
        '1b700019fa', // ESC p 0 25 250: pulse pin 2, 50 ms on, 500 ms off
        '1b6101', '1b4501', '1b2130', // ESC a 1 centre, ESC E 1 bold, ESC ! 0x30 double height and width
        '5a81726963680a', // "Zürich" in PC858 (ü = 0x81), LF
        '1b6100', '1b4500', '1b2100', // back to left, not bold, normal size
        '1b6100', '1b4500', '1b2110', '780a', // ESC ! 0x10 double height, "x"
        '1b6100', '1b4500', '1b2100',
        '1b6404', // ESC d 4: the last line past the cutter
        '1d5600', // GS V 0: full cut
        '1b40', '1b7413', // initialised again by the cut, the code page selected again
      ),
    );
    expect(decode(Buffer.from(hex, 'hex')).filter((x) => x.kind === 'unknown')).toEqual([]);
  });

  it('Star Line mode', () => {
    const hex = encode(blocks, { model: 'star', width: 48, codePage: 'PC858_EURO' }).toString('hex');
    expect(hex).toBe(
      seq(
        '1b40', // ESC @ initialise
        '1b1d7404', // ESC GS t 4: code page 858
        '1b070b3707', // ESC BEL n1 n2 (110 ms on, 550 ms delay), BEL: fire drawer 1
        '1b1d6101', '1b45', '1b690101', // ESC GS a 1 centre, ESC E bold, ESC i 1 1 double height and width
        '5a81726963680a', // "Zürich" (ü = 0x81), LF
        '1b1d6100', '1b46', '1b690000', // left, ESC F not bold, normal size
        '1b1d6100', '1b46', '1b690100', '780a', // ESC i 1 0 double height, "x"
        '1b1d6100', '1b46', '1b690000',
        '0b', // VT: feed before the cut
        '1b6402', // ESC d 2: feed to the cutter, full cut
        '1b40', '1b1d7404',
      ),
    );
    expect(decode(Buffer.from(hex, 'hex'), 'star').filter((x) => x.kind === 'unknown')).toEqual([]);
  });
});
