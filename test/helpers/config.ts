import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AgentConfig, parseConfig } from '../../agent/config.js';

/** Test and benchmark config, without vitest: benchmarks import it into the processes they measure. */

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Every folder tempDir() made in this process, for the test run to remove after each test file (test/setup.ts). */
export const madeTempDirs: string[] = [];

export function tempDir(prefix = 'agent-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  madeTempDirs.push(dir);
  return dir;
}

/** A config as an installer would write it, with a fresh store folder and a known token. */
export function testConfig(storeDir: string, overrides: Record<string, unknown> = {}): AgentConfig {
  return parseConfig(
    {
      http: { host: '127.0.0.1', port: 0 },
      api: { tokens: [TEST_TOKEN] },
      store: { dir: storeDir },
      shop: { name: 'Boulangerie du Lac', address: ['Rue du Lac 1', '1003 Lausanne'] },
      printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'client'], transport: { type: 'virtual' } }],
      ...overrides,
    },
    'test-config',
  );
}

