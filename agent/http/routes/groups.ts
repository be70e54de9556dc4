import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Directory } from '../../directory/directory.js';
import { groupCreateSchema, groupOutSchema, groupPatchSchema } from '../../directory/schema.js';
import { validationHook } from '../validation.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { ETAG_HEADER, errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent, locationHeader, problemResponse } from './common.js';
import { groupExample } from './examples.js';

const listSchema = z
  .object({
    items: z.array(groupOutSchema).openapi({ description: 'every group, by name' }),
    next: z.null().openapi({ description: 'always null: groups come in one page' }),
  })
  .openapi('GroupList', { description: 'Every group.' });
const groupIdParam = z.object({ id: idParam.shape.id.openapi({ description: 'the group id', example: 'vip' }) });

const read = requireScope('directory:read');
const write = requireScope('directory:write');

export function groupRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listGroups',
      tags: ['groups'],
      summary: 'List client groups, by name',
      description: 'Every group with its discount and how many clients it has, by name, in one page.',
      middleware: [read] as const,
      responses: { 200: jsonContent(listSchema, 'Every group', { items: [groupExample], next: null }), ...errorResponses() },
    }),
    (c) => c.json({ items: directory.listGroups(), next: null }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getGroup',
      tags: ['groups'],
      summary: 'Get a group',
      description: 'The group and its etag (also in the ETag header), or 404.',
      middleware: [read] as const,
      request: { params: groupIdParam },
      responses: { 200: jsonContent(groupOutSchema, 'The group', groupExample, ETAG_HEADER), ...errorResponses(404) },
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
      operationId: 'createGroup',
      tags: ['groups'],
      summary: 'Create a group',
      description: 'The name is unique; discountPercent is 0–100 with at most 2 decimals (default 0). The agent assigns a UUID id unless given.',
      middleware: [write] as const,
      request: { body: jsonBody(groupCreateSchema, { id: 'vip', name: 'VIP', discountPercent: 10 }) },
      responses: {
        201: jsonContent(groupOutSchema, 'Created', { ...groupExample, clientCount: 0 }, { ...ETAG_HEADER, ...locationHeader('/api/v1/groups/vip') }),
        ...errorResponses(400, 409, 413, 415, 422, 503, 507),
        409: problemResponse(409, 'A group with this id already exists'),
      },
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
      operationId: 'updateGroup',
      tags: ['groups'],
      summary: 'Rename a group or change its discount',
      description: 'Only the fields sent change. Send If-Match with the etag you read to refuse a silent overwrite (412, with currentEtag).',
      middleware: [write] as const,
      request: { params: groupIdParam, headers: ifMatchHeader, body: jsonBody(groupPatchSchema, { discountPercent: 12.5 }) },
      responses: { 200: jsonContent(groupOutSchema, 'The updated group', { ...groupExample, discountPercent: 12.5 }, ETAG_HEADER), ...errorResponses(400, 404, 412, 413, 415, 422, 503, 507) },
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
      operationId: 'deleteGroup',
      tags: ['groups'],
      summary: 'Delete a group (refused with 409 while clients are in it)',
      description: 'A group that still has clients is not deleted: 409, with their number in `clientCount` (and in `detail`). Move them to another group first.',
      middleware: [write] as const,
      request: { params: groupIdParam, headers: ifMatchHeader },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses(404, 409, 412, 503, 507),
        409: problemResponse(409, 'The group still has clients: clientCount says how many', {
          title: 'Group in use',
          detail: 'The group "VIP" still has 3 clients; move them to another group first, then delete it.',
          clientCount: 3,
        }),
      },
    }),
    async (c) => {
      await directory.deleteGroup(c.req.valid('param').id, c.req.valid('header')['if-match'] ?? null);
      return c.body(null, 204);
    },
  );

  return app;
}
