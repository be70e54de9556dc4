import { appendFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../agent/store/audit-log.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { tempDir } from '../../helpers/config.js';

/** store.dir/audit.log: one line per act, durable, readable after a torn write. */

describe('the audit log', () => {
  it('appends one JSON line per entry, in order, readable by the owner only', async () => {
    const file = path.join(tempDir(), 'audit.log');
    const log = new AuditLog(file);
    expect(await log.read()).toEqual([]);
    await Promise.all([
      log.append({ at: '2026-11-27T10:00:00.000Z', action: 'client.anonymize', id: 'a', changed: true }),
      log.append({ at: '2026-11-27T10:00:01.000Z', action: 'client.merge', id: 'b', from: 'c' }),
    ]);
    expect(readFileSync(file, 'utf8').split('\n')).toEqual([
      '{"at":"2026-11-27T10:00:00.000Z","action":"client.anonymize","id":"a","changed":true}',
      '{"at":"2026-11-27T10:00:01.000Z","action":"client.merge","id":"b","from":"c"}',
      '',
    ]);
    expect(await new AuditLog(file).read()).toHaveLength(2);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a line cut short by a power cut is closed before the next one; the complete lines stay readable', async () => {
    const file = path.join(tempDir(), 'audit.log');
    await new AuditLog(file).append({ at: '2026-11-27T10:00:00.000Z', action: 'client.merge', id: 'a', from: 'b' });
    appendFileSync(file, '{"at":"2026-11-27T10:00:0'); // the torn write
    const log = new AuditLog(file); // after the restart
    await log.append({ at: '2026-11-27T11:00:00.000Z', action: 'client.anonymize', id: 'c', changed: true });
    expect((await log.read()).map((e) => e.id)).toEqual(['a', 'c']);
  });

  it('a write the disk refuses is refused, cut back, and the next one is whole', async () => {
    const file = path.join(tempDir(), 'audit.log');
    const fs = new FaultyFs();
    const log = new AuditLog(file, fs);
    await log.append({ at: '2026-11-27T10:00:00.000Z', action: 'client.merge', id: 'a', from: 'b' });
    fs.free = 20; // short, then ENOSPC
    await expect(log.append({ at: '2026-11-27T10:00:01.000Z', action: 'client.merge', id: 'x', from: 'y' })).rejects.toMatchObject({ code: 'ENOSPC' });
    fs.free = Infinity;
    await log.append({ at: '2026-11-27T10:00:02.000Z', action: 'client.anonymize', id: 'c', changed: false });
    expect((await log.read()).map((e) => e.id)).toEqual(['a', 'c']);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
