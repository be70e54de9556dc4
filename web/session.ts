import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/**
 * Staff login with `ui.pin`: a PIN typed once per browser gives an HttpOnly, SameSite=Strict session
 * cookie. Sessions live in memory (a restart asks for the PIN again) and expire after 12 hours
 * without use. Wrong PINs are slowed down: after 5 misses from one address, 1 minute of refusal.
 */

export const SESSION_COOKIE = 'agent_session';
const IDLE_MS = 12 * 60 * 60 * 1000;
const MAX_MISSES = 5;
const LOCKOUT_MS = 60_000;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export class StaffSessions {
  private readonly sessions = new Map<string, number>();
  private readonly misses = new Map<string, { count: number; until: number }>();
  private readonly pinDigest: Buffer | null;

  constructor(
    pin: string | null,
    private readonly now: () => number = Date.now,
  ) {
    this.pinDigest = pin === null ? null : digest(pin);
  }

  get required(): boolean {
    return this.pinDigest !== null;
  }

  /** Checks a PIN from `who` (the client's address); returns a new session id, or why not. */
  login(pin: string, who: string): { ok: true; sid: string } | { ok: false; lockedFor: number } {
    const m = this.misses.get(who);
    if (m && m.count >= MAX_MISSES && m.until > this.now()) return { ok: false, lockedFor: m.until - this.now() };
    if (this.pinDigest === null || !timingSafeEqual(digest(pin), this.pinDigest)) {
      const count = (m && m.until > this.now() ? m.count : 0) + 1;
      this.misses.set(who, { count, until: this.now() + LOCKOUT_MS });
      return { ok: false, lockedFor: count >= MAX_MISSES ? LOCKOUT_MS : 0 };
    }
    this.misses.delete(who);
    const sid = randomBytes(32).toString('base64url');
    this.sessions.set(sid, this.now());
    return { ok: true, sid };
  }

  /** Whether the session is valid; using it extends it. */
  touch(sid: string | undefined): boolean {
    if (!sid) return false;
    const last = this.sessions.get(sid);
    if (last === undefined) return false;
    if (this.now() - last > IDLE_MS) {
      this.sessions.delete(sid);
      return false;
    }
    this.sessions.set(sid, this.now());
    return true;
  }

  logout(sid: string | undefined): void {
    if (sid) this.sessions.delete(sid);
  }
}

export function setSessionCookie(c: Context, sid: string): void {
  setCookie(c, SESSION_COOKIE, sid, { httpOnly: true, sameSite: 'Strict', path: '/' });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Whether the request comes from staff: signed in, or no PIN set. */
export function hasStaffSession(sessions: StaffSessions, c: Context): boolean {
  return !sessions.required || sessions.touch(getCookie(c, SESSION_COOKIE));
}

/** Pages need a session when a PIN is set; htmx requests are told to go to the login page. */
export function requireStaff(sessions: StaffSessions): MiddlewareHandler {
  return async (c, next) => {
    if (hasStaffSession(sessions, c)) return next();
    const htmx = c.req.header('hx-request') === 'true';
    // After the PIN, back to the page staff were on, not to the fragment htmx was fetching for it
    const current = c.req.header('hx-current-url');
    const page = htmx && current && URL.canParse(current) ? new URL(current) : new URL(c.req.url);
    const target = `/login?next=${encodeURIComponent(page.pathname + page.search)}`;
    if (htmx) {
      c.header('HX-Redirect', target);
      return c.body(null, 401);
    }
    return c.redirect(target, 303);
  };
}
