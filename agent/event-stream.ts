import { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { EventLog, EventName, LoggedEvent } from './events.js';
import type { Logger } from './log.js';

/** Every event the agent publishes: the till's stream and the staff page's carry them all. */
export const STREAMED: readonly EventName[] = ['directory', 'scan', 'scanner', 'job', 'printer', 'sync'];

export interface Coalesce {
  /** The event that may come in bursts (a full pull writes 100,000 clients). */
  name: EventName;
  /** Events of a window up to this many go one by one; more become one `{ id: null, count }`. */
  max: number;
  windowMs: number;
}

export interface StreamOptions {
  /** who the stream is for, in the log ("till", "staff page") */
  who: string;
  coalesce?: Coalesce;
  /** bytes a stream may have waiting for its reader before it is cut off */
  maxQueueBytes?: number;
}

/** A reader that lets more than this wait is disconnected: it may reconnect and catch up (Last-Event-ID). */
export const MAX_QUEUE_BYTES = 1024 * 1024;
const PING_MS = 15_000;
const encoder = new TextEncoder();

/**
 * The events as server-sent events, each with its `id`. A client that reconnects with
 * `Last-Event-ID` (the header EventSource sends, or `?lastEventId=`) first gets what it missed, or
 * a `reset` event (reload what you show) when that is no longer kept. What waits for a reader is
 * counted in bytes: one that falls behind by more than `maxQueueBytes` is disconnected, and the log
 * says so once, instead of the agent buffering for it without bound. A ping every 15 s; the stream
 * ends when the client goes away or the agent shuts down.
 */
export function eventStream(c: Context, events: EventLog, names: readonly EventName[], closing: AbortSignal, log: Logger, options: StreamOptions): Response {
  const wanted = new Set(names);
  const maxQueue = options.maxQueueBytes ?? MAX_QUEUE_BYTES;
  const coalesce = options.coalesce;
  const from = c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? null;
  const queue: Uint8Array[] = [];
  let queued = 0;
  let waiting: (() => void) | null = null;
  let finished = false;
  let cleanup = () => undefined as void;
  let fail: (reason: Error) => void = () => undefined;

  const push = (frame: Uint8Array) => {
    if (finished) return;
    queue.push(frame);
    queued += frame.length;
    if (queued > maxQueue) {
      log.warn(`event stream (${options.who}): the reader fell behind by more than ${Math.round(maxQueue / 1024)} KiB; disconnected (it may reconnect with Last-Event-ID and catch up)`);
      fail(new Error('the reader fell behind'));
      events.reclaimSoon();
      return;
    }
    waiting?.();
  };

  let burst: LoggedEvent[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  const flush = () => {
    flushTimer = null;
    const batch = burst;
    burst = [];
    if (!coalesce || batch.length <= coalesce.max) {
      for (const e of batch) push(e.frame);
    } else {
      const last = batch.at(-1)!;
      push(encoder.encode(`id: ${last.id}\nevent: ${last.name}\ndata: ${JSON.stringify({ id: null, count: batch.length })}\n\n`));
    }
  };
  const take = (e: LoggedEvent) => {
    if (!wanted.has(e.name)) return;
    if (coalesce?.name === e.name) {
      burst.push(e);
      flushTimer ??= setTimeout(flush, coalesce.windowMs);
      return;
    }
    if (burst.length) flush(); // keep the order of a burst and what follows it
    push(e.frame);
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const unsubscribe = events.subscribe(take);
        const ping = setInterval(() => push(encoder.encode(': ping\n\n')), PING_MS);
        const onClosing = () => {
          cleanup();
          controller.close();
        };
        closing.addEventListener('abort', onClosing, { once: true });
        cleanup = () => {
          if (finished) return;
          finished = true;
          unsubscribe();
          clearInterval(ping);
          if (flushTimer) clearTimeout(flushTimer);
          closing.removeEventListener('abort', onClosing);
          queue.length = 0;
          queued = 0;
          waiting?.();
        };
        fail = (reason) => {
          cleanup();
          // On the Node server, drop the connection itself: its socket and buffers go at once
          // (an error on the body would only be printed); elsewhere (app.request), error the body.
          const outgoing = nodeResponse(c);
          if (outgoing) {
            outgoing.destroy();
            controller.close();
          } else {
            controller.error(reason);
          }
        };
        push(encoder.encode(': connected\n\n'));
        if (from !== null) {
          const found = events.since(Number(from));
          // what it missed must fit in its queue, or it would be cut off before a byte went (and again at each retry)
          const missed = found && found.reduce((n, e) => n + e.frame.length, 0) <= maxQueue / 2 ? found : null;
          if (missed === null) push(encoder.encode(`id: ${events.lastId}\nevent: reset\ndata: ${JSON.stringify({ lastEventId: events.lastId })}\n\n`));
          else for (const e of missed) take(e);
        }
        if (closing.aborted) onClosing();
      },
      async pull(controller) {
        while (queue.length === 0 && !finished) await new Promise<void>((resolve) => (waiting = resolve));
        waiting = null;
        const frame = queue.shift();
        if (!frame) return; // finished: closed or failed already
        queued -= frame.length;
        controller.enqueue(frame);
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 0 }, // nothing waits inside the stream: all that waits is counted above
  );
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' },
  });
}

/** The Node response behind a request served by @hono/node-server (its env holds `outgoing`), if any. */
function nodeResponse(c: Context): ServerResponse | null {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return null;
  return env.outgoing instanceof ServerResponse ? env.outgoing : null;
}
