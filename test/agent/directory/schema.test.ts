import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryStore } from '../../../agent/directory/directory-store.js';
import { clientRecordSchema, compactClient, isStoredClient, parseShardFile } from '../../../agent/directory/schema.js';
import { memoryLogger } from '../../../agent/log.js';
import { generateClients } from '../../fixtures/swiss-clients.js';

describe('isStoredClient agrees with clientRecordSchema', () => {
  const clients = generateClients(300, 7);

  it('accepts every valid record', () => {
    for (const c of clients) {
      expect(clientRecordSchema.safeParse(c).success).toBe(true);
      expect(isStoredClient(c)).toBe(true);
    }
  });

  const breakages: Array<[string, (c: Record<string, unknown>) => void]> = [
    ['id missing', (c) => delete c.id],
    ['id empty', (c) => (c.id = '')],
    ['kind unknown', (c) => (c.kind = 'robot')],
    ['lastName a number', (c) => (c.lastName = 42)],
    ['email undefined', (c) => delete c.email],
    ['notes an object', (c) => (c.notes = {})],
    ['address null', (c) => (c.address = null)],
    ['country lower case', (c) => (c.address = { ...(c.address as object), country: 'ch' })],
    ['city a number', (c) => (c.address = { ...(c.address as object), city: 1204 })],
    ['balance a float', (c) => (c.walletBalance = 12.5)],
    ['version negative', (c) => (c.version = -1)],
    ['updatedAt missing', (c) => delete c.updatedAt],
  ];

  it.each(breakages)('rejects a record with %s, like the schema', (_, breakIt) => {
    const c: Record<string, unknown> = structuredClone(clients[0]!);
    breakIt(c);
    expect(clientRecordSchema.safeParse(c).success).toBe(false);
    expect(isStoredClient(c)).toBe(false);
  });

  it('a shard file with one bad record is refused as a whole, naming it', () => {
    const bad = { ...clients[1]!, kind: 'robot' };
    expect(() => parseShardFile({ format: 1, seq: 3, clients: [clients[0], bad] })).toThrow('client #1 is not a valid client record');
    expect(parseShardFile({ format: 1, seq: 3, clients: clients.slice(0, 2) }).clients).toHaveLength(2);
  });
});

describe('compactClient', () => {
  it('keeps every field and its order: the same record, the same JSON', () => {
    for (const c of generateClients(500, 99)) {
      const parsed = clientRecordSchema.parse(JSON.parse(JSON.stringify(c)));
      const compact = compactClient(parsed);
      expect(compact).toEqual(parsed);
      expect(JSON.stringify(compact)).toBe(JSON.stringify(parsed));
      expect(compact).not.toBe(parsed);
      expect(compact.address).not.toBe(parsed.address);
    }
  });

  it('is what the store keeps of a record it is given', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compact-'));
    const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger());
    await store.load();
    const [c] = generateClients(1, 5);
    const record = clientRecordSchema.parse(JSON.parse(JSON.stringify(c)));
    await store.commit([{ op: 'client.put', record }]);
    const kept = store.clients.get(record.id)!;
    expect(kept).toEqual(record);
    expect(kept).not.toBe(record);
    expect(Object.keys(kept)).toEqual(Object.keys(clientRecordSchema.shape));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
