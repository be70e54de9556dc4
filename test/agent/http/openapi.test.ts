import { afterEach, describe, expect, it } from 'vitest';
import { openTestAgent, type TestAgent } from '../../helpers/agent.js';
import { expectJson, expectProblem, GOOD_HOST, raw } from './api-util.js';

/** GET /api/v1/openapi.json: the till developer's description of the API. */

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; parameters?: Array<{ name: string; in: string }> }>>;
  components?: { schemas?: Record<string, SchemaObject>; securitySchemes?: Record<string, unknown> };
  security?: unknown[];
}

interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  properties?: Record<string, unknown>;
}

/** Property names of a schema, following $ref and allOf. */
function propertiesOf(doc: OpenApiDoc, schema: SchemaObject | undefined, depth = 0): string[] {
  if (!schema || depth > 10) return [];
  if (schema.$ref) return propertiesOf(doc, doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], depth + 1);
  const own = Object.keys(schema.properties ?? {});
  return [...own, ...(schema.allOf ?? []).flatMap((s) => propertiesOf(doc, s, depth + 1))];
}

describe('OpenAPI document', () => {
  it('is served with the token: OpenAPI 3.1 with the client and group paths and the Client schema', async () => {
    t = await openTestAgent();
    const doc = await expectJson<OpenApiDoc>(await t.api('/api/v1/openapi.json'), 200);
    expect(doc.openapi.startsWith('3.1')).toBe(true);
    for (const p of ['/clients', '/clients/{id}', '/clients/by-reference/{reference}', '/groups', '/groups/{id}']) {
      expect(Object.keys(doc.paths), p).toContain(p);
    }
    expect(Object.keys(doc.paths['/clients']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/clients/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/groups']!).sort()).toEqual(['get', 'post']);
    const client = doc.components?.schemas?.Client;
    expect(client).toBeDefined();
    for (const field of ['id', 'kind', 'lastName', 'firstName', 'companyName', 'reference', 'groupId', 'address', 'version', 'group', 'etag']) {
      expect(propertiesOf(doc, client), field).toContain(field);
    }
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // errors are documented as problem+json
    const post = doc.paths['/clients']!.post!;
    expect(Object.keys(post.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '422']));
    expect(JSON.stringify(post.responses?.['422'])).toContain('application/problem+json');
    expect(doc.paths['/clients/{id}']!.patch!.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'header:if-match']));
  });

  it('needs the token (401 without, 401 with a wrong one)', async () => {
    t = await openTestAgent();
    const res = await raw(t, '/api/v1/openapi.json', { headers: { host: GOOD_HOST } });
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b/);
    await expectProblem(await raw(t, '/api/v1/openapi.json', { headers: { host: GOOD_HOST, authorization: 'Bearer wrong-token-0123456789' } }), 401);
  });
});
