import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Directory } from '../../directory/directory.js';
import { groupCreateSchema, groupOutSchema, groupPatchSchema } from '../../directory/schema.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent } from './common.js';

const listSchema = z.object({ items: z.array(groupOutSchema), next: z.null() }).openapi('GroupList');

const read = requireScope('directory:read');
const write = requireScope('directory:write');

export function groupRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List client groups, by name',
      middleware: [read] as const,
      responses: { 200: jsonContent(listSchema, 'Every group'), ...errorResponses(401, 403) },
    }),
    (c) => c.json({ items: directory.listGroups(), next: null }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'Get a group',
      middleware: [read] as const,
      request: { params: idParam },
      responses: { 200: jsonContent(groupOutSchema, 'The group'), ...errorResponses(401, 403, 404) },
    }),
    (c) => {
      const group = directory.getGroup(c.req.valid('param').id);
      c.header('ETag', `"${group.etag}"`);
      return c.json(group, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a group',
      middleware: [write] as const,
      request: { body: jsonBody(groupCreateSchema) },
      responses: { 201: jsonContent(groupOutSchema, 'Created'), ...errorResponses(400, 401, 403, 409, 413, 415, 422, 503, 507) },
    }),
    async (c) => {
      const group = await directory.createGroup(c.req.valid('json'));
      c.header('Location', `/api/v1/groups/${encodeURIComponent(group.id)}`);
      c.header('ETag', `"${group.etag}"`);
      return c.json(group, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      summary: 'Rename a group or change its discount',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader, body: jsonBody(groupPatchSchema) },
      responses: { 200: jsonContent(groupOutSchema, 'The updated group'), ...errorResponses(400, 401, 403, 404, 412, 413, 415, 422, 503, 507) },
    }),
    async (c) => {
      const group = await directory.updateGroup(c.req.valid('param').id, c.req.valid('json'), c.req.valid('header')['if-match'] ?? null);
      c.header('ETag', `"${group.etag}"`);
      return c.json(group, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Delete a group (refused with 409 while clients are in it)',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409, 412, 503, 507) },
    }),
    async (c) => {
      await directory.deleteGroup(c.req.valid('param').id, c.req.valid('header')['if-match'] ?? null);
      return c.body(null, 204);
    },
  );

  return app;
}
