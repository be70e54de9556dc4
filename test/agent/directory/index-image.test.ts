import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IndexImage, readIndexImage, writeIndexImage } from '../../../agent/directory/index-image.js';
import type { Client } from '../../../agent/directory/schema.js';
import { indexFingerprint, SearchIndex } from '../../../agent/directory/search-index.js';
import { memoryLogger } from '../../../agent/log.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { generateClients } from '../../fixtures/swiss-clients.js';
import { openTestAgent, tempDir } from '../../helpers/agent.js';

/**
 * A start that takes in the saved search index must answer exactly as one that builds it from the
 * records: for every query, page after page, whatever changed in the directory since the index
 * was saved (edited, added, removed clients), and after edits made once it runs.
 */

const N = 3000;

function directoryOf(clients: readonly Client[]): Map<string, Client> {
  return new Map(clients.map((c) => [c.id, c]));
}

/** Every page of a search (25 at a time), with where the close matches start on each. */
function allPages(index: SearchIndex, q: string): string[] {
  const out: string[] = [];
  let after = null;
  for (let pages = 0; pages < 400; pages++) {
    const page = index.search(q, 25, after);
    out.push(...page.ids.map((id, i) => (i < page.closeFrom ? id : `~${id}`)));
    if (!page.after) return out;
    after = page.after;
  }
  throw new Error(`"${q}": more than 400 pages`);
}

/** Queries of every kind, made from the clients themselves: name prefixes, whole names, cities, phones, references, e-mails, typos. */
function queriesFor(clients: readonly Client[]): string[] {
  const qs = new Set<string>(['', 'a', 'mu', 'mül', 'rue', 'zzqxv', '079', '+41 79', '12', 'jean pierre']);
  for (const c of clients.slice(0, 60)) {
    const last = c.lastName ?? c.companyName ?? '';
    qs.add(last.slice(0, 3));
    qs.add(last);
    if (c.firstName) qs.add(`${c.firstName} ${last}`);
    if (last.length > 5) qs.add(`${last.slice(0, 2)}${last.slice(3)}`); // one letter missing: a close match
    if (c.address.city) qs.add(c.address.city);
    if (c.phone) qs.add(c.phone);
    if (c.reference) qs.add(c.reference);
    if (c.email) qs.add(c.email.slice(0, 6));
  }
  return [...qs];
}

function expectSameAnswers(restored: SearchIndex, clients: ReadonlyMap<string, Client>, queries: readonly string[]): void {
  const built = new SearchIndex('CH');
  built.rebuild(clients.values());
  expect(restored.size).toBe(built.size);
  for (const q of queries) expect(allPages(restored, q), `query "${q}"`).toEqual(allPages(built, q));
}

async function savedAndRead(index: SearchIndex, clients: ReadonlyMap<string, Client>): Promise<IndexImage> {
  const file = path.join(tempDir(), 'cache', 'search-index.bin');
  await writeIndexImage(file, (await index.image(clients))!);
  const image = await readIndexImage(file, { fingerprint: indexFingerprint('CH'), country: 'CH' }, memoryLogger());
  if (!image) throw new Error('the image written was not read back');
  return image;
}

describe('the saved search index', () => {
  const clients = generateClients(N);
  const queries = queriesFor(clients);

  it('taken in through its file, answers every query, page after page, as the index built from the records', async () => {
    const directory = directoryOf(clients);
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    const restored = new SearchIndex('CH');
    expect(restored.restore(await savedAndRead(index, directory), directory)).toEqual({ kept: N, reread: 0 });
    expect(restored.changedSinceImage).toBe(0);
    expectSameAnswers(restored, directory, queries);
  });

  it('clients edited, added and removed since it was saved are read again from their records; edits once running work on it', async () => {
    const directory = directoryOf(clients);
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    const image = await savedAndRead(index, directory);
    // meanwhile (a crash after these edits, before the index was saved again)
    const edited = clients.slice(100, 150);
    for (const c of edited) directory.set(c.id, { ...c, lastName: `Zuberbühler${c.id.slice(0, 4)}`, version: c.version + 1 });
    const touched = clients[200]!; // same version, another last change: read again too
    directory.set(touched.id, { ...touched, address: { ...touched.address, city: 'Vaduz' }, updatedAt: '2026-12-04T10:00:00.000Z' });
    for (const c of clients.slice(300, 330)) directory.delete(c.id);
    const added = generateClients(40, 7).map((c, i) => ({ ...c, id: `new-${i}`, reference: `NEW-${i}` }));
    for (const c of added) directory.set(c.id, c);
    const restored = new SearchIndex('CH');
    expect(restored.restore(image, directory)).toEqual({ kept: N - 50 - 1 - 30, reread: 50 + 1 + 40 });
    expect(restored.changedSinceImage).toBeGreaterThan(0);
    const more = [...queries, 'zuberbühler', 'Vaduz', 'NEW-3', edited[0]!.lastName!, clients[305]!.reference ?? 'x'];
    expectSameAnswers(restored, directory, more);
    expect(allPages(restored, edited[0]!.reference!)[0]).toBe(edited[0]!.id);
    // and it goes on as any index: an edit, a removal, an addition
    const later = { ...clients[10]!, lastName: 'Aaberg', version: clients[10]!.version + 1 };
    directory.set(later.id, later);
    restored.upsert(later);
    directory.delete(clients[11]!.id);
    restored.remove(clients[11]!.id);
    expectSameAnswers(restored, directory, [...more, 'aaberg']);
    // saved again, it comes back the same
    const again = new SearchIndex('CH');
    expect(again.restore(await savedAndRead(restored, directory), directory)).toMatchObject({ reread: 0 });
    expectSameAnswers(again, directory, [...more, 'aaberg']);
  });

  it('taken in slices while clients change between them: each changed one is read again at the next start; a rebuilt base meanwhile gives no image', async () => {
    const directory = directoryOf(clients);
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    let slice = 0;
    const changed: string[] = [];
    const image = await index.image(directory, async () => {
      // between slices, as requests would: an edit of a client already taken, one not yet taken, a removal, an addition
      slice++;
      for (const c of [clients[slice * 7]!, clients[N - slice * 11]!]) {
        const edited = { ...c, lastName: `Zwischen${slice}`, version: c.version + 1 };
        directory.set(c.id, edited);
        index.upsert(edited);
        changed.push(c.id);
      }
      directory.delete(clients[500 + slice]!.id);
      index.remove(clients[500 + slice]!.id);
      const added = { ...clients[0]!, id: `between-${slice}`, lastName: `Neu${slice}`, reference: null, accountNumber: null };
      directory.set(added.id, added);
      index.upsert(added);
    }, 500);
    expect(slice).toBeGreaterThan(0);
    const restored = new SearchIndex('CH');
    const taken = restored.restore(image!, directory);
    expect(taken!.reread).toBeGreaterThanOrEqual(slice * 2); // the additions at least, and the edits of clients not yet taken
    expectSameAnswers(restored, directory, [...queries, 'zwischen', 'neu1', 'Zwischen1']);
    // a base rebuilt while the image is taken: no image, and the next one is taken whole
    const rebuilt = await index.image(directory, async () => index.rebuild(directory.values()), 500);
    expect(rebuilt).toBeNull();
    expect(index.changedSinceImage).toBeGreaterThan(0);
  });

  it('is not taken in (and nothing changes) when made by another tokenizer, for another country, with an id twice, or with too much changed since', async () => {
    const directory = directoryOf(clients);
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    const image = (await index.image(directory))!;
    const fresh = () => new SearchIndex('CH');
    expect(fresh().restore({ ...image, fingerprint: 'deadbeef' }, directory)).toBeNull();
    expect(new SearchIndex('LI').restore(image, directory)).toBeNull();
    expect(fresh().restore({ ...image, ids: image.ids.map((id, i) => (i === 7 ? image.ids[3]! : id)) }, directory)).toBeNull();
    const mostlyNew = directoryOf(clients.map((c) => ({ ...c, version: c.version + 1 })));
    const untouched = fresh();
    expect(untouched.restore(image, mostlyNew)).toBeNull();
    expect(untouched.size).toBe(0);
    // the fingerprint follows the code that makes the texts, not a number someone must remember to change
    expect(indexFingerprint('CH')).toMatch(/^[0-9a-f]{8}$/);
    expect(indexFingerprint('CH')).not.toBe(indexFingerprint('FR'));
  });

  it('a damaged, truncated or foreign file is not used, and the log says why; a missing one says nothing', async () => {
    const directory = directoryOf(clients.slice(0, 200));
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    const dir = tempDir();
    const file = path.join(dir, 'search-index.bin');
    const expected = { fingerprint: indexFingerprint('CH'), country: 'CH' };
    const read = async () => {
      const log = memoryLogger();
      return { image: await readIndexImage(file, expected, log), said: log.lines.join('\n') };
    };
    expect(await read()).toEqual({ image: null, said: '' });
    await writeIndexImage(file, (await index.image(directory))!);
    expect((await read()).image?.ids).toHaveLength(200);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[good.length - 100] = flipped[good.length - 100]! ^ 0x20;
    writeFileSync(file, flipped);
    expect(await read()).toEqual({ image: null, said: expect.stringMatching(/saved copy is not used.*checksum mismatch/) });
    writeFileSync(file, good);
    truncateSync(file, good.length - 10);
    expect(await read()).toEqual({ image: null, said: expect.stringMatching(/not used.*truncated/) });
    writeFileSync(file, '{"format":"something else"}\n');
    expect(await read()).toEqual({ image: null, said: expect.stringMatching(/not used/) });
    await writeIndexImage(file, (await index.image(directory))!);
    expect(await readIndexImage(file, { ...expected, fingerprint: '00000000' }, memoryLogger())).toBeNull();
  });

  it('is not written on a disk short of room (the journal needs it more), and a failed write leaves no file behind', async () => {
    const directory = directoryOf(clients.slice(0, 500));
    const index = new SearchIndex('CH');
    index.rebuild(directory.values());
    const dir = tempDir();
    const file = path.join(dir, 'cache', 'search-index.bin');
    const disk = new FaultyFs();
    disk.free = 32 * 1048576;
    expect(await writeIndexImage(file, (await index.image(directory))!, disk)).toEqual({ skipped: expect.stringMatching(/^32 MB free, it needs/) });
    disk.free = 200 * 1048576;
    disk.failWriteCall = disk.writeCalls + 2;
    await expect(writeIndexImage(file, (await index.image(directory))!, disk)).rejects.toThrow(/no space left/);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
    expect(() => readFileSync(`${file}.tmp`)).toThrow(/ENOENT/);
  });
});

describe('the agent saving its search index', () => {
  it('on a disk short of room it says so at the stop and writes nothing; the next start builds the index and finds everyone', async () => {
    const dir = tempDir();
    const disk = new FaultyFs();
    disk.free = 40 * 1048576; // room for edits, not for a cache besides the margin the journal keeps
    const first = await openTestAgent({ dir, options: { store: { fs: disk } } });
    for (const lastName of ['Aebischer', 'Zollinger', 'Favre']) expect((await first.api('/api/v1/clients', { method: 'POST', json: { lastName, firstName: 'Anne' } })).status).toBe(201);
    await first.close();
    expect(first.log.lines.filter((l) => l.includes('search index'))).toEqual([expect.stringMatching(/^info search index: not saved for the next start \(40 MB free, it needs ~\d+ MB and leaves room for the directory\); it is built from the directory then$/)]);
    expect(() => readFileSync(path.join(dir, 'cache', 'search-index.bin'))).toThrow(/ENOENT/);
    const again = await openTestAgent({ dir });
    try {
      expect(again.log.lines.find((l) => l.includes('directory loaded'))).toMatch(/index=built/);
      const page = (await (await again.api('/api/v1/clients?q=zoll')).json()) as { items: Array<{ lastName: string }> };
      expect(page.items.map((c) => c.lastName)).toEqual(['Zollinger']);
    } finally {
      await again.close();
    }
  });
});
