import { stringify } from 'csv-stringify/sync';
import type { Directory } from './directory.js';
import type { Client } from './schema.js';

/**
 * The directory as a spreadsheet (agent-api.md "Directory care", issue 15): the columns, the
 * export, and the rule that keeps a cell from being read as a formula. The import (csv-import.ts)
 * reads the same columns back.
 *
 * CSV is written and read with csv-stringify / csv-parse (the `csv` project, adaltas): well kept,
 * no dependencies, and they get the quoting of `;`, `"` and line breaks inside cells right, which
 * is where hand-made CSV code goes wrong.
 */

/** The columns, in the export's order: the client's JSON field names, `address.street` for nested ones. */
export const CSV_COLUMNS = [
  'id',
  'kind',
  'civility',
  'lastName',
  'firstName',
  'companyName',
  'reference',
  'accountNumber',
  'groupId',
  'email',
  'phone',
  'address.street',
  'address.street2',
  'address.postalCode',
  'address.city',
  'address.country',
  'notes',
  'group.name',
  'accountBalance',
  'walletBalance',
  'version',
  'updatedAt',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * Exported, but the import ignores them: balances belong to the back-office, `version` and
 * `updatedAt` to the directory, and the group is chosen by `groupId` (its name is there to read).
 */
export const READ_ONLY = ['group.name', 'accountBalance', 'walletBalance', 'version', 'updatedAt'] as const satisfies readonly CsvColumn[];
export const READ_ONLY_COLUMNS: ReadonlySet<CsvColumn> = new Set(READ_ONLY);

export const CSV_DELIMITER = ';';

/**
 * What a spreadsheet takes for the start of a formula (OWASP "CSV injection"): `=`, `+`, `-`, `@`,
 * a tab, a line break. A cell starting with one gets an apostrophe in front (`'+41 79 555 00 12`),
 * which spreadsheets show as text. A value that itself starts with an apostrophe gets one more
 * (`'abc` → `''abc`), so that the import can take off exactly the one added: it removes one
 * leading apostrophe when the next character is one of these or another apostrophe. Every value
 * comes back as it was; a cell typed `'abc` by hand stays `'abc`.
 *
 * Not csv-stringify's `escape_formulas`: it does not mark values that start with an apostrophe,
 * so `'=x` would come back as `=x`.
 */
const FORMULA_START = /^[=+\-@\t\r\n']/;

export function neutralizeCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function restoreCell(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** A client's cells, in CSV_COLUMNS order (null: an empty cell). */
function rowOf(c: Readonly<Client>, groupName: (id: string) => string | undefined): string[] {
  const a = c.address;
  const cells: Array<string | null> = [
    c.id,
    c.kind,
    c.civility,
    c.lastName,
    c.firstName,
    c.companyName,
    c.reference,
    c.accountNumber,
    c.groupId,
    c.email,
    c.phone,
    a.street,
    a.street2,
    a.postalCode,
    a.city,
    a.country,
    c.notes,
    c.groupId === null ? null : (groupName(c.groupId) ?? null),
    String(c.accountBalance),
    String(c.walletBalance),
    String(c.version),
    c.updatedAt,
  ];
  return cells.map((v) => (v === null ? '' : neutralizeCell(v)));
}

const STRINGIFY = {
  delimiter: CSV_DELIMITER,
  record_delimiter: 'windows',
  // a line break inside a notes cell must be quoted too, not only the record delimiter
  quoted_match: /[\r\n]/,
} as const;

/** The rows per chunk of the export: ~5 ms of work each, so a search or a scan waits at most that long meanwhile. */
const CHUNK = 500;

/** `clients-2026-12-02.csv`: the file name the export is offered under (the shop's local date). */
export function exportFileName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `clients-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}.csv`;
}

/** The export's download headers, the API's and the staff page's alike (personal data: never cached). */
export function exportHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${exportFileName()}"`,
    'Cache-Control': 'no-store',
  };
}

/**
 * The whole directory as CSV bytes: a UTF-8 byte-order mark (Excel then reads the accents right),
 * `;` between cells (Excel's list separator in Switzerland, France and Germany), CRLF between
 * rows, the header, then every client in name order. The records are taken at once (a
 * consistent picture of the directory); the text is made a chunk at a time as the stream is read.
 */
export function exportClientsCsv(directory: Directory): ReadableStream<Uint8Array> {
  const records = clientsByName(directory);
  const groups = new Map(directory.listGroups().map((g) => [g.id, g.name]));
  const groupName = (id: string) => groups.get(id);
  const encoder = new TextEncoder();
  let at = 0;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`\uFEFF${stringify([[...CSV_COLUMNS]], STRINGIFY)}`));
        return;
      }
      if (at >= records.length) {
        controller.close();
        return;
      }
      const rows = records.slice(at, at + CHUNK).map((c) => rowOf(c, groupName));
      at += CHUNK;
      controller.enqueue(encoder.encode(stringify(rows, STRINGIFY)));
    },
  });
}

/** Every client, in the directory's name order (the search index keeps it), then any it has not indexed yet. */
function clientsByName(directory: Directory): Array<Readonly<Client>> {
  const out: Array<Readonly<Client>> = [];
  for (const id of directory.index.search('', directory.clientCount + 1).ids) {
    const c = directory.recordOf(id);
    if (c) out.push(c);
  }
  if (out.length === directory.clientCount) return out;
  // indexing deferred during a bulk write: those clients are there, just not in name order yet
  const seen = new Set(out.map((c) => c.id));
  for (const c of directory.eachClient()) if (!seen.has(c.id)) out.push(c);
  return out;
}
