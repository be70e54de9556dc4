import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, tempDir } from '../helpers/agent.js';
import { startAgentProcess, writeConfig } from '../helpers/process.js';
import { ptyPair } from '../helpers/pty.js';
import { until } from '../helpers/until.js';

/**
 * Native modules (serialport, usb) are loaded only when the config uses them: the agent's process
 * maps a `.node` binary only then (read from /proc/<pid>/maps, Linux).
 */

const nativeBinaries = (pid: number) =>
  readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((l) => l.split(/\s+/).at(-1) ?? '')
    .filter((f) => f.endsWith('.node'))
    .map((f) => (f.includes('serialport') ? 'serialport' : f.includes('usb') ? 'usb' : f));

describe('native modules', () => {
  it('none is loaded by the default kind of config (no scanner); serialport is, with a serial scanner', async () => {
    const dir = tempDir();
    const plain = await startAgentProcess(writeConfig(dir, { http: { host: '127.0.0.1', port: 0 }, api: { tokens: [TEST_TOKEN] }, store: { dir: './a' }, printers: [{ id: 'v', name: 'V', roles: ['receipt'], transport: { type: 'virtual' } }] }));
    try {
      expect(new Set(nativeBinaries(plain.proc.pid!))).toEqual(new Set());
      // the text renderer is native too: loaded at the first line no code page has, not before
      const print = (label: string) =>
        fetch(`${plain.url}/api/v1/print`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'receipt', ticket: { number: label, issuedAt: '2026-12-02T10:00:00+01:00', currency: 'CHF', lines: [{ label, quantity: 1, amount: 100 }], total: 100 } }),
        });
      expect((await print('Pain')).status).toBe(202);
      expect(new Set(nativeBinaries(plain.proc.pid!))).toEqual(new Set());
      expect((await print('Борщ')).status).toBe(202);
      await until('the renderer to load', () => nativeBinaries(plain.proc.pid!).some((f) => f.includes('canvas')), 10_000, 20);
    } finally {
      plain.proc.kill('SIGTERM');
      await plain.exited;
    }

    const pty = await ptyPair(dir);
    const withScanner = await startAgentProcess(
      writeConfig(dir, {
        http: { host: '127.0.0.1', port: 0 },
        api: { tokens: [TEST_TOKEN] },
        store: { dir: './b' },
        scanners: [{ id: 's1', name: 'Douchette', transport: { type: 'serial', path: pty.app } }],
      }),
    );
    try {
      await until('the scanner to connect', () => withScanner.output().includes('scanner connected scanner=s1'), 10_000, 20);
      expect(withScanner.output()).toContain('scanner connected scanner=s1');
      expect(nativeBinaries(withScanner.proc.pid!)).toContain('serialport');
      expect(nativeBinaries(withScanner.proc.pid!)).not.toContain('usb');
    } finally {
      withScanner.proc.kill('SIGTERM');
      expect((await withScanner.exited).code).toBe(0);
      await pty.close();
    }
  });
});
