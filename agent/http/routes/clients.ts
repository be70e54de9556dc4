import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX, type Directory } from '../../directory/directory.js';
import { type ClientOut, clientCreateSchema, clientOutSchema, clientPatchSchema } from '../../directory/schema.js';
import { invalid } from '../../errors.js';
import { fieldErrors } from '../../errors.js';
import { validationHook } from '../validation.js';
import { throwBodyProblem } from '../text.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent } from './common.js';


const listQuery = z.object({
  q: z.string().max(200).optional().openapi({ description: 'words to find by prefix, any order, accents and case ignored' }),
  limit: z.coerce
    .number({ error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .int({ error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .min(1, { error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .max(SEARCH_LIMIT_MAX, { error: `expected a whole number from 1 to ${SEARCH_LIMIT_MAX}` })
    .optional()
    .openapi({ description: `page size, default ${SEARCH_LIMIT_DEFAULT}` }),
  cursor: z.string().max(1000).optional().openapi({ description: '"next" of the previous page' }),
});

const pageSchema = z
  .object({ items: z.array(clientOutSchema), next: z.string().nullable() })
  .openapi('ClientPage');

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

const read = requireScope('directory:read');
const write = requireScope('directory:write');

export function clientRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: clientHook(directory) });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'Search or list clients',
      description: 'Without q: everyone, sorted by name. With q: exact reference first, then name matches, then the rest.',
      middleware: [read] as const,
      request: { query: listQuery },
      responses: { 200: jsonContent(pageSchema, 'A page of clients'), ...errorResponses(401, 403, 422) },
    }),
    (c) => {
      const { q, limit, cursor } = c.req.valid('query');
      return c.json(directory.search(q ?? '', limit ?? SEARCH_LIMIT_DEFAULT, cursor ?? null), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/by-reference/{reference}',
      summary: 'Find a client by reference (loyalty card barcode)',
      middleware: [read] as const,
      request: { params: z.object({ reference: z.string().min(1).max(64).openapi({ param: { name: 'reference', in: 'path' } }) }) },
      responses: { 200: jsonContent(clientOutSchema, 'The client'), ...errorResponses(401, 403, 404) },
    }),
    (c) => {
      const client = directory.getClientByReference(c.req.valid('param').reference);
      c.header('ETag', `"${client.etag}"`);
      return c.json(client, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'Get a client',
      middleware: [read] as const,
      request: { params: idParam },
      responses: { 200: jsonContent(clientOutSchema, 'The client'), ...errorResponses(401, 403, 404) },
    }),
    (c) => {
      const client = directory.getClient(c.req.valid('param').id);
      c.header('ETag', `"${client.etag}"`);
      return c.json(client, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a client',
      middleware: [write] as const,
      request: { body: jsonBody(clientCreateSchema) },
      responses: { 201: jsonContent(clientOutSchema, 'Created'), ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503, 507) },
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
      summary: 'Change some fields of a client',
      description: 'Only the fields sent change; `address` fields merge. Send If-Match with the etag you read to refuse a silent overwrite.',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader, body: jsonBody(clientPatchSchema) },
      responses: { 200: jsonContent(clientOutSchema, 'The updated client'), ...errorResponses(400, 401, 403, 404, 412, 413, 415, 422, 503, 507) },
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
      summary: 'Delete a client',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 412, 503, 507) },
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
