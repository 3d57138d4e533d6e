import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch.js';
import { compileChecker } from '../../src/engine/check.js';
import { lintRules } from '../../src/rules/lint.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import { parseKernelVersion } from '../../src/version/parse.js';

const rulesDir = fileURLToPath(new URL('../../rules', import.meta.url));
const { rules, problems } = loadRulesDirectory(rulesDir);
const releases = rules.releases.releases.map((release) => release.name);
const knowledge = knowledgeBaseOf(rules.features, releases);

const REQUIRED_IDS = [
  'kvm', 'kvm-intel', 'kvm-amd', 'kvm-ept', 'kvm-npt', 'kvm-nested-vmx', 'kvm-nested-svm', 'kvm-guest',
  'paravirt-ops', 'vmi', 'xen-domu', 'xen-pvhvm', 'xen-pvh', 'xen-dom0', 'lguest', 'uml', 'openvz',
  'virtio', 'virtio-pci', 'vhost-net', 'vfio', 'intel-iommu', 'amd-iommu', 'hyperv-guest',
  'cgroups', 'cgroup-v2', 'user-namespaces', 'amd-sev', 'amd-sev-es', 'amd-sev-snp', 'intel-tdx', 'virtiofs', 'vsock',
];

describe('the real knowledge base', () => {
  it('passes the schema', () => {
    expect(problems).toEqual([]);
  });
  it('passes every lint check', () => {
    expect(lintRules(rules)).toEqual([]);
  });
  it('has every required id', () => {
    const ids = new Set(rules.features.map((feature) => feature.id));
    expect(REQUIRED_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });
  it('cites a source for every version', () => {
    for (const feature of rules.features) {
      for (const statement of Object.values(feature.support)) {
        expect(statement!.addedSource, feature.id).toMatch(/^(https?:\/\/|commit )/);
        if (statement!.removed) expect(statement!.removedSource, feature.id).toMatch(/^(https?:\/\/|commit )/);
      }
    }
  });
});

/** Every feature at its boundaries on every architecture it has. */
const boundaries = rules.features.flatMap((feature) =>
  Object.entries(feature.support).map(([arch, statement]) => [feature.id, arch as Arch, statement!.added, statement!.removed ?? null] as const),
);

describe.each(boundaries)('%s on %s (added %s, removed %s)', (id, arch, added, removed) => {
  const check = compileChecker(knowledge, arch);
  const index = knowledge.features.findIndex((feature) => feature.id === id);
  const supported = (version: string) => check(parseKernelVersion(version))[index]!.supported;
  const before = releases[releases.indexOf(added) - 1];

  it('is absent from the release before', () => {
    if (before === undefined) return expect(added).toBe(releases[0]);
    expect(supported(before)).toBe(false);
  });
  it('is present in the release that merged it and in its rc1', () => {
    expect(supported(added)).toBe(true);
    expect(supported(`${added}-rc1`)).toBe(true);
  });
  if (removed !== null) {
    it('is gone from the removal release and its rc1, present in the one before', () => {
      expect(supported(removed)).toBe(false);
      expect(supported(`${removed}-rc1`)).toBe(false);
      expect(supported(releases[releases.indexOf(removed) - 1]!)).toBe(true);
    });
  }
});

describe('openvz', () => {
  it('is never supported by a mainline version, and says why', () => {
    for (const arch of ['x86_64', 'i386'] as const) {
      const index = knowledge.features.findIndex((feature) => feature.id === 'openvz');
      const verdict = compileChecker(knowledge, arch)(parseKernelVersion('2.6.32'))[index]!;
      expect(verdict).toMatchObject({ supported: false, status: 'out-of-tree', since: null });
    }
  });
});
