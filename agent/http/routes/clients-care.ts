import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { type DirectoryCare, MERGE_FIELDS } from '../../directory/care.js';
import type { Directory } from '../../directory/directory.js';
import { DUPLICATE_REASONS, duplicatePairs, likelyDuplicates, SHARED_BY_MANY } from '../../directory/duplicates.js';
import { clientCreateSchema, clientOutSchema } from '../../directory/schema.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { validationHook } from '../validation.js';
import { ETAG_HEADER, errorResponses, idParam, ifMatchHeader, jsonBody, jsonContent, problemResponse } from './common.js';
import { clientCreateExample, clientExample } from './examples.js';

/** agent-api.md "Directory care": likely duplicates, merging two clients, anonymising one. */

const reasonsSchema = z.array(z.enum(DUPLICATE_REASONS)).min(1).openapi({
  description:
    'why: "reference" (the same card), "phone" (the same number, however written: compared in its international form), "email" (the same address, any case), ' +
    '"name+postalCode" (the same name, case, accents and spaces aside, in the same postcode), "close-name+postalCode" (each word of the name the same, ' +
    'one typo away (words of 5 letters or more) or sounding the same (Kölner Phonetik, Phonex), in the same postcode); the strongest first',
  example: ['phone', 'close-name+postalCode'],
});

const checkAnswer = z
  .object({
    duplicates: z
      .array(z.object({ client: clientOutSchema, reasons: reasonsSchema }))
      .openapi({ description: 'the existing clients the body may be, most reasons first (at most 5); empty: none' }),
    warnings: clientOutSchema.shape.warnings.unwrap().openapi({
      description: 'what the save would keep but should be checked ("phone-impossible": a number that cannot be a phone number); empty: none',
    }),
  })
  .openapi('DuplicateCheck', { description: 'The existing clients a client about to be saved may be.' });

const DUPLICATES_LIMIT_MAX = 500;
const duplicatesQuery = z.object({
  limit: z.coerce
    .number({ error: `expected a whole number from 1 to ${DUPLICATES_LIMIT_MAX}` })
    .int({ error: `expected a whole number from 1 to ${DUPLICATES_LIMIT_MAX}` })
    .min(1, { error: `expected a whole number from 1 to ${DUPLICATES_LIMIT_MAX}` })
    .max(DUPLICATES_LIMIT_MAX, { error: `expected a whole number from 1 to ${DUPLICATES_LIMIT_MAX}` })
    .optional()
    .openapi({ description: `how many pairs, the surest first; 1–${DUPLICATES_LIMIT_MAX}, default 50`, example: 50 }),
});

const pairsAnswer = z
  .object({
    items: z
      .array(z.object({ clients: z.tuple([clientOutSchema, clientOutSchema]).openapi({ description: 'the two clients, in name order' }), reasons: reasonsSchema }))
      .openapi({ description: 'likely pairs, most reasons first, then by name; the two clients of a pair in name order' }),
    total: z.number().int().openapi({ description: 'how many pairs there are in all (items holds the first `limit`)' }),
  })
  .openapi('DuplicatePairs', { description: 'The likely duplicate pairs of the directory.' });

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
  .openapi('ClientMerge', { description: 'Which client to merge into {id}, and the fields to take from it.' });

const write = requireScope('directory:write');

const read = requireScope('directory:read');

export function clientCareRoutes(care: DirectoryCare, directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/check',
      operationId: 'checkClientDuplicates',
      tags: ['directory care'],
      summary: 'Find the clients a client about to be saved may duplicate',
      description:
        'The body is a client as for POST /clients (or a client being edited, with its id: it is not its own duplicate); nothing is written, and the ' +
        "directory's rules are not applied (a reference already taken is a reason here, not an error). Found through the search index: a few indexed " +
        'lookups, whatever the size of the directory.',
      middleware: [read] as const,
      request: { body: jsonBody(clientCreateSchema, clientCreateExample) },
      responses: {
        200: jsonContent(checkAnswer, 'The likely duplicates (maybe none)', { duplicates: [{ client: clientExample, reasons: ['reference', 'phone'] }], warnings: [] }),
        ...errorResponses(400, 413, 415, 422),
      },
    }),
    (c) => {
      const body = c.req.valid('json');
      return c.json({ duplicates: likelyDuplicates(directory, body), warnings: directory.clientWarnings({ phone: body.phone ?? null }) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/merge',
      operationId: 'mergeClients',
      tags: ['directory care'],
      summary: 'Merge another client into this one',
      description:
        'Field by field: {id} takes the fields named in `take` from `from` and keeps its own for the rest; `from` is deleted. One durable write; with a cloud, ' +
        'pushed as an update of {id} and a delete of `from`. 409 when `from` has a balance (accountBalance or walletBalance not zero): when both have one, ' +
        'the back-office must merge them; when only `from` has one, merge the other way round (the answer says how), since the agent never moves a balance. ' +
        'The merged client must pass the directory\'s rules (422, paths `merged.<field>`).',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader, body: jsonBody(mergeBody, { from: '9b1d2e4f-0a3c-4b5d-8e6f-7a8b9c0d1e2f', take: { phone: 'from', address: 'from' } }) },
      responses: {
        200: jsonContent(clientOutSchema, 'The merged client', clientExample, ETAG_HEADER),
        ...errorResponses(400, 404, 409, 412, 413, 415, 422, 503, 507),
        409: problemResponse(409, 'A balance blocks the merge: balances says whose; mergeInstead, when set, says how to merge the other way round', {
          title: 'The client to delete has a balance',
          detail: '"Hélène Müller" (9b1d…: wallet 15.00) has a balance and would be deleted by this merge; merge the other way round instead.',
          balances: [
            { id: clientExample.id, accountBalance: 0, walletBalance: 0 },
            { id: '9b1d2e4f-0a3c-4b5d-8e6f-7a8b9c0d1e2f', accountBalance: 0, walletBalance: 1500 },
          ],
          mergeInstead: { id: '9b1d2e4f-0a3c-4b5d-8e6f-7a8b9c0d1e2f', from: clientExample.id },
        }),
      },
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
      operationId: 'anonymizeClient',
      tags: ['directory care'],
      summary: "Erase a client's personal data, keeping the account",
      description:
        'The names become a neutral label (a person: "Client Anonymisé" in a French shop, "Kunde Anonymisiert" in a German one; a company: "Client anonymisé"); ' +
        'civility, address lines, phone, e-mail, notes and reference are removed. id, kind, accountNumber, groupId, the balances and the country stay. ' +
        'One durable edit, pushed to the cloud as an update; the store\'s audit log records when (and the id, never a name). Anonymising again changes nothing.',
      middleware: [write] as const,
      request: { params: idParam, headers: ifMatchHeader },
      responses: {
        200: jsonContent(
          clientOutSchema,
          'The anonymised client',
          { ...clientExample, civility: null, lastName: 'Anonymisé', firstName: 'Client', reference: null, email: null, phone: null, notes: null, address: { street: null, street2: null, postalCode: null, city: null, country: 'CH' } },
          ETAG_HEADER,
        ),
        ...errorResponses(404, 412, 503, 507),
      },
    }),
    async (c) => {
      const client = await care.anonymize(c.req.valid('param').id, c.req.valid('header')['if-match'] ?? null);
      c.header('ETag', `"${client.etag}"`);
      return c.json(client, 200);
    },
  );

  return app;
}

/** GET /api/v1/duplicates: every likely pair of the directory. */
export function duplicateRoutes(directory: Directory) {
  const app = new OpenAPIHono<SecurityEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listDuplicates',
      tags: ['directory care'],
      summary: 'List the likely duplicate pairs of the whole directory',
      description:
        'Pairs of clients sharing a phone or an e-mail, or the same or a close name in the same postcode (reasons as for /clients/check; references are ' +
        `unique, so never a pair's reason). Found by grouping the clients on those keys, never by comparing every pair: 100,000 clients take well under ` +
        `2 s. A phone, an e-mail or a name in one postcode shared by more than ${SHARED_BY_MANY} clients (a shop's own number typed as a placeholder, ` +
        '"Client comptoir") is not taken as a sign of one client twice. Merge a pair with POST /clients/{id}/merge.',
      middleware: [read] as const,
      request: { query: duplicatesQuery },
      responses: {
        200: jsonContent(pairsAnswer, 'The likely pairs', { items: [{ clients: [clientExample, { ...clientExample, id: '9b1d2e4f-0a3c-4b5d-8e6f-7a8b9c0d1e2f', reference: null, etag: '1-1764234764120' }], reasons: ['phone'] }], total: 1 }),
        ...errorResponses(422),
      },
    }),
    (c) => c.json(duplicatePairs(directory, c.req.valid('query').limit ?? 50), 200),
  );
  return app;
}
