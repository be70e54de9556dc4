import { createRequire } from 'node:module';
import iconv from 'iconv-lite';

/**
 * Code pages, from node-thermal-printer's own tables (so the bytes that select a code page and the
 * encoding used for the text can never disagree), and the text cleaning every printed string goes
 * through: no control character ever reaches the printer from data, and what the code page cannot
 * show is transliterated where natural (ł → l, œ → oe, “ → ") or replaced with "?". The library
 * itself would instead switch to another code page silently, and never switch back.
 */

export type PrinterModel = 'epson' | 'star';

const require = createRequire(import.meta.url);

interface ModelTables {
  /** code page name → the bytes that select it */
  select: Map<string, Buffer>;
  /** code page name → iconv encoding */
  encoding: Map<string, string>;
}

function loadTables(model: PrinterModel): ModelTables {
  const raw: unknown = require(`node-thermal-printer/lib/types/${model}-config.js`);
  const select = new Map<string, Buffer>();
  const encoding = new Map<string, string>();
  if (typeof raw !== 'object' || raw === null) throw new Error(`node-thermal-printer has no ${model} tables`);
  const pages: unknown = 'CODE_PAGES' in raw ? raw.CODE_PAGES : null;
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('CODE_PAGE_') && Buffer.isBuffer(value)) select.set(key.slice('CODE_PAGE_'.length), value);
  }
  if (typeof pages === 'object' && pages !== null) {
    for (const [name, enc] of Object.entries(pages)) {
      if (typeof enc === 'string' && iconv.encodingExists(enc)) encoding.set(name, enc);
    }
  }
  return { select, encoding };
}

// loaded at the first use, not at import: checking every code page's encoding costs ~70 ms of the agent's start
const loaded = new Map<PrinterModel, ModelTables>();
function tables(model: PrinterModel): ModelTables {
  let t = loaded.get(model);
  if (!t) {
    t = loadTables(model);
    loaded.set(model, t);
  }
  return t;
}

export function codePageNames(model: PrinterModel): string[] {
  const t = tables(model);
  return [...t.select.keys()].filter((n) => t.encoding.has(n));
}

export function codePageSelect(model: PrinterModel, name: string): Buffer {
  const bytes = tables(model).select.get(name);
  if (!bytes) throw new Error(`code page ${name} is not known for ${model} printers (known: ${codePageNames(model).join(', ')})`);
  return bytes;
}

export function codePageEncoding(model: PrinterModel, name: string): string {
  const enc = tables(model).encoding.get(name);
  if (!enc) throw new Error(`code page ${name} has no text encoding for ${model} printers`);
  return enc;
}

/** The code page a select command picks, for the decoder: bytes → name. */
export function codePageBySelect(model: PrinterModel, bytes: Uint8Array): string | null {
  for (const [name, b] of tables(model).select) {
    if (b.length === bytes.length && b.every((x, i) => x === bytes[i])) return name;
  }
  return null;
}

// Control characters of Unicode's C0 and C1 sets, and DEL: never printed from data.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const TRANSLIT: Record<string, string> = {
  'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ħ': 'h', 'ı': 'i', 'ŀ': 'l', 'ø': 'o', 'Ø': 'O',
  'œ': 'oe', 'Œ': 'OE', 'æ': 'ae', 'Æ': 'AE', 'ß': 'ss', 'ẞ': 'SS', 'þ': 'th', 'Þ': 'Th',
  '‘': "'", '’': "'", '‚': ',', '‛': "'", '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '‹': '<', '›': '>',
  '–': '-', '—': '-', '‒': '-', '−': '-', '…': '...', '•': '*', '·': '.', '€': 'EUR', '™': 'TM', '©': '(c)', '®': '(R)',
  '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ', '\u2007': ' ',
};

/** Whether the code page can show this character (it round-trips). */
function fits(ch: string, encoding: string): boolean {
  const bytes = iconv.encode(ch, encoding);
  return iconv.decode(bytes, encoding) === ch && !(bytes.length === 1 && bytes[0] === 0x3f && ch !== '?');
}

const fitCache = new Map<string, boolean>();

/**
 * A text as the printer can show it in `encoding`: control characters replaced by a space (a
 * name with a tab or an ESC in it prints as text, never as a command), then each character kept,
 * or stripped of its accent, or transliterated, or replaced by "?".
 */
export function printable(text: string, encoding: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(CONTROL, ' ')) {
    const key = `${encoding}\u0000${ch}`;
    let ok = fitCache.get(key);
    if (ok === undefined) {
      ok = ch.charCodeAt(0) < 0x80 || fits(ch, encoding);
      fitCache.set(key, ok);
    }
    if (ok) {
      out += ch;
      continue;
    }
    const bare = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (bare && bare !== ch && [...bare].every((c) => c.charCodeAt(0) < 0x80 || fits(c, encoding))) {
      out += bare;
      continue;
    }
    const t = TRANSLIT[ch];
    out += t !== undefined && [...t].every((c) => c.charCodeAt(0) < 0x80 || fits(c, encoding)) ? t : '?';
  }
  return out;
}

export function decodeText(bytes: Uint8Array, encoding: string): string {
  return iconv.decode(Buffer.from(bytes), encoding);
}
