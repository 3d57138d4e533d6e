import { describe, expect, it } from 'vitest';
import type { RuleSources } from '../../src/rules/load.js';
import type { DistributionRules } from '../../src/rules/distributions.js';
import { distributionsAreSound } from '../../src/rules/distributions-lint.js';
import {
  duplicateIds,
  knownCpuFlags,
  hardwareVirtualizationFlagsKnown,
  neverMergedHasNoSupport,
  releasesInOrder,
  parentsExistAndAreOlder,
  realReleases,
  removedAfterAdded,
  type LintCheck,
} from '../../src/rules/lint.js';
import type { Feature } from '../../src/rules/types.js';
import { validateFeature } from '../../src/rules/validate.js';

// A tiny synthetic rule set: each check is shown to pass on good data and fail on bad.
const source = 'https://example.org/source';
const feature = (id: string, extra: Partial<Feature> = {}): Feature => ({
  id,
  name: id,
  description: `${id} feature`,
  kind: 'host-hypervisor',
  support: { x86_64: { added: '2.6.20', addedSource: source } },
  kconfig: [],
  ...extra,
});
const rules = (...features: Feature[]): RuleSources => ({
  features,
  approaches: [],
  distributions: [],
  products: [],
  cpuFlags: {
    families: { x86: ['x86_64', 'i386'], s390: ['s390x'] },
    flags: { x86: { vmx: '', svm: '' }, s390: { sie: '' } },
    hardwareVirtualization: { x86: { flags: ['vmx', 'svm'], extras: [] } },
  },
  releases: { releases: ['2.6.19', '2.6.20', '2.6.21', '3.0', '4.14'].map((name) => ({ name, date: null })) },
});

const withReleases = (names: string[]): RuleSources => ({ ...rules(), releases: { releases: names.map((name) => ({ name, date: null })) } });

const distribution = (extra: Partial<DistributionRules> = {}): DistributionRules => ({
  id: 'vendor',
  name: 'Vendor',
  recognise: 'a tag',
  backports: 'heavy',
  match: 'pattern',
  releases: [
    { release: '1.0', kernel: '2.6.20', pattern: '^2\\.6\\.20-1\\.', source },
    { release: '2.0', kernel: '2.6.20', pattern: '^2\\.6\\.20-2\\.', source },
  ],
  facts: [{ feature: 'a', since: '1.0', until: '2.0', status: 'backported', source, strength: 'strong', note: 'a note' }],
  sources: [source],
  ...extra,
});
const withDistribution = (extra: Partial<DistributionRules>): RuleSources => ({ ...rules(feature('a')), distributions: [distribution(extra)] });
const goodDistribution = withDistribution({});

const table: Array<[string, LintCheck, RuleSources, RuleSources, RegExp]> = [
  ['a vendor fact names a real feature', distributionsAreSound, goodDistribution, withDistribution({ facts: [{ ...distribution().facts[0]!, feature: 'b' }] }), /unknown feature "b"/],
  ['a vendor fact names releases of its file', distributionsAreSound, goodDistribution, withDistribution({ facts: [{ ...distribution().facts[0]!, since: '9.9' }] }), /since "9\.9" is not a release of this file/],
  ['a vendor fact ends after it starts', distributionsAreSound, goodDistribution, withDistribution({ facts: [{ ...distribution().facts[0]!, since: '2.0', until: '1.0' }] }), /until 1\.0 does not come after since 2\.0/],
  ['vendor release patterns compile', distributionsAreSound, goodDistribution, withDistribution({ releases: [distribution().releases[0]!, { ...distribution().releases[1]!, pattern: '(' }] }), /release 2\.0: pattern does not compile/],
  ['vendor releases are named once', distributionsAreSound, goodDistribution, withDistribution({ releases: [distribution().releases[0]!, { ...distribution().releases[1]!, release: '1.0' }], facts: [] }), /release "1\.0" is named twice/],
  ['build matching needs build numbers', distributionsAreSound, withDistribution({ match: 'build', releases: distribution().releases.map((release, index) => ({ ...release, build: index })) }), withDistribution({ match: 'build', releases: [{ ...distribution().releases[0]!, build: 1 }, distribution().releases[1]!] }), /release 2\.0: no build number/],
  ['releases run oldest to newest', releasesInOrder, withReleases(['2.6.39', '3.0', '3.9', '3.10']), withReleases(['2.6.39', '3.10', '3.9']), /3\.9 does not come after 3\.10/],
  ['duplicate ids', duplicateIds, rules(feature('a'), feature('b')), rules(feature('a'), feature('a')), /duplicate id "a"/],
  [
    'versions must be real releases',
    realReleases,
    rules(feature('a')),
    rules(feature('a', { support: { x86_64: { added: '2.6.99', addedSource: source } } })),
    /2\.6\.99 is not a mainline release/,
  ],
  [
    'removed after added',
    removedAfterAdded,
    rules(feature('a', { support: { i386: { added: '2.6.20', addedSource: source, removed: '4.14', removedSource: source } } })),
    rules(feature('a', { support: { i386: { added: '3.0', addedSource: source, removed: '3.0', removedSource: source } } })),
    /removed 3\.0 is not after added 3\.0/,
  ],
  [
    'kconfig until after since',
    removedAfterAdded,
    rules(feature('a', { kconfig: [{ symbol: 'A', since: '2.6.20', until: '3.0', source }] })),
    rules(feature('a', { kconfig: [{ symbol: 'A', since: '3.0', until: '2.6.20', source }] })),
    /until 2\.6\.20 is not after since 3\.0/,
  ],
  [
    'CPU flags known for the architecture',
    knownCpuFlags,
    rules(feature('a', { support: { s390x: { added: '2.6.20', addedSource: source, cpu: { allOf: ['sie'] } } } })),
    rules(feature('a', { support: { s390x: { added: '2.6.20', addedSource: source, cpu: { allOf: ['vmx'] } } } })),
    /unknown CPU flag "vmx" for s390/,
  ],
  [
    'hardware virtualization names catalogued flags',
    hardwareVirtualizationFlagsKnown,
    rules(),
    { ...rules(), cpuFlags: { ...rules().cpuFlags, hardwareVirtualization: { s390: { flags: ['vmx'], extras: [] } } } },
    /hardwareVirtualization\.s390: unknown CPU flag "vmx"/,
  ],
  [
    'a child is not older than its parent',
    parentsExistAndAreOlder,
    rules(feature('p'), feature('c', { parent: 'p', support: { x86_64: { added: '2.6.21', addedSource: source } } })),
    rules(feature('p'), feature('c', { parent: 'p', support: { x86_64: { added: '2.6.19', addedSource: source } } })),
    /older than parent "p"/,
  ],
  ['a parent must exist', parentsExistAndAreOlder, rules(feature('p'), feature('c', { parent: 'p' })), rules(feature('c', { parent: 'nope' })), /parent "nope" is not a feature/],
  [
    'never-merged features have no mainline support',
    neverMergedHasNoSupport,
    rules(feature('a', { mainline: false, support: {} })),
    rules(feature('a', { mainline: false })),
    /never merged/,
  ],
];

describe('lint checks', () => {
  it.each(table)('%s', (_name, check, good, bad, message) => {
    expect(check(good)).toEqual([]);
    const problems = check(bad);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(message);
  });
});

describe('schema', () => {
  const good = feature('a');
  it('accepts a well-formed feature', () => {
    expect(validateFeature('a.json', good)).toEqual([]);
  });
  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown field', { ...good, since: '2.6.20' }, /additional properties: since/],
    ['an unknown architecture', { ...good, support: { sparc: { added: '2.6.20', addedSource: source } } }, /property name/],
    ['a version without a source', { ...good, support: { x86_64: { added: '2.6.20' } } }, /addedSource/],
    ['a removal without a source', { ...good, support: { x86_64: { added: '2.6.20', addedSource: source, removed: '3.0' } } }, /removedSource/],
    ['a malformed release', { ...good, support: { x86_64: { added: '6.9-rc1', addedSource: source } } }, /pattern/],
    ['a kconfig symbol without a source', { ...good, kconfig: [{ symbol: 'KVM', since: '2.6.20' }] }, /source/],
    ['a source that is neither URL nor commit', { ...good, support: { x86_64: { added: '2.6.20', addedSource: 'my memory' } } }, /pattern/],
  ];
  it.each(bad)('rejects %s', (_name, data, message) => {
    const problems = validateFeature('a.json', data);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.map((problem) => problem.message).join('\n')).toMatch(message);
  });
});
