import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, exportClientsCsv, neutralizeCell } from '../agent/directory/csv.js';
import { decodeCsv, importClientsCsv, parseCsv } from '../agent/directory/csv-import.js';
import { Directory } from '../agent/directory/directory.js';
import { DirectoryStore } from '../agent/directory/directory-store.js';
import type { Client, Group } from '../agent/directory/schema.js';
import { EventBus } from '../agent/events.js';
import type { Logger } from '../agent/log.js';
import { memoryLogger } from '../agent/log.js';
import { OutboxRecorder } from '../agent/sync/outbox-recorder.js';
import type { SyncOp } from '../agent/sync/records.js';
import { SyncStore } from '../agent/sync/sync-store.js';
import { copyStore, seedStore } from './lib/seed.js';
import { median } from './lib/stats.js';

/**
 * (a''') The CSV import and export (issue 15) in process, on a store of the directory's size,
 * opened as the agent opens it with a cloud (the outbox recorder records every edit in the same
 * write). The file: 10,000 lines as a spreadsheet gives them back — 5,000 clients found by id and
 * 2,500 by reference, each with a cell changed, and 2,500 new clients — in the export's format.
 *
 * Same-run baselines: for the dry run, csv-parse reading the same file alone (decode + parse,
 * no matching, no rules); for the apply, the store's own durable write of the same 10,000 records
 * (DirectoryStore.commit, no import); for the export, JSON.stringify of the same records.
 */
export interface ImportBenchResult {
  clients: number;
  lines: number;
  fileBytes: number;
  dryRunMs: number[];
  dryRunP50Ms: number;
  parseAloneP50Ms: number;
  applyMs: number[];
  applyP50Ms: number;
  commitAloneMs: number;
  applied: { created: number; updated: number; unchanged: number; invalid: number };
  outboxAfterApply: number;
  exportMs: number[];
  exportP50Ms: number;
  exportBytes: number;
  /** the longest the export held the event loop for one chunk (the agent answers nothing else meanwhile) */
  exportLongestChunkMs: number;
  jsonStringifyP50Ms: number;
}

interface Opened {
  store: DirectoryStore<SyncOp>;
  sync: SyncStore;
  directory: Directory<SyncOp>;
  close(): Promise<void>;
}

/** A store copy opened as the agent's services open it with a cloud: the sync section, an outbox recorder. */
async function openWithOutbox(dir: string): Promise<Opened> {
  const sync = new SyncStore();
  const store = new DirectoryStore(path.join(dir, 'directory'), memoryLogger(), { sections: [sync.section] });
  await store.load();
  const directory = new Directory(store, new EventBus(), { recorder: new OutboxRecorder(sync.outbox) });
  directory.start();
  return {
    store,
    sync,
    directory,
    async close() {
      directory.stop();
      await store.close();
    },
  };
}

function cells(c: Client): string[] {
  const a = c.address;
  const v = [c.id, c.kind, c.civility, c.lastName, c.firstName, c.companyName, c.reference, c.accountNumber, c.groupId, c.email, c.phone, a.street, a.street2, a.postalCode, a.city, a.country, c.notes, null, String(c.accountBalance), String(c.walletBalance), String(c.version), c.updatedAt];
  return v.map((x) => (x === null ? '' : neutralizeCell(x)));
}

/** The 10,000-line file, and the records the store would hold after it (for the commit baseline). */
function importFile(clients: readonly Client[], lines: number): { text: string; after: Client[] } {
  const byId = clients.slice(0, lines / 2);
  const byRef = clients.slice(lines / 2).filter((c) => c.reference !== null).slice(0, lines / 4);
  const rows: string[][] = [];
  const after: Client[] = [];
  for (const c of byId) {
    const changed = { ...c, notes: `Importé le 2 décembre${c.notes ? `\n${c.notes}` : ''}` };
    rows.push(cells(changed));
    after.push(changed);
  }
  for (const c of byRef) {
    const changed = { ...c, email: `${c.id.slice(0, 8)}@import.example.ch` };
    const row = cells(changed);
    row[0] = ''; // found by its reference
    rows.push(row);
    after.push(changed);
  }
  for (let i = 0; rows.length < lines; i++) {
    const row = new Array<string>(CSV_COLUMNS.length).fill('');
    row[1] = 'person';
    row[3] = `Nouveau${i}`;
    row[4] = 'Client';
    row[6] = `IMPORT-${String(i).padStart(6, '0')}`;
    row[10] = `079 ${String(100 + (i % 900))} ${String(10 + (i % 90))} ${String(10 + ((i * 7) % 90))}`;
    row[13] = '1003';
    row[14] = 'Lausanne';
    row[15] = 'CH';
    rows.push(row);
    after.push({ ...clients[0]!, id: `bench-new-${i}`, reference: row[6], lastName: row[3]!, firstName: 'Client' });
  }
  const text = `\uFEFF${stringify([[...CSV_COLUMNS], ...rows], { delimiter: ';', record_delimiter: 'windows', quoted_match: /[\r\n]/ })}`;
  return { text, after };
}

/** Reads the export to its end; the bytes, and the longest single read (one chunk made). */
async function readExport(directory: Directory<SyncOp>): Promise<{ bytes: number; longestMs: number }> {
  const reader = exportClientsCsv(directory).getReader();
  let bytes = 0;
  let longestMs = 0;
  for (;;) {
    const t = performance.now();
    const { done, value } = await reader.read();
    longestMs = Math.max(longestMs, performance.now() - t);
    if (done) return { bytes, longestMs };
    bytes += value.byteLength;
  }
}

const time = async (f: () => Promise<unknown> | unknown): Promise<number> => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

export async function runImportBench(clients: readonly Client[], groups: readonly Group[], tmp: string, log: Logger, say: (s: string) => void = () => undefined): Promise<ImportBenchResult> {
  const LINES = 10_000;
  const template = path.join(tmp, 'import-template');
  await seedStore(template, clients, groups, log);
  const { text: csv, after } = importFile(clients, LINES);
  const bytes = new TextEncoder().encode(csv);

  // ---- dry run, and the export, on one copy (neither writes)
  const readDir = path.join(tmp, 'import-read');
  await copyStore(template, readDir);
  const r = await openWithOutbox(readDir);
  const dryRunMs: number[] = [];
  const parseMs: number[] = [];
  const exportMs: number[] = [];
  const jsonMs: number[] = [];
  let exportBytes = 0;
  let exportLongestChunkMs = 0;
  try {
    for (let i = 0; i < 4; i++) {
      parseMs.push(await time(() => parseCsv(decodeCsv(bytes).text)));
      dryRunMs.push(await time(() => importClientsCsv(r.directory, decodeCsv(bytes).text, { dryRun: true, skipInvalid: false })));
    }
    dryRunMs.shift(); // the first run warms the code up
    parseMs.shift();
    say(`dry run of ${LINES} lines: ${dryRunMs.map((x) => x.toFixed(0)).join(', ')} ms; parse alone ${parseMs.map((x) => x.toFixed(0)).join(', ')} ms`);
    const records = [...r.directory.eachClient()];
    for (let i = 0; i < 4; i++) {
      exportMs.push(
        await time(async () => {
          const read = await readExport(r.directory);
          exportBytes = read.bytes;
          if (i > 0) exportLongestChunkMs = Math.max(exportLongestChunkMs, read.longestMs);
        }),
      );
      jsonMs.push(await time(() => JSON.stringify(records)));
    }
    exportMs.shift();
    jsonMs.shift();
    say(`export of ${records.length} clients: ${exportMs.map((x) => x.toFixed(0)).join(', ')} ms (${(exportBytes / 1048576).toFixed(1)} MB); JSON.stringify ${jsonMs.map((x) => x.toFixed(0)).join(', ')} ms`);
  } finally {
    await r.close();
  }

  // ---- apply: each run on a fresh copy (a run changes the store)
  const applyMs: number[] = [];
  let applied = { created: 0, updated: 0, unchanged: 0, invalid: 0 };
  let outboxAfterApply = 0;
  for (let run = 0; run < 3; run++) {
    const dir = path.join(tmp, `import-apply-${run}`);
    await copyStore(template, dir);
    const o = await openWithOutbox(dir);
    try {
      applyMs.push(
        await time(async () => {
          const report = await importClientsCsv(o.directory, decodeCsv(bytes).text, { dryRun: false, skipInvalid: false });
          applied = { created: report.created, updated: report.updated, unchanged: report.unchanged, invalid: report.invalid };
        }),
      );
      outboxAfterApply = o.sync.outbox.size;
    } finally {
      await o.close();
    }
  }
  say(`apply of ${LINES} lines: ${applyMs.map((x) => x.toFixed(0)).join(', ')} ms (${JSON.stringify(applied)}, ${outboxAfterApply} outbox entries)`);

  // ---- baseline for the apply: the store's durable write of the same records, without the import
  const baseDir = path.join(tmp, 'import-commit');
  await copyStore(template, baseDir);
  const b = await openWithOutbox(baseDir);
  let commitAloneMs: number;
  try {
    commitAloneMs = await time(() => b.store.commit(after.map((record) => ({ op: 'client.put' as const, record }))));
  } finally {
    await b.close();
  }

  return {
    clients: clients.length,
    lines: LINES,
    fileBytes: bytes.byteLength,
    dryRunMs,
    dryRunP50Ms: median(dryRunMs),
    parseAloneP50Ms: median(parseMs),
    applyMs,
    applyP50Ms: median(applyMs),
    commitAloneMs,
    applied,
    outboxAfterApply,
    exportMs,
    exportP50Ms: median(exportMs),
    exportBytes,
    exportLongestChunkMs,
    jsonStringifyP50Ms: median(jsonMs),
  };
}
