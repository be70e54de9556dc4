/**
 * Raster images for the printer: a 1-bit picture (a logo) and the bytes that print it, in bands
 * small enough for a printer's receive buffer, and read back for the preview.
 */

export interface MonoImage {
  /** dots across (a multiple of 8) and down */
  width: number;
  height: number;
  /** `height` rows of `width / 8` bytes, the high bit the leftmost dot, 1 a black dot */
  bits: Uint8Array;
}

export type Dithering = 'threshold' | 'floyd-steinberg';

/**
 * RGBA pixels → a 1-bit image `dots` wide, the picture centred on it: scaled down (by area, so
 * thin lines survive) when wider than the paper, never up; transparent counts as white (paper).
 */
export function toMono(rgba: Uint8Array, width: number, height: number, dots: number, dithering: Dithering = 'threshold', threshold = 128): MonoImage {
  const scale = Math.min(1, dots / width);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  // grey levels of the scaled picture, 0 black … 255 white
  const grey = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y / scale);
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) / scale));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / scale);
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) / scale));
      let sum = 0;
      let n = 0;
      for (let sy = y0; sy < Math.min(y1, height); sy++) {
        for (let sx = x0; sx < Math.min(x1, width); sx++) {
          const k = (sy * width + sx) * 4;
          const a = rgba[k + 3]! / 255;
          const luma = 0.299 * rgba[k]! + 0.587 * rgba[k + 1]! + 0.114 * rgba[k + 2]!;
          sum += luma * a + 255 * (1 - a);
          n++;
        }
      }
      grey[y * w + x] = n ? sum / n : 255;
    }
  }
  const out = Math.ceil(dots / 8) * 8;
  const left = Math.floor((out - w) / 2);
  const rowBytes = out / 8;
  const bits = new Uint8Array(rowBytes * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g = grey[y * w + x]!;
      const black = g < threshold;
      if (dithering === 'floyd-steinberg') {
        const err = g - (black ? 0 : 255);
        if (x + 1 < w) grey[y * w + x + 1]! += (err * 7) / 16;
        if (y + 1 < h) {
          if (x > 0) grey[(y + 1) * w + x - 1]! += (err * 3) / 16;
          grey[(y + 1) * w + x]! += (err * 5) / 16;
          if (x + 1 < w) grey[(y + 1) * w + x + 1]! += err / 16;
        }
      }
      if (black) bits[y * rowBytes + ((left + x) >> 3)]! |= 0x80 >> ((left + x) & 7);
    }
  }
  return { width: out, height: h, bits };
}

/** Rows a band may hold: about 2 KiB of image at a time, a size every printer's buffer takes. */
const BAND_BYTES = 2048;

/** Epson: `GS v 0` raster bit images, one per band of rows. */
export function epsonRaster(img: MonoImage): Buffer {
  const rowBytes = img.width / 8;
  const rows = Math.max(1, Math.floor(BAND_BYTES / rowBytes));
  const parts: Buffer[] = [];
  for (let y = 0; y < img.height; y += rows) {
    const n = Math.min(rows, img.height - y);
    parts.push(Buffer.from([0x1d, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, n & 0xff, n >> 8]), Buffer.from(img.bits.subarray(y * rowBytes, (y + n) * rowBytes)));
  }
  return Buffer.concat(parts);
}

/**
 * Star Line mode: `ESC k n1 n2` bands of 24 rows (the last one padded white), each followed by a
 * line feed, with the line feed set to 24 dots (`ESC 0`) meanwhile so the bands touch, and back to
 * the usual 4 mm (`ESC z 1`) after.
 */
export function starRaster(img: MonoImage): Buffer {
  const rowBytes = img.width / 8;
  const parts: Buffer[] = [Buffer.from([0x1b, 0x30])];
  for (let y = 0; y < img.height; y += 24) {
    const band = Buffer.alloc(rowBytes * 24);
    band.set(img.bits.subarray(y * rowBytes, Math.min(img.height, y + 24) * rowBytes));
    parts.push(Buffer.from([0x1b, 0x6b, rowBytes & 0xff, rowBytes >> 8]), band, Buffer.from([0x0a]));
  }
  parts.push(Buffer.from([0x1b, 0x7a, 0x31]));
  return Buffer.concat(parts);
}
