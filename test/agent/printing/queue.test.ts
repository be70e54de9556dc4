import { describe, expect, it } from 'vitest';
import { printedText } from '../../../drivers/printer/decode.js';
import { JobStore } from '../../../agent/printing/jobs.js';
import { PRINT_TIMINGS, transportFor } from '../../../agent/printing/printers.js';
import type { PrinterConfig } from '../../../agent/config.js';
import type { PrinterTransport } from '../../../drivers/printer/transport.js';
import { EventBus } from '../../../agent/events.js';
import { memoryLogger } from '../../../agent/log.js';
import { agentPerTest, tempDir } from '../../helpers/agent.js';
import { CrashableFs } from '../../fakes/crashable-fs.js';
import type { PrinterStandIn } from '../../fakes/printer-standin.js';
import { receiptRequest, standInsPerTest } from '../../helpers/standins.js';
import { until } from '../../helpers/until.js';

/** The print queue through the till's API, against TCP printer stand-ins. */

const open = agentPerTest();
const printer = standInsPerTest();

const receipt = receiptRequest;

const ticketsOn = (s: PrinterStandIn) => printedText(s.printed()).filter((l) => l.startsWith('Ticket '));

async function agentWith(printers: Array<{ id: string; port: number; roles?: string[] }>, tokens?: unknown[], printerTransport?: (p: PrinterConfig) => PrinterTransport) {
  return open({
    ...(printerTransport ? { options: { printerTransport } } : {}),
    config: {
      printers: printers.map((p) => ({ id: p.id, name: p.id, roles: p.roles ?? ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port: p.port } })),
      ...(tokens ? { api: { tokens } } : {}),
    },
  });
}

describe('POST /api/v1/print', () => {
  it('answers 202 with the job and a Location once it is on disk; the ticket prints; the job ends done', async () => {
    const s = await printer();
    const t = await agentWith([{ id: 'front', port: s.port }]);
    const res = await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000001') });
    expect(res.status).toBe(202);
    const job = (await res.json()) as { id: string; status: string; printer: string; attempts: number; error: null };
    expect(job).toMatchObject({ status: 'queued', printer: 'front', type: 'receipt', attempts: 0, error: null });
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${job.id}`);
    await until('printed', () => ticketsOn(s).length === 1);
    expect(ticketsOn(s)[0]).toMatch(/^Ticket 2026-000001 +27\.11\.2026 10:15$/);
    await until('done', () => t.agent.services.jobs.get(job.id)?.status === 'done');
    const read = (await (await t.api(`/api/v1/jobs/${job.id}`)).json()) as { status: string; attempts: number };
    expect(read).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('Idempotency-Key: the same body again is 200 with the same job and prints nothing more; another body is 409', async () => {
    const s = await printer();
    const t = await agentWith([{ id: 'front', port: s.port }]);
    const headers = { 'idempotency-key': 'till-1-2026-000002' };
    const first = await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000002'), headers });
    const again = await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000002'), headers });
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const other = await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000003'), headers });
    expect(other.status).toBe(409);
    // two tills retrying the same request at the same moment: one job
    const both = await Promise.all([1, 2].map(() => t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000099'), headers: { 'idempotency-key': 'same-moment' } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 202]);
    await until('printed', () => ticketsOn(s).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(ticketsOn(s)).toHaveLength(2);
  });

  it('copies print the ticket that many times; the drawer needs the "drawer" scope and pulses once', async () => {
    const s = await printer();
    const t = await agentWith([{ id: 'front', port: s.port }], [
      { name: 'till', token: 't'.repeat(32), scopes: ['print'] },
      { name: 'till-drawer', token: 'd'.repeat(32), scopes: ['print', 'drawer'] },
    ]);
    const noDrawer = await t.api('/api/v1/print', { method: 'POST', json: { ...receipt('2026-000004'), openDrawer: true }, headers: { authorization: `Bearer ${'t'.repeat(32)}` } });
    expect(noDrawer.status).toBe(403);
    const ok = await t.api('/api/v1/print', { method: 'POST', json: { ...receipt('2026-000005'), openDrawer: true, copies: 2 }, headers: { authorization: `Bearer ${'d'.repeat(32)}` } });
    expect(ok.status).toBe(202);
    await until('2 copies', () => ticketsOn(s).length === 2);
    expect(s.printed().filter((x) => x.kind === 'drawer')).toHaveLength(2); // one per copy: the copy is the same ticket
  });

  it('a printer switched off: the job waits with the reason, and prints within 5 s of the printer coming back', async () => {
    const s = await printer();
    // the printer's side of the outage: every time the agent tried to reach it
    let tries = 0;
    const t = await agentWith([{ id: 'front', port: s.port }], undefined, (p) => {
      const real = transportFor(p, '');
      return {
        kind: real.kind,
        twoWay: real.twoWay,
        open: (o) => {
          tries++;
          return real.open(o);
        },
        check: () => real.check(),
      };
    });
    await s.stop();
    const job = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000006') })).json()) as { id: string };
    await until('an error on the job', () => (t.agent.services.jobs.get(job.id)?.error ?? '').includes('refused the connection'));
    expect(t.agent.services.jobs.get(job.id)?.status).toBe('queued');
    for (const n of ['2026-000006-b', '2026-000006-c', '2026-000006-d']) await t.api('/api/v1/print', { method: 'POST', json: receipt(n) });
    // a longer outage: the retries back off to their longest delay before the printer returns
    await until('the retries to back off', () => tries >= PRINT_TIMINGS.retryMs.length);
    await s.start();
    const back = Date.now();
    await until('printed after the printer came back', () => ticketsOn(s).length === 4, 8000);
    expect(Date.now() - back).toBeLessThan(5000);
    // first in, first out
    expect(ticketsOn(s).map((l) => /^Ticket (\S+)/.exec(l)![1])).toEqual(['2026-000006', '2026-000006-b', '2026-000006-c', '2026-000006-d']);
    await until('done', () => t.agent.services.jobs.get(job.id)?.status === 'done');
    expect(t.agent.services.jobs.get(job.id)?.error).toBeNull();
  }, 20_000);

  it('one dead printer never holds up another', async () => {
    const live = await printer();
    const dead = await printer();
    await dead.stop();
    const t = await agentWith([
      { id: 'front', port: live.port, roles: ['receipt'] },
      { id: 'kitchen', port: dead.port, roles: ['preparation'] },
    ]);
    await t.api('/api/v1/print', { method: 'POST', json: { ...receipt('2026-000007'), printer: 'kitchen' } });
    for (const n of ['2026-000008', '2026-000009']) await t.api('/api/v1/print', { method: 'POST', json: receipt(n) });
    await until('the live printer prints both', () => ticketsOn(live).length === 2);
    expect(t.agent.services.printers.list().find((p) => p.id === 'kitchen')).toMatchObject({ queued: 1 });
  });

  it('a printer that stays offline hands its jobs to its fallback printer', async () => {
    const kitchen = await printer();
    const bar = await printer();
    await kitchen.stop();
    const t = await open({
      config: {
        printers: [
          { id: 'kitchen', name: 'Cuisine', roles: ['receipt'], fallback: 'bar', fallbackAfterSeconds: 1, transport: { type: 'tcp', host: '127.0.0.1', port: kitchen.port } },
          { id: 'bar', name: 'Bar', roles: [], transport: { type: 'tcp', host: '127.0.0.1', port: bar.port } },
        ],
      },
    });
    const job = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000012') })).json()) as { id: string };
    await until('printed on the fallback', () => ticketsOn(bar).length === 1, 10_000);
    await until('done', () => t.agent.services.jobs.get(job.id)?.status === 'done');
    expect(t.agent.services.jobs.get(job.id)).toMatchObject({ printer: 'bar', error: null });
  }, 20_000);

  it('a preparation ticket whose lines name stations prints each station\'s lines on its printer', async () => {
    const kitchen = await printer();
    const bar = await printer();
    const t = await open({
      config: {
        printers: [
          { id: 'kitchen', name: 'Cuisine', roles: ['preparation'], stations: ['kitchen'], transport: { type: 'tcp', host: '127.0.0.1', port: kitchen.port } },
          { id: 'bar', name: 'Bar', roles: [], stations: ['bar'], transport: { type: 'tcp', host: '127.0.0.1', port: bar.port } },
        ],
      },
    });
    const order = {
      type: 'preparation',
      ticket: {
        number: '42',
        issuedAt: '2026-11-27T10:15:00+01:00',
        table: '7',
        lines: [
          { label: 'Pizza Margherita', quantity: 2, station: 'kitchen' },
          { label: 'Bière pression', quantity: 3, station: 'bar' },
          { label: 'Pain', quantity: 1 },
        ],
      },
    };
    const res = await t.api('/api/v1/print', { method: 'POST', json: order, headers: { 'idempotency-key': 'order-42' } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; printer: string; jobs: Array<{ printer: string }> };
    expect(body.jobs.map((j) => j.printer)).toEqual(['kitchen', 'bar']);
    const lines = (s: PrinterStandIn) => printedText(s.printed()).filter((l) => / x /.test(l));
    await until('both printed', () => lines(kitchen).length === 2 && lines(bar).length === 1);
    expect(lines(kitchen)).toEqual(['2 x Pizza Margherita', '1 x Pain']);
    expect(lines(bar)).toEqual(['3 x Bière pression']);
    expect(printedText(bar.printed())).toContain('Commande 42');
    // the same order sent again: nothing more printed, both jobs answered
    const again = (await (await t.api('/api/v1/print', { method: 'POST', json: order, headers: { 'idempotency-key': 'order-42' } })).json()) as { jobs: unknown[] };
    expect(again.jobs).toHaveLength(2);
    // a station no printer serves is named, and nothing is queued
    const bad = await t.api('/api/v1/print', { method: 'POST', json: { ...order, ticket: { ...order.ticket, lines: [{ label: 'Glace', quantity: 1, station: 'dessert' }] } } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: Array<{ path: string; message: string }> }).errors[0]).toMatchObject({ path: 'ticket.lines.0.station' });
    expect(t.agent.services.jobs.list(null, 10)).toHaveLength(2);
  });

  it('200 requests at once are each printed once', async () => {
    const s = await printer();
    const t = await agentWith([{ id: 'front', port: s.port }]);
    const numbers = Array.from({ length: 200 }, (_, i) => `B-${String(i).padStart(3, '0')}`);
    const answers = await Promise.all(numbers.map((n) => t.api('/api/v1/print', { method: 'POST', json: receipt(n) })));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await until('200 tickets', () => ticketsOn(s).length >= 200, 30_000);
    await new Promise((r) => setTimeout(r, 200));
    const printed = ticketsOn(s).map((l) => /^Ticket (\S+)/.exec(l)![1]);
    expect(printed).toHaveLength(200);
    expect(new Set(printed).size).toBe(200);
  }, 60_000);

  it('paper out: the job waits with "paper out"; paper back, it prints', async () => {
    const s = await printer();
    s.paper = 'out';
    const t = await agentWith([{ id: 'front', port: s.port }]);
    await until('the agent knows', () => t.agent.services.printers.list()[0]?.status === 'paper-out');
    const job = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000010') })).json()) as { id: string };
    await until('waiting with the reason', () => t.agent.services.jobs.get(job.id)?.error === 'front: paper out');
    expect(ticketsOn(s)).toEqual([]);
    s.paper = 'ok';
    await until('printed', () => ticketsOn(s).length === 1, 10_000);
  }, 20_000);

  it('cancel: a queued job is cancelled and never prints; a finished one is 409', async () => {
    const s = await printer();
    await s.stop();
    const t = await agentWith([{ id: 'front', port: s.port }]);
    const job = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000011') })).json()) as { id: string };
    await until('queued with an error', () => t.agent.services.jobs.get(job.id)?.error !== null);
    await until('not printing', () => t.agent.services.jobs.get(job.id)?.status === 'queued');
    const cancelled = await t.api(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    await s.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(ticketsOn(s)).toEqual([]);
    expect((await t.api(`/api/v1/jobs/${job.id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await t.api('/api/v1/jobs/job_nope', { method: 'DELETE' })).status).toBe(404);
  }, 15_000);

  it('GET /api/v1/printers and /api/v1/jobs; a test page', async () => {
    const s = await printer();
    const t = await agentWith([{ id: 'front', port: s.port }]);
    await until('online', () => t.agent.services.printers.list()[0]?.status === 'online');
    expect((await (await t.api('/api/v1/printers')).json()) as unknown[]).toEqual([
      { id: 'front', name: 'front', roles: ['receipt'], transport: 'tcp', status: 'online', detail: 'online', queued: 0 },
    ]);
    const test = await t.api('/api/v1/printers/front/test', { method: 'POST' });
    expect(test.status).toBe(202);
    await until('test page', () => printedText(s.printed()).includes('ÄÖÜäöüß €  12.50 CHF'));
    const list = (await (await t.api('/api/v1/jobs?limit=5')).json()) as { items: Array<{ type: string }> };
    expect(list.items[0]?.type).toBe('test');
  });
});

describe('jobs on disk', () => {
  it('a job that was printing when the agent stopped is queued again and marked reprint', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    const process = new CrashableFs();
    const first = new JobStore(dir, new EventBus(), log, Date.now, process);
    await first.load();
    const job = await first.create({ type: 'receipt', printer: 'front', copies: 1, idempotencyKey: 'k', bodyHash: 'h', bytes: Buffer.from('x') });
    await first.update(job.id, { status: 'printing', attempts: 1 });
    // the agent dies here (the system closes its files); a new one reads the folder
    await process.crash();
    const second = new JobStore(dir, new EventBus(), log);
    expect(await second.load()).toEqual({ requeued: 1 });
    expect(second.get(job.id)).toMatchObject({ status: 'queued', reprint: true, attempts: 1 });
    expect(second.byIdempotencyKey('k')?.id).toBe(job.id);
    await second.close();
  });
});
