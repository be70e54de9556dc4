import { z } from '@hono/zod-openapi';

/** Shared OpenAPI pieces, so each route states its body, headers and errors in one line. */

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          path: z.string(),
          message: z.string(),
          code: z.string().optional().openapi({ description: 'the rule broken, e.g. "required-person", "reference-taken": for showing it in your language' }),
          params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
        }),
      )
      .optional(),
  })
  .openapi('Problem');

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed JSON',
  401: 'Missing or unknown token',
  403: 'Token lacks the scope, or the Origin is not allowed',
  404: 'Not found',
  409: 'Conflicts with the current state',
  412: 'If-Match does not match the current etag',
  413: 'Body over 256 KiB',
  415: 'Body is not JSON',
  422: 'Schema or rule violation; every offending field listed',
  503: 'Could not be saved to disk; nothing changed',
  507: 'The disk is full: nothing changed; free space and send it again (no restart needed)',
};

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_TEXT[s] ?? 'Error', content: { 'application/problem+json': { schema: problemSchema } } }]),
  );
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } };
}

export const ifMatchHeader = z.object({
  'if-match': z.string().max(200).optional().openapi({ description: 'the etag you read; 412 if the record changed since' }),
});

/** The `{id}` of a resource's path: a client, a group, a job, a printer, a sync issue. */
export const idParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
