import { hash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Scope } from '../config.js';
import type { ApiToken } from '../secrets.js';
import { problemResponse } from '../problem.js';

/**
 * The "Transport and security" rules of agent-api.md, as middleware, in the order they apply:
 * Host check (DNS rebinding) → Origin/CORS → bearer token → scope.
 */

export type SecurityEnv = { Variables: { token: ApiToken } };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `Host: a.b:8410` → `a.b`; `[::1]:8410` → `[::1]`. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    // "[::1]" or "[::1]:8410"; anything else after the bracket is not a host we know
    return end > 0 && (end === h.length - 1 || h[end + 1] === ':') ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

function requestHost(c: Context): string {
  return c.req.header('host') ?? new URL(c.req.url).host;
}

/** 421 for any Host that is not loopback or listed: a DNS-rebinding page must not reach the agent. */
export function hostCheck(allowedHosts: readonly string[]): MiddlewareHandler {
  const allowed = new Set([...LOOPBACK_HOSTS, ...allowedHosts.map(hostName)]);
  return async (c, next) => {
    const name = hostName(requestHost(c));
    if (!allowed.has(name)) {
      return problemResponse(
        c,
        421,
        `This agent does not answer to the host name "${name}". Use http://127.0.0.1 or http://localhost, or ask the installer to add the name to http.allowedHosts.`,
      );
    }
    await next();
  };
}

const ALLOW_HEADERS = 'Authorization, Content-Type, If-Match, Idempotency-Key';
const EXPOSE_HEADERS = 'ETag, Location';
const ALLOW_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';

/**
 * A request carrying an Origin that is neither the agent's own nor listed gets 403, whatever its
 * token: a page on another site must not drive the agent. Listed origins get CORS headers (never
 * `*`), including the answer to Chrome's Private Network Access preflight — for the till's API
 * only: the staff pages (which show the tokens and act without one) answer their own origin alone.
 */
export function originCheck(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((o) => o.toLowerCase()));
  return async (c, next) => {
    const origin = c.req.header('origin');
    const api = c.req.path.startsWith('/api/') || c.req.path === '/healthz';
    if (origin === undefined) {
      // A browser that strips Origin still says where a request comes from: a cross-site form
      // post to the staff pages is refused on that.
      const site = c.req.header('sec-fetch-site');
      const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS';
      if (!api && changes && site !== undefined && site !== 'same-origin' && site !== 'none') {
        return problemResponse(c, 403, 'The staff pages take changes only from their own pages.');
      }
      return next();
    }
    const o = origin.toLowerCase();
    const own = o === `http://${requestHost(c).toLowerCase()}` || o === `https://${requestHost(c).toLowerCase()}`;
    const listed = allowed.has(o) && api;
    if (!own && !listed) {
      return problemResponse(
        c,
        403,
        `Requests from the web origin "${origin}" are not allowed. If this is your till's web app, ask the installer to add it to http.allowedOrigins.`,
      );
    }
    if (listed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin');
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    if (preflight) {
      c.header('Access-Control-Allow-Methods', ALLOW_METHODS);
      c.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
      c.header('Access-Control-Max-Age', '600');
      if (c.req.header('access-control-request-private-network') === 'true') {
        c.header('Access-Control-Allow-Private-Network', 'true');
      }
      return c.body(null, 204);
    }
    await next();
  };
}

/** One-shot: createHash() made a Hash object per request; in the agent's server the token's check took 13.5 µs with it, 10 µs with this. */
function digest(s: string): Buffer {
  return hash('sha256', s, 'buffer');
}

/**
 * Finds the token a request presents. Every configured token is compared, in constant time over
 * fixed-length digests, so the answer's timing says nothing about how close a guess was.
 */
export function matchToken(presented: string, tokens: readonly ApiToken[]): ApiToken | null {
  const d = digest(presented);
  let found: ApiToken | null = null;
  for (const t of tokens) {
    if (timingSafeEqual(d, tokenDigest(t)) && found === null) found = t;
  }
  return found;
}

/** Each configured token's digest, made once rather than on every request (~1.4 µs a token here; no change measurable over HTTP, but nothing to pay for either). */
const tokenDigests = new WeakMap<ApiToken, Buffer>();
function tokenDigest(t: ApiToken): Buffer {
  let d = tokenDigests.get(t);
  if (d === undefined) tokenDigests.set(t, (d = digest(t.token)));
  return d;
}

/**
 * Every /api/v1 request needs `Authorization: Bearer <token>`. EventSource cannot send headers, so
 * the event stream alone also takes `?token=`. Under `staffPaths` (the browsable API reference) a
 * request without an Authorization header goes on to routes that ask for the staff session instead.
 */
export function bearerAuth(tokens: readonly ApiToken[], queryTokenPaths: readonly string[], staffPaths: readonly string[] = []): MiddlewareHandler<SecurityEnv> {
  return async (c, next) => {
    const path = c.req.path;
    if (!c.req.header('authorization') && staffPaths.some((p) => path === p || path.startsWith(`${p}/`))) return next();
    const header = c.req.header('authorization');
    let presented: string | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      presented = m?.[1];
    } else if (queryTokenPaths.includes(c.req.path)) {
      presented = c.req.query('token');
    }
    const token = presented === undefined ? null : matchToken(presented, tokens);
    if (!token) {
      c.header('WWW-Authenticate', 'Bearer realm="shop-agent"');
      return problemResponse(
        c,
        401,
        presented === undefined
          ? 'This API needs a token: send the header "Authorization: Bearer <token>". The installer finds it in api.tokens of agent.config.json, or, when that list is empty, in secrets.json of the agent\'s store folder.'
          : 'The token is not one of this agent\'s tokens. Copy it again from api.tokens in agent.config.json, or from secrets.json in the agent\'s store folder.',
      );
    }
    c.set('token', token);
    await next();
  };
}

/** 403 unless the request's token has the scope. */
export function requireScope(scope: Scope): MiddlewareHandler<SecurityEnv> {
  return async (c, next) => {
    const token = c.get('token');
    if (!token.scopes.includes(scope)) {
      return problemResponse(
        c,
        403,
        `The token "${token.name}" is not allowed to do this: it needs the scope "${scope}" (it has: ${token.scopes.join(', ') || 'none'}).`,
      );
    }
    await next();
  };
}
