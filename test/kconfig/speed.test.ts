import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchConfigs } from '../../src/bench/config-bench.js';
import { loadTargetsDirectory } from '../../src/rules/load.js';

const corpus = fileURLToPath(new URL('../fixtures/corpus/configs/', import.meta.url));
const targets = loadTargetsDirectory(fileURLToPath(new URL('../../rules', import.meta.url))).targets;

describe('config audit speed', () => {
  it('audits the largest corpus config for every target in well under 50 ms', () => {
    const largest = readdirSync(corpus)
      .map((name) => join(corpus, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const result = benchConfigs(largest, 15, targets);
    expect(result.bytes).toBeGreaterThan(250_000);
    expect(result.targets).toBe(targets.length);
    expect(result.checks).toBeGreaterThan(30);
    // The aim is a few milliseconds; the bound leaves room for a loaded test machine.
    expect(result.medianMs).toBeLessThan(25);
  });
});
