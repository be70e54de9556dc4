import { Hono } from 'hono';
import { eventStream, STREAMED } from '../../event-stream.js';
import type { EventLog } from '../../events.js';
import type { Logger } from '../../log.js';
import { requireScope, type SecurityEnv } from '../security.js';

/** GET /api/v1/events: the till's event stream. */
export function eventRoutes(events: EventLog, closing: AbortSignal, log: Logger) {
  return new Hono<SecurityEnv>().get('/', requireScope('directory:read'), (c) => eventStream(c, events, STREAMED, closing, log, { who: 'till' }));
}
