import { describe, expect, it } from 'vitest';
import { compileChecker } from '../../src/engine/check.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import type { Feature } from '../../src/rules/types.js';
import { parseKernelVersion } from '../../src/version/parse.js';

// A synthetic knowledge base: the engine is tested on rules made for it, never on the real ones.
const source = 'https://example.org';
const features: Feature[] = [
  { id: 'old', name: 'old', description: 'd', kind: 'io', support: { x86_64: { added: '2.6.20', addedSource: source } }, kconfig: [] },
  {
    id: 'gone',
    name: 'gone',
    description: 'd',
    kind: 'io',
    support: { i386: { added: '2.6.23', addedSource: source, removed: '4.14', removedSource: source } },
    kconfig: [],
  },
  { id: 'new', name: 'new', description: 'd', kind: 'io', support: { x86_64: { added: '6.10', addedSource: source } }, kconfig: [] },
  { id: 'patch', name: 'patch', description: 'd', kind: 'isolation', mainline: false, support: {}, kconfig: [] },
];
const knowledge = knowledgeBaseOf(features, []);
const statuses = (arch: 'x86_64' | 'i386', version: string) =>
  Object.fromEntries(compileChecker(knowledge, arch)(parseKernelVersion(version)).map((verdict) => [verdict.id, verdict.status]));

describe('compileChecker', () => {
  const table: Array<[string, 'x86_64' | 'i386', Record<string, string>]> = [
    ['2.6.19', 'x86_64', { old: 'not-yet', gone: 'never', new: 'not-yet', patch: 'out-of-tree' }],
    ['2.6.20-rc1', 'x86_64', { old: 'supported', new: 'not-yet' }],
    ['2.6.20.1', 'x86_64', { old: 'supported' }],
    ['2.6.22', 'i386', { gone: 'not-yet', old: 'never' }],
    ['2.6.23-rc3', 'i386', { gone: 'supported' }],
    ['4.13.16', 'i386', { gone: 'supported' }],
    ['4.14-rc1', 'i386', { gone: 'removed' }],
    ['5.15.0-91-generic', 'i386', { gone: 'removed' }],
    ['6.10-rc1', 'x86_64', { new: 'supported' }],
    ['6.9.12', 'x86_64', { new: 'not-yet' }],
  ];
  it.each(table)('%s on %s', (version, arch, expected) => {
    expect(statuses(arch, version)).toMatchObject(expected);
  });

  it('reports since and removedIn for the architecture asked about', () => {
    const verdicts = compileChecker(knowledge, 'i386')(parseKernelVersion('5.4'));
    expect(verdicts.find((verdict) => verdict.id === 'gone')).toEqual({
      id: 'gone',
      supported: false,
      status: 'removed',
      since: '2.6.23',
      removedIn: '4.14',
      uncertain: false,
      vendor: null,
      note: null,
    });
    expect(verdicts.find((verdict) => verdict.id === 'old')).toMatchObject({ since: null, status: 'never' });
  });

  it('flags a merge-window snapshot of the merging release as uncertain', () => {
    const verdicts = compileChecker(knowledge, 'x86_64')(parseKernelVersion('6.10.0-0.rc0.20240523gitc760b3725e52.12.fc41.x86_64'));
    expect(verdicts.find((verdict) => verdict.id === 'new')).toMatchObject({ supported: true, uncertain: true });
    expect(verdicts.find((verdict) => verdict.id === 'old')).toMatchObject({ uncertain: false });
  });

  it("flags a merge-window snapshot of the removing release too, and only in the merge window", () => {
    const check = compileChecker(knowledge, 'i386');
    expect(check(parseKernelVersion('4.14.0-0.rc0.git1.1.fc27.i686')).find((verdict) => verdict.id === 'gone')).toMatchObject({ status: 'removed', uncertain: true });
    expect(check(parseKernelVersion('4.14.0-0.rc1.git0.1.fc27.i686')).find((verdict) => verdict.id === 'gone')).toMatchObject({ status: 'removed', uncertain: false });
    expect(check(parseKernelVersion('4.13.0-0.rc0.git1.1.fc27.i686')).find((verdict) => verdict.id === 'gone')).toMatchObject({ status: 'supported', uncertain: false });
  });
});
