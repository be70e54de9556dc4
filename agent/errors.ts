import type { z } from 'zod';

/**
 * Errors a caller can act on. The HTTP layer turns them into problem+json (RFC 9457); the UI shows
 * `detail` and the per-field `errors` next to the fields.
 */
export interface FieldError {
  /** Dotted path of the field, e.g. "address.country". */
  path: string;
  /** English, for developers and logs. */
  message: string;
  /** Stable name of the rule broken, so the page (and a till) can say it in the staff's language. */
  code?: RuleCode;
  params?: Record<string, string | number>;
}

export type RuleCode =
  | 'required'
  | 'required-person'
  | 'required-company'
  | 'reference-taken'
  | 'group-unknown'
  | 'country-invalid'
  | 'postal-code-invalid'
  | 'email-invalid'
  | 'phone-invalid'
  | 'phone-impossible'
  | 'group-name-taken'
  | 'too-long'
  | 'discount-invalid'
  | 'text-invalid'
  | 'unknown-field'
  | 'id-taken'
  | 'client-unknown';

/**
 * What went wrong, in the domain's words. The API turns a kind into an HTTP status in one place
 * (agent/problem.ts), the staff pages into a page of their own (web/error-pages.tsx).
 */
export const ERROR_KINDS = [
  'bad-request', // the request cannot be read at all (not JSON, not UTF-8)
  'unsupported', // a body in a form the agent does not take
  'forbidden', // the caller may not do this
  'not-found',
  'exists', // something with that id or name already exists
  'in-use', // still used by something else (a group with clients)
  'refused', // not possible in the thing's current state (cancel a printed job, a reused key)
  'stale', // changed since the caller read it (If-Match)
  'invalid', // fields break the rules
  'unavailable', // cannot be done now (the disk refused a write)
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export class AgentError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'AgentError';
  }
}

/**
 * A change the disk did not take. The store's journal throws it; the API answers 507 when the disk
 * is full and 503 otherwise, the staff pages a page saying the same.
 */
export class StorageError extends Error {
  constructor(
    message: string,
    /** the disk (or the quota) is full: the change needs this many bytes (and the next snapshot more) */
    readonly diskFull = false,
    readonly needBytes = 0,
    readonly where = '',
    /** the outcome is not known: the line may be on disk (a failed write whose repair failed too) */
    readonly uncertain = false,
  ) {
    super(message);
    this.name = 'StorageError';
  }

  /** How big the store's snapshot files are (set by the store that met the error): what a snapshot needs again. */
  storeBytes = 0;
}

export const isKind = (err: unknown, ...kinds: ErrorKind[]): err is AgentError => err instanceof AgentError && kinds.includes(err.kind);

export const notFound = (what: string, id: string) =>
  new AgentError('not-found', 'Not found', `${what} "${id}" does not exist (it may have been deleted).`);

export const invalid = (errors: FieldError[]) =>
  new AgentError(
    'invalid',
    'Invalid data',
    `${errors.length} field${errors.length > 1 ? 's are' : ' is'} invalid: ${errors.map((e) => `${e.path} (${e.message})`).join('; ')}`,
    errors,
  );

export const stale = (what: string, id: string, current: string) =>
  new AgentError(
    'stale',
    'Changed by someone else',
    `${what} "${id}" was changed since you read it (its etag is now "${current}"). Read it again, re-apply your change, and send the new etag in If-Match.`,
    undefined,
    { currentEtag: current },
  );

/** zod issues → one field error each, paths dotted like `address.country` or `lines.0.amount`. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: base ? `${base}.${key}` : key, message: 'unknown field (check the spelling)', code: 'unknown-field' });
      }
    } else if (issue.path.at(-1) === 'discountPercent') {
      out.push({ path: base, message: issue.message, code: 'discount-invalid' });
    } else if (issue.code === 'too_big' && issue.origin === 'string') {
      out.push({ path: base || '(body)', message: issue.message, code: 'too-long', params: { max: Number(issue.maximum) } });
    } else if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1) {
      out.push({ path: base || '(body)', message: issue.message, code: 'required' });
    } else {
      out.push({ path: base || '(body)', message: issue.message });
    }
  }
  return out;
}
