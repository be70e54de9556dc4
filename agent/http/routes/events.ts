import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventBus, EventName } from '../../events.js';
import { requireScope, type SecurityEnv } from '../security.js';

/** Every event the agent publishes: the till's stream and the staff page's carry them all. */
export const STREAMED: readonly EventName[] = ['directory', 'scan', 'scanner', 'job', 'printer', 'sync'];

/**
 * The named bus events as server-sent events, with a ping every 15 s. Ends when the client goes
 * away or the agent shuts down (so shutdown never waits on a stream).
 */
export interface Coalesce {
  /** The event that may come in bursts (a full pull writes 100,000 clients). */
  name: EventName;
  /** Events of a window up to this many go one by one; more become one `{ id: null, count }`. */
  max: number;
  windowMs: number;
}

export function eventStream(c: Context, bus: EventBus, names: readonly EventName[], closing: AbortSignal, coalesce?: Coalesce) {
  return streamSSE(c, async (stream) => {
    // Listen for the end before the first write: a client gone during it must still free everything.
    const ended = new AbortController();
    const done = new Promise<void>((resolve) => {
      stream.onAbort(resolve);
      if (stream.aborted || closing.aborted) resolve();
      // Every page view opens a stream: the shutdown listener must go with it, or they pile up all day.
      else closing.addEventListener('abort', () => resolve(), { once: true, signal: ended.signal });
    });
    let burst: unknown[] = [];
    let flushTimer: NodeJS.Timeout | null = null;
    const flush = (name: EventName, max: number) => {
      flushTimer = null;
      const batch = burst;
      burst = [];
      if (batch.length <= max) {
        for (const data of batch) void stream.writeSSE({ event: name, data: JSON.stringify(data) });
      } else {
        void stream.writeSSE({ event: name, data: JSON.stringify({ id: null, count: batch.length }) });
      }
    };
    const offs = names.map((name) =>
      bus.on(name, (data) => {
        if (coalesce?.name === name) {
          burst.push(data);
          flushTimer ??= setTimeout(() => flush(name, coalesce.max), coalesce.windowMs);
          return;
        }
        void stream.writeSSE({ event: name, data: JSON.stringify(data) });
      }),
    );
    const ping = setInterval(() => void stream.write(': ping\n\n'), 15_000);
    await stream.write(': connected\n\n');
    await done;
    ended.abort();
    clearInterval(ping);
    if (flushTimer) clearTimeout(flushTimer);
    for (const off of offs) off();
  });
}

/** GET /api/v1/events: the till's event stream. */
export function eventRoutes(bus: EventBus, closing: AbortSignal) {
  return new Hono<SecurityEnv>().get('/', requireScope('directory:read'), (c) => eventStream(c, bus, STREAMED, closing));
}
