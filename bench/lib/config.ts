import { type AgentConfig, parseConfig } from '../../agent/config.js';

/**
 * The agent config of the benchmarks: the same as test/helpers/agent.ts testConfig() (what an
 * installer writes, a known token, a virtual printer), kept here because that helper imports
 * vitest, which would add ~25 MB of RSS and ~0.3 s of import to the very processes measured.
 */
export const BENCH_TOKEN = 'test-token-0123456789abcdef';

export function benchConfig(storeDir: string): AgentConfig {
  return parseConfig(
    {
      http: { host: '127.0.0.1', port: 0 },
      api: { tokens: [BENCH_TOKEN] },
      store: { dir: storeDir },
      shop: { name: 'Boulangerie du Lac', address: ['Rue du Lac 1', '1003 Lausanne'] },
      printers: [{ id: 'front', name: 'Caisse', roles: ['receipt', 'client'], transport: { type: 'virtual' } }],
    },
    'bench-config',
  );
}
