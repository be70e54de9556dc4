import type { AgentConfig } from '../../agent/config.js';
import { TEST_TOKEN, testConfig } from '../../test/helpers/config.js';

/** The agent config of the benchmarks: the tests' config (vitest-free module), on a given store. */
export const BENCH_TOKEN = TEST_TOKEN;

export function benchConfig(storeDir: string, overrides: Record<string, unknown> = {}): AgentConfig {
  return testConfig(storeDir, overrides);
}
