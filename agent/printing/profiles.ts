import { codePageNames, type PrinterModel } from '../../drivers/printer/codepage.js';

/**
 * Known printer models: what a `profile` gives a printer's config (its explicit keys override it).
 * From the makers' specification sheets: 80 mm models print 576 dots (72 mm at 203 dpi), 48
 * characters of font A (12 × 24 dots); 58 mm ones 384 dots, 32 characters.
 */
export interface PrinterProfile {
  /** what is said in messages */
  label: string;
  model: PrinterModel;
  /** printable dots across the paper */
  dots: number;
  /** characters per line, font A */
  width: number;
  codePages: readonly string[];
  /** answers status requests (DLE EOT, or Star's ASB) */
  status: boolean;
  /** prints QR codes with its own command (GS ( k, or Star's ESC GS y) */
  qr: boolean;
  /** prints raster images (GS v 0, or Star's ESC k): a logo, a line in a script no code page has */
  raster: boolean;
}

// Multi-byte character sets are not code pages: the agent never selects them.
const MULTIBYTE = new Set(['JAPAN', 'KOREA', 'CHINA', 'HK_TW']);
const EPSON_TM_PAGES = codePageNames('epson').filter((n) => !MULTIBYTE.has(n));
const STAR_PAGES = codePageNames('star');
/** What ESC/POS clones reliably have (the rest varies by firmware). */
const GENERIC_PAGES = ['PC437_USA', 'PC850_MULTILINGUAL', 'PC858_EURO', 'PC860_PORTUGUESE', 'PC863_CANADIAN_FRENCH', 'PC865_NORDIC', 'PC852_LATIN2', 'PC866_CYRILLIC2', 'WPC1252'];

export const PROFILE_NAMES = ['epson-tm-t20iii', 'epson-tm-t88vi', 'epson-tm-m30iii', 'star-tsp143iv', 'star-mcprint3', 'generic-80mm', 'generic-58mm'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const PRINTER_PROFILES: Record<ProfileName, PrinterProfile> = {
  'epson-tm-t20iii': { label: 'Epson TM-T20III', model: 'epson', dots: 576, width: 48, codePages: EPSON_TM_PAGES, status: true, qr: true, raster: true },
  'epson-tm-t88vi': { label: 'Epson TM-T88VI', model: 'epson', dots: 576, width: 48, codePages: EPSON_TM_PAGES, status: true, qr: true, raster: true },
  'epson-tm-m30iii': { label: 'Epson TM-m30III', model: 'epson', dots: 576, width: 48, codePages: EPSON_TM_PAGES, status: true, qr: true, raster: true },
  'star-tsp143iv': { label: 'Star TSP143IV', model: 'star', dots: 576, width: 48, codePages: STAR_PAGES, status: true, qr: true, raster: true },
  'star-mcprint3': { label: 'Star mC-Print3', model: 'star', dots: 576, width: 48, codePages: STAR_PAGES, status: true, qr: true, raster: true },
  'generic-80mm': { label: 'a generic 80 mm ESC/POS printer', model: 'epson', dots: 576, width: 48, codePages: GENERIC_PAGES, status: true, qr: true, raster: true },
  'generic-58mm': { label: 'a generic 58 mm ESC/POS printer', model: 'epson', dots: 384, width: 32, codePages: GENERIC_PAGES, status: true, qr: true, raster: true },
};
