import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { CSV_COLUMNS, READ_ONLY, exportClientsCsv, exportHeaders } from '../../directory/csv.js';
import { decodeCsv, IMPORT_MAX_BYTES, importClientsCsv } from '../../directory/csv-import.js';
import type { Directory } from '../../directory/directory.js';
import { AgentError } from '../../errors.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { validationHook } from '../validation.js';
import { contentType } from '../text.js';
import { downloadHeaders, errorResponses, jsonContent, problemSchema } from './common.js';

const reportExample = {
  created: 1,
  updated: 1,
  unchanged: 0,
  invalid: 0,
  lines: [
    { line: 2, action: 'create', name: 'Hélène Müller' },
    { line: 3, action: 'update', id: '9b1d2e4f-0a3c-4b5d-8e6f-7a8b9c0d1e2f', name: 'Boulangerie du Lac' },
  ],
};

/** agent-api.md "Directory care": the directory as CSV, out and in. */

/** Where the import is: the server lets its body past the usual 256 KiB, up to IMPORT_MAX_BYTES. */
export const IMPORT_PATH = '/api/v1/clients/import';
export { IMPORT_MAX_BYTES };

const flag = (what: string) =>
  z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .optional()
    .transform((v) => v === 'true')
    .openapi({ type: 'string', enum: ['true', 'false'], description: what });

const importQuery = z.object({
  dryRun: flag('true: answer what each line would do, write nothing (default false)').openapi({ example: 'true' }),
  skipInvalid: flag('true: apply the valid lines and skip the invalid ones; false (default): a single invalid line refuses the whole file'),
});

const importError = z.object({
  column: z.string().openapi({ description: 'the column, as the header names it (`address.postalCode`)', example: 'address.postalCode' }),
  message: z.string().openapi({ description: 'what is wrong, in English' }),
  code: z.string().optional().openapi({ description: 'the rule broken (as in a 422\'s errors), for saying it in your language' }),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional().openapi({ description: 'the values the message names' }),
});

const importLine = z.object({
  line: z.number().int().openapi({ description: "the row's line in the file (the header is line 1; a cell over several lines counts them)" }),
  action: z.enum(['create', 'update', 'unchanged', 'invalid']).openapi({ description: 'what the line does (with dryRun, would do)' }),
  id: z.string().optional().openapi({ description: "the client's id: the one matched; for a new client the file's, or once applied the one given" }),
  name: z.string().optional().openapi({ description: "the client's name as it would be" }),
  errors: z.array(importError).optional().openapi({ description: 'an invalid line only: every offending cell' }),
});

const reportSchema = z
  .object({
    created: z.number().int().openapi({ description: 'lines that create a client' }),
    updated: z.number().int().openapi({ description: 'lines that change a client' }),
    unchanged: z.number().int().openapi({ description: 'lines equal to the client they match' }),
    invalid: z.number().int().openapi({ description: 'lines that break a rule' }),
    lines: z.array(importLine).openapi({ description: 'one per row of the file, in file order' }),
  })
  .openapi('ImportReport', { description: 'What each line of a CSV import does.' });

const read = requireScope('directory:read');
const write = requireScope('directory:write');

const CSV_TYPES = /^(text|application)\/csv$/i;

export function clientCsvRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/export.csv',
      operationId: 'exportClientsCsv',
      tags: ['directory care'],
      summary: 'The whole directory as a CSV file',
      description:
        `UTF-8 with a byte-order mark, ";" between cells, CRLF between rows (as Excel opens it in Switzerland, France and Germany), a header row, then every client by name. ` +
        `Columns: ${CSV_COLUMNS.join(', ')}. A cell that a spreadsheet would take for a formula (starting with = + - @, a tab or a line break) and one starting with an ` +
        `apostrophe get an apostrophe in front, which the import takes off again: an export imported back changes nothing. ${READ_ONLY.join(', ')} are read-only (the import ignores them).`,
      middleware: [read] as const,
      responses: {
        200: {
          description: 'The CSV file',
          headers: downloadHeaders('the day', 'clients-2026-11-27.csv'),
          content: {
            'text/csv': {
              schema: z.string().openapi({ description: 'the file: UTF-8 with a byte-order mark, ";" between cells' }),
              example: `\ufeff${CSV_COLUMNS.join(';')}\r\n`,
            },
          },
        },
        ...errorResponses(),
      },
    }),
    (c) =>
      c.body(exportClientsCsv(directory), 200, exportHeaders()),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/import',
      operationId: 'importClientsCsv',
      tags: ['directory care'],
      summary: 'Create and update clients from a CSV file',
      description:
        'The body is the file (Content-Type: text/csv, up to 20 MB): UTF-8 (a byte-order mark is fine) or, when it is not UTF-8 and declares no charset, Windows-1252; ' +
        '";" or "," between cells (whichever the header row uses), quoted cells and CRLF as spreadsheets write them. The header names the columns (those of the export, ' +
        'case aside; an unknown one: 422 naming it). Each row matches a client by id, then by reference, else it is a new client. An empty cell clears the field ' +
        '(an empty kind or address.country leaves it); a column left out leaves the field. Only cells that differ from the client change it. Every row is checked ' +
        'with the same rules as POST/PATCH /clients, and against the rows before it. Without dryRun, the lines apply in one durable write (pushed to the cloud like ' +
        'any edit), or none does when a line is invalid and skipInvalid is not set: 422 with the same report.',
      middleware: [write] as const,
      request: {
        query: importQuery,
        body: {
          required: true,
          content: {
            'text/csv': {
              schema: z.string().openapi({ description: 'the CSV file' }),
              example: 'lastName;firstName;reference;address.postalCode;address.city\r\nMüller;Hélène;7612345000015;1003;Lausanne\r\n',
            },
          },
        },
      },
      responses: {
        200: jsonContent(reportSchema, 'What each line does (with dryRun, would do)', reportExample),
        ...errorResponses(400, 413, 415, 503, 507),
        422: {
          description: 'A line is invalid (nothing written; the body is the problem and the report), or the file cannot be read (an unknown column…)',
          content: {
            'application/problem+json': {
              schema: problemSchema.extend(reportSchema.partial().shape).openapi('ImportProblem', { description: 'A refused import: the problem, and the report of every line.' }),
              example: {
                type: 'https://shop-agent.local/problems/invalid-data',
                title: 'Invalid data',
                status: 422,
                detail: 'Line 3 is invalid; nothing was imported. Fix it, or send skipInvalid=true to import the other lines.',
                created: 1,
                updated: 0,
                unchanged: 0,
                invalid: 1,
                lines: [
                  { line: 2, action: 'create', name: 'Hélène Müller' },
                  { line: 3, action: 'invalid', errors: [{ column: 'address.postalCode', message: 'expected a 4-digit NPA such as 1204', code: 'postal-code-invalid' }] },
                ],
              },
            },
          },
        },
      },
    }),
    async (c) => {
      const { media, charset } = contentType(c.req.header('content-type'));
      if (!CSV_TYPES.test(media)) throw new AgentError('unsupported', 'Unsupported media type', 'Send the file as the body, with the header Content-Type: text/csv.');
      const { text } = decodeCsv(new Uint8Array(await c.req.arrayBuffer()), charset);
      return c.json(await importClientsCsv(directory, text, c.req.valid('query')), 200);
    },
  );

  return app;
}
