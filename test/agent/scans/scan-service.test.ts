import { describe, expect, it } from 'vitest';
import type { Scan } from '../../../agent/scans/scan.js';
import { ScanService } from '../../../agent/scans/scan-service.js';
import { agentPerTest } from '../../helpers/agent.js';

const open = agentPerTest();

async function setup() {
  const t = await open();
  let clock = 1_000_000;
  const scans = new ScanService(t.agent.services.directory, t.agent.bus, () => clock);
  const events: Scan[] = [];
  t.agent.bus.on('scan', (s) => events.push(s));
  const client = await t.agent.services.directory.createClient({ lastName: 'Rochat', firstName: 'Anne', reference: '7612345000015' });
  return { scans, events, client, tick: (ms: number) => (clock += ms) };
}

describe('ScanService', () => {
  it('looks the code up by reference and sends one scan event with the client', async () => {
    const { scans, events, client } = await setup();
    const out = scans.scan('7612345000015', 'scanner-1');
    expect(out.duplicate).toBe(false);
    expect(out.client?.id).toBe(client.id);
    expect(events).toEqual([{ code: '7612345000015', device: 'scanner-1', at: new Date(1_000_000).toISOString(), client: out.client }]);
  });

  it('sends an unknown code with client null', async () => {
    const { scans, events } = await setup();
    expect(scans.scan('999', 'scanner-1').client).toBeNull();
    expect(events.map((e) => [e.code, e.client])).toEqual([['999', null]]);
  });

  it('removes the CR/LF/TAB and other control characters a scanner sends around the code', async () => {
    const { scans, client } = await setup();
    expect(scans.scan('\u0002 7612345000015\r\n', 'scanner-1').client?.id).toBe(client.id);
    expect(ScanService.normalize('76123\u001d45')).toBe('7612345');
  });

  it('strips an AIM symbology identifier only when asked', async () => {
    expect(ScanService.normalize(']E07612345000015', { stripAim: true })).toBe('7612345000015');
    expect(ScanService.normalize(']E07612345000015')).toBe(']E07612345000015');
    expect(ScanService.normalize('7612345000015', { stripAim: true })).toBe('7612345000015');
  });

  it('drops the same code from the same device within 500 ms, while the card stays on the scanner', async () => {
    const { scans, events, tick } = await setup();
    expect(scans.scan('111', 'scanner-1').duplicate).toBe(false);
    tick(300);
    expect(scans.scan('111', 'scanner-1').duplicate).toBe(true);
    tick(300); // 600 ms after the first read, but only 300 after the last: still the same card
    expect(scans.scan('111', 'scanner-1').duplicate).toBe(true);
    tick(501);
    expect(scans.scan('111', 'scanner-1').duplicate).toBe(false);
    expect(events).toHaveLength(2);
  });

  it('keeps a repeat from another device, another code, or with a custom window', async () => {
    const { scans, events, tick } = await setup();
    scans.scan('111', 'scanner-1');
    scans.scan('111', 'scanner-2');
    scans.scan('222', 'scanner-1');
    scans.scan('111', 'scanner-1');
    tick(100);
    expect(scans.scan('111', 'scanner-1', { duplicateWindowMs: 50 }).duplicate).toBe(false);
    expect(events.map((e) => `${e.device}:${e.code}`)).toEqual(['scanner-1:111', 'scanner-2:111', 'scanner-1:222', 'scanner-1:111', 'scanner-1:111']);
  });

  it('refuses a code that is empty once cleaned, or too long', async () => {
    const { scans, events } = await setup();
    expect(() => scans.scan(' \r\n', 'k')).toThrow(/empty/);
    expect(() => scans.scan('1'.repeat(129), 'k')).toThrow(/longer than 128/);
    expect(events).toHaveLength(0);
  });
});
