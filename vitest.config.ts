import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suites start real processes and local servers.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // In CI, a JSON report lets .ci/run print a plain "N passed, N failed".
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]]
      : ['default'],
  },
})
