import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { readFrames } from '../helpers/sse.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';

/**
 * A hundred event streams that never read, while 5,000 scans of clients with 2 KB notes go by: the
 * agent's memory (a real agent process, read from /proc) grows by less than 50 MB and is back
 * within 10 s after they close; a stream that reads meanwhile sees every event. The same 5,000
 * scans go by twice first with no stuck stream, so that the heap the load itself takes (V8 grows
 * its young generation under a high allocation rate) is the baseline, not counted against the streams.
 */

const headers = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** An event stream opened by hand and never read: what a stuck till or a frozen tab does. */
function stuckStream(url: URL): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.write(`GET /api/v1/events?token=${TEST_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.pause(); // never reads a byte
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

describe('slow listeners', () => {
  it('100 streams that never read and 5,000 scans: memory grows < 50 MB and comes back after they close; a reading stream sees every scan', async () => {
    const dir = tempDir();
    const agent = await startAgentProcess(writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './store' }, printers: [] }));
    const pid = agent.proc.pid!;
    const url = new URL(agent.url);
    try {
      const notes = 'Allergies, préférences, historique. '.repeat(56).slice(0, 2000);
      const cards: string[] = [];
      for (let i = 0; i < 50; i++) {
        const res = await fetch(`${agent.url}/api/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ kind: 'person', civility: 'M.', lastName: `Nom${i}`, firstName: 'Luc', reference: `CARD-${i}`, notes }) });
        expect(res.status).toBe(201);
        cards.push(`CARD-${i}`);
      }
      const scanAll = async () => {
        for (let i = 0; i < 5000; i += 10) {
          await Promise.all(
            Array.from({ length: 10 }, (_, k) =>
              fetch(`${agent.url}/api/v1/scans`, { method: 'POST', headers, body: JSON.stringify({ code: cards[(i + k) % cards.length], device: `scanner-${(i + k) % 7}` }) }).then((r) => r.arrayBuffer()),
            ),
          );
        }
      };
      const warm = await fetch(`${agent.url}/api/v1/events?token=${TEST_TOKEN}`);
      const warmScans = readFrames(warm.body!, 10_000);
      let baselinePeak = rssMb(pid);
      const baselineProbe = setInterval(() => (baselinePeak = Math.max(baselinePeak, rssMb(pid))), 20);
      // the baseline: the same load twice, no stuck stream (its peak varies by some MB from run to
      // run with when V8 collects; the higher one is what the load alone can reach)
      await scanAll();
      await scanAll();
      clearInterval(baselineProbe);
      expect((await warmScans).length).toBe(10_000);
      await new Promise((r) => setTimeout(r, 1000));
      const before = rssMb(pid);
      const stuck = await Promise.all(Array.from({ length: 100 }, () => stuckStream(url)));
      const reader = await fetch(`${agent.url}/api/v1/events?token=${TEST_TOKEN}`);
      const scans = readFrames(reader.body!, 5000);
      await new Promise((r) => setTimeout(r, 300));
      let peak = before;
      const probe = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
      try {
        await scanAll();
        const got = await scans;
        expect(got.filter((e) => e.event === 'scan')).toHaveLength(5000);
        expect(new Set(got.map((e) => e.id)).size).toBe(5000);
      } finally {
        clearInterval(probe);
      }
      console.log(`slow listeners: RSS ${before.toFixed(1)} MB after the baseline load (its peak ${baselinePeak.toFixed(1)} MB), peak ${peak.toFixed(1)} MB with 100 stuck streams`);
      // what the stuck streams add: over the same load's own peak without them
      expect(peak - Math.max(before, baselinePeak)).toBeLessThan(50);
      // each stuck stream was cut off once (not buffered for): the log says so once for each
      expect(agent.output().match(/the reader fell behind/g)?.length ?? 0).toBe(100);
      for (const s of stuck) s.destroy();
      let after = rssMb(pid);
      // given back: within 20 MB of where it was before them (what stays is V8's and malloc's own slack)
      for (let i = 0; i < 100 && after - before >= 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = rssMb(pid);
      }
      console.log(`slow listeners: ${after.toFixed(1)} MB after they closed`);
      expect(after - before).toBeLessThan(20);
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
  }, 120_000);
});
