import { describe, expect, it } from 'vitest';
import { printedText } from '../../drivers/printer/decode.js';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { PrinterStandIn } from '../fakes/printer-standin.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';
import { until } from '../helpers/until.js';

/** Print jobs acknowledged with 202 survive SIGKILL: printed once the agent and the printer are back. */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };

describe('print queue across a crash', () => {
  it('jobs queued for a printer that is off are all printed, once each, after SIGKILL and a restart', async () => {
    const dir = tempDir();
    const standIn = new PrinterStandIn();
    await standIn.start();
    const port = standIn.port;
    await standIn.stop(); // the printer is off
    const file = writeConfig(dir, {
      http: { host: '127.0.0.1', port: 0 },
      api: { tokens: [TEST_TOKEN] },
      store: { dir: './store' },
      printers: [{ id: 'front', name: 'Caisse', roles: ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port } }],
    });
    const first = await startAgentProcess(file);
    const numbers = ['K-1', 'K-2', 'K-3', 'K-4', 'K-5'];
    for (const number of numbers) {
      const res = await fetch(`${first.url}/api/v1/print`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'receipt', ticket: { number, issuedAt: '2026-11-27T10:15:00+01:00', currency: 'CHF', lines: [{ label: 'Pain', quantity: 1, amount: 350 }], total: 350 } }),
      });
      expect(res.status).toBe(202);
    }
    first.proc.kill('SIGKILL');
    await first.exited;

    await standIn.start(port);
    const second = await startAgentProcess(file);
    try {
      const tickets = () => printedText(standIn.printed()).filter((l) => l.startsWith('Ticket '));
      await until('every ticket on paper', () => tickets().length >= numbers.length, 15_000, 50);
      await new Promise((r) => setTimeout(r, 300));
      expect(tickets().map((l) => /^Ticket (\S+)/.exec(l)![1])).toEqual(numbers);
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
      await standIn.stop();
    }
  }, 40_000);
});
