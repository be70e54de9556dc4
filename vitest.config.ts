import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-handles.ts', 'test/setup.ts'],
    // test/setup-handles.ts runs a full GC at the end of each file to find file handles left open
    execArgv: ['--expose-gc'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Crash and browser tests spawn processes; two cores: keep files in parallel but few.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: 'test-output/vitest-report.json' }]],
  },
});
