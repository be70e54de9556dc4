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

  it('states the rules the agent enforces, the headers it sends, its errors and its event stream', async () => {
    t = await openTestAgent();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document walked by path
    const doc = await expectJson<any>(await t.api('/api/v1/openapi.json'), 200);
    const schemas = doc.components.schemas;
    const ops = Object.values(doc.paths as Record<string, Record<string, { operationId?: string; tags?: string[] }>>).flatMap((p) => Object.values(p).filter((o) => typeof o === 'object' && 'responses' in o));
    const ids = ops.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set((doc.tags as Array<{ name: string; description: string }>).map((tag) => tag.name));
    expect(ops.every((o) => o.tags?.length === 1 && tags.has(o.tags[0]!))).toBe(true);
    // the same zod schemas that validate carry the rules
    expect(schemas.ClientCreate.properties.email.format).toBe('email');
    expect(schemas.ClientCreate.properties.address.properties.country.enum).toEqual(expect.arrayContaining(['CH', 'FR', 'DE', 'LI']));
    expect(schemas.ClientCreate.properties.address.properties.country.enum).not.toContain('XX');
    expect(schemas.ReceiptTicket.properties.issuedAt.format).toBe('date-time');
    expect(schemas.ReceiptLine.properties.quantity.multipleOf).toBe(0.001);
    expect(schemas.ReceiptLine.properties.amount.type).toBe('integer');
    // the extra members of the problems, and the headers
    for (const extra of ['errors', 'currentEtag', 'clientCount', 'mergeInstead', 'freeBytes']) expect(Object.keys(schemas.Problem.properties)).toContain(extra);
    expect(doc.paths['/print'].post.responses['202'].headers.Location).toBeDefined();
    expect(doc.paths['/clients/{id}'].get.responses['200'].headers.ETag).toBeDefined();
    expect(doc.paths['/clients/{id}'].patch.responses['412'].content['application/problem+json'].example.currentEtag).toBeDefined();
    expect(doc.paths['/groups/{id}'].delete.responses['409'].content['application/problem+json'].example.clientCount).toBe(3);
    expect(Object.keys(doc.paths['/clients'].get.responses)).toEqual(expect.arrayContaining(['401', '403', '421']));
    // the stream, with each event's payload; a scan's client may be null
    expect(Object.keys(doc.paths['/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
    for (const e of ['ScanEvent', 'JobEvent', 'PrinterEvent', 'DirectoryEvent', 'SyncEvent', 'ScannerEvent', 'ResetEvent']) expect(schemas[e], e).toBeDefined();
    expect(JSON.stringify(schemas.ScanEvent.properties.client)).toContain('"null"');
  });

  it('needs the token (401 without, 401 with a wrong one)', async () => {
    t = await openTestAgent();
    const res = await raw(t, '/api/v1/openapi.json', { headers: { host: GOOD_HOST } });
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b/);
    await expectProblem(await raw(t, '/api/v1/openapi.json', { headers: { host: GOOD_HOST, authorization: 'Bearer wrong-token-0123456789' } }), 401);
  });
});
