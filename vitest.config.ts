import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/resilience/**'],
    // Migrates one template database per run; each file clones it (test/helpers/db.ts).
    // The UI tests' one Chromium and migrated PGlite directory, made only if a UI test asks.
    globalSetup: ['test/helpers/global-setup.ts', 'test/helpers/ui-setup.ts'],
    // PGlite instances are ~350 MB each; two forks match the two cores CI has.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
