import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { parseConfig } from '../agent/config.js';
import { logoFor, readLogo } from '../agent/printing/logo.js';
import { receiptBlocks } from '../agent/printing/tickets.js';
import { encode } from '../drivers/printer/escpos.js';
import { epsonRaster, toMono } from '../drivers/printer/raster.js';
import { rasterLine } from '../drivers/printer/text-raster.js';
import { type Summary, summarize } from './lib/stats.js';

/**
 * (g, receipts) The agent's own time to make a receipt's bytes, in process (transfer aside):
 * the same receipt with the shop's logo (made once and cached, as when printing) against without,
 * interleaved; the first encoding of a 576 × 200 logo (read, decode, scale, 1-bit, bands); and a
 * receipt with a QR code and a barcode.
 */

export interface ReceiptBenchResult {
  plain: Summary;
  withLogo: Summary;
  logoCostMs: number;
  firstLogo: Summary;
  withQr: Summary;
  /** a line in a script the code page lacks, drawn as an image (the renderer and fonts already loaded) */
  rasterLine: Summary;
  /** the first one: loading the renderer and registering the fonts */
  firstRasterLineMs: number;
}

const ticket = {
  number: '2026-000123',
  issuedAt: '2026-11-27T10:15:00+01:00',
  currency: 'CHF',
  lines: [{ label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840 }, { label: 'Croissant', quantity: 1, amount: 190 }],
  total: 1030,
  payments: [{ method: 'Espèces', amount: 1100 }],
  change: 70,
  footer: 'Merci de votre visite !\nÀ bientôt',
};

/** A 576 × 200 logo with the detail of a real one: a frame, letters' strokes, a grey band. */
function writeLogo(file: string): void {
  const png = new PNG({ width: 576, height: 200 });
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 576; x++) {
      const frame = x < 6 || x > 569 || y < 6 || y > 193;
      const strokes = y > 60 && y < 140 && (x % 48 < 10 || (y - 60) % 40 < 8);
      const v = frame || strokes ? 0 : y > 160 ? 140 : 255;
      png.data.set([v, v, v, 255], (y * 576 + x) * 4);
    }
  }
  writeFileSync(file, PNG.sync.write(png));
}

export function runReceiptBench(tmp: string, rounds = 600): ReceiptBenchResult {
  const file = path.join(tmp, 'bench-logo.png');
  writeLogo(file);
  const config = parseConfig({ shop: { name: 'Boulangerie du Lac', address: ['Rue du Lac 1', '1003 Lausanne'], logo: file }, printers: [{ id: 'p', name: 'P', transport: { type: 'virtual' } }] }, 'bench');
  const printer = config.printers[0]!;
  const opts = { model: printer.model, width: printer.width, codePage: printer.codePage, dots: printer.dots };
  const logo = logoFor(config, printer); // made once, as the first ticket would
  const plain: number[] = [];
  const withLogo: number[] = [];
  const withQr: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    encode(receiptBlocks(ticket, config.shop, 'fr', null, false), opts);
    plain.push(performance.now() - t);
    t = performance.now();
    encode(receiptBlocks(ticket, config.shop, 'fr', null, false, logo), opts);
    withLogo.push(performance.now() - t);
    t = performance.now();
    encode(receiptBlocks({ ...ticket, qr: 'https://kleek.example/r/2026-000123', barcode: '2026000123' }, config.shop, 'fr', null, false), opts);
    withQr.push(performance.now() - t);
  }
  const first: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const picture = readLogo(file);
    epsonRaster(toMono(picture.rgba, picture.width, picture.height, 576));
    first.push(performance.now() - t);
  }
  let t = performance.now();
  rasterLine('Владимир Петров', 576);
  const firstRasterLineMs = performance.now() - t;
  const lines: number[] = [];
  const names = ['Владимир Петров', '王伟', 'محمد علي', 'Ελένη Παπαδοπούλου'];
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    epsonRaster(rasterLine(names[i % names.length]!, 576));
    lines.push(performance.now() - t);
  }
  const p = summarize(plain);
  const l = summarize(withLogo);
  return { plain: p, withLogo: l, logoCostMs: l.p50 - p.p50, firstLogo: summarize(first), withQr: summarize(withQr), rasterLine: summarize(lines), firstRasterLineMs };
}

if (process.argv[1]?.endsWith('receipts.ts')) {
  const r = runReceiptBench(process.env.TMPDIR ?? '/tmp');
  console.log(JSON.stringify(r, null, 2));
}
