import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { deliveryReport, ticketsOnPaper } from '../helpers/paper.js';
import { PrinterStandIn } from '../fakes/printer-standin.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';
import { until } from '../helpers/until.js';

/** A real agent process against printers that hang or flood: how it stops, what it keeps, what it costs. */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

const receipt = (number: string, lines: number) => ({
  type: 'receipt',
  ticket: {
    number,
    issuedAt: '2026-11-27T10:15:00+01:00',
    currency: 'CHF',
    lines: Array.from({ length: lines }, (_, i) => ({ label: `Article ${i + 1}`, quantity: 1, amount: 350 })),
    total: 350 * lines,
  },
});

async function post(url: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${url}/api/v1/print`, { method: 'POST', headers, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string };
}

async function job(url: string, id: string): Promise<{ status: string; reprint: boolean; error: string | null; confirmed: string | null }> {
  return (await (await fetch(`${url}/api/v1/jobs/${id}`, { headers })).json()) as { status: string; reprint: boolean; error: string | null; confirmed: string | null };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function config(dir: string, port: number) {
  return writeConfig(dir, {
    http: { host: '127.0.0.1', port: 0 },
    api: { tokens: [TEST_TOKEN] },
    store: { dir: './store' },
    printers: [{ id: 'kitchen', name: 'Cuisine', roles: ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port } }],
  });
}

describe('a real agent process and a misbehaving printer', () => {
  it('SIGTERM while a printer hangs mid-ticket: exits 0 within 5 s; the ticket is pending after the restart and prints then, as a reprint', async () => {
    const standIn = new PrinterStandIn({ hangAfterBytes: 1500 });
    await standIn.start();
    const dir = tempDir();
    const file = config(dir, standIn.port);
    const first = await startAgentProcess(file);
    const { id } = await post(first.url, receipt('T-1', 80));
    await until('printing', async () => (await job(first.url, id)).status === 'printing', 10_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(standIn.engine.isHung).toBe(true);
    const t0 = Date.now();
    first.proc.kill('SIGTERM');
    const exit = await first.exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(exit.code).toBe(0);
    expect(first.output()).toMatch(/print job not confirmed; .* reason="the agent is stopping" reprint=true/);

    await standIn.stop(); // switched off and on: it prints again
    await standIn.start(standIn.port);
    const second = await startAgentProcess(file);
    try {
      await until('printed after the restart', async () => (await job(second.url, id)).status === 'done', 15_000, 20);
      expect(await job(second.url, id)).toMatchObject({ status: 'done', reprint: true, confirmed: 'printed' });
      expect(ticketsOnPaper(standIn.printed())).toEqual(['T-1']);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
      await standIn.stop();
    }
  }, 40_000);

  it('a printer that floods 20 MB of garbage: the agent\'s memory stays within 20 MB and every ticket prints once', async () => {
    const standIn = new PrinterStandIn({ floodBytes: 20 * 1024 * 1024, bytesPerSecond: 20_000 });
    await standIn.start();
    const dir = tempDir();
    const agent = await startAgentProcess(config(dir, standIn.port));
    const pid = agent.proc.pid!;
    try {
      // warm up: the first tickets take the code paths, then the flood begins to count
      for (const n of ['W-1', 'W-2']) await post(agent.url, receipt(n, 5));
      await until('warm-up printed', () => ticketsOnPaper(standIn.printed()).length === 2, 15_000, 20);
      await new Promise((r) => setTimeout(r, 500));
      const before = rssMb(pid);
      const flooded0 = standIn.flooded;
      let peak = before;
      const probe = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 10);
      const wanted: string[] = [];
      try {
        for (let i = 0; standIn.flooded - flooded0 < 20 * 1024 * 1024 && i < 40; i++) {
          const n = `F-${String(i + 1).padStart(2, '0')}`;
          wanted.push(n);
          const { id } = await post(agent.url, receipt(n, 40));
          await until(`${n} done`, async () => (await job(agent.url, id)).status === 'done', 15_000, 20);
        }
      } finally {
        clearInterval(probe);
      }
      expect(standIn.flooded - flooded0).toBeGreaterThanOrEqual(20 * 1024 * 1024);
      expect(deliveryReport(wanted, ticketsOnPaper(standIn.printed()).slice(2))).toEqual({ missing: [], doubled: [] });
      expect(peak - before).toBeLessThan(20);
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
      await standIn.stop();
    }
  }, 60_000);
});
