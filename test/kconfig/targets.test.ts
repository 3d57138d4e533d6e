import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/rules/compile.js';
import { validateTarget } from '../../src/rules/validate.js';
import {
  archesWithinTarget,
  gatesAgreeWithFeatures,
  knownArches,
  noOverlappingDuplicates,
  targetVersionsAreReleases,
  uniqueTargetIds,
  untilAfterSince,
  type TargetLintCheck,
  type TargetSources,
} from '../../src/rules/targets-lint.js';
import type { Target } from '../../src/rules/targets.js';
import type { Feature } from '../../src/rules/types.js';

// The target data's schema and lint checks, each shown to pass good data and fail bad.
const source = 'https://example.org/source';
const target = (id: string, extra: Partial<Target> = {}): Target => ({
  id,
  name: id,
  description: `${id} target`,
  arch: ['x86_64', 'i386'],
  requirements: [{ symbol: 'A', source, note: 'why' }],
  ...extra,
});
const feature: Feature = {
  id: 'f',
  name: 'f',
  description: 'd',
  kind: 'io',
  support: { x86_64: { added: '2.6.20', addedSource: source } },
  kconfig: [{ symbol: 'KNOWN', since: '2.6.20', until: '4.14', source }],
};
const sources = (...targets: Target[]): TargetSources => ({
  targets,
  features: [feature],
  releases: { releases: ['2.6.20', '2.6.23', '3.0', '3.6', '4.14', '6.1'].map((name) => ({ name, date: null })) },
});

const table: Array<[string, TargetLintCheck, TargetSources, TargetSources, RegExp]> = [
  ['unique ids', uniqueTargetIds, sources(target('a'), target('b')), sources(target('a'), target('a')), /duplicate id "a"/],
  [
    'versions are releases',
    targetVersionsAreReleases,
    sources(target('a', { requirements: [{ symbol: 'A', since: '3.6', source, note: 'n' }] })),
    sources(target('a', { requirements: [{ symbol: 'A', since: '3.66', source, note: 'n' }] })),
    /since 3\.66 is not a mainline release/,
  ],
  [
    'until after since, windows too',
    untilAfterSince,
    sources(target('a', { available: [{ arch: ['i386'], since: '2.6.23', until: '4.14', source, reason: 'r' }] })),
    sources(target('a', { available: [{ arch: ['i386'], since: '4.14', until: '2.6.23', source, reason: 'r' }] })),
    /available\[0\]: until 2\.6\.23 is not after since 4\.14/,
  ],
  [
    'known architectures',
    knownArches,
    sources(target('a')),
    sources(target('a', { arch: ['x86_64', 'sparc' as never] })),
    /unknown architecture "sparc"/,
  ],
  [
    'gates only for the target\'s architectures',
    archesWithinTarget,
    sources(target('a', { requirements: [{ symbol: 'A', arch: ['i386'], source, note: 'n' }] })),
    sources(target('a', { requirements: [{ symbol: 'A', arch: ['arm64'], source, note: 'n' }] })),
    /requirements\[0\] A: arm64 not in the target's arch list/,
  ],
  [
    'no symbol twice for the same releases',
    noOverlappingDuplicates,
    sources(
      target('a', {
        requirements: [
          { symbol: 'A', until: '3.6', untilSource: source, source, note: 'n' },
          { symbol: 'A', since: '3.6', source, note: 'n' },
        ],
      }),
    ),
    sources(
      target('a', {
        requirements: [
          { symbol: 'A', until: '4.14', untilSource: source, source, note: 'n' },
          { symbol: 'A', since: '3.6', source, note: 'n' },
        ],
      }),
    ),
    /both ask for A over the same releases/,
  ],
  [
    'the same history as rules/features',
    gatesAgreeWithFeatures,
    sources(target('a', { requirements: [{ symbol: 'KNOWN', since: '2.6.20', until: '4.14', untilSource: source, source, note: 'n' }] })),
    sources(target('a', { requirements: [{ symbol: 'KNOWN', since: '2.6.23', source, note: 'n' }] })),
    /since 2\.6\.23 disagrees with features\/f\.json \(2\.6\.20\)/,
  ],
];

describe('target lint checks', () => {
  it.each(table)('%s', (_, check, good, bad, message) => {
    expect(check(good)).toEqual([]);
    expect(check(bad).map((problem) => problem.message).join('\n')).toMatch(message);
  });
});

describe('rules/targets.schema.json', () => {
  const valid = { ...target('a'), arch: ['x86_64'] };
  it('accepts a well-formed target', () => {
    expect(validateTarget('targets/a.json', valid)).toEqual([]);
  });
  const invalid: Array<[string, object]> = [
    ['a requirement with both symbol and anyOf', { ...valid, requirements: [{ symbol: 'A', anyOf: ['B', 'C'], source, note: 'n' }] }],
    ['a requirement with neither', { ...valid, requirements: [{ source, note: 'n' }] }],
    ['a one-item anyOf', { ...valid, requirements: [{ anyOf: ['B'], source, note: 'n' }] }],
    ['until without its source', { ...valid, requirements: [{ symbol: 'A', until: '3.6', source, note: 'n' }] }],
    ['a version that is not a release name', { ...valid, requirements: [{ symbol: 'A', since: '3.6.1', source, note: 'n' }] }],
    ['a source that is neither a URL nor a commit', { ...valid, requirements: [{ symbol: 'A', since: '3.6', source: 'LWN', note: 'n' }] }],
    ['a symbol written with CONFIG_', { ...valid, requirements: [{ symbol: 'CONFIG_A', source, note: 'n' }] }],
    ['builtin: false', { ...valid, requirements: [{ symbol: 'A', builtin: false, source, note: 'n' }] }],
    ['a window with neither since nor until', { ...valid, available: [{ arch: ['x86_64'], source, reason: 'r' }] }],
    ['an unknown field', { ...valid, severity: 'high' }],
  ];
  it.each(invalid)('rejects %s', (_, data) => {
    expect(validateTarget('targets/a.json', data).length).toBeGreaterThan(0);
  });
});

describe('rules/targets', () => {
  it('passes its schema and every lint check', () => {
    expect(compileRules(fileURLToPath(new URL('../../rules', import.meta.url)), null)).toEqual([]);
  });
});
