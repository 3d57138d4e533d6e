import { defineConfig } from 'vitest/config';

// The tests that exercise src/ in-process, for mutation testing (npm run mutate). Tests that run the
// built binary cannot see a mutant in src/ and are left out; the build from `npm test` stays.
export default defineConfig({
  test: {
    include: ['test/version/**/*.test.ts', 'test/engine/**/*.test.ts', 'test/kconfig/**/*.test.ts', 'test/host/**/*.test.ts', 'test/rules/**/*.test.ts', 'test/evidence/**/*.test.ts', 'test/property.test.ts'],
    testTimeout: 60_000,
  },
});
