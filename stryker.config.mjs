// npm run mutate: mutation testing of the code that decides answers (StrykerJS with its vitest
// runner). Not part of npm test: it takes many minutes. Surviving mutants that cannot be killed are
// listed, with why, in test/mutation/equivalent.md.
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: ['src/version/**/*.ts', 'src/engine/**/*.ts', 'src/kconfig/**/*.ts', 'src/host/**/*.ts'],
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 20_000,
  thresholds: { high: 90, low: 80, break: null },
  ignoreStatic: true,
};
