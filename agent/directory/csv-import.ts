import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import { AgentError, type FieldError, fieldErrors, type RuleCode } from '../errors.js';
import { CSV_COLUMNS, type CsvColumn, type READ_ONLY, READ_ONLY_COLUMNS, restoreCell } from './csv.js';
import { type ClientChange, type Directory, displayName } from './directory.js';
import { type Client, type ClientCreate, type ClientPatch, clientCreateSchema, clientPatchSchema } from './schema.js';

/**
 * A spreadsheet of clients read into the directory (agent-api.md "Directory care", issue 15).
 *
 * - The file: UTF-8 (a byte-order mark is dropped), or Windows-1252 when the bytes are not UTF-8
 *   (what Excel writes for "CSV (séparateur : point-virgule)"); `;` or `,` between cells, found
 *   from the header row; cells quoted as spreadsheets quote them; CRLF, LF or CR line ends.
 * - The header names the columns (csv.ts, CSV_COLUMNS; case aside). An unknown column refuses
 *   the file (422, naming it and the accepted ones); read-only columns are read and ignored.
 * - Each row matches a client by `id`, else by `reference`; no match: a new client. A cell left
 *   empty clears the field (an empty `kind` or `address.country` leaves it as it is, and a new
 *   client gets `person` and `CH`); a column missing from the header leaves the field as it is.
 *   Only the cells that differ from the client are changed, so a file exported and read back
 *   changes nothing, whatever the stored text.
 * - Every row is checked with the API's schemas and the directory's rules, against the file's
 *   own rows before it (two rows with one card: the second is refused), and named by its line in
 *   the file (a cell over several lines counts them) and the column of each error.
 */

/** The largest file an import takes: 20 MB (about 100,000 clients). */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

export type ImportAction = 'create' | 'update' | 'unchanged' | 'invalid';

export interface ImportError {
  /** The column the error is about, as the header names it (`address.postalCode`), or `(column 12)` for a column with no name. */
  column: string;
  message: string;
  /** The directory's rule broken, for saying it in the staff's language (as in a 422's errors). */
  code?: RuleCode | ImportRuleCode;
  params?: Record<string, string | number>;
}

/** Errors only an import has. */
export type ImportRuleCode = 'import-unnamed-column' | 'import-extra-cell' | 'import-same-client' | 'import-same-reference' | 'import-id-unknown';

export interface ImportLine {
  /** The row's line in the file (the header is line 1; a row starts where its first cell starts). */
  line: number;
  action: ImportAction;
  /** The client's id: the one matched; for a new client, the one in the file or, once applied, the one given. */
  id?: string;
  /** The client's name as it would be (for showing the report), if it has one. */
  name?: string;
  errors?: ImportError[];
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  invalid: number;
  lines: ImportLine[];
}

export interface ImportOptions {
  dryRun: boolean;
  skipInvalid: boolean;
}

/** Why a file cannot be read at all (nothing of it was looked at row by row). */
export type CsvFileProblem = 'empty' | 'malformed' | 'unknown-column' | 'duplicate-column' | 'not-utf8' | 'charset';

/** A file the import cannot read: 422 (or 400/415 for its bytes), with a code and params for the staff page. */
export class CsvFileError extends AgentError {
  constructor(
    readonly problem: CsvFileProblem,
    detail: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(problem === 'not-utf8' ? 'bad-request' : problem === 'charset' ? 'unsupported' : 'invalid', 'Cannot read the file', detail, undefined, { problem, ...params });
    this.name = 'CsvFileError';
  }
}

/** An import refused because lines are invalid (and skipInvalid was not set): nothing was written. 422 with the report. */
export class ImportRefused extends AgentError {
  constructor(readonly report: ImportReport) {
    super(
      'invalid',
      'Invalid data',
      `${report.invalid} line${report.invalid > 1 ? 's are' : ' is'} invalid (see "lines"), so nothing was imported. Correct ${report.invalid > 1 ? 'them' : 'it'} and send the file again, or send ?skipInvalid=true to import the valid lines alone.`,
      undefined,
      { ...report },
    );
    this.name = 'ImportRefused';
  }
}

// ---- the bytes -------------------------------------------------------------------------------

/**
 * The file's text. `charset`: the one its Content-Type declares, if any. Undeclared and not UTF-8,
 * it is read as Windows-1252 (every byte is a character there, and it is what spreadsheets on
 * Windows write by default). Line ends become `\n` (inside cells too: notes keep their breaks).
 */
export function decodeCsv(bytes: Uint8Array, charset?: string): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  const cs = charset?.trim().toLowerCase();
  let encoding: 'utf-8' | 'windows-1252';
  if (cs === undefined || cs === '' || cs === 'utf-8' || cs === 'utf8') {
    encoding = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
    if (encoding !== 'utf-8' && cs) throw new CsvFileError('not-utf8', 'The file is declared as UTF-8 but is not UTF-8: save it as "CSV UTF-8", or send it without a charset (it is then read as Windows-1252).');
  } else if (cs === 'windows-1252' || cs === 'cp1252' || cs === 'iso-8859-1' || cs === 'latin1' || cs === 'iso-8859-15') {
    encoding = 'windows-1252';
  } else {
    throw new CsvFileError('charset', `The file is declared as ${charset}; the agent reads CSV in UTF-8 or Windows-1252: save it as "CSV UTF-8".`, { charset: charset ?? '' });
  }
  let text = new TextDecoder(encoding).decode(bytes); // drops a UTF-8 byte-order mark
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: text.replace(/\r\n?/g, '\n'), encoding };
}

// ---- the cells -------------------------------------------------------------------------------

interface Row {
  line: number;
  cells: string[];
}

export interface ParsedCsv {
  delimiter: ';' | ',';
  /** Per header cell: the column it names; null for a cell left empty (its values must be empty too). */
  columns: Array<CsvColumn | null>;
  rows: Row[];
}

const COLUMN_BY_NAME = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));

/** The separator of the header row: `;` or `,`, whichever it has more of outside quotes (`,` for a single column). */
function delimiterOf(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') {
      if (semicolons + commas > 0) break; // the header row (blank lines before it aside)
    } else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

const QUOTE_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed (a " is missing)',
  CSV_INVALID_CLOSING_QUOTE: 'a quote inside a quoted cell must be doubled ("")',
};

/** Text (from decodeCsv) → the header's columns and the rows, each with its line in the file. */
export function parseCsv(text: string): ParsedCsv {
  const delimiter = delimiterOf(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // with `info`, each record comes as { record, info } (the library's types do not say so)
    records = parse(text, {
      delimiter,
      record_delimiter: '\n',
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // a row of empty cells (`;;;;`, as spreadsheets leave below the data) is no row
      skip_records_with_empty_values: true,
    }) as unknown as typeof records;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const line = Number(Reflect.get(err, 'lines')) || 0;
    const why = QUOTE_PROBLEMS[err.code] ?? err.message;
    throw new CsvFileError('malformed', `The file is not valid CSV at line ${line}: ${why}. Check that line in a text editor, or save the file again from the spreadsheet.`, { line, reason: why });
  }
  const [head, ...body] = records;
  if (!head) throw new CsvFileError('empty', 'The file is empty: it needs a header row naming the columns (export the directory to get one), then a row per client.');
  const columns = head.record.map((name) => (name.trim() === '' ? null : COLUMN_BY_NAME.get(name.trim().replace(/^\uFEFF/, '').toLowerCase()) ?? name.trim()));
  const unknown = columns.filter((c): c is string => c !== null && !COLUMN_BY_NAME.has(c.toLowerCase()));
  if (unknown.length) {
    const list = unknown.map((u) => `"${u}"`).join(', ');
    throw new CsvFileError(
      'unknown-column',
      `The header row names ${unknown.length > 1 ? 'columns' : 'a column'} the directory does not have: ${list}. ` +
        `Rename ${unknown.length > 1 ? 'them' : 'it'} to one of ${CSV_COLUMNS.join(', ')} (case does not matter), or delete ${unknown.length > 1 ? 'those columns' : 'that column'}. ` +
        'The easiest start is an export: its header row has every column.',
      { columns: unknown.join(', '), accepted: CSV_COLUMNS.join(', ') },
    );
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === null) continue;
    if (seen.has(c)) throw new CsvFileError('duplicate-column', `The header row names the column "${c}" twice: keep one.`, { column: c });
    seen.add(c);
  }
  const rows = body.map(({ record, info }) => {
    // info.lines is the line the row ends on; the line breaks inside its cells say where it began
    let breaks = 0;
    for (const cell of record) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) breaks++;
    return { line: info.lines - breaks, cells: record };
  });
  return { delimiter, columns: columns as Array<CsvColumn | null>, rows };
}

// ---- the rows --------------------------------------------------------------------------------

/** The columns an import can change. */
type Editable = Exclude<CsvColumn, 'id' | (typeof READ_ONLY)[number]>;
const ADDRESS_PARTS = ['street', 'street2', 'postalCode', 'city', 'country'] as const;
type AddressPart = (typeof ADDRESS_PARTS)[number];

/** A field's stored value, as a cell would hold it (null: empty). */
function storedValue(c: Readonly<Client>, column: Editable): string | null {
  if (column.startsWith('address.')) return c.address[column.slice('address.'.length) as AddressPart];
  return c[column as Exclude<Editable, `address.${string}`>];
}

/**
 * A cell's value for a field: null clears it; undefined leaves it (an empty kind or country: they
 * always have a value, and a new client gets the default).
 */
function cellValue(column: Editable, cell: string): string | null | undefined {
  if (column === 'kind' || column === 'address.country') {
    const t = cell.trim();
    return t === '' ? undefined : column === 'kind' ? t.toLowerCase() : t.toUpperCase();
  }
  return cell.trim() === '' ? null : cell;
}

/** A row's cells by column (read-only ones left out), and the errors of cells that belong to no column. */
function readRow(columns: ReadonlyArray<CsvColumn | null>, cells: readonly string[]): { values: Map<CsvColumn, string>; errors: ImportError[] } {
  const values = new Map<CsvColumn, string>();
  const errors: ImportError[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    const column = columns[i];
    if (column === undefined || column === null) {
      if (cell.trim() === '') continue;
      errors.push(
        column === null
          ? { column: `(column ${i + 1})`, message: 'a value in a column with no name in the header row: name the column, or clear the cell', code: 'import-unnamed-column', params: { n: i + 1 } }
          : { column: `(column ${i + 1})`, message: `more cells than the header row has columns (${columns.length}): a ";" or "," too many?`, code: 'import-extra-cell', params: { n: i + 1, columns: columns.length } },
      );
      continue;
    }
    if (READ_ONLY_COLUMNS.has(column)) continue;
    values.set(column, restoreCell(cell));
  }
  return { values, errors };
}

/** A FieldError's path (`address.postalCode`, `notes`) as the column it is about. */
function columnOf(path: string): string {
  if (COLUMN_BY_NAME.has(path.toLowerCase())) return path;
  const top = path.split('.').slice(0, 2).join('.');
  return COLUMN_BY_NAME.has(top.toLowerCase()) ? top : path.split('.')[0]!;
}

const toImportErrors = (errors: readonly FieldError[]): ImportError[] =>
  errors.map((e) => ({ column: columnOf(e.path), message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.params ? { params: e.params } : {}) }));

function setField(target: Record<string, unknown>, column: Editable, value: string | null): void {
  if (column.startsWith('address.')) {
    const address = (target.address ??= {}) as Record<string, unknown>;
    address[column.slice('address.'.length)] = value;
  } else {
    target[column] = value;
  }
}

/** The name a row's cells give (for a row that never became a client). */
function nameOfCells(values: ReadonlyMap<CsvColumn, string>): string | undefined {
  const company = values.get('companyName')?.trim();
  const person = [values.get('firstName'), values.get('lastName')].map((v) => v?.trim()).filter(Boolean).join(' ');
  const name = values.get('kind')?.trim().toLowerCase() === 'company' ? company || person : person || company;
  return name || undefined;
}

interface Pending {
  line: ImportLine;
  change?: ClientChange;
  before?: Readonly<Client>;
  values: Map<CsvColumn, string>;
}

/** Which client a row is, by id then by reference; or the error that stops it. */
function match(directory: Directory, values: ReadonlyMap<CsvColumn, string>): { client?: Readonly<Client>; by?: 'id' | 'reference'; error?: ImportError } {
  const id = values.get('id')?.trim() || undefined;
  const reference = values.get('reference')?.trim().replace(/\s+/g, ' ') || undefined;
  if (id !== undefined) {
    const client = directory.recordOf(id);
    if (client) return { client, by: 'id' };
    const owner = reference === undefined ? null : directory.findByReference(reference);
    if (owner && reference !== undefined) {
      return {
        error: {
          column: 'id',
          message: `no client has the id "${id}", but the reference "${reference}" is ${displayName(owner)}'s (id ${owner.id}): to update that client, correct the id or clear the cell; to make a new client, give it another reference`,
          code: 'import-id-unknown',
          params: { id, reference, name: displayName(owner), owner: owner.id },
        },
      };
    }
    return {};
  }
  if (reference !== undefined) {
    const owner = directory.findByReference(reference);
    const client = owner ? directory.recordOf(owner.id) : undefined;
    if (client) return { client, by: 'reference' };
  }
  return {};
}

/** One row as an edit of the directory: a patch of the cells that differ, or a new client. */
function rowChange(values: ReadonlyMap<CsvColumn, string>, client: Readonly<Client> | undefined): { change?: ClientChange; errors: ImportError[] } {
  const fields: Record<string, unknown> = {};
  for (const [column, cell] of values) {
    if (column === 'id') continue;
    const key = column as Editable;
    const value = cellValue(key, cell);
    if (value === undefined) continue;
    if (client) {
      // as it is (line ends aside: the file's are all \n): not part of the edit
      const stored = storedValue(client, key);
      if (value === (stored === null ? null : stored.replace(/\r\n?/g, '\n'))) continue;
    } else if (value === null) {
      continue; // a new client: nothing to clear
    }
    setField(fields, key, value);
  }
  if (client) {
    if (Object.keys(fields).length === 0) return { errors: [] }; // nothing differs
    const parsed = clientPatchSchema.safeParse(fields);
    if (!parsed.success) return { errors: toImportErrors(fieldErrors(parsed.error.issues)) };
    return { change: { op: 'update', id: client.id, patch: parsed.data satisfies ClientPatch }, errors: [] };
  }
  // a new client gets its id now, so the one a dry run plans is the one applied
  const id = values.get('id')?.trim() || randomUUID();
  const parsed = clientCreateSchema.safeParse({ ...fields, id });
  if (!parsed.success) return { errors: toImportErrors(fieldErrors(parsed.error.issues)) };
  return { change: { op: 'create', input: parsed.data satisfies ClientCreate }, errors: [] };
}

/** What the file would do to the directory, line by line, and the edits of the lines that can apply. Writes nothing. */
export function planImport(directory: Directory, parsed: ParsedCsv): { report: ImportReport; changes: ClientChange[]; changeLines: ImportLine[] } {
  const pending: Pending[] = [];
  const claimed = new Map<string, number>(); // client id → the line that changes it
  for (const row of parsed.rows) {
    const { values, errors } = readRow(parsed.columns, row.cells);
    const line: ImportLine = { line: row.line, action: 'invalid' };
    const item: Pending = { line, values };
    pending.push(item);
    const m = match(directory, values);
    if (m.error) errors.push(m.error);
    const givenId = values.get('id')?.trim() || undefined;
    const claim = m.client?.id ?? givenId;
    if (claim !== undefined) {
      const first = claimed.get(claim);
      if (first !== undefined) {
        errors.push({
          column: m.by === 'reference' ? 'reference' : 'id',
          message: `line ${first} already ${m.client ? 'changes this client' : 'makes a client with this id'}: one line per client`,
          code: 'import-same-client',
          params: { line: first },
        });
      } else {
        claimed.set(claim, row.line);
      }
    }
    if (m.client) {
      line.id = m.client.id;
      item.before = m.client;
    } else if (givenId !== undefined) {
      line.id = givenId;
    }
    if (errors.length === 0) {
      const r = rowChange(values, m.client);
      errors.push(...r.errors);
      if (r.change) item.change = r.change;
      else if (errors.length === 0) line.action = 'unchanged';
    }
    if (errors.length) line.errors = errors;
    line.name = (m.client ? displayName(m.client) : nameOfCells(values)) || undefined;
  }

  const withChange = pending.filter((p) => p.change !== undefined);
  const plan = directory.planClientChanges(withChange.map((p) => p.change!));
  // a reference a new client of an earlier line takes: said as that line, not as an id not yet made
  const createdOn = new Map(withChange.flatMap((p) => (p.change?.op === 'create' && p.change.input.id ? [[p.change.input.id, p.line.line] as const] : [])));
  const sameReference = (e: ImportError): ImportError => {
    const first = e.code === 'reference-taken' && typeof e.params?.name === 'string' ? createdOn.get(e.params.name) : undefined;
    if (first === undefined) return e;
    return { column: 'reference', message: `line ${first} of this file already gives this reference; a reference must be unique`, code: 'import-same-reference', params: { line: first } };
  };
  const changes: ClientChange[] = [];
  const changeLines: ImportLine[] = [];
  plan.forEach((planned, i) => {
    const { line } = withChange[i]!;
    const name = planned.after ? displayName(planned.after) : '';
    if (name) line.name = name;
    if (planned.errors.length) {
      line.errors = toImportErrors(planned.errors).map(sameReference);
      return;
    }
    if (planned.before && planned.after && sameRecord(planned.before, planned.after)) {
      line.action = 'unchanged'; // cells that differ only by spaces the directory takes off
      return;
    }
    line.action = planned.before ? 'update' : 'create';
    changes.push(planned.change);
    changeLines.push(line);
  });

  const lines = pending.map((p) => p.line);
  for (const l of lines) if (l.action === 'create' && !l.id) delete l.id; // only the file's own, before it applies
  return { report: summarize(lines), changes, changeLines };
}

function sameRecord(a: Client, b: Client): boolean {
  return JSON.stringify(a) === JSON.stringify(b); // as the directory compares (records built field by field, in one order)
}

function summarize(lines: ImportLine[]): ImportReport {
  const count = (a: ImportAction) => lines.reduce((n, l) => n + (l.action === a ? 1 : 0), 0);
  return { created: count('create'), updated: count('update'), unchanged: count('unchanged'), invalid: count('invalid'), lines };
}

/**
 * Reads a file and plans it; without dryRun, writes the lines that can apply in one durable write
 * (pushed to the cloud like any edit), or refuses the whole file (ImportRefused) when a line is
 * invalid and skipInvalid is not set. A full disk throws the store's StorageError, nothing written.
 */
export async function importClientsCsv(directory: Directory, text: string, options: ImportOptions): Promise<ImportReport> {
  const parsed = parseCsv(text);
  const { report, changes, changeLines } = planImport(directory, parsed);
  if (options.dryRun) return report;
  if (report.invalid > 0 && !options.skipInvalid) throw new ImportRefused(report);
  if (changes.length === 0) return report;
  // planned and committed in the same turn of the event loop: the directory cannot change between
  const endIndex = directory.deferIndex();
  let written;
  try {
    written = await directory.commitClientChanges(changes);
  } finally {
    endIndex();
  }
  written.forEach((w, i) => {
    if (w.after) changeLines[i]!.id = w.after.id;
  });
  return report;
}
