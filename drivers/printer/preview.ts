import { type Symbol, symbolBars } from './code128.js';
import { PNG } from 'pngjs';
import { qrMatrix } from './qr.js';
import type { PrinterModel } from './codepage.js';
import { decode, type Printed } from './decode.js';
import { columns } from './escpos.js';

/** The barcode's real bars (the printer draws the same modules from the same data). */
function barsSvg(symbol: Symbol, label: string): string {
  const modules = symbolBars(symbol);
  if (!modules) return '';
  const rects: string[] = [];
  for (let i = 0; i < modules.length; ) {
    if (modules[i] !== '1') {
      i++;
      continue;
    }
    let j = i;
    while (modules[j] === '1') j++;
    rects.push(`<rect x="${i}" y="0" width="${j - i}" height="40"/>`);
    i = j;
  }
  return `<svg viewBox="0 0 ${modules.length} 40" width="${modules.length * 2}" preserveAspectRatio="none" fill="#111" role="img" aria-label="${escape(label)}">${rects.join('')}</svg>`;
}

/** A raster image from the bytes, as a PNG: black dots on the paper's white. */
function imagePng(img: { width: number; height: number; bits: Uint8Array }): string {
  const png = new PNG({ width: img.width, height: img.height });
  const rowBytes = img.width / 8;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.bits[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 17 : 255;
      const k = (y * img.width + x) * 4;
      png.data[k] = png.data[k + 1] = png.data[k + 2] = v;
      png.data[k + 3] = 255;
    }
  }
  return PNG.sync.write(png).toString('base64');
}

/** The QR code of the data the bytes carry, as the printer draws it. */
function qrSvg(data: string, label: string): string {
  const rows = qrMatrix(data);
  const rects: string[] = [];
  rows.forEach((row, y) => row.forEach((dark, x) => dark && rects.push(`<rect x="${x}" y="${y}" width="1" height="1"/>`)));
  const n = rows.length;
  return `<svg viewBox="-4 -4 ${n + 8} ${n + 8}" width="${(n + 8) * 3}" height="${(n + 8) * 3}" shape-rendering="crispEdges" fill="#111" role="img" aria-label="${escape(label)}">${rects.join('')}</svg>`;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The words the preview writes beside the paper's marks: the staff page passes its language's. */
export interface PaperWords {
  cut: string;
  partialCut: string;
  drawer: (pin: number) => string;
  unknown: (bytes: string) => string;
  /** the alternative text of a printed image (a logo, a line in a script no code page has) */
  image: string;
  /** what a barcode (its symbology: CODE128, EAN-13) and a QR code are called, with the data they hold */
  barcode: (symbology: string, data: string) => string;
  qr: (data: string) => string;
}

export const ENGLISH_PAPER_WORDS: PaperWords = {
  cut: 'cut',
  partialCut: 'partial cut',
  drawer: (pin) => `cash drawer pulse (pin ${pin})`,
  unknown: (bytes) => `unknown bytes ${bytes}`,
  image: 'printed image',
  barcode: (symbology, data) => `${symbology} ${data}`,
  qr: (data) => `QR ${data}`,
};

/** The paper's own small style (a page that shows the paper puts it in its head). */
export function paperStyle(width: number): string {
  // On a phone the paper shrinks to the screen (a monospace character is ~0.6 em) rather than
  // making the page scroll sideways; from ~450 px wide it is drawn at 14 px.
  return `.paper{width:${width}ch;margin:0 auto;padding:12px 1ch;background:#fff;color:#111;box-shadow:0 2px 8px rgba(0,0,0,.2);font-family:ui-monospace,"DejaVu Sans Mono",Consolas,monospace;font-size:min(14px,calc((100vw - 40px) / ${((width + 2) * 0.62).toFixed(2)}));line-height:1.25;box-sizing:content-box}
.l{white-space:pre;overflow:hidden}.center{text-align:center}.right{text-align:right}.b{font-weight:700}
.tall{transform:scaleY(2);transform-origin:top;margin-bottom:1.25em}
.large{font-size:28px;line-height:1.25}
.bc{margin:6px 0;text-align:center}.bc svg{display:block;margin:0 auto;height:48px}.qr svg{height:auto}
.hri{font-size:12px}.img{text-align:center;margin:0}.img img{max-width:100%;height:auto;image-rendering:pixelated}
.cut{border-top:2px dashed #9ca3af;margin:10px -1ch;color:#6b7280;font-size:11px;text-align:center}
.drawer,.unknown{color:#b45309;font-size:11px;text-align:center}.unknown{color:#b42318}`;
}

/**
 * A picture of the paper, drawn from the decoded bytes (so it shows what prints, not what was
 * meant): the width in characters, bold, double height and size, alignment, barcodes with their
 * human-readable text, cuts and drawer pulses. The `.paper` element; paperStyle() draws it.
 */
export function paperHtml(items: readonly Printed[], width: number, words: PaperWords = ENGLISH_PAPER_WORDS): string {
  const rows: string[] = [];
  for (const x of items) {
    if (x.kind === 'line') {
      const cols = columns(width, x.size);
      const text = x.text.length > cols ? x.text.slice(0, cols) : x.text;
      rows.push(`<div class="l ${x.align} ${x.size}${x.bold ? ' b' : ''}">${escape(text) || '&nbsp;'}</div>`);
    } else if (x.kind === 'barcode') {
      const label = words.barcode(x.symbol.symbology === 'ean13' ? 'EAN-13' : 'CODE128', x.data);
      rows.push(`<div class="bc">${barsSvg(x.symbol, label)}<div class="hri">${escape(x.data)}</div></div>`);
    } else if (x.kind === 'image') {
      rows.push(`<div class="img"><img alt="${escape(words.image)}" width="${x.width}" height="${x.height}" src="data:image/png;base64,${imagePng(x)}"></div>`);
    } else if (x.kind === 'qr') {
      rows.push(`<div class="bc qr">${qrSvg(x.data, words.qr(x.data))}</div>`);
    } else if (x.kind === 'cut') {
      rows.push(`<div class="cut">${escape(x.partial ? words.partialCut : words.cut)}</div>`);
    } else if (x.kind === 'drawer') {
      rows.push(`<div class="drawer">${escape(words.drawer(x.pin))}</div>`);
    } else if (x.kind === 'unknown') {
      rows.push(`<div class="unknown">${escape(words.unknown(x.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')))}</div>`);
    }
  }
  return `<div class="paper">${rows.join('')}</div>`;
}

/** The paper as a standalone HTML page with its own small style (the API's preview, the virtual printer's files). */
export function previewHtml(items: readonly Printed[], width: number, title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>
body{margin:0;padding:16px;background:#e5e7eb}
${paperStyle(width)}
</style></head><body><main>${paperHtml(items, width)}</main></body></html>`;
}

/** The preview of printer bytes: decoded for the printer's model, drawn at its width. */
export function previewOfBytes(bytes: Uint8Array, paper: { model: PrinterModel; width: number }, title: string): string {
  return previewHtml(decode(bytes, paper.model), paper.width, title);
}
