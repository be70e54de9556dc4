import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AgentError, type ErrorKind, type FieldError, StorageError } from './errors.js';
import type { Logger } from './log.js';
import { nodeFs } from './store/fs.js';

/**
 * RFC 9457 problem details: the one shape of every error the agent answers a program (the till's
 * API, and the staff pages' script endpoints). A domain error's kind becomes its status here.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TYPE_BASE = 'https://shop-agent.local/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Request too large',
  415: 'Unsupported media type',
  421: 'Misdirected request',
  422: 'Invalid data',
  500: 'Internal error',
  503: 'Unavailable',
  507: 'Disk full',
};

/** The one place a domain error's kind becomes an HTTP status. */
export const STATUS_OF_KIND = {
  'bad-request': 400,
  unsupported: 415,
  forbidden: 403,
  'not-found': 404,
  exists: 409,
  'in-use': 409,
  refused: 409,
  stale: 412,
  invalid: 422,
  unavailable: 503,
} as const satisfies Record<ErrorKind, number>;

export function problemResponse(c: Context, status: number, detail: string, extra: Partial<Problem> = {}): Response {
  const title = extra.title ?? TITLES[status] ?? 'Error';
  const body: Problem = {
    type: `${TYPE_BASE}${slug(title)}`,
    title,
    status,
    detail,
    ...extra,
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' });
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const MB = 1024 * 1024;

/**
 * 507: the disk is full. Says how much is free, what the change and the store need, and what to
 * free; writes work again as soon as there is room (reads, search, scans and printing go on).
 */
async function diskFullResponse(c: Context, err: StorageError): Promise<Response> {
  const free = await nodeFs.freeBytes(err.where || '.').catch(() => null);
  const mb = (n: number) => `${(n / MB).toFixed(n < 10 * MB ? 1 : 0)} MB`;
  const needs = Math.max(err.needBytes, 4096) + 2 * err.storeBytes;
  return problemResponse(
    c,
    507,
    `The disk holding the store (${err.where}) is full${free === null ? '' : ` (${mb(free)} free)`}: this change (${err.needBytes} bytes) was not saved, and nothing changed. ` +
      `The store needs about ${mb(needs)} free to take changes and write its snapshots. Free space on that disk (old backups, logs, downloads), then send the change again: no restart is needed. ` +
      `Reading, search, scans and queued printing go on meanwhile.`,
    { title: 'Disk full', freeBytes: free, needBytes: needs },
  );
}

export function errorHandler(log: Logger) {
  return async (err: Error, c: Context): Promise<Response> => {
    if (err instanceof AgentError) {
      return problemResponse(c, STATUS_OF_KIND[err.kind], err.detail, {
        title: err.title,
        ...(err.errors ? { errors: err.errors } : {}),
        ...err.extra,
      });
    }
    if (err instanceof StorageError) {
      if (err.diskFull) return diskFullResponse(c, err);
      return problemResponse(c, 503, err.message, { title: 'Not saved' });
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      let detail = err.message || TITLES[status] || 'Error';
      if (status === 400 && /JSON/i.test(detail)) detail = 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.';
      if (status === 415) detail = 'Send the body as JSON with the header Content-Type: application/json.';
      return problemResponse(c, status, detail);
    }
    log.error('unexpected error on a request', { method: c.req.method, path: new URL(c.req.url).pathname, error: err.stack ?? err.message });
    return problemResponse(c, 500, 'The agent hit an unexpected error; the agent log has the details. Check whether the change was made before trying again.');
  };
}

/** The answer to a program asking for a path the agent does not have. */
export const apiNotFound = (c: Context): Response =>
  problemResponse(c, 404, `Nothing at ${c.req.method} ${c.req.path}. The till API is under /api/v1 (described at /api/v1/openapi.json).`);
