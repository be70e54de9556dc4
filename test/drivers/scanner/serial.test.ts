import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialScanner } from '../../../drivers/scanner/serial.js';
import type { ScannerStatus } from '../../../drivers/scanner/types.js';
import { until } from '../../helpers/until.js';

/**
 * SerialScanner against serialport's own MockBinding (through SerialPortMock.binding: importing
 * @serialport/binding-mock from ESM gives another instance, see FIELD-NOTES).
 */

const binding = SerialPortMock.binding;
let scanner: SerialScanner | null = null;
afterEach(async () => {
  await scanner?.stop();
  scanner = null;
  binding.reset();
});

function make(path: string, opts: { prefix?: string; suffix?: string } = {}) {
  const codes: string[] = [];
  const statuses: ScannerStatus[] = [];
  let port: SerialPortMock | null = null;
  scanner = new SerialScanner(
    { id: 'mock', path, baudRate: 9600, ...opts },
    { code: (c) => codes.push(c), status: (s) => statuses.push(s) },
    async (p, baudRate) => (port = new SerialPortMock({ path: p, baudRate, autoOpen: false })),
  );
  const waitFor = (check: () => boolean) => until('the scanner to get there', check, 2000, 5);
  return { codes, statuses, scanner, port: () => port!, until: waitFor };
}

describe('SerialScanner with MockBinding', () => {
  it('opens the port and frames the codes the scanner sends', async () => {
    binding.createPort('/dev/ttyMOCK0', { echo: false, record: true });
    const m = make('/dev/ttyMOCK0', { prefix: '\u0002', suffix: '\u0003' });
    m.scanner.start();
    await m.until(() => m.scanner.status.state === 'connected');
    m.port().port!.emitData(Buffer.from('\u00027612345'));
    m.port().port!.emitData(Buffer.from('000015\u0003\r\n'));
    await m.until(() => m.codes.length === 1);
    expect(m.codes).toEqual(['7612345000015']);
    expect(m.statuses.map((s) => s.state)).toEqual(['connecting', 'connected']);
  });

  it('a port that does not exist: waiting, with what to check', async () => {
    const m = make('/dev/ttyNOPE');
    m.scanner.start();
    await m.until(() => m.scanner.status.state === 'waiting');
    expect(m.scanner.status.detail).toMatch(/^\/dev\/ttyNOPE not found: is the scanner plugged in\?.*trying again in 0\.5 s$/);
  });

  it('a port that closes under it (unplugged) is reopened when it is back', async () => {
    binding.createPort('/dev/ttyMOCK1', { echo: false });
    const m = make('/dev/ttyMOCK1');
    m.scanner.start();
    await m.until(() => m.scanner.status.state === 'connected');
    const first = m.port();
    first.close(); // the port goes away
    await m.until(() => m.scanner.status.state === 'waiting');
    await m.until(() => m.scanner.status.state === 'connected'); // retried after 0.5 s
    expect(m.port()).not.toBe(first);
    m.port().port!.emitData(Buffer.from('42\r'));
    await m.until(() => m.codes.length === 1);
    expect(m.codes).toEqual(['42']);
  });

  it('stop closes the port and no retry runs after it', async () => {
    binding.createPort('/dev/ttyMOCK2', { echo: false });
    const m = make('/dev/ttyMOCK2');
    m.scanner.start();
    await m.until(() => m.scanner.status.state === 'connected');
    await m.scanner.stop();
    expect(m.port().isOpen).toBe(false);
    await new Promise((r) => setTimeout(r, 700));
    expect(m.scanner.status.state).toBe('stopped');
  });
});
