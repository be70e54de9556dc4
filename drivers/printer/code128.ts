import { createRequire } from 'node:module';

/**
 * The bars of a CODE128 (subset B) barcode as modules, "1" a bar and "0" a space, from JsBarcode's
 * encoder (a well-kept library, its tables tested against scanners for years), for the preview to
 * draw the real barcode. Null when the data is not CODE128 B (printable ASCII).
 */
const require = createRequire(import.meta.url);
const loaded: unknown = require('jsbarcode/bin/barcodes/CODE128/CODE128B.js');
const Encoder: unknown = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : null;

interface Encoding {
  valid(): boolean;
  encode(): { data: string };
}

function isEncoding(x: unknown): x is Encoding {
  return typeof x === 'object' && x !== null && 'valid' in x && typeof x.valid === 'function' && 'encode' in x && typeof x.encode === 'function';
}

export function code128Modules(data: string): string | null {
  if (typeof Encoder !== 'function' || !/^[\x20-\x7e]+$/.test(data)) return null;
  const enc: unknown = Reflect.construct(Encoder, [data, {}]);
  if (!isEncoding(enc) || !enc.valid()) return null;
  const bars = enc.encode().data;
  return /^[01]+$/.test(bars) ? bars : null;
}
