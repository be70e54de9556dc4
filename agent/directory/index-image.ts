import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { RANK_BYTES, rankAt, rankCount } from './packed-ranks.js';
import type { Logger } from '../log.js';
import { errorCode, renameWithRetry } from '../store/durable-file.js';
import { nodeFs, type StoreFs, writeAll } from '../store/fs.js';

/**
 * The search index as a restart finds it ready: the clients in name order with their search texts,
 * sort keys and the version each text was made from, and the prefix buckets as two typed arrays.
 * Building it from the records takes ~1.5 s at 100,000 clients (most of it folding names and
 * parsing phone numbers); reading this file takes a tenth of that.
 *
 * It is a cache, never the truth: a start that finds it missing, damaged, made by a tokenizer
 * that differs from this one (`fingerprint`) or for another country rebuilds from the records. A
 * client whose version or last change differs from the record's is read again from the record
 * (see `SearchIndex.restore`). It is written without fsync: a power cut mid-write leaves a file
 * whose checksum fails, which means a rebuild, not a wrong answer. It is written in pieces and read
 * straight into its arrays: at 100,000 clients it is ~52 MB, which the agent never holds twice.
 *
 * Layout: a 512-byte header (JSON, padded with spaces, then a newline), then the bucket hashes
 * (u32), the buckets' starts (u32), the entries' ranks (3 bytes each, packed-ranks.ts), the versions (f64), all in the
 * machine's byte order (the file never leaves it), then two texts of strings separated by U+0000
 * (UTF-8): ids and last changes (one per client each), then texts and sort keys (one per client
 * each) and the name words.
 */

export interface IndexImage {
  fingerprint: string;
  country: string;
  /** Per client, in name order (its rank): id, search text, sort key, and what identifies the record's state. */
  ids: string[];
  texts: string[];
  sortKeys: string[];
  updatedAts: string[];
  versions: Float64Array;
  /** The base buckets: their hashes (ascending), where each starts among the entries (one more: the end), and entry → rank, each bucket in rank order. */
  bucketHashes: Uint32Array;
  bucketStarts: Uint32Array;
  ranks: Uint8Array;
  nameWords: string[];
}

const FORMAT = 'shop-agent search index 3';
const HEADER_BYTES = 512;
// a client's fields never hold U+0000: a count that does not match after the split means one did,
// and the image is not used
const SEP = '\u0000';
const STRINGS_PER_PIECE = 4096;

/** Where a store keeps its saved search index (a cache: the README's map of the store folder). */
export function indexImageFile(storeDir: string): string {
  return path.join(storeDir, 'cache', 'search-index.bin');
}

const count = z.number().int().nonnegative();
const headerSchema = z.object({
  format: z.literal(FORMAT),
  fingerprint: z.string(),
  country: z.string(),
  clients: count,
  buckets: count,
  entries: count,
  words: count,
  checkBytes: count,
  keptBytes: count,
  crc: count,
});
type Header = z.infer<typeof headerSchema>;

const bytesOf = (a: Uint32Array | Uint8Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Writes the image next to where it goes, then puts it in place (a reader never sees half of
 * one). Not when the disk is short of room: the journal needs it more than a cache does.
 */
export async function writeIndexImage(file: string, image: IndexImage, fs: StoreFs = nodeFs): Promise<{ bytes: number } | { skipped: string }> {
  const n = image.ids.length;
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const estimate = image.bucketHashes.byteLength * 2 + image.ranks.byteLength + n * 8 + n * 400;
  const free = await fs.freeBytes(dir).catch(() => Infinity);
  if (free < 2 * estimate + MIN_FREE_AFTER) return { skipped: `${Math.round(free / 1048576)} MB free, it needs ~${Math.round(estimate / 1048576)} MB and leaves room for the directory` };
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    let at = HEADER_BYTES;
    let crc = 0;
    const put = async (bytes: Uint8Array) => {
      crc = crc32(bytes, crc);
      await writeAll(handle, bytes, at);
      at += bytes.length;
    };
    await put(bytesOf(image.bucketHashes));
    await put(bytesOf(image.bucketStarts));
    await put(bytesOf(image.ranks));
    await put(bytesOf(image.versions));
    const putStrings = async (lists: ReadonlyArray<readonly string[]>): Promise<number> => {
      const from = at;
      let first = true;
      for (const list of lists) {
        for (let i = 0; i < list.length; i += STRINGS_PER_PIECE) {
          const piece = list.slice(i, i + STRINGS_PER_PIECE).join(SEP);
          await put(Buffer.from(first ? piece : SEP + piece, 'utf8'));
          first = false;
        }
      }
      return at - from;
    };
    // two texts: what only the check at start reads, and what the index keeps (the strings a
    // split makes point into their text, which stays in memory as long as one of them does)
    const checkBytes = await putStrings([image.ids, image.updatedAts]);
    const keptBytes = await putStrings([image.texts, image.sortKeys, image.nameWords]);
    const header: Header = {
      format: FORMAT,
      fingerprint: image.fingerprint,
      country: image.country,
      clients: n,
      buckets: image.bucketHashes.length,
      entries: rankCount(image.ranks),
      words: image.nameWords.length,
      checkBytes,
      keptBytes,
      crc,
    };
    const line = JSON.stringify(header);
    if (line.length >= HEADER_BYTES) throw new Error('the search index header does not fit');
    await writeAll(handle, Buffer.from(`${line.padEnd(HEADER_BYTES - 1)}\n`, 'ascii'), 0);
    await handle.close();
    await renameWithRetry(tmp, file, 8, fs);
    return { bytes: at };
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** The free space a saved index must leave on the store's disk (besides twice its own size). */
const MIN_FREE_AFTER = 64 * 1048576;

/**
 * The image a start can use, or null (none yet, or unusable: the log says why at info level, as a
 * rebuild is only slower, never wrong).
 */
export async function readIndexImage(file: string, expect: { fingerprint: string; country: string }, log: Logger): Promise<IndexImage | null> {
  let image: IndexImage | string;
  try {
    image = await readImage(file);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') log.info('search index: the saved copy cannot be read; it is built from the directory', { file, problem: err instanceof Error ? err.message : String(err) });
    return null;
  }
  const why =
    typeof image === 'string'
      ? image
      : image.fingerprint !== expect.fingerprint
        ? 'made by another version of the search'
        : image.country !== expect.country
          ? `made for another country (${image.country})`
          : null;
  if (why !== null || typeof image === 'string') {
    log.info('search index: the saved copy is not used; it is built from the directory', { file, problem: why });
    return null;
  }
  return image;
}

/** The image in `file`, or why it cannot be used. */
async function readImage(file: string): Promise<IndexImage | string> {
  // read-only, and a cache: straight from node:fs (the store's file system abstraction is for writers)
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < HEADER_BYTES) return 'truncated';
    const headerBytes = Buffer.alloc(HEADER_BYTES);
    await readAll(handle, headerBytes, 0);
    let raw: unknown;
    try {
      raw = JSON.parse(headerBytes.toString('ascii'));
    } catch {
      return 'a damaged header';
    }
    const header = headerSchema.safeParse(raw);
    if (!header.success) return 'not a search index file of this agent';
    const h = header.data;
    const { clients: n, buckets, entries, words } = h;
    if (size !== HEADER_BYTES + buckets * 8 + 4 + entries * RANK_BYTES + n * 8 + h.checkBytes + h.keptBytes) return `truncated or too long (${size} bytes)`;
    const bucketHashes = new Uint32Array(buckets);
    const bucketStarts = new Uint32Array(buckets + 1);
    const ranks = new Uint8Array(entries * RANK_BYTES);
    const versions = new Float64Array(n);
    const checkStrings = Buffer.alloc(h.checkBytes);
    const keptStrings = Buffer.alloc(h.keptBytes);
    let at = HEADER_BYTES;
    let crc = 0;
    for (const part of [bytesOf(bucketHashes), bytesOf(bucketStarts), bytesOf(ranks), bytesOf(versions), checkStrings, keptStrings]) {
      await readAll(handle, part, at);
      crc = crc32(part, crc);
      at += part.length;
    }
    if (crc !== h.crc) return 'a checksum mismatch';
    for (let i = 0; i < entries; i++) if (rankAt(ranks, i) >= n) return 'a bucket entry out of range';
    for (let b = 0; b < buckets; b++) if (bucketStarts[b]! >= bucketStarts[b + 1]! || (b > 0 && bucketHashes[b - 1]! >= bucketHashes[b]!)) return 'buckets out of order';
    if (bucketStarts[0] !== 0 || bucketStarts[buckets] !== entries) return 'buckets that do not cover the entries';
    const checked = n === 0 ? [] : checkStrings.toString('utf8').split(SEP);
    const kept = n === 0 && words === 0 ? [] : keptStrings.toString('utf8').split(SEP);
    if (checked.length !== n * 2 || kept.length !== n * 2 + words) return 'a field holding U+0000';
    return {
      fingerprint: h.fingerprint,
      country: h.country,
      ids: checked.slice(0, n),
      updatedAts: checked.slice(n),
      texts: kept.slice(0, n),
      sortKeys: kept.slice(n, 2 * n),
      versions,
      bucketHashes,
      bucketStarts,
      ranks,
      nameWords: kept.slice(2 * n),
    };
  } finally {
    await handle.close();
  }
}

async function readAll(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended ${into.length - done} bytes early`);
    done += bytesRead;
  }
}
