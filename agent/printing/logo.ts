import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { type Dithering, type MonoImage, toMono } from '../../drivers/printer/raster.js';

/**
 * The shop's logo: a PNG read and checked once at start (a bad one stops the agent with what to
 * do), then made 1-bit at each printer's dot width once, and kept: no ticket decodes it again.
 */

export const LOGO_MAX_BYTES = 1024 * 1024;
/** dots down the paper at the most once scaled to 80 mm: about 7.5 cm at 203 dpi */
export const LOGO_MAX_DOTS = 600;

/** What of the config the logo needs (structural: the config module calls this one). */
interface LogoConfig {
  shop: { logo: string | null; logoDithering: Dithering };
  printers: Array<{ logo?: string | false; dots: number; raster: boolean }>;
}
type LogoPrinter = LogoConfig['printers'][number];

interface Picture {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** Reads a logo; throws with what is wrong and what to do. */
export function readLogo(file: string): Picture {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new Error(`${file} is not there: put the PNG there, fix the path (relative to the config file's folder), or set null for no logo`);
  }
  if (size > LOGO_MAX_BYTES) throw new Error(`${file} is ${(size / 1024 / 1024).toFixed(1)} MB, over the 1 MB a logo may have: save it smaller (576 pixels wide is plenty for 80 mm paper)`);
  let png: PNG;
  try {
    png = PNG.sync.read(readFileSync(file));
  } catch (err) {
    throw new Error(`${file} is not a PNG the agent can read (${err instanceof Error ? err.message : String(err)}): save the logo as PNG`);
  }
  const tall = Math.round(png.height * Math.min(1, 576 / png.width));
  if (tall > LOGO_MAX_DOTS) {
    throw new Error(`${file} would be ${Math.round((tall / 203) * 25.4)} mm tall on 80 mm paper, over the ${Math.round((LOGO_MAX_DOTS / 203) * 25.4)} mm a logo may take: crop it, or make it wider than tall`);
  }
  return { rgba: png.data, width: png.width, height: png.height };
}

/** A printer's logo: its own, none (`false`), or the shop's. */
export function logoFile(config: LogoConfig, printer: LogoPrinter): string | null {
  if (printer.logo === false) return null;
  return printer.logo ?? config.shop.logo;
}

/** Logos read, by path; and made 1-bit, by path, dots and dithering. */
const pictures = new Map<string, Picture>();
const images = new Map<string, MonoImage>();

/**
 * Makes the logo paths absolute (relative to the config file's folder) and reads each file once,
 * kept for the first ticket: one line per problem.
 */
export function resolveLogos(config: LogoConfig, configDir: string): string[] {
  const problems: string[] = [];
  const check = (where: string, file: string) => {
    const abs = path.resolve(configDir, file);
    try {
      if (!pictures.has(abs)) pictures.set(abs, readLogo(abs));
    } catch (err) {
      problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return abs;
  };
  if (config.shop.logo) config.shop.logo = check('shop.logo', config.shop.logo);
  config.printers.forEach((p, i) => {
    if (typeof p.logo === 'string') p.logo = check(`printers.${i}.logo`, p.logo);
  });
  return problems;
}

/** The printer's logo at its dot width, made once; null for none. */
export function logoFor(config: LogoConfig, printer: LogoPrinter): MonoImage | null {
  const file = logoFile(config, printer);
  if (!file || !printer.raster) return null;
  const key = `${file}\u0000${printer.dots}\u0000${config.shop.logoDithering}`;
  let image = images.get(key);
  if (!image) {
    let picture = pictures.get(file);
    if (!picture) pictures.set(file, (picture = readLogo(file)));
    image = toMono(picture.rgba, picture.width, picture.height, printer.dots, config.shop.logoDithering);
    images.set(key, image);
  }
  return image;
}
