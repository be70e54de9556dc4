import { expect } from 'vitest';
import { TEST_TOKEN, type TestAgent } from '../../helpers/agent.js';

/** Shared helpers for the till API tests (not a test file itself). */

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ path: string; message: string; code?: string; params?: Record<string, string | number> }>;
  [extra: string]: unknown;
}

export interface ClientBody {
  id: string;
  match?: 'exact' | 'close';
  kind: 'person' | 'company';
  civility: string | null;
  lastName: string | null;
  firstName: string | null;
  companyName: string | null;
  reference: string | null;
  accountNumber: string | null;
  groupId: string | null;
  email: string | null;
  phone: string | null;
  address: { street: string | null; street2: string | null; postalCode: string | null; city: string | null; country: string };
  notes: string | null;
  accountBalance: number;
  walletBalance: number;
  version: number;
  updatedAt: string;
  group: { id: string; name: string; discountPercent: number } | null;
  etag: string;
}

export interface GroupBody {
  id: string;
  name: string;
  discountPercent: number;
  version: number;
  updatedAt: string;
  clientCount: number;
  etag: string;
}

export interface PageBody {
  items: ClientBody[];
  next: string | null;
}

/**
 * Asserts an RFC 9457 problem response with the given status and returns its body: problem+json
 * content type, and type/title/status/detail present and consistent.
 */
export async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  const text = await res.text();
  expect(res.status, `expected ${status}, got ${res.status}: ${text.slice(0, 500)}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as ProblemBody;
  expect(typeof body.type).toBe('string');
  expect(body.type.length).toBeGreaterThan(0);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

/** The paths of a 422's `errors`, sorted. */
export function errorPaths(p: ProblemBody): string[] {
  return (p.errors ?? []).map((e) => e.path).sort();
}

/** Asserts a JSON success response with the given status and returns the body. */
export async function expectJson<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, `expected ${status}, got ${res.status}: ${text.slice(0, 500)}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  return JSON.parse(text) as T;
}

/**
 * A request straight to the app with exactly the headers given (no Host or token added), for the
 * hostile requests the test helper would otherwise "fix".
 */
export function raw(t: TestAgent, pathname: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(t.agent.app.request(`http://127.0.0.1:8410${pathname}`, init));
}

export const GOOD_HOST = '127.0.0.1:8410';
export const AUTH = `Bearer ${TEST_TOKEN}`;

export async function createClient(t: TestAgent, body: Record<string, unknown>): Promise<ClientBody> {
  return expectJson<ClientBody>(await t.api('/api/v1/clients', { method: 'POST', json: body }), 201);
}

export async function createGroup(t: TestAgent, body: Record<string, unknown>): Promise<GroupBody> {
  return expectJson<GroupBody>(await t.api('/api/v1/groups', { method: 'POST', json: body }), 201);
}

export async function getClient(t: TestAgent, id: string): Promise<ClientBody> {
  return expectJson<ClientBody>(await t.api(`/api/v1/clients/${encodeURIComponent(id)}`), 200);
}

/** Every client, through every page. */
export async function allClients(t: TestAgent, q = ''): Promise<ClientBody[]> {
  const out: ClientBody[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const qs = new URLSearchParams({ limit: '100' });
    if (q) qs.set('q', q);
    if (cursor) qs.set('cursor', cursor);
    const page = await expectJson<PageBody>(await t.api(`/api/v1/clients?${qs}`), 200);
    out.push(...page.items);
    if (page.next === null) return out;
    cursor = page.next;
  }
  throw new Error('pagination never ended');
}

export async function clientCount(t: TestAgent): Promise<number> {
  return (await allClients(t)).length;
}
