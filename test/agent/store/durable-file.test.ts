import { storeProblem } from '../../../agent/store/manifest.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryLogger } from '../../../agent/log.js';
import { DurableJsonFile, encodeFile, StoreCorruptError } from '../../../agent/store/durable-file.js';
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
