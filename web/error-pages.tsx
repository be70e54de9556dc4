import type { Context, ErrorHandler, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AgentError, type ErrorKind, StorageError } from '../agent/errors.js';
import { apiNotFound, errorHandler as problemHandler, STATUS_OF_KIND } from '../agent/problem.js';
import type { Logger } from '../agent/log.js';
import type { MessageKey } from './i18n/translator.js';
import { htmlPage, isHtmx, type PageContext } from './page-context.js';
import { ErrorPage } from './pages/error.js';
import { ErrorNotice } from './partials/error-notice.js';

/**
 * The one place a staff page's error becomes what staff see: a domain error's kind or the disk's
 * refusal, as a page in their language with the API's status (404, 409, 412, 422, 503, 507…), or
 * as a notice for an htmx request. Handlers catch only what they show in place (a form's field
 * errors, a "stale" banner) and let the rest come here.
 */

export interface StaffErrorPages {
  ctx: PageContext;
  log: Logger;
  /** Staff see the page in the frame with the navigation; a visitor without a session does not. */
  signedIn: (c: Context) => boolean;
}

declare module 'hono' {
  interface ContextVariableMap {
    staffErrorPages: StaffErrorPages;
  }
}

const MESSAGE_OF_KIND: Record<ErrorKind, MessageKey> = {
  'bad-request': 'error.badRequest',
  unsupported: 'error.unsupported',
  forbidden: 'error.forbidden',
  'not-found': 'error.notFound',
  exists: 'error.exists',
  'in-use': 'error.inUse',
  refused: 'error.refused',
  stale: 'error.stale',
  invalid: 'error.invalid',
  unavailable: 'error.unavailable',
};

/** What a failed request gets: the status, and the words for staff. */
interface Failure {
  status: ContentfulStatusCode;
  title: MessageKey;
  message: MessageKey;
}

function failureOf(err: Error, path: string): Failure | null {
  if (err instanceof AgentError) return err.kind === 'not-found' ? notFoundOf(path) : { status: STATUS_OF_KIND[err.kind], title: 'error.title', message: MESSAGE_OF_KIND[err.kind] };
  if (err instanceof StorageError) {
    if (err.diskFull) return { status: 507, title: 'error.title', message: 'error.diskFull' };
    return { status: 503, title: 'error.title', message: err.uncertain ? 'error.uncertain' : 'error.notSaved' };
  }
  if (err instanceof HTTPException) return err.status === 404 ? notFoundOf(path) : { status: err.status, title: 'error.title', message: 'error.badRequest' };
  return null;
}

/** A missing thing is named by the URL: a client's card says the client is gone. */
function notFoundOf(path: string): Failure {
  if (path.startsWith('/clients/')) return { status: 404, title: 'client.title', message: 'client.notFound' };
  if (path.startsWith('/jobs/')) return { status: 404, title: 'printers.title', message: 'job.notFound' };
  return { status: 404, title: 'error.notFound.title', message: 'error.notFound' };
}

/** A browser or htmx; a script (or app.js's fetch of a scan) gets the API's problem+json as before. */
const wantsHtml = (c: Context): boolean => isHtmx(c) || (c.req.header('accept') ?? '').includes('text/html');

/** Back to the page the failed request came from, when it is one of ours. */
function backOf(c: Context): string {
  const referer = c.req.header('referer');
  if (!referer || !URL.canParse(referer)) return '/';
  const from = new URL(referer);
  return from.origin === new URL(c.req.url).origin && from.pathname !== c.req.path ? from.pathname + from.search : '/';
}

function render(c: Context, pages: StaffErrorPages, failure: Failure, back: string): Response | Promise<Response> {
  const { ctx } = pages;
  if (isHtmx(c)) {
    // Wherever the request meant to swap (a row, a panel, nothing), the notice goes above the page.
    c.header('HX-Retarget', '#error-notice');
    c.header('HX-Reswap', 'innerHTML');
    return c.html(<ErrorNotice ctx={ctx} message={ctx.t(failure.message)} />, failure.status);
  }
  c.header('Cache-Control', 'no-store');
  const page = <ErrorPage ctx={ctx} title={ctx.t(failure.title)} message={ctx.t(failure.message)} back={back} staff={pages.signedIn(c)} />;
  return c.html(htmlPage(page), failure.status);
}

/** The staff pages' middleware that lets the not-found answer (set on the whole server) find them. */
export function rememberStaffErrorPages(pages: StaffErrorPages): MiddlewareHandler {
  return (c, next) => {
    c.set('staffErrorPages', pages);
    return next();
  };
}

/** The staff app's onError. */
export function staffErrorHandler(pages: StaffErrorPages): ErrorHandler {
  const problems = problemHandler(pages.log);
  return (err, c) => {
    if (!wantsHtml(c)) return problems(err, c);
    const failure = failureOf(err, c.req.path);
    if (failure) return render(c, pages, failure, failure.status === 404 ? '/' : backOf(c));
    pages.log.error(`unexpected error on ${c.req.method} ${c.req.path} (staff page): ${err.stack ?? err.message}`);
    return render(c, pages, { status: 500, title: 'error.title', message: 'error.unexpected' }, backOf(c));
  };
}

/** The answer for a path nobody serves, outside the API: a page for a browser, problem+json for a script. */
export function webNotFound(c: Context): Response | Promise<Response> {
  const pages = c.get('staffErrorPages');
  if (!pages || !wantsHtml(c)) return apiNotFound(c);
  return render(c, pages, notFoundOf(c.req.path), '/');
}
