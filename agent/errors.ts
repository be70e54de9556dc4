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
  | 'group-name-taken'
  | 'too-long'
  | 'discount-invalid'
  | 'text-invalid'
  | 'unknown-field';

export class AgentError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 421 | 422 | 428 | 503,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'AgentError';
  }
}

export const notFound = (what: string, id: string) =>
  new AgentError(404, 'Not found', `${what} "${id}" does not exist (it may have been deleted).`);

export const invalid = (errors: FieldError[]) =>
  new AgentError(
    422,
    'Invalid data',
    `${errors.length} field${errors.length > 1 ? 's are' : ' is'} invalid: ${errors.map((e) => `${e.path} (${e.message})`).join('; ')}`,
    errors,
  );

export const stale = (what: string, id: string, current: string) =>
  new AgentError(
    412,
    'Changed by someone else',
    `${what} "${id}" was changed since you read it (its etag is now "${current}"). Read it again, re-apply your change, and send the new etag in If-Match.`,
    undefined,
    { currentEtag: current },
  );
