import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { CSV_COLUMNS, neutralizeCell, restoreCell } from '../../../agent/directory/csv.js';
import type { Client } from '../../../agent/directory/schema.js';
import { FaultyFs } from '../../fakes/faulty-fs.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';
import { agentPerTest, openTestAgent, tempDir, type TestAgent } from '../../helpers/agent.js';
import { syncedAgentPerTest } from '../../helpers/synced-agent.js';
import { type ClientBody, clientCount, createClient, createGroup, expectJson, expectProblem, getClient, type ProblemBody } from './api-util.js';

/** agent-api.md "Directory care": GET /clients/export.csv and POST /clients/import, through the API. */

const open = agentPerTest();

interface ImportLine {
  line: number;
  action: 'create' | 'update' | 'unchanged' | 'invalid';
  id?: string;
  name?: string;
  errors?: Array<{ column: string; message: string; code?: string; params?: Record<string, string | number> }>;
}
interface Report {
  created: number;
  updated: number;
  unchanged: number;
  invalid: number;
  lines: ImportLine[];
}

const READER = 'reader-token-0123456789';
const WRITER = 'writer-token-0123456789';
const SCOPED = { api: { tokens: ['test-token-0123456789abcdef', { name: 'reader', token: READER, scopes: ['directory:read'] }, { name: 'printer', token: WRITER, scopes: ['directory:write', 'print'] }] } };

const exportCsv = (a: TestAgent, headers: Record<string, string> = {}) => a.api('/api/v1/clients/export.csv', { headers });
const importCsv = (a: TestAgent, body: string | Uint8Array, query = '', headers: Record<string, string> = {}) =>
  a.api(`/api/v1/clients/import${query}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'text/csv', ...headers } });
const dryRun = async (a: TestAgent, body: string | Uint8Array) => expectJson<Report>(await importCsv(a, body, '?dryRun=true'), 200);
const apply = async (a: TestAgent, body: string | Uint8Array, query = '') => expectJson<Report>(await importCsv(a, body, `?dryRun=false${query}`), 200);

/** The lines of a report as `line action` (and the columns of its errors), for one readable comparison. */
const summary = (r: Report) => r.lines.map((l) => [l.line, l.action, ...(l.errors ?? []).map((e) => e.column)].join(' '));

/** Seeds records as a sync would (balances and versions are the back-office's). */
async function seed(a: TestAgent, clients: readonly Client[]): Promise<void> {
  await a.agent.services.directoryStore.commit([
    ...generateGroups().map((record) => ({ op: 'group.put' as const, record })),
    ...clients.map((record) => ({ op: 'client.put' as const, record })),
  ]);
}

/** Clients whose text is what breaks CSV and spreadsheets: separators, quotes, line breaks, formula starts. */
const TRICKY = [
  { lastName: 'Dupont', firstName: 'Jean', phone: '+41 79 555 00 12', reference: '=HYPERLINK("http://evil.example")', notes: 'Livraison le mardi\nSonner deux fois; "code" 1234' },
  { kind: 'company', companyName: "'Chez Nous' Sàrl", email: 'info@chez-nous.ch', accountNumber: '-1100.042', notes: 'Ouvert le lundi\nFermé le mardi', address: { street: 'Rue du Lac 1', postalCode: '1003', city: 'Lausanne', country: 'CH' } },
  { lastName: 'Müller', firstName: 'Hélène', civility: 'Mme', phone: '022 000 00 00', address: { street: 'Bahnhofstrasse 1, 3. Stock', postalCode: '8001', city: 'Zürich', country: 'CH' }, notes: '@Marie : rappeler' },
  { lastName: 'Nguyễn', firstName: '李', reference: "''double", notes: "'=already quoted" },
];

describe('GET /api/v1/clients/export.csv', () => {
  it('is UTF-8 with a byte-order mark, ";"-separated, CRLF, one header row of the field names, one row per client', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'Clients VIP', discountPercent: 10 });
    const made: ClientBody[] = [];
    for (const c of TRICKY) made.push(await createClient(a, { ...c, groupId: g.id }));
    const res = await exportCsv(a);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes).slice(1);
    const header = text.slice(0, text.indexOf('\r\n'));
    expect(header).toBe(
      'id;kind;civility;lastName;firstName;companyName;reference;accountNumber;groupId;email;phone;address.street;address.street2;address.postalCode;address.city;address.country;notes;group.name;accountBalance;walletBalance;version;updatedAt',
    );
    expect(text.endsWith('\r\n')).toBe(true);
    // every line break between rows is CRLF; a bare LF is only inside a quoted notes cell
    expect(text.split('\r\n').length - 1).toBe(1 + made.length);
    const rows = parse(text, { delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    expect(rows.length).toBe(1 + made.length);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]));
    const dupont = byId.get(made[0]!.id)!;
    // formulas are neutralised: the cell starts with an apostrophe, and the text itself is intact
    expect(dupont.reference).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(dupont.phone).toBe("'+41 79 555 00 12");
    expect(dupont.notes).toBe('Livraison le mardi\nSonner deux fois; "code" 1234');
    expect(text).toContain(`;"'=HYPERLINK(""http://evil.example"")";`);
    expect(text).toContain(';"Livraison le mardi\nSonner deux fois; ""code"" 1234";');
    // a line break alone is quoted too (a spreadsheet would start a new row at a bare one)
    expect(text).toContain(';"Ouvert le lundi\nFermé le mardi";');
    expect(dupont).toMatchObject({ kind: 'person', lastName: 'Dupont', civility: '', companyName: '', groupId: g.id, 'group.name': 'Clients VIP', 'address.country': 'CH', accountBalance: '0', walletBalance: '0', version: '1', updatedAt: made[0]!.updatedAt });
    expect(byId.get(made[1]!.id)).toMatchObject({ companyName: "''Chez Nous' Sàrl", accountNumber: "'-1100.042", 'address.street': 'Rue du Lac 1' });
    expect(byId.get(made[2]!.id)).toMatchObject({ phone: '022 000 00 00', notes: "'@Marie : rappeler", 'address.street': 'Bahnhofstrasse 1, 3. Stock', 'address.city': 'Zürich' });
    expect(byId.get(made[3]!.id)).toMatchObject({ lastName: 'Nguyễn', firstName: '李', reference: "'''double", notes: "''=already quoted" });
    // no cell a spreadsheet would run
    for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
  });

  it('lists clients by name, and needs directory:read', async () => {
    const a = await open({ config: SCOPED });
    for (const lastName of ['Zryd', 'Aebi', 'Meier']) await createClient(a, { lastName, firstName: 'Anna' });
    const text = await (await exportCsv(a, { authorization: `Bearer ${READER}` })).text();
    expect(text.split('\r\n').slice(1, 4).map((l) => l.split(';')[3])).toEqual(['Aebi', 'Meier', 'Zryd']);
    await expectProblem(await exportCsv(a, { authorization: `Bearer ${WRITER}` }), 403);
    await expectProblem(await exportCsv(a, { authorization: 'Bearer nope' }), 401);
  });
});

describe('the formula rule', () => {
  it('takes off exactly the apostrophe the export added, whatever the value', () => {
    const values = ['=1+2', '+41 79 555 00 12', '-', '-12', '@x', '\tx', "'", "''", "'abc", "'=x", "''=x", 'plain', 'a=b', '', "O'Brien", '+'];
    for (const v of values) expect(restoreCell(neutralizeCell(v)), JSON.stringify(v)).toBe(v);
    // a cell typed by hand with an apostrophe before a letter keeps it
    expect(restoreCell("'abc")).toBe("'abc");
    expect(restoreCell("'+41")).toBe('+41');
  });
});

describe('POST /api/v1/clients/import', () => {
  it('an export imported back changes nothing: every line unchanged, and applying it writes nothing', async () => {
    const a = await open();
    const clients = generateClients(300);
    // records as a cloud may send them: spaces the directory would take off, a phone it would refuse
    clients[0] = { ...clients[0]!, lastName: ' van  der Berg ', notes: 'deux\r\nlignes ' };
    clients[1] = { ...clients[1]!, phone: 'n/a', email: 'pas une adresse' };
    await seed(a, clients);
    const g = await createGroup(a, { name: 'Fidèles', discountPercent: 5 });
    for (const c of TRICKY) await createClient(a, { ...c, groupId: g.id });
    const before = a.agent.services.directory.search('', 1000).items;
    const csv = new Uint8Array(await (await exportCsv(a)).arrayBuffer());

    const report = await dryRun(a, csv);
    expect(report.lines.filter((l) => l.action !== 'unchanged')).toEqual([]);
    expect(report).toMatchObject({ created: 0, updated: 0, invalid: 0, unchanged: 304 });
    expect(report.lines.every((l) => l.action === 'unchanged' && l.id !== undefined)).toBe(true);
    expect(report.lines.map((l) => l.line)).toEqual(startLines(csv)); // notes over several lines count

    const commit = vi.spyOn(a.agent.services.directoryStore, 'commit');
    expect(await apply(a, csv)).toMatchObject({ created: 0, updated: 0, invalid: 0, unchanged: 304 });
    expect(commit).not.toHaveBeenCalled();
    expect(a.agent.services.directory.search('', 1000).items).toEqual(before);
  });

  it('reads a ","-separated file with CRLF, a byte-order mark and a quoted cell over several lines, and names each row by its line', async () => {
    const a = await open();
    const csv =
      '\uFEFFlastName,firstName,notes,address.postalCode\r\n' +
      'Rochat,Anne,"Allergie : noix\r\nSonner deux fois\r\n""porte"" de gauche",1003\r\n' +
      '\r\n' + // a blank line is no row, but it is a line
      'Favre,Luc,"un, deux",1110\r\n' +
      'Meier,Urs,,12345\r\n' +
      ',,,\r\n'; // spreadsheets leave rows of empty cells below the data
    const report = await dryRun(a, csv);
    expect(summary(report)).toEqual(['2 create', '6 create', '7 invalid address.postalCode']);
    expect(report.lines[2]!.errors![0]).toMatchObject({ column: 'address.postalCode', code: 'postal-code-invalid' });
    expect(await apply(a, csv, '&skipInvalid=true')).toMatchObject({ created: 2, invalid: 1 });
    const rochat = a.agent.services.directory.search('rochat').items[0]!;
    expect(rochat.notes).toBe('Allergie : noix\nSonner deux fois\n"porte" de gauche');
    expect(a.agent.services.directory.search('favre').items[0]!.notes).toBe('un, deux');
  });

  it('creates, updates by id and by reference, leaves the same unchanged, and says each error with its line and column', async () => {
    const a = await open();
    const g = await createGroup(a, { name: 'Pro', discountPercent: 5 });
    const byId = await createClient(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', email: 'jean@example.ch' });
    const byRef = await createClient(a, { lastName: 'Favre', firstName: 'Luc', reference: 'CARD-7', notes: 'ancien' });
    const same = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth', reference: 'CARD-8' });
    const csv = [
      'id;reference;lastName;firstName;phone;notes;groupId;address.country;email',
      `${byId.id};;Dupont;Jean;'+41 21 555 00 12;;${g.id};;jean@example.ch`, // phone changed, group given, the rest as it is
      `;CARD-7;Favre;Luc;;;;FR;`, // by reference: country to FR, notes cleared
      `${same.id};CARD-8;Aebi;Ruth;;;;CH;`,
      ';CARD-9;Rochat;Anne;079 111 22 33;Nouvelle cliente;;;anne@example.ch',
      ';;Meier;;not a phone;;nogroup;XX;anne(at)example.ch',
    ].join('\n');
    const report = await dryRun(a, csv);
    expect(summary(report)).toEqual(['2 update', '3 update', '4 unchanged', '5 create', '6 invalid firstName groupId address.country email phone']);
    expect(report.lines.map((l) => l.id)).toEqual([byId.id, byRef.id, same.id, undefined, undefined]);
    expect(report).toMatchObject({ created: 1, updated: 2, unchanged: 1, invalid: 1 });
    const codes = Object.fromEntries(report.lines[4]!.errors!.map((e) => [e.column, e.code]));
    expect(codes).toEqual({ firstName: 'required-person', groupId: 'group-unknown', 'address.country': 'country-invalid', email: 'email-invalid', phone: 'phone-invalid' });

    const applied = await apply(a, csv, '&skipInvalid=true');
    expect(applied).toMatchObject({ created: 1, updated: 2, unchanged: 1, invalid: 1 });
    const rochatId = applied.lines[3]!.id!;
    expect(rochatId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getClient(a, byId.id)).toMatchObject({ phone: '+41 21 555 00 12', groupId: g.id, email: 'jean@example.ch', lastName: 'Dupont' });
    expect(await getClient(a, byRef.id)).toMatchObject({ notes: null, address: { country: 'FR' }, reference: 'CARD-7' });
    expect(await getClient(a, same.id)).toEqual(same);
    expect(await getClient(a, rochatId)).toMatchObject({ lastName: 'Rochat', reference: 'CARD-9', email: 'anne@example.ch', address: { country: 'CH' } });
    expect(await clientCount(a)).toBe(4);
  });

  it('a column left out leaves the field as it is; an empty cell clears it', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Dupont', firstName: 'Jean', phone: '021 555 00 12', email: 'jean@example.ch', address: { street: 'Rue du Lac 1', city: 'Lausanne', postalCode: '1003' } });
    await apply(a, `id;email;address.street\n${c.id};;Quai 2`);
    expect(await getClient(a, c.id)).toMatchObject({ phone: '021 555 00 12', email: null, address: { street: 'Quai 2', city: 'Lausanne', postalCode: '1003', country: 'CH' } });
  });

  it('two rows giving the same card: the second is refused, naming the first line', async () => {
    const a = await open();
    await createClient(a, { lastName: 'Aebi', firstName: 'Ruth', reference: 'CARD-1' });
    const csv = 'lastName;firstName;reference\nRochat;Anne;CARD-2\nFavre;Luc;CARD-2\nMeier;Urs;CARD-1\n';
    const report = await dryRun(a, csv);
    // CARD-1 is Aebi's: the row matches her and renames her (one row per client)
    expect(summary(report)).toEqual(['2 create', '3 invalid reference', '4 update']);
    expect(report.lines[1]!.errors![0]).toMatchObject({ code: 'import-same-reference', params: { line: 2 } });
    expect(report.lines[1]!.errors![0]!.message).toContain('line 2');
  });

  it('one client on two rows: the second is refused', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth', reference: 'CARD-1' });
    const report = await dryRun(a, `id;reference;notes\n${c.id};;a\n;CARD-1;b\n`);
    expect(summary(report)).toEqual(['2 update', '3 invalid reference']);
    expect(report.lines[1]!.errors![0]).toMatchObject({ code: 'import-same-client', params: { line: 2 } });
  });

  it('an unknown id whose reference is another client is refused (not a new client taking the card)', async () => {
    const a = await open();
    const c = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth', reference: 'CARD-1' });
    const report = await dryRun(a, 'id;reference;lastName;firstName\nother-system-17;CARD-1;Aebi;Ruth\nother-system-18;CARD-2;Zryd;Max\n');
    expect(summary(report)).toEqual(['2 invalid id', '3 create']);
    expect(report.lines[0]!.errors![0]).toMatchObject({ code: 'import-id-unknown', params: { owner: c.id } });
    expect(report.lines[1]!.id).toBe('other-system-18'); // the file's id is the new client's
  });

  it('a line invalid without skipInvalid: 422 with the same report, and nothing is written', async () => {
    const a = await open();
    const existing = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth' });
    const csv = `id;lastName;firstName;address.postalCode\n${existing.id};Aebi-Muster;Ruth;\n;Rochat;Anne;1003\n;Favre;Luc;ABC\n`;
    const commit = vi.spyOn(a.agent.services.directoryStore, 'commit');
    const problem = (await expectProblem(await importCsv(a, csv, '?dryRun=false'), 422)) as ProblemBody & Report;
    expect(problem).toMatchObject({ created: 1, updated: 1, unchanged: 0, invalid: 1 });
    expect(summary(problem)).toEqual(['2 update', '3 create', '4 invalid address.postalCode']);
    expect(problem.detail).toContain('skipInvalid=true');
    expect(commit).not.toHaveBeenCalled();
    expect(a.agent.services.directoryStore.clients.size).toBe(1);
    expect(await getClient(a, existing.id)).toEqual(existing);
    // without dryRun at all it is the same (dryRun defaults to false)
    await expectProblem(await importCsv(a, csv), 422);
    expect(await clientCount(a)).toBe(1);
  });

  it('skipInvalid=true applies the valid lines alone, in one write', async () => {
    const a = await open();
    const existing = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth' });
    const commit = vi.spyOn(a.agent.services.directoryStore, 'commit');
    const report = await apply(a, `id;lastName;firstName;address.postalCode\n${existing.id};Aebi-Muster;Ruth;\n;Rochat;Anne;1003\n;Favre;Luc;ABC\n`, '&skipInvalid=true');
    expect(report).toMatchObject({ created: 1, updated: 1, invalid: 1 });
    expect(commit).toHaveBeenCalledTimes(1);
    expect((await getClient(a, existing.id)).lastName).toBe('Aebi-Muster');
    expect(a.agent.services.directory.search('rochat').items.map((c) => c.firstName)).toEqual(['Anne']);
    expect(a.agent.services.directory.search('favre').items).toEqual([]);
    expect(a.agent.services.directoryStore.clients.size).toBe(2);
  });

  it('an unknown column: 422 naming it and the accepted ones', async () => {
    const a = await open();
    const problem = await expectProblem(await importCsv(a, 'lastName;Prénom;email\nAebi;Ruth;r@example.ch\n', '?dryRun=true'), 422);
    expect(problem.detail).toContain('"Prénom"');
    for (const c of ['firstName', 'address.postalCode', 'notes']) expect(problem.detail).toContain(c);
    expect(problem).toMatchObject({ problem: 'unknown-column', columns: 'Prénom' });
    // column names are read whatever their case
    expect(summary(await dryRun(a, 'LASTNAME;FirstName\nAebi;Ruth\n'))).toEqual(['2 create']);
  });

  it('refuses what is not a CSV file it can read', async () => {
    const a = await open();
    await expectProblem(await importCsv(a, '{"lastName":"Aebi"}', '', { 'content-type': 'application/json' }), 415);
    await expectProblem(await importCsv(a, 'lastName\nAebi\n', '', { 'content-type': 'text/plain' }), 415);
    await expectProblem(await importCsv(a, '', '?dryRun=true'), 422);
    await expectProblem(await importCsv(a, 'lastName;firstName\n"Aebi;Ruth\n', '?dryRun=true'), 422);
    await expectProblem(await importCsv(a, 'lastName;lastName\nAebi;Ruth\n', '?dryRun=true'), 422);
    await expectProblem(await importCsv(a, 'lastName\nAebi\n', '?dryRun=yes'), 422);
    await expectProblem(await importCsv(a, 'lastName\nAebi\n', '', { 'content-type': 'text/csv; charset=utf-16' }), 415);
    expect(await clientCount(a)).toBe(0);
  });

  it('reads a file saved as Windows-1252 (not UTF-8, no charset said)', async () => {
    const a = await open();
    // "lastName;firstName\nMüller;Hélène\n" as Excel writes it on Windows: ü = FC, é = E9
    const bytes = Uint8Array.from([...Buffer.from('lastName;firstName\nM'), 0xfc, ...Buffer.from('ller;H'), 0xe9, ...Buffer.from('l'), 0xe8, ...Buffer.from('ne\n')]);
    expect((await apply(a, bytes)).created).toBe(1);
    expect(a.agent.services.directory.search('muller').items[0]).toMatchObject({ lastName: 'Müller', firstName: 'Hélène' });
  });

  it('takes a file over 256 KiB, and refuses one over 20 MB with 413', async () => {
    const a = await open();
    const rows = Array.from({ length: 6000 }, (_, i) => `Client${i};Test;Remarque assez longue pour remplir le fichier, ligne ${i}`);
    const csv = `lastName;firstName;notes\n${rows.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(300 * 1024);
    expect((await dryRun(a, csv)).created).toBe(6000);
    const huge = `lastName;notes\n${'Aebi;'.padEnd(1000, 'x')}\n`.repeat(21 * 1024);
    expect(huge.length).toBeGreaterThan(20 * 1024 * 1024);
    await expectProblem(await importCsv(a, huge, '?dryRun=true'), 413);
    // other paths keep the usual limit
    await expectProblem(await a.api('/api/v1/clients', { method: 'POST', body: 'x'.repeat(300 * 1024), headers: { 'content-type': 'application/json' } }), 413);
  });

  it('needs directory:write (a read-only token can export but not import)', async () => {
    const a = await open({ config: SCOPED });
    await expectProblem(await importCsv(a, 'lastName;firstName\nAebi;Ruth\n', '?dryRun=true', { authorization: `Bearer ${READER}` }), 403);
    expect((await exportCsv(a, { authorization: `Bearer ${READER}` })).status).toBe(200);
    expect((await expectJson<Report>(await importCsv(a, 'lastName;firstName\nAebi;Ruth\n', '', { authorization: `Bearer ${WRITER}` }), 200)).created).toBe(1);
  });

  it('a full disk: 507, and nothing changes', async () => {
    const fs = new FaultyFs();
    const a = await open({ options: { store: { fs } } });
    const c = await createClient(a, { lastName: 'Aebi', firstName: 'Ruth' });
    fs.free = 0;
    await expectProblem(await importCsv(a, `id;lastName;firstName\n${c.id};Aebi;Rita\n;Rochat;Anne\n`), 507);
    fs.free = Infinity;
    expect(await getClient(a, c.id)).toEqual(c);
    expect(await clientCount(a)).toBe(1);
  });

  it('what it applied is durable: the agent restarted on the same store has it', async () => {
    const dir = tempDir();
    const first = await openTestAgent({ dir });
    const c = await createClient(first, { lastName: 'Aebi', firstName: 'Ruth' });
    const report = await apply(first, `id;lastName;firstName;phone\n${c.id};Aebi;Rita;\n;Rochat;Anne;079 111 22 33\n;Favre;Luc;\n`);
    await first.close();
    const again = await openTestAgent({ dir });
    try {
      expect(await clientCount(again)).toBe(3);
      expect((await getClient(again, c.id)).firstName).toBe('Rita');
      expect(await getClient(again, report.lines[1]!.id!)).toMatchObject({ lastName: 'Rochat', phone: '079 111 22 33' });
    } finally {
      await again.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the export and the import, with the report and their errors', async () => {
    const a = await open();
    const doc = await expectJson<{ paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: { content: Record<string, unknown> } }>> }>(await a.api('/api/v1/openapi.json'), 200);
    expect(Object.keys(doc.paths['/clients/export.csv']!.get!.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    const post = doc.paths['/clients/import']!.post!;
    expect(Object.keys(post.requestBody!.content)).toEqual(['text/csv']);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '413', '415', '422', '507']));
  });
});

describe('with a cloud', () => {
  const start = syncedAgentPerTest();

  it('an import goes up like edits: creates and updates in the outbox, then the cloud has them', async () => {
    const { a, c: cloud, clients } = await start(20);
    // an export read back: nothing to send
    await apply(a, new Uint8Array(await (await exportCsv(a)).arrayBuffer()));
    expect([...a.agent.services.syncStore.outbox.values()]).toEqual([]);

    const target = clients[3]!;
    const report = await apply(a, `id;notes;lastName;firstName\n${target.id};Importé;${target.lastName ?? ''};${target.firstName ?? ''}\n;;Nouveau;Client\n`);
    const created = report.lines[1]!.id!;
    const outbox = [...a.agent.services.syncStore.outbox.values()];
    expect(outbox.map((m) => `${m.op} ${m.id}`).sort()).toEqual([`create ${created}`, `update ${target.id}`].sort());
    expect(outbox.find((m) => m.op === 'update')!.data).toEqual({ notes: 'Importé' });
    await a.agent.services.sync!.syncNow();
    expect(cloud.client(target.id)).toMatchObject({ notes: 'Importé' });
    expect(cloud.client(created)).toMatchObject({ lastName: 'Nouveau', firstName: 'Client' });
    expect([...a.agent.services.syncStore.outbox.values()]).toEqual([]);
  });
});

/** The line each data row of an export starts on, counted from its text (a cell over several lines pushes the next rows down). */
function startLines(csv: Uint8Array): number[] {
  const rows = parse(Buffer.from(csv).toString('utf8').slice(1), { delimiter: ';', record_delimiter: '\r\n', from_line: 2 }) as string[][];
  let line = 2;
  return rows.map((r) => {
    const at = line;
    line += 1 + r.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return at;
  });
}
