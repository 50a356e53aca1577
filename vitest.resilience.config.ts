import { defineConfig } from 'vitest/config'

// Drills restart PostgreSQL and kill processes: one file at a time, after the main suite.
export default defineConfig({
  test: {
    include: ['test/resilience/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
})
