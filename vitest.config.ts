import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Crash and browser tests spawn processes; two cores: keep files in parallel but few.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest-report.json' }]],
  },
});
