import { isUtf8 } from 'node:buffer';
import type { MiddlewareHandler } from 'hono';
import { AgentError, invalid } from '../errors.js';

/**
 * Text in, exactly: a JSON body is read as bytes and must be valid UTF-8 (a decoder would quietly
 * turn a bad byte into U+FFFD and store `M��ller`), its strings must be well formed (no lone
 * surrogate from a `\ud800` escape: it cannot be stored, printed or sent to the cloud as text), and
 * a `charset` other than UTF-8 is refused rather than ignored. The parsed body is handed on to
 * the route's validator, so the bytes are read once.
 */
/** A Content-Type header's media type and its charset (undefined when it declares none). */
export function contentType(header: string | undefined): { media: string; charset: string | undefined } {
  const [media = '', ...params] = (header ?? '').split(';').map((p) => p.trim());
  const charset = params.map((p) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(p)?.[1]).find((x) => x !== undefined);
  return { media, charset };
}

export function strictJson(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const { media, charset } = contentType(c.req.header('content-type'));
    if (!/^application\/([\w.-]+\+)?json$/i.test(media)) return next();
    // Read when the route's validator asks for the body (after its token's scope was checked), not before.
    const raw = c.req.raw;
    let parsed: Promise<unknown> | null = null;
    Object.defineProperty(c.req.bodyCache, 'json', {
      configurable: true,
      enumerable: true,
      // the bytes from the request itself: c.req.arrayBuffer() would ask this very getter for them
      get: () => (parsed ??= strictParse(raw.arrayBuffer(), charset).catch((err: unknown) => {
        // the validator would turn any failure into "Malformed JSON": the route's hook throws this one instead
        problems.set(raw, err instanceof Error ? err : new Error(String(err)));
        return {};
      })),
    });
    return next();
  };
}

const problems = new WeakMap<Request, Error>();

/** Called first by the routes' validation hooks: a body that was not text as it should be is refused as such. */
export function throwBodyProblem(raw: Request): void {
  const err = problems.get(raw);
  if (err) throw err;
}

async function strictParse(body: Promise<ArrayBuffer>, charset: string | undefined): Promise<unknown> {
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new AgentError('unsupported', 'Unsupported media type', `The body is declared as ${charset}; the agent takes JSON in UTF-8 only: send it as UTF-8 (Content-Type: application/json; charset=utf-8).`);
  }
  const bytes = new Uint8Array(await body);
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes); // isUtf8 is fast; the offset is found only for a bad body
    throw new AgentError('bad-request', 'Bad request', `The body is not valid UTF-8 (byte ${at} is not part of a UTF-8 character): send the text as UTF-8.`);
  }
  let parsed: unknown;
  try {
    // a byte-order mark some tools put first is no part of the JSON
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    parsed = JSON.parse(Buffer.from(bytes.subarray(start)).toString('utf8'));
  } catch {
    throw new AgentError('bad-request', 'Bad request', 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.');
  }
  const lone = loneSurrogates(parsed, '');
  if (lone.length) throw invalid(lone.map((path) => ({ path: path || '(body)', message: 'contains a lone surrogate (an unpaired \\ud800–\\udfff escape), which is no text: send the character itself or a valid pair', code: 'text-invalid' })));
  return parsed;
}

/** The offset of the first byte that breaks UTF-8 (the length, past the end, when a character is cut short), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const x = b[i]!;
    if (x < 0x80) {
      i++;
      continue;
    }
    const n = x >= 0xc2 && x <= 0xdf ? 1 : x >= 0xe0 && x <= 0xef ? 2 : x >= 0xf0 && x <= 0xf4 ? 3 : 0;
    if (n === 0) return i;
    // the second byte's range rules out overlong forms, surrogates (ED A0–BF) and code points past U+10FFFF
    const lo = x === 0xe0 ? 0xa0 : x === 0xf0 ? 0x90 : 0x80;
    const hi = x === 0xed ? 0x9f : x === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const y = b[i + k];
      if (y === undefined || (k === 1 ? y < lo || y > hi : y < 0x80 || y > 0xbf)) return i + k;
    }
    i += n + 1;
  }
  return -1;
}

/** Paths of the strings (values or keys) that hold a lone surrogate. */
function loneSurrogates(v: unknown, path: string): string[] {
  if (typeof v === 'string') return /\p{Surrogate}/u.test(v) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => loneSurrogates(x, path ? `${path}.${i}` : String(i)));
  if (v && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, x]) => {
      const here = path ? `${path}.${k}` : k;
      return /\p{Surrogate}/u.test(k) ? [here] : loneSurrogates(x, here);
    });
  }
  return [];
}
