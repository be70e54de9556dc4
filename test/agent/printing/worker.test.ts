import { afterEach, describe, expect, it } from 'vitest';
import type { Confirmation, PrinterSession, PrinterState, PrinterTransport } from '../../../drivers/printer/transport.js';
import { openTestAgent, type TestAgent } from '../../helpers/agent.js';
import { until } from '../../helpers/until.js';

/**
 * The print worker through a transport fake that behaves as a serial or USB printer does: a session
 * kept for a run of jobs, whose close takes its time.
 */

class SlowClosingPrinter implements PrinterTransport {
  readonly kind = 'serial' as const;
  readonly twoWay = true;
  printed: string[] = [];
  closes = 0;
  async open(): Promise<PrinterSession> {
    return {
      state: 'online',
      reusable: true,
      print: async (bytes): Promise<Confirmation> => {
        this.printed.push(Buffer.from(bytes).toString('latin1'));
        return 'printed';
      },
      close: async () => {
        this.closes++;
        await new Promise((r) => setTimeout(r, 300)); // releasing a port or a USB interface
      },
      abort: () => undefined,
    };
  }
  async check(): Promise<PrinterState> {
    return 'online';
  }
}

let agent: TestAgent | null = null;
afterEach(async () => {
  await agent?.close();
  agent = null;
});

const receipt = (number: string) => ({ type: 'receipt', ticket: { number, issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, amount: 350 }], total: 350 } });

describe('print worker', () => {
  it('a job queued while the worker lets its idle session go prints at once, not at the next status check', async () => {
    const fake = new SlowClosingPrinter();
    agent = await openTestAgent({ options: { printerTransport: () => fake } });
    const first = (await (await agent.api('/api/v1/print', { method: 'POST', json: receipt('W-1') })).json()) as { id: string };
    const a = agent;
    await until('it', () => a.agent.services.jobs.get(first.id)?.status === 'done', 5000);
    await until('it', () => fake.closes === 1, 2000); // the queue is empty: the session is being let go
    const t0 = Date.now();
    const second = (await (await agent.api('/api/v1/print', { method: 'POST', json: receipt('W-2') })).json()) as { id: string };
    await until('it', () => a.agent.services.jobs.get(second.id)?.status === 'done', 9000);
    expect(Date.now() - t0).toBeLessThan(3000); // the idle check is 10 s away
    expect(fake.printed.filter((b) => b.includes('W-2'))).toHaveLength(1);
  }, 15_000);
});
