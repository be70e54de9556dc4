import { afterEach, describe, expect, it } from 'vitest';
import type { Scan } from '../../../agent/scans/scan.js';
import type { ScannerStatus } from '../../../drivers/scanner/types.js';
import { openTestAgent, type TestAgent, tempDir } from '../../helpers/agent.js';
import { type PtyPair, ptyPair } from '../../helpers/pty.js';
import { until } from '../../helpers/until.js';

/** A serial scanner on a real pseudo-terminal (socat): what the agent does with its bytes. */

let agent: TestAgent | null = null;
let ptys: PtyPair[] = [];
afterEach(async () => {
  await agent?.close();
  agent = null;
  for (const p of ptys) await p.close();
  ptys = [];
});

async function setup(opts: { transport?: Record<string, unknown>; makePty?: boolean } = {}) {
  const dir = tempDir();
  const pty = opts.makePty === false ? null : await ptyPair(dir);
  if (pty) ptys.push(pty);
  const portPath = pty?.app ?? `${dir}/scanner-app`;
  agent = await openTestAgent({
    config: { scanners: [{ id: 'entree', name: 'Entrée', transport: { type: 'serial', path: portPath, ...opts.transport } }] },
  });
  const scans: Scan[] = [];
  const statuses: ScannerStatus[] = [];
  agent.agent.bus.on('scan', (s) => scans.push(s));
  agent.agent.bus.on('scanner', (s) => statuses.push(s));
  const waitFor = (what: string, check: () => boolean, ms = 8_000) =>
    until(() => `${what}; statuses: ${statuses.map((s) => `${s.state} ${s.detail ?? ''}`).join(' | ')}`, check, ms, 5);
  const state = () => agent!.agent.services.scanners.statuses[0]!.state;
  return { dir, pty, portPath, scans, statuses, until: waitFor, state, t: agent };
}

describe('serial scanner on a pty', () => {
  it('a scan becomes a scan event with the client found by reference', async () => {
    const { pty, scans, until, state, t } = await setup();
    const anne = await t.agent.services.directory.createClient({ lastName: 'Rochat', firstName: 'Anne', reference: '7612345000015' });
    await until('connected', () => state() === 'connected');
    await pty!.write('7612345000015\r\n');
    await until('the scan', () => scans.length === 1);
    expect(scans[0]).toMatchObject({ code: '7612345000015', device: 'entree', client: { id: anne.id } });
  });

  it('a code split over two writes is one scan; CR, LF and CRLF all end a code', async () => {
    const { pty, scans, until, state } = await setup();
    await until('connected', () => state() === 'connected');
    await pty!.write('76400');
    await new Promise((r) => setTimeout(r, 30));
    await pty!.write('00000028\r');
    await pty!.write('111\n222\r\n333\r');
    await until('4 scans', () => scans.length === 4);
    expect(scans.map((s) => s.code)).toEqual(['7640000000028', '111', '222', '333']);
  });

  it('strips the configured prefix and suffix; a scanner without terminator is framed by a pause', async () => {
    const { pty, scans, until, state } = await setup({ transport: { prefix: '#', suffix: '$', interByteTimeoutMs: 40 } });
    await until('connected', () => state() === 'connected');
    await pty!.write('#CARD-1$\r');
    await pty!.write('#CARD-2$'); // no CR: the pause ends it
    await until('2 scans', () => scans.length === 2);
    expect(scans.map((s) => s.code)).toEqual(['CARD-1', 'CARD-2']);
  });

  it('the same card read twice within 500 ms is one scan', async () => {
    const { pty, scans, until, state } = await setup();
    await until('connected', () => state() === 'connected');
    await pty!.write('555\r555\r');
    await pty!.write('556\r');
    await until('2 scans', () => scans.length === 2);
    expect(scans.map((s) => s.code)).toEqual(['555', '556']);
  });

  it('the port vanishing (unplugged) is shown as waiting; when it comes back, scans work again', async () => {
    const { dir, pty, scans, until, state, t } = await setup();
    await until('connected', () => state() === 'connected');
    await pty!.close();
    ptys = [];
    await until('waiting', () => state() === 'waiting');
    expect(t.agent.services.scanners.statuses[0]!.detail).toMatch(/scanner-app (went away|not found)/);
    // the agent keeps working meanwhile
    expect((await t.api('/api/v1/clients')).status).toBe(200);

    const again = await ptyPair(dir);
    ptys.push(again);
    await until('connected again', () => state() === 'connected', 15_000);
    await again.write('9990001\r');
    await until('the scan', () => scans.length === 1);
    expect(scans[0]!.code).toBe('9990001');
  }, 30_000);

  it('a scanner missing at start leaves the agent running, says so, and is picked up when plugged in', async () => {
    const { dir, scans, until, state, t } = await setup({ makePty: false });
    await until('waiting', () => state() === 'waiting');
    expect(t.agent.services.scanners.statuses[0]!.detail).toContain('not found: is the scanner plugged in?');
    expect((await t.api('/healthz')).status).toBe(200);
    const pty = await ptyPair(dir);
    ptys.push(pty);
    await until('connected', () => state() === 'connected', 15_000);
    await pty.write('42424242\r');
    await until('the scan', () => scans.length === 1);
  }, 30_000);
});
