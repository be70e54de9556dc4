import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';

/**
 * A real disk that fills: the store on a 2 MiB tmpfs mounted in the test's own folder (CI runs as
 * root; unmounted after). Every 201 is counted; after a stop on the full disk, space freed and a
 * restart, each of them is there.
 */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) execFileSync('umount', [m]);
});

describe('a store on a disk that fills up', () => {
  it('answers 507 once full, keeps serving reads, and after a stop, space freed and a restart, holds every acknowledged client', async () => {
    const root = tempDir();
    const disk = path.join(root, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]); // needs root, as CI is
    mounts.push(disk);
    const config = writeConfig(root, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './disk/store' }, printers: [] });
    const first = await startAgentProcess(config);
    const acknowledged: string[] = [];
    let problem: { status: number; title: string; detail: string } | null = null;
    try {
      // most of the disk taken by something else
      const st = statfsSync(disk);
      writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, st.bavail * st.bsize - 256 * 1024)));
      const notes = 'x'.repeat(2000);
      for (let i = 0; i < 500 && !problem; i++) {
        const res = await fetch(`${first.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'person', civility: 'Mme', lastName: `Plein${i}`, firstName: 'Anne', reference: `FULL-${i}`, notes }) });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else problem = (await res.json()) as { status: number; title: string; detail: string };
      }
      expect(acknowledged.length).toBeGreaterThan(10);
      expect(problem).toMatchObject({ status: 507, title: 'Disk full' });
      expect(problem!.detail).toMatch(/is full \(\d+(\.\d)? MB free\).*Free space on that disk.*no restart is needed/);
      // reads go on
      const found = (await (await fetch(`${first.url}/api/v1/clients?q=plein0`, { headers })).json()) as { items: unknown[] };
      expect(found.items.length).toBeGreaterThan(0);
      // space freed: writes work again, no restart
      rmSync(path.join(disk, 'filler'));
      const again = await fetch(`${first.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'person', civility: 'M.', lastName: 'Encore', firstName: 'Luc' }) });
      expect(again.status).toBe(201);
      acknowledged.push(((await again.json()) as { id: string }).id);
      // and full again for the stop
      const st2 = statfsSync(disk);
      writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, st2.bavail * st2.bsize - 4096)));
    } finally {
      first.proc.kill('SIGTERM'); // its last snapshot cannot be written: the journal keeps everything
    }
    const exit = await first.exited;
    expect(exit.code).toBe(0);
    rmSync(path.join(disk, 'filler')); // space freed
    const second = await startAgentProcess(config);
    try {
      for (const id of acknowledged) expect((await fetch(`${second.url}/api/v1/clients/${id}`, { headers })).status).toBe(200);
      const res = await fetch(`${second.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'person', civility: 'M.', lastName: 'Libre', firstName: 'Luc' }) });
      expect(res.status).toBe(201);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
