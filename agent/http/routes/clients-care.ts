import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { type DirectoryCare, MERGE_FIELDS } from '../../directory/care.js';
import { clientOutSchema } from '../../directory/schema.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { validationHook } from '../validation.js';
import { errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent } from './common.js';

/** agent-api.md "Directory care": merging two clients, anonymising one. */

const mergeBody = z
  .strictObject({
    from: z.string().min(1).max(64).openapi({ description: 'the id of the other client: merged into {id}, then deleted' }),
    take: z
      .record(z.string().max(64), z.enum(['from', 'id', 'both']))
      .optional()
      .openapi({
        description:
          `the fields {id} takes from the other client ("from"); the rest keep {id}'s value ("id", the default). Fields: ${MERGE_FIELDS.join(', ')}. ` +
          '"address" takes the whole address; "address.city" and the like take one part and win over "address" for it. ' +
          'notes may be "both": the two notes, {id}\'s first.',
        example: { phone: 'from', reference: 'from', address: 'from' },
      }),
    fromEtag: z.string().max(200).optional().openapi({ description: "optional: the other client's etag as you read it; 412 if it changed since (If-Match does the same for {id})" }),
  })
  .openapi('ClientMerge');

const write = requireScope('directory:write');

export function clientCareRoutes(care: DirectoryCare) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/merge',
      summary: 'Merge another client into this one',
      description:
        'Field by field: {id} takes the fields named in `take` from `from` and keeps its own for the rest; `from` is deleted. One durable write; with a cloud, ' +
        'pushed as an update of {id} and a delete of `from`. 409 when `from` has a balance (accountBalance or walletBalance not zero): when both have one, ' +
        'the back-office must merge them; when only `from` has one, merge the other way round (the answer says how), since the agent never moves a balance. ' +
        'The merged client must pass the directory\'s rules (422, paths `merged.<field>`).',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader, body: jsonBody(mergeBody) },
      responses: { 200: jsonContent(clientOutSchema, 'The merged client'), ...errorResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 503, 507) },
    }),
    async (c) => {
      const { from, take, fromEtag } = c.req.valid('json');
      const client = await care.merge(c.req.valid('param').id, { from, take }, { ifMatch: c.req.valid('header')['if-match'], fromIfMatch: fromEtag });
      c.header('ETag', `"${client.etag}"`);
      return c.json(client, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/anonymize',
      summary: "Erase a client's personal data, keeping the account",
      description:
        'The names become a neutral label (a person: "Client Anonymisé" in a French shop, "Kunde Anonymisiert" in a German one; a company: "Client anonymisé"); ' +
        'civility, address lines, phone, e-mail, notes and reference are removed. id, kind, accountNumber, groupId, the balances and the country stay. ' +
        'One durable edit, pushed to the cloud as an update; the store\'s audit log records when (and the id, never a name). Anonymising again changes nothing.',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader },
      responses: { 200: jsonContent(clientOutSchema, 'The anonymised client'), ...errorResponses(401, 403, 404, 412, 503, 507) },
    }),
    async (c) => {
      const client = await care.anonymize(c.req.valid('param').id, c.req.valid('header')['if-match'] ?? null);
      c.header('ETag', `"${client.etag}"`);
      return c.json(client, 200);
    },
  );

  return app;
}
