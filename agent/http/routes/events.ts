import { type OpenAPIHono, z } from '@hono/zod-openapi';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];
import { Hono } from 'hono';
import { PRINTER_STATES } from '../../../drivers/printer/transport.js';
import { eventStream, STREAMED } from '../../event-stream.js';
import type { EventLog, EventName } from '../../events.js';
import type { Logger } from '../../log.js';
import { PRINTER_STATUSES } from '../../printing/model.js';
import { requireScope, type SecurityEnv } from '../security.js';
import { errorResponses } from './common.js';
import { clientExample, jobExample } from './examples.js';
import { jobSchema } from './print.js';
import { scanOutput } from './scans.js';
import { statusSchema, syncStatusExample } from './sync.js';

/** GET /api/v1/events: the till's event stream. */
export function eventRoutes(events: EventLog, closing: AbortSignal, log: Logger) {
  return new Hono<SecurityEnv>().get('/', requireScope('directory:read'), (c) => eventStream(c, events, STREAMED, closing, log, { who: 'till' }));
}

/** The `data` of each event the stream sends (STREAMED, and `reset`): the document names them all. */
const EVENT_DATA = {
  scan: scanOutput
    .omit({ duplicate: true })
    .openapi('ScanEvent', {
      description: 'A code read by a scanner (or POST /scans), looked up by reference.',
      example: { code: '7612345000015', device: 'scanner-1', at: '2026-11-27T09:15:02.031Z', client: clientExample },
    }),
  job: jobSchema.openapi('JobEvent', { description: 'The job, on every status change.', example: { ...jobExample, status: 'done', confirmed: 'printed' } }),
  printer: z
    .object({
      id: z.string().openapi({ description: "the printer's id", example: 'front' }),
      status: z.enum(PRINTER_STATUSES).openapi({ description: 'as GET /printers says it' }),
      detail: z.enum(PRINTER_STATES).openapi({ description: 'finer than status (paper-near-end shows as online)' }),
    })
    .openapi('PrinterEvent', { description: "A printer's status changed.", example: { id: 'front', status: 'paper-out', detail: 'paper-out' } }),
  directory: z
    .object({
      entity: z.enum(['client', 'group']).openapi({ description: 'what changed' }),
      op: z.enum(['upsert', 'delete']).openapi({ description: 'created or changed (upsert), or deleted' }),
      id: z.string().openapi({ description: 'its id: read it again with GET /clients/{id} or /groups/{id}' }),
    })
    .openapi('DirectoryEvent', { description: 'A client or a group was created, changed or deleted (here, by staff, or by the sync).', example: { entity: 'client', op: 'upsert', id: clientExample.id } }),
  sync: statusSchema.openapi('SyncEvent', { description: 'The sync status, on every change (as GET /sync answers).', example: syncStatusExample }),
  scanner: z
    .object({
      id: z.string().openapi({ description: "the scanner's id in the config", example: 'scanner-1' }),
      state: z.enum(['connecting', 'connected', 'waiting', 'error', 'stopped']).openapi({ description: 'connected: reading; waiting: not plugged in or not found yet' }),
      detail: z.string().nullable().openapi({ description: 'why it is waiting or in error, said so an installer can act on it' }),
      since: z.string().openapi({ format: 'date-time', description: 'since when it is in this state (ISO 8601, UTC)' }),
    })
    .openapi('ScannerEvent', { description: "A scanner's connection changed.", example: { id: 'scanner-1', state: 'connected', detail: null, since: '2026-11-27T08:00:01.200Z' } }),
  reset: z
    .object({ lastEventId: z.number().int().openapi({ description: 'the newest event id: reconnect from here' }) })
    .openapi('ResetEvent', { description: 'After a reconnection with Last-Event-ID whose missed events are no longer kept: reload what you show.', example: { lastEventId: 1764234900000123 } }),
} satisfies Record<EventName | 'reset', z.ZodType>;

/**
 * OpenAPI 3.1 has no words for a stream's events: the answer's schema is one frame, an event name
 * with its data, so that generated types carry every event's payload.
 */
export function registerEventsDoc(registry: OpenAPIRegistry): void {
  const frames = Object.entries(EVENT_DATA).map(([name, data]) =>
    z.object({
      event: z.literal(name).openapi({ description: 'the SSE `event:` line' }),
      id: z.string().openapi({ description: 'the SSE `id:` line: send it back as Last-Event-ID when reconnecting', example: '1764234900000123' }),
      data, // the SSE `data:` line, JSON (metadata here would rewrite the component)
    }),
  );
  const frame = z.union(frames).openapi('EventFrame', { description: 'One server-sent event: its name, id and JSON data.' });
  registry.registerPath({
    method: 'get',
    path: '/events',
    operationId: 'streamEvents',
    tags: ['events'],
    summary: 'Live events: scans, jobs, printers, directory changes, sync (server-sent events)',
    description:
      'A `text/event-stream` that stays open. Each event has an `id`, an `event` name and JSON `data`: ' +
      `${[...STREAMED, 'reset'].map((n) => `\`${n}\``).join(', ')} (schemas: ${Object.values(EVENT_DATA).length} *Event components). ` +
      'A client that reconnects with `Last-Event-ID` (EventSource sends it; or `?lastEventId=`) first gets the events it missed, or a `reset` event ' +
      '(reload what you show) when they are no longer kept. A comment line `: ping` comes every 15 s. A reader more than 1 MiB behind is disconnected ' +
      '(it may reconnect and catch up). EventSource cannot send headers: this path alone also takes the token as `?token=`. Needs the scope directory:read.',
    security: [{ bearer: [] }, { queryToken: [] }],
    request: {
      query: z.object({
        lastEventId: z.string().optional().openapi({ description: 'as the Last-Event-ID header, for clients that cannot send it', example: '1764234900000123' }),
      }),
      headers: z.object({
        'last-event-id': z.string().optional().openapi({ description: 'the id of the last event you got: the stream starts after it', example: '1764234900000123' }),
      }),
    },
    responses: {
      200: {
        description: 'The stream (it stays open)',
        content: {
          'text/event-stream': {
            schema: frame,
            // on the wire: `id: 1764234900000124\nevent: scan\ndata: {"code":…}\n\n`
            example: { event: 'scan', id: '1764234900000124', data: { code: '7612345000015', device: 'scanner-1', at: '2026-11-27T09:15:02.031Z', client: null } },
          },
        },
      },
      ...errorResponses(),
    },
  });
}
