import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EventBus, EventName } from '../../events.js';
import { requireScope, type SecurityEnv } from '../security.js';

const STREAMED: readonly EventName[] = ['directory'];

/** GET /api/v1/events: the agent's events as server-sent events, with a ping every 15 s. */
export function eventRoutes(bus: EventBus, closing: AbortSignal) {
  const app = new Hono<SecurityEnv>();
  app.get('/', requireScope('directory:read'), (c) =>
    streamSSE(c, async (stream) => {
      const offs = STREAMED.map((name) =>
        bus.on(name, (data) => {
          void stream.writeSSE({ event: name, data: JSON.stringify(data) });
        }),
      );
      await stream.write(': connected\n\n');
      const ping = setInterval(() => void stream.write(': ping\n\n'), 15_000);
      // Ends when the client goes away or the agent shuts down (so shutdown never waits on a stream).
      await new Promise<void>((resolve) => {
        stream.onAbort(resolve);
        if (closing.aborted) resolve();
        else closing.addEventListener('abort', () => resolve(), { once: true });
      });
      clearInterval(ping);
      for (const off of offs) off();
    }),
  );
  return app;
}
