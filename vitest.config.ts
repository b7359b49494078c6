import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Two files at a time: on a 2-core machine vitest would run one (cores - 1), and most files
    // wait on PostgreSQL, a spawned server or Chromium rather than on the CPU.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each database test file gets its own SQLite file and its own PostgreSQL schema.
    fileParallelism: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          // The spawned servers run dist/ and the browser tests (test/e2e/web) need web/dist: built once, before any file runs.
          globalSetup: ['test/support/build.setup.ts'],
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/src/**/*.test.tsx'],
          environment: 'jsdom',
          setupFiles: ['web/src/test/setup.ts'],
          // @rjsf/mantine imports dayjs plugins without a file extension, which Node's ESM loader
          // refuses; Vite's resolver (as in the app's own build) accepts them.
          server: { deps: { inline: ['@rjsf/mantine'] } },
        },
      },
    ],
  },
});
