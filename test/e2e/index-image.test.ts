import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';

/**
 * The saved search index across real restarts of the agent process: a clean stop saves it, the
 * next start takes it in; edits made before a SIGKILL (the index not saved again) are read again
 * at the next start; and what a till's searches get then is exactly what they get from an agent
 * that built its index from the records (its saved copy removed).
 */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
const json = (body: unknown) => ({ method: 'POST', headers, body: JSON.stringify(body) });

interface Page {
  items: Array<{ id: string; lastName: string | null; match: string }>;
  next: string | null;
}

async function answers(url: string, queries: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const q of queries) {
    const res = await fetch(`${url}/api/v1/clients?q=${encodeURIComponent(q)}&limit=100`, { headers });
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    out[q] = page.items.map((c) => `${c.id} ${c.lastName} ${c.match}`);
  }
  return out;
}

describe('the saved search index across restarts', () => {
  it('a clean stop saves it and the next start takes it in; edits before a SIGKILL are read again; answers are those of an index built from the records', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './store' }, printers: [] });
    const image = path.join(dir, 'store', 'cache', 'search-index.bin');
    const names = ['Favre', 'Müller', 'Rossi', 'Bühler', 'Dubois', 'Keller'];

    const first = await startAgentProcess(file);
    expect(first.output()).toMatch(/directory loaded .*index=built/);
    const ids: string[] = [];
    for (let i = 0; i < 120; i += 10) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          fetch(`${first.url}/api/v1/clients`, json({ lastName: `${names[(i + k) % names.length]}${i + k}`, firstName: 'Anne', reference: `IMG-${i + k}`, address: { city: (i + k) % 2 ? 'Genève' : 'Zürich' } })).then(async (r) => {
            expect(r.status).toBe(201);
            return ((await r.json()) as { id: string }).id;
          }),
        ),
      );
      ids.push(...made);
    }
    first.proc.kill('SIGTERM');
    await first.exited;
    expect(existsSync(image)).toBe(true);

    const second = await startAgentProcess(file);
    expect(second.output()).toMatch(/directory loaded clients=120 .*index="saved copy, 0 re-read"/);
    // edits the saved copy does not have: then the agent dies before saving it again
    for (const id of ids.slice(0, 5)) {
      const got = (await (await fetch(`${second.url}/api/v1/clients/${id}`, { headers })).json()) as { version: number };
      const res = await fetch(`${second.url}/api/v1/clients/${id}`, { method: 'PATCH', headers: { ...headers, 'if-match': `"${got.version}"` }, body: JSON.stringify({ lastName: `Zuberbühler${id.slice(0, 3)}` }) });
      expect(res.status).toBe(200);
    }
    for (const id of ids.slice(5, 8)) expect((await fetch(`${second.url}/api/v1/clients/${id}`, { method: 'DELETE', headers })).status).toBe(204);
    for (const n of ['Aebischer', 'Zollinger']) expect((await fetch(`${second.url}/api/v1/clients`, json({ lastName: n, firstName: 'Luc' }))).status).toBe(201);
    second.proc.kill('SIGKILL');
    await second.exited;

    const queries = ['', 'zuber', 'zuberbühler', 'aeb', 'zoll', 'favre', 'mül', 'muller', 'rossi1', 'genève', 'zurich', 'IMG-1', 'IMG-6', 'IMG-7', 'anne', 'luc', 'keler', 'duboi'];
    const third = await startAgentProcess(file);
    expect(third.output()).toMatch(/directory loaded clients=119 .*index="saved copy, 7 re-read"/);
    const restored = await answers(third.url, queries);
    third.proc.kill('SIGTERM');
    await third.exited;

    rmSync(image);
    const fourth = await startAgentProcess(file);
    expect(fourth.output()).toMatch(/directory loaded clients=119 .*index=built/);
    const built = await answers(fourth.url, queries);
    fourth.proc.kill('SIGTERM');
    await fourth.exited;

    expect(restored).toEqual(built);
    // and they are the answers the edits call for
    expect(restored['zuber']).toHaveLength(5);
    expect(restored['IMG-6']).toHaveLength(10); // IMG-60 to IMG-69: IMG-6 itself was deleted
    expect(restored['IMG-6']?.some((line) => / Favre6 /.test(line))).toBe(false);
    expect(restored['aeb']?.[0]).toMatch(/ Aebischer exact$/);
    expect(restored['IMG-1']?.[0]).toMatch(/^\S+ Zuberbühler\S+ exact$/); // edited before the kill: found by its card, under its new name
  }, 90_000);
});
