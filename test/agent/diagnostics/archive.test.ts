import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArchive, type DiagnosticSources } from '../../../agent/diagnostics/archive.js';
import { readArchive } from '../../helpers/archive.js';
import { tempDir } from '../../helpers/config.js';

const sources = (storeDir: string): DiagnosticSources => ({
  origin: 'test',
  config: {},
  storeCheck: ['store: test'],
  states: null,
  recent: null,
  storeDir,
  versions: {},
  notes: [],
  secrets: [],
});

describe('the diagnostics archive', () => {
  it('takes the newest log files first, up to its budget: the last one from its end, whole lines, the older ones left out and named', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    const lines = (tag: string) => Array.from({ length: 10 }, (_, i) => `${tag} line ${i}`).join('\n') + '\n'; // L: 10 lines of 9 bytes; L.1 and L.2: of 11
    const files = { 'agent.log': 3, 'agent.log.1': 2, 'agent.log.2': 1 }; // newer: later mtime
    for (const [name, age] of Object.entries(files)) {
      writeFileSync(path.join(dir, 'logs', name), lines(name.replace('agent.log', 'L')));
      utimesSync(path.join(dir, 'logs', name), age * 1000, age * 1000);
    }
    const { files: got } = await readArchive((await buildArchive(sources(dir), new Date(), 110)).bytes);

    expect(got.get('logs/agent.log')).toBe(lines('L'));
    // 110 - 90 bytes: the last 20 bytes of agent.log.1 (110), from its first whole line on
    expect(got.get('logs/agent.log.1')).toBe('L.1 line 9\n');
    expect(got.has('logs/agent.log.2')).toBe(false);
    expect(got.get('summary.txt')).toContain('- logs/agent.log.1: its last 20 bytes only (of 110)');
    expect(got.get('summary.txt')).toContain('- older logs left out (over 110 bytes in all): agent.log.2');
  });
});
