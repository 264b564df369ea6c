import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores on CI: run files two at a time; every file gets its own tables via a unique prefix.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
