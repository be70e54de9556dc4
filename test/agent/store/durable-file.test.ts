import { storeProblem } from '../../../agent/store/manifest.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import { memoryLogger } from '../../../agent/log.js';
import { shardPieces } from '../../../agent/directory/directory-store.js';
import { type Client, parseShardFile, type ShardFile } from '../../../agent/directory/schema.js';
import { DurableJsonFile, encodeFile, StoreCorruptError, WriteScratch } from '../../../agent/store/durable-file.js';
import { ReadScratch } from '../../../agent/store/fs.js';
import { personRecord } from '../../fixtures/records.js';
import { generateClients } from '../../fixtures/swiss-clients.js';
import { tempDir } from '../../helpers/agent.js';

const schema = z.object({ n: z.number() });
const validate = (raw: unknown) => schema.parse(raw);

function setup() {
  const dir = tempDir();
  const log = memoryLogger();
  const file = path.join(dir, 'sub', 'state.json');
  return { dir, log, file, adapter: new DurableJsonFile(file, validate, log) };
}

describe('DurableJsonFile', () => {
  it('reads null when nothing was ever written', async () => {
    const { adapter } = setup();
    expect(await adapter.read()).toBeNull();
  });

  it('writes atomically and keeps the previous generation as .bak', async () => {
    const { adapter, file } = setup();
    await adapter.write({ n: 1 });
    expect(existsSync(`${file}.bak`)).toBe(false);
    await adapter.write({ n: 2 });
    expect(readFileSync(file, 'utf8')).toBe(encodeFile('{"n":2}'));
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(encodeFile('{"n":1}'));
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(await adapter.read()).toEqual({ n: 2 });
  });

  it('falls back to the backup with a loud log line when the file is corrupt', async () => {
    const { adapter, file, log } = setup();
    await adapter.write({ n: 1 });
    await adapter.write({ n: 2 });
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, -4)); // cut mid-body
    expect(await adapter.read()).toEqual({ n: 1 });
    expect(adapter.recoveredFromBackup).toBe(true);
    expect(log.lines.some((l) => l.startsWith('error STORE RECOVERY') && l.includes('state.json'))).toBe(true);
  });

  it('treats a file that parses but fails validation as corrupt', async () => {
    const { adapter, file } = setup();
    await adapter.write({ n: 1 });
    await adapter.write({ n: 2 });
    writeFileSync(file, encodeFile('{"n":"two"}'));
    expect(await adapter.read()).toEqual({ n: 1 });
  });

  it('catches damage that still parses, with the checksum', async () => {
    const { adapter, file, log } = setup();
    await adapter.write({ n: 1 });
    await adapter.write({ n: 2 });
    writeFileSync(file, readFileSync(file, 'utf8').replace('"n":2', '"n":3'));
    expect(await adapter.read()).toEqual({ n: 1 });
    expect(log.lines.some((l) => l.includes('checksum mismatch'))).toBe(true);
  });

  it('checks a file of raw UTF-8 (not the ASCII the agent writes, say edited by hand) over its text', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    const file = path.join(dir, 'state.json');
    const adapter = new DurableJsonFile(file, (raw) => z.object({ s: z.string() }).parse(raw), log);
    const body = '{"s":"Zürich é €"}';
    const header = (b: string) => `${JSON.stringify({ format: 'shop-agent/1', crc: crc32(b).toString(16).padStart(8, '0'), length: b.length })}\n`;
    writeFileSync(file, `${header(body)}${body}\n`, 'utf8');
    expect(await adapter.read()).toEqual({ s: 'Zürich é €' });
    // the same number of characters and bytes, one letter different: only the checksum can tell
    writeFileSync(file, `${header(body)}${body.replace('é', 'è')}\n`, 'utf8');
    await expect(adapter.read()).rejects.toThrow(/checksum mismatch/);
  });

  it('stores text as ASCII and reads accents, umlauts, € and emoji back unchanged', async () => {
    const { adapter, file } = setup();
    const text = 'Hélène Müller — 12 € 😀 Łódź 東京';
    const typed = new DurableJsonFile(file, (raw) => z.object({ text: z.string() }).parse(raw), memoryLogger());
    await typed.write({ text });
    expect(/^[\x00-\x7f]*$/.test(readFileSync(file, 'latin1'))).toBe(true);
    expect(await typed.read()).toEqual({ text });
    expect(adapter).toBeDefined();
  });

  it('uses the backup when the main file vanished', async () => {
    const { adapter, file } = setup();
    await adapter.write({ n: 1 });
    await adapter.write({ n: 2 });
    writeFileSync(file, '');
    expect(await adapter.read()).toEqual({ n: 1 });
  });

  it('refuses, saying what to do, when neither copy is good', async () => {
    const { adapter, file } = setup();
    await adapter.write({ n: 1 });
    await adapter.write({ n: 2 });
    writeFileSync(file, 'garbage');
    writeFileSync(`${file}.bak`, 'more garbage');
    const err = await adapter.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreCorruptError);
    expect(String((err as Error).message)).toMatch(/both unreadable .*will not start with an empty directory/);
    // the ways out are added where the store is known (and followed in test/e2e/store-recovery.test.ts)
    expect(storeProblem(err, '/srv/store')).toMatch(/npm run store -- restore <backup file>.*npm run store -- reset/);
  });
});

describe('a file written in pieces (a snapshot\'s shards)', () => {
  const shardOf = (clients: Client[], seq = 41): ShardFile => ({ format: 1, seq, clients });
  const oldBytes = (data: unknown) => Buffer.from(encodeFile(JSON.stringify(data)), 'latin1');
  // names a shop really has, and the characters the escaping is for: accents, an emoji (a surrogate pair), DEL, quotes
  const odd = [
    personRecord('c-1', { lastName: 'Müller-Lüdenscheidt', firstName: 'Hélène', notes: 'Zürich « 😀 » \u007f "quoted" \\ back\nslash' }),
    personRecord('c-2', { lastName: 'Ødegård', firstName: 'Åsa', notes: null }),
  ];

  it('the pieces join to JSON.stringify, and the bytes are those write() makes, for every kind of text', () => {
    const scratch = new WriteScratch();
    for (const shard of [shardOf([]), shardOf(odd), shardOf(generateClients(1500), 123456789)]) {
      expect([...shardPieces(shard)].join('')).toBe(JSON.stringify(shard));
      expect(scratch.encode(shardPieces(shard)).equals(oldBytes(shard))).toBe(true);
    }
  });

  it('one buffer reused from a large file to a small one carries nothing over', () => {
    const scratch = new WriteScratch();
    const large = shardOf(generateClients(3000));
    expect(scratch.encode(shardPieces(large)).equals(oldBytes(large))).toBe(true);
    const small = shardOf(odd.slice(0, 1), 7);
    expect(scratch.encode(shardPieces(small)).equals(oldBytes(small))).toBe(true);
  });

  it('is read back like any other file, and damage is still caught by the checksum', async () => {
    const { file, log } = setup();
    const shards = new DurableJsonFile(file, (raw) => parseShardFile(raw), log);
    const shard = shardOf([...odd, ...generateClients(200)]);
    await shards.writePieces(shardPieces(shard), new WriteScratch());
    expect(await shards.read()).toEqual(shard);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 40) ^ 0x01, bytes.length - 40); // one bit inside a record
    writeFileSync(file, bytes);
    writeFileSync(`${file}.bak`, 'not a shard');
    await expect(shards.read()).rejects.toThrow(/checksum mismatch/);
  });
});

describe('files read in turn through one buffer (a load\'s shards)', () => {
  it('gives each file its own bytes exactly, from small to large to small, and nothing of the one before', async () => {
    const dir = tempDir();
    const scratch = new ReadScratch();
    const sizes = [10, 0, 70_000, 3, 250_000, 69_999, 1];
    const files = sizes.map((size, i) => {
      const file = path.join(dir, `f${i}`);
      writeFileSync(file, Buffer.alloc(size, 65 + i)); // each file its own letter
      return file;
    });
    for (const file of files) expect((await scratch.read(file)).equals(readFileSync(file))).toBe(true);
  });

  it('reads on past the size the file had when it was opened (a file still growing, /proc\'s files of size 0)', async () => {
    const scratch = new ReadScratch();
    // stat() says 0 bytes; the read finds more, and the buffer grows as it goes
    expect((await scratch.read('/proc/self/cmdline')).equals(readFileSync('/proc/self/cmdline'))).toBe(true);
  });

  it('a missing file is refused as missing, and the buffer serves the next one', async () => {
    const dir = tempDir();
    const scratch = new ReadScratch();
    await expect(scratch.read(path.join(dir, 'nothing'))).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(path.join(dir, 'b'), 'bee');
    expect((await scratch.read(path.join(dir, 'b'))).toString()).toBe('bee');
  });

  it('each shard is read back whole and checked, one after another, the damaged one for its backup', async () => {
    const { dir, log } = setup();
    const scratch = new ReadScratch();
    const shards = [generateClients(900), generateClients(40), generateClients(300)].map((clients, k) => {
      const file = path.join(dir, `shard-${k}.json`);
      return { file, data: { format: 1 as const, seq: k + 1, clients }, adapter: new DurableJsonFile(file, (raw) => parseShardFile(raw), log) };
    });
    for (const s of shards) {
      await s.adapter.write({ ...s.data, seq: 0 }); // the backup to come
      await s.adapter.write(s.data);
    }
    // the middle one damaged after a large one was read into the buffer: its backup is read, not the large one's bytes
    const middle = readFileSync(shards[1]!.file);
    middle.writeUInt8(middle.readUInt8(middle.length - 40) ^ 0x01, middle.length - 40);
    writeFileSync(shards[1]!.file, middle);
    expect(await shards[0]!.adapter.read(scratch)).toEqual(shards[0]!.data);
    expect(await shards[1]!.adapter.read(scratch)).toEqual({ ...shards[1]!.data, seq: 0 });
    expect(shards[1]!.adapter.recoveredFromBackup).toBe(true);
    expect(await shards[2]!.adapter.read(scratch)).toEqual(shards[2]!.data);
  });
});
