import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import { type ClientPage, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX, type Directory } from '../../directory/directory.js';
import { type ClientOut, clientCreateSchema, clientOutSchema, clientPatchSchema } from '../../directory/schema.js';
import { invalid } from '../../errors.js';
import { fieldErrors } from '../../errors.js';
import { validationHook } from '../validation.js';
import { throwBodyProblem } from '../text.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { ETAG_HEADER, errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent, locationHeader, problemResponse } from './common.js';
import { clientCreateExample, clientExample } from './examples.js';


const listQuery = z.object({
  q: z.string().max(200).optional().openapi({ description: 'words to find by prefix, any order, accents and case ignored', example: 'helene mul' }),
  limit: z.coerce
    .number({ error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .int({ error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .min(1, { error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .max(SEARCH_LIMIT_MAX, { error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .optional()
    .openapi({ description: `page size, 1–${SEARCH_LIMIT_MAX}, default ${SEARCH_LIMIT_DEFAULT}`, example: 20 }),
  cursor: z.string().max(1000).optional().openapi({ description: '"next" of the previous page' }),
});

const pageSchema = z
  .object({
    items: z.array(clientOutSchema).openapi({ description: 'the clients of this page' }),
    next: z.string().nullable().openapi({ description: 'pass as `cursor` for the next page; null: this is the last' }),
  })
  .openapi('ClientPage', { description: 'A page of clients.' });

/**
 * A 422 must list every offending field: when the body breaks the schema, the fields that did
 * parse are also checked against the directory's rules (required names, unique reference…), and
 * both lists are answered together.
 */
function clientHook(directory: Directory) {
  return (
    result: { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] }; data?: unknown; target?: string },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the route's own Context type
    c: Context<any>,
  ): undefined => {
    throwBodyProblem(c.req.raw);
    if (result.success || result.target !== 'json' || !result.error) {
      validationHook(result, c);
      return undefined;
    }
    const errors = fieldErrors(result.error.issues);
    const raw = result.data;
    const schema = c.req.method === 'PATCH' ? clientPatchSchema : clientCreateSchema;
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const bad = new Set(errors.map((e) => e.path.split('.')[0]));
      const rest = schema.safeParse(Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key))));
      if (rest.success) {
        for (const e of directory.clientRuleErrors(rest.data, c.req.param('id'))) {
          if (!bad.has(e.path.split('.')[0])) errors.push(e);
        }
      }
    }
    throw invalid(errors);
  };
}

/**
 * An answer of JSON text the directory made (from its cached clients' JSON): the very response
 * `c.json()` gives for the value it is the text of, typed as that value for the route's schema.
 */
function jsonText<T>(c: Context, text: string): Response & TypedResponse<T, 200, 'json'> {
  return c.body(text, 200, { 'Content-Type': 'application/json' }) as unknown as Response & TypedResponse<T, 200, 'json'>;
}

const read = requireScope('directory:read');
const write = requireScope('directory:write');

export function clientRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: clientHook(directory) });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listClients',
      tags: ['clients'],
      summary: 'Search or list clients',
      description:
        'Without q: everyone, sorted by name. With q: words matched by prefix over the name, company, city, e-mail, phone, reference and account number, ' +
        'ignoring case and accents (`helene mul` finds Hélène Müller); exact reference first, then name matches, then the rest; then close matches ' +
        '(one typo, a name that sounds the same), marked `"match": "close"`.',
      middleware: [read] as const,
      request: { query: listQuery },
      responses: { 200: jsonContent(pageSchema, 'A page of clients', { items: [{ ...clientExample, match: 'exact' }], next: null }), ...errorResponses(422) },
    }),
    (c) => {
      const { q, limit, cursor } = c.req.valid('query');
      return jsonText<ClientPage>(c, directory.searchJson(q ?? '', limit ?? SEARCH_LIMIT_DEFAULT, cursor ?? null));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/by-reference/{reference}',
      operationId: 'getClientByReference',
      tags: ['clients'],
      summary: 'Find a client by reference (loyalty card barcode)',
      description: 'The client whose `reference` is exactly this (references are unique), or 404.',
      middleware: [read] as const,
      request: {
        params: z.object({ reference: z.string().min(1).max(64).openapi({ param: { name: 'reference', in: 'path' }, description: "the client's reference", example: '7612345000015' }) }),
      },
      responses: { 200: jsonContent(clientOutSchema, 'The client', clientExample, ETAG_HEADER), ...errorResponses(404) },
    }),
    (c) => {
      const client = directory.getClientByReferenceJson(c.req.valid('param').reference);
      c.header('ETag', `"${client.etag}"`);
      return jsonText<ClientOut>(c, client.json);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getClient',
      tags: ['clients'],
      summary: 'Get a client',
      description: 'The client, with its group summary and its etag (also in the ETag header), or 404.',
      middleware: [read] as const,
      request: { params: idParam },
      responses: { 200: jsonContent(clientOutSchema, 'The client', clientExample, ETAG_HEADER), ...errorResponses(404) },
    }),
    (c) => {
      const client = directory.getClientJson(c.req.valid('param').id);
      c.header('ETag', `"${client.etag}"`);
      return jsonText<ClientOut>(c, client.json);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createClient',
      tags: ['clients'],
      summary: 'Create a client',
      description:
        'A person needs lastName and firstName, a company companyName; reference is unique; groupId must exist; country is ISO 3166-1 alpha-2 (default CH). ' +
        'The agent assigns a UUID id unless given. A phone that cannot be a phone number is saved as typed, with a warning in the answer.',
      middleware: [write] as const,
      request: { body: jsonBody(clientCreateSchema, clientCreateExample) },
      responses: {
        201: jsonContent(clientOutSchema, 'Created', clientExample, { ...ETAG_HEADER, ...locationHeader(`/api/v1/clients/${clientExample.id}`) }),
        ...errorResponses(400, 409, 413, 415, 422, 503, 507),
        409: problemResponse(409, 'A client with this id already exists'),
      },
    }),
    async (c) => {
      const client = await directory.createClient(c.req.valid('json'));
      c.header('Location', `/api/v1/clients/${encodeURIComponent(client.id)}`);
      c.header('ETag', `"${client.etag}"`);
      return c.json(withWarnings(directory, client), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateClient',
      tags: ['clients'],
      summary: 'Change some fields of a client',
      description:
        'Only the fields sent change; `address` fields merge; null clears a field. Read-only fields sent back (a whole record read before) are ignored. ' +
        'Send If-Match with the etag you read to refuse a silent overwrite (412, with currentEtag).',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader, body: jsonBody(clientPatchSchema, { phone: '+41 79 555 00 13', address: { city: 'Pully', postalCode: '1009' } }) },
      responses: { 200: jsonContent(clientOutSchema, 'The updated client', clientExample, ETAG_HEADER), ...errorResponses(400, 404, 412, 413, 415, 422, 503, 507) },
    }),
    async (c) => {
      const client = await directory.updateClient(c.req.valid('param').id, c.req.valid('json'), c.req.valid('header')['if-match'] ?? null);
      c.header('ETag', `"${client.etag}"`);
      return c.json(withWarnings(directory, client), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'deleteClient',
      tags: ['clients'],
      summary: 'Delete a client',
      description: 'Deletes the client (pushed to the cloud as a delete). With If-Match, only if it has not changed since you read it.',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(404, 412, 503, 507) },
    }),
    async (c) => {
      await directory.deleteClient(c.req.valid('param').id, c.req.valid('header')['if-match'] ?? null);
      return c.body(null, 204);
    },
  );

  return app;
}

/** A saved client with what to check (a phone that cannot be one), when there is something. */
function withWarnings(directory: Directory, client: ClientOut): ClientOut {
  const warnings = directory.clientWarnings(client);
  return warnings.length ? { ...client, warnings } : client;
}
