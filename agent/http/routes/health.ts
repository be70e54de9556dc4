import { Hono } from 'hono';

/** GET /healthz: no token (monitoring), but the Host check still applies. */
export function healthRoutes(version: string) {
  return new Hono().get('/', (c) => c.json({ status: 'ok', version }));
}
