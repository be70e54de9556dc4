import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from '../../../agent/config.js';
import { logoFor } from '../../../agent/printing/logo.js';
import { decode, type Printed } from '../../../drivers/printer/decode.js';
import { encode } from '../../../drivers/printer/escpos.js';
import { previewHtml } from '../../../drivers/printer/preview.js';
import { agentPerTest, tempDir } from '../../helpers/agent.js';
import { runAgent, writeConfig } from '../../helpers/process.js';

/** The shop's logo: checked at start, made 1-bit once per printer, printed in bands, read back from the bytes. */

const open = agentPerTest();

/** A PNG `w` × `h`: its left half black, its right half transparent (paper). */
function logoPng(dir: string, w = 800, h = 200, name = 'logo.png'): string {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) png.data.set(x < w / 2 ? [0, 0, 0, 255] : [255, 255, 255, 0], (y * w + x) * 4);
  const file = path.join(dir, name);
  writeFileSync(file, PNG.sync.write(png));
  return file;
}

const images = (items: Printed[]) => items.filter((x): x is Extract<Printed, { kind: 'image' }> => x.kind === 'image');
const dark = (img: { width: number; bits: Uint8Array }, x: number, y: number) => (img.bits[y * (img.width / 8) + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
const receipt = { number: 'L-1', issuedAt: '2026-12-02T10:00:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, amount: 420 }], total: 420 };

describe('the shop\'s logo', () => {
  it('printed first on receipts and client cards, scaled to the paper\'s dots, in bands a printer\'s buffer takes', async () => {
    const dir = tempDir();
    const file = logoPng(dir);
    const t = await open({ config: { shop: { name: 'Boulangerie', logo: file }, printers: [{ id: 'p', name: 'P', roles: ['receipt', 'client'], transport: { type: 'virtual' } }] } });
    const { renderRequest } = await import('../../../agent/printing/render.js');
    const r = renderRequest({ type: 'receipt', ticket: receipt }, t.agent.config, t.agent.services.directory);
    const items = decode(r.bytes);
    const [img] = images(items);
    expect(items.findIndex((x) => x.kind === 'image')).toBeLessThan(items.findIndex((x) => x.kind === 'line' && x.text === 'Boulangerie'));
    expect(img).toMatchObject({ width: 576, height: 144 }); // 800 × 200 scaled to 576 dots
    expect([dark(img!, 10, 10), dark(img!, 287, 70), dark(img!, 289, 70), dark(img!, 570, 140)]).toEqual([true, true, false, false]);
    // GS v 0 bands of at most 2 KiB: 72 bytes a row, 28 rows a band
    const bands = Buffer.from(r.bytes).toString('hex').split('1d7630004800').length - 1;
    expect(bands).toBe(Math.ceil(144 / 28));
    const card = renderRequest({ type: 'client', client: { id: (await t.agent.services.directory.createClient({ lastName: 'Rey', firstName: 'Marc' })).id } }, t.agent.config, t.agent.services.directory);
    expect(images(decode(card.bytes))).toHaveLength(1);
    // the preview shows the picture from the bytes
    expect(previewHtml(items, 48, 't')).toMatch(/<img alt="printed image" width="576" height="144" src="data:image\/png;base64,/);
  });

  it('made 1-bit once per printer and encoded once, not for every ticket; a printer may turn it off', async () => {
    const dir = tempDir();
    const file = logoPng(dir);
    const t = await open({
      config: {
        shop: { logo: file },
        printers: [
          { id: 'wide', name: 'W', roles: ['receipt'], transport: { type: 'virtual' } },
          { id: 'narrow', name: 'N', profile: 'generic-58mm', transport: { type: 'virtual' } },
          { id: 'none', name: 'X', logo: false, transport: { type: 'virtual' } },
        ],
      },
    });
    const [wide, narrow, none] = t.agent.config.printers;
    expect(logoFor(t.agent.config, wide!)).toBe(logoFor(t.agent.config, wide!));
    expect(logoFor(t.agent.config, narrow!)).toMatchObject({ width: 384, height: 96 });
    expect(logoFor(t.agent.config, none!)).toBeNull();
    const image = logoFor(t.agent.config, wide!)!;
    const a = encode([{ kind: 'image', image }], { model: 'epson', width: 48, codePage: 'PC858_EURO' });
    const b = encode([{ kind: 'image', image }], { model: 'epson', width: 48, codePage: 'PC858_EURO' });
    expect(a.equals(b)).toBe(true);
  });

  it('a grey logo: black above the threshold, or dithered (shop.logoDithering) to about its share of black dots', () => {
    const dir = tempDir();
    const png = new PNG({ width: 576, height: 48 });
    for (let k = 0; k < png.data.length; k += 4) png.data.set([160, 160, 160, 255], k); // 37 % black
    const file = path.join(dir, 'grey.png');
    writeFileSync(file, PNG.sync.write(png));
    const share = (dithering: string) => {
      const config = loadConfigFile(writeConfig(dir, { shop: { logo: file, logoDithering: dithering }, printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' } }] })).config;
      const img = logoFor(config, config.printers[0]!)!;
      let black = 0;
      for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (dark(img, x, y)) black++;
      return black / (img.width * img.height);
    };
    expect(share('threshold')).toBe(0); // lighter than mid-grey: paper
    expect(share('floyd-steinberg')).toBeGreaterThan(0.3);
    expect(share('floyd-steinberg')).toBeLessThan(0.45);
  });

  it('a Star gets ESC k bands of 24 rows at 3 mm line spacing; read back, the same picture as the Epson\'s', () => {
    const dir = tempDir();
    const config = loadConfigFile(writeConfig(dir, { shop: { logo: logoPng(dir) }, printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' } }] })).config;
    const image = logoFor(config, config.printers[0]!)!;
    const star = encode([{ kind: 'image', image }], { model: 'star', width: 48, codePage: 'PC858_EURO' });
    const hex = star.toString('hex');
    expect(hex).toContain('1b301b6b4800');
    expect(hex).toContain('1b7a31');
    expect(hex).not.toContain('1d76'); // never Epson's GS v 0
    const [fromStar] = images(decode(star, 'star'));
    const [fromEpson] = images(decode(encode([{ kind: 'image', image }], { model: 'epson', width: 48, codePage: 'PC858_EURO' })));
    expect(fromStar!.height).toBe(Math.ceil(144 / 24) * 24); // the last band padded with paper
    expect(Buffer.from(fromStar!.bits.subarray(0, fromEpson!.bits.length)).equals(Buffer.from(fromEpson!.bits))).toBe(true);
    expect(decode(star, 'star').filter((x) => x.kind === 'unknown')).toEqual([]);
  });

  it('a missing, unreadable or too tall logo stops the start (exit 2) naming the key and what to do; following the advice, it starts', async () => {
    const dir = tempDir();
    const problem = (logo: unknown, printerLogo?: unknown): string => {
      try {
        loadConfigFile(writeConfig(dir, { shop: { logo }, printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' }, ...(printerLogo === undefined ? {} : { logo: printerLogo }) }] }));
      } catch (err) {
        if (err instanceof ConfigError) return err.problems.join('\n');
        throw err;
      }
      return '';
    };
    expect(problem('nope.png')).toMatch(/^shop\.logo: .*nope\.png is not there: put the PNG there, fix the path \(relative to the config file's folder\), or set null for no logo$/);
    writeFileSync(path.join(dir, 'bad.png'), 'not a png');
    expect(problem('bad.png')).toMatch(/^shop\.logo: .*bad\.png is not a PNG the agent can read .*: save the logo as PNG$/);
    logoPng(dir, 200, 700, 'tall.png');
    expect(problem(null, 'tall.png')).toMatch(/^printers\.0\.logo: .*tall\.png would be \d+ mm tall on 80 mm paper, over the 75 mm a logo may take: crop it, or make it wider than tall$/);
    logoPng(dir);
    expect(problem('logo.png')).toBe('');
    expect(problem(null)).toBe('');
    // the agent itself: exit 2, the line on stderr
    const run = runAgent(['--config', writeConfig(dir, { store: { dir: path.join(dir, 'store') }, shop: { logo: 'nope.png' } })]);
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output()).toContain('shop.logo:');
  });
});
