import { z } from '@hono/zod-openapi';

/** Shared OpenAPI pieces, so each route states its body, headers and errors in one line. */

/** The document's tags, in the order a reader meets them; every operation has exactly one. */
export const TAGS = [
  { name: 'clients', description: 'The client directory: search, read, create, change and delete clients (scopes directory:read, directory:write).' },
  { name: 'directory care', description: 'Likely duplicates, merging two clients, anonymising one, and the directory as CSV, out and in.' },
  { name: 'groups', description: "Client groups and their automatic discount; every client carries its group's summary." },
  { name: 'printing', description: 'Print a receipt, a preparation ticket or a client card (scope print; opening the drawer needs drawer), or preview one as HTML.' },
  { name: 'jobs', description: 'Print jobs: queued durably before the answer, printed once, followed until the printer confirms them.' },
  { name: 'printers', description: 'The configured printers, their live status and queue, and a test page.' },
  { name: 'scans', description: 'Barcode scans: inject one as if a scanner had read it; scans are also sent as `scan` events.' },
  { name: 'sync', description: 'The cloud sync: its state, "sync now", and the conflicts and refused edits staff settle.' },
  { name: 'events', description: 'The live event stream (server-sent events) the till listens to.' },
  { name: 'support', description: 'The diagnostics archive support asks for (admin scope).' },
  { name: 'meta', description: 'This description of the API.' },
] as const;
export type Tag = (typeof TAGS)[number]['name'];

const fieldError = z
  .object({
    path: z.string().openapi({ description: 'the offending field, dotted: `ticket.lines.0.amount`, `address.country`', example: 'address.country' }),
    message: z.string().openapi({ description: 'what is wrong, in English, for developers and logs', example: '"XX" is not an ISO 3166-1 alpha-2 country code (CH, LI, FR, DE, AT, IT…)' }),
    code: z.string().optional().openapi({ description: 'the rule broken, e.g. "required-person", "reference-taken": for showing it in your language', example: 'country-invalid' }),
    params: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .openapi({ description: "the values the message names (for translating it)", example: { country: 'XX' } }),
  })
  .openapi('FieldError', { description: 'One field that breaks a rule.' });

const balance = z
  .object({
    id: z.string().openapi({ description: 'the client id' }),
    accountBalance: z.number().int().openapi({ description: 'account balance in centimes' }),
    walletBalance: z.number().int().openapi({ description: 'wallet balance in centimes' }),
  })
  .openapi({ description: "a client's balances, in centimes" });

/**
 * RFC 9457 problem details, with every extra member some answer carries; which one, the member's
 * description says.
 */
export const problemSchema = z
  .object({
    type: z.string().openapi({ format: 'uri', description: 'a URI naming the kind of problem', example: 'https://shop-agent.local/problems/invalid-data' }),
    title: z.string().openapi({ description: 'a short, stable summary of the kind of problem', example: 'Invalid data' }),
    status: z.number().int().min(400).max(599).openapi({ description: 'the HTTP status, repeated', example: 422 }),
    detail: z.string().openapi({ description: 'what went wrong this time and how to fix it, in English', example: '1 field is invalid: address.country ("XX" is not an ISO 3166-1 alpha-2 country code)' }),
    errors: z.array(fieldError).optional().openapi({ description: '422 only: every offending field' }),
    currentEtag: z.string().optional().openapi({ description: "412 only: the record's etag now (read it again, re-apply the change, send this in If-Match)", example: '7-1764840000000' }),
    clientCount: z.number().int().min(1).optional().openapi({ description: '409 on deleting a group only: how many clients are still in it', example: 3 }),
    balances: z.array(balance).optional().openapi({ description: '409 on a merge only: the two clients\' balances' }),
    mergeInstead: z
      .object({ id: z.string().openapi({ description: 'the client to keep' }), from: z.string().openapi({ description: 'the client to merge into it' }) })
      .optional()
      .openapi({ description: '409 on a merge only, when the client to delete has a balance: merge the other way round' }),
    freeBytes: z.number().int().nullable().optional().openapi({ description: '507 only: bytes free on the store\'s disk (null: unknown)' }),
    needBytes: z.number().int().optional().openapi({ description: '507 only: bytes the store needs free to take changes again' }),
  })
  .openapi('Problem', { description: 'An error (application/problem+json, RFC 9457). Every error the agent answers has this shape.' });

const ERRORS: Record<number, { description: string; title: string; detail: string; extra?: Record<string, unknown> }> = {
  400: { description: 'The body cannot be read: malformed JSON, or not UTF-8', title: 'Bad request', detail: 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.' },
  401: { description: 'Missing or unknown token (the answer carries WWW-Authenticate: Bearer)', title: 'Unauthorized', detail: 'This API needs a token: send the header "Authorization: Bearer <token>".' },
  403: { description: "The token lacks the scope, or the request's Origin is neither the agent's own nor listed in http.allowedOrigins", title: 'Forbidden', detail: 'The token "till-1" is not allowed to do this: it needs the scope "directory:write" (it has: print, directory:read).' },
  404: { description: 'No such record', title: 'Not found', detail: 'Client "3f0c…" does not exist (it may have been deleted).' },
  409: { description: 'Conflicts with the current state', title: 'Conflict', detail: 'Job job_01J… is printing: only a queued job can be cancelled.' },
  412: { description: 'If-Match does not match the current etag: someone changed the record since you read it (currentEtag says its etag now)', title: 'Changed by someone else', detail: 'client "3f0c…" was changed since you read it (its etag is now "7-1764840000000"). Read it again, re-apply your change, and send the new etag in If-Match.', extra: { currentEtag: '7-1764840000000' } },
  413: { description: 'Body over 256 KiB (the CSV import: over 20 MB)', title: 'Request too large', detail: 'The request body is over 256 KiB; send less at a time.' },
  415: { description: 'The body is not JSON in UTF-8 (the CSV import: not text/csv)', title: 'Unsupported media type', detail: 'Send the body as JSON with the header Content-Type: application/json.' },
  421: { description: 'The Host header is not loopback nor listed in http.allowedHosts (DNS rebinding protection); answered before any handler', title: 'Misdirected request', detail: 'This agent does not answer to the host name "evil.example". Use http://127.0.0.1 or http://localhost, or ask the installer to add the name to http.allowedHosts.' },
  422: { description: 'Schema or rule violation; every offending field listed in errors', title: 'Invalid data', detail: '1 field is invalid: address.country ("XX" is not an ISO 3166-1 alpha-2 country code (CH, LI, FR, DE, AT, IT…))', extra: { errors: [{ path: 'address.country', message: '"XX" is not an ISO 3166-1 alpha-2 country code (CH, LI, FR, DE, AT, IT…)', code: 'country-invalid', params: { country: 'XX' } }] } },
  503: { description: 'Could not be saved to disk; nothing changed', title: 'Not saved', detail: 'The store could not write its journal: nothing changed; try again.' },
  507: { description: 'The disk is full: nothing changed; free space and send it again (no restart needed)', title: 'Disk full', detail: 'The disk holding the store (/var/lib/shop-agent) is full (0.2 MB free): this change (812 bytes) was not saved, and nothing changed.', extra: { freeBytes: 204800, needBytes: 4194304 } },
};

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The problem+json answer for a status, with an example of its body. */
export function problemResponse(status: number, description?: string, extra: Record<string, unknown> = {}) {
  const e = ERRORS[status] ?? { description: 'Error', title: 'Error', detail: 'Error' };
  const example = { type: `https://shop-agent.local/problems/${slug(e.title)}`, title: e.title, status, detail: e.detail, ...e.extra, ...extra };
  return {
    description: description ?? e.description,
    ...(status === 401 ? { headers: { 'WWW-Authenticate': { description: 'always `Bearer realm="shop-agent"`', schema: { type: 'string' as const } } } } : {}),
    content: { 'application/problem+json': { schema: problemSchema, example } },
  };
}

/**
 * The error answers of an operation. 401, 403 (token, scope, Origin) and 421 (Host check) can
 * answer any /api/v1 request, so they are always declared; pass the rest.
 */
export function errorResponses(...statuses: number[]) {
  const all = [...new Set([...statuses, 401, 403, 421])].sort((a, b) => a - b);
  return Object.fromEntries(all.map((s) => [s, problemResponse(s)]));
}

const header = (description: string, example?: string) => ({ description, schema: { type: 'string' as const, ...(example ? { example } : {}) } });
/** A file to download (CSV export, diagnostics): named in Content-Disposition, never kept in a cache. */
export const downloadHeaders = (what: string, filename: string) => ({
  'Content-Disposition': header(`a download, named by ${what}`, `attachment; filename="${filename}"`),
  'Cache-Control': header('no-store: personal data and the agent\'s state are not kept in caches', 'no-store'),
});
export const ETAG_HEADER = { ETag: header('the etag of the record, quoted: send it back in If-Match to make an edit safe', '"7-1764840000000"') };
export const locationHeader = (example: string) => ({ Location: header('where the new resource is', example) });

export function jsonContent<T extends z.ZodType>(schema: T, description: string, example?: unknown, headers?: Record<string, ReturnType<typeof header>>) {
  return { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

export function jsonBody<T extends z.ZodType>(schema: T, example?: unknown) {
  return { required: true, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

export const ifMatchHeader = z.object({
  'if-match': z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'the etag you read (the ETag header, or the record\'s `etag`, quoted or not); 412 if the record changed since', example: '"7-1764840000000"' }),
});

/** The `{id}` of a resource's path: a client, a group, a job, a printer, a sync issue. */
export const idParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, description: 'the id of the record', example: '3f0c9a52-1b7e-4c61-9a43-2d5e8f7b6a10' }),
});
