import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { expect, it } from 'vitest';
import { agentPerTest, tempDir } from '../helpers/agent.js';

/**
 * The served OpenAPI document is one an integrator can build on: it passes Redocly's lint (our
 * redocly.yaml: recommended, operationIds, tags and descriptions required) with no error and no
 * warning, and openapi-typescript turns it into types that a strictly compiled client uses.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const open = agentPerTest();

async function servedDocument(): Promise<string> {
  const a = await open();
  const res = await a.api('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return res.text();
}

it('passes redocly lint with no error and no warning', { timeout: 60_000 }, async () => {
  const file = path.join(tempDir('openapi-lint-'), 'openapi.json');
  writeFileSync(file, await servedDocument());
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const { stdout, stderr } = await run(bin('redocly'), ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'summary'], { env }).catch(
    (err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''}\n(redocly exited non-zero)` }),
  );
  const out = `${stdout}\n${stderr}`;
  expect(out, out).not.toMatch(/^\s*(error|warning)\s/m);
  expect(out, out).not.toMatch(/exited non-zero|Validation failed/);
  expect(out).toMatch(/valid/i);
});

/** A till's client, written against the generated types: it must compile under strict. */
const CLIENT = `
import type { components, operations, paths } from './api.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Client = components['schemas']['Client'];
type PrintRequest = paths['/print']['post']['requestBody']['content']['application/json'];
type Job = Json<operations['getJob']['responses'][200]>;
type Problem = components['schemas']['Problem'];

export async function createClient(base: string, token: string, body: Json<operations['createClient']['requestBody']>): Promise<Client> {
  const res = await fetch(base + '/clients', { method: 'POST', headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as Json<operations['createClient']['responses'][201]>;
}

export async function printReceipt(base: string, token: string, key: string): Promise<Job['status']> {
  const body: PrintRequest = {
    type: 'receipt',
    ticket: { number: '2026-000123', issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Café crème', quantity: 2, amount: 840 }], total: 840 },
  };
  const res = await fetch(base + '/print', { method: 'POST', headers: { authorization: 'Bearer ' + token, 'idempotency-key': key }, body: JSON.stringify(body) });
  const job = (await res.json()) as Json<operations['printTicket']['responses'][202]>;
  return job.status;
}

export async function getJob(base: string, token: string, id: operations['getJob']['parameters']['path']['id']): Promise<Job | Problem> {
  const res = await fetch(base + '/jobs/' + encodeURIComponent(id), { headers: { authorization: 'Bearer ' + token } });
  return (await res.json()) as Job | Problem;
}

// what the document promises, checked by the compiler
export const staleEtag = (p: Json<operations['updateClient']['responses'][200]> | Problem): string | undefined => ('currentEtag' in p ? p.currentEtag : undefined);
export const inUse = (p: Problem): number | undefined => p.clientCount;
export const scanned = (e: components['schemas']['ScanEvent']): string | null => e.client?.id ?? null;
const done: Job['status'] = 'done';
const centimes: components['schemas']['ReceiptTicket']['total'] = 756;
const events: components['schemas']['EventFrame']['event'][] = ['scan', 'job', 'printer', 'directory', 'sync', 'scanner', 'reset'];
export { done, centimes, events };
`;

/** The same client with a mistake in it: the types must refuse it. */
const WRONG = `
import type { paths } from './api.js';
type PrintRequest = paths['/print']['post']['requestBody']['content']['application/json'];
export const body: PrintRequest = { type: 'invoice', ticket: { number: 1 } };
`;

const TSCONFIG = {
  compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], skipLibCheck: true, types: [] },
  include: ['*.ts'],
};

it('generates types with openapi-typescript that a strict typed client compiles against (and a wrong one does not)', { timeout: 120_000 }, async () => {
  const doc: unknown = JSON.parse(await servedDocument());
  if (typeof doc !== 'object' || doc === null) throw new Error('the document is not an object');
  const types = astToString(await openapiTS(JSON.stringify(doc)));
  for (const id of ['createClient', 'printTicket', 'getJob', 'streamEvents', 'listClients', 'deleteGroup']) expect(types, id).toContain(`${id}: {`);

  const ok = tempDir('openapi-client-');
  writeFileSync(path.join(ok, 'api.ts'), types);
  writeFileSync(path.join(ok, 'client.ts'), CLIENT);
  writeFileSync(path.join(ok, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  const compiled = await run(bin('tsc'), ['-p', ok]).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? 'tsc failed',
  );
  expect(compiled, compiled).toBe('');

  const bad = tempDir('openapi-wrong-');
  writeFileSync(path.join(bad, 'api.ts'), types);
  writeFileSync(path.join(bad, 'client.ts'), WRONG);
  writeFileSync(path.join(bad, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  const refused = await run(bin('tsc'), ['-p', bad]).then(
    () => '',
    (err: { stdout?: string }) => err.stdout ?? '',
  );
  expect(refused).toMatch(/client\.ts.*error TS/);
});
