import { defineConfig } from 'vitest/config';

// The tests of the facts alone, without the build: what scripts/shift-check.mjs runs for each move.
export default defineConfig({
  test: {
    include: ['test/evidence/**/*.test.ts', 'test/rules/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
