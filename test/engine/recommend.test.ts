import { describe, expect, it } from 'vitest';
import { recommend, type MachineProfile, type Wishes } from '../../src/engine/recommend.js';
import type { Approach } from '../../src/rules/approaches.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import type { Feature } from '../../src/rules/types.js';
import { parseKernelVersion } from '../../src/version/parse.js';

// A synthetic knowledge base, shaped like the real one but small and fixed.
const src = 'https://example.org';
const f = (id: string, support: Feature['support'], kconfig: Feature['kconfig'] = []): Feature => ({
  id,
  name: id,
  description: id,
  kind: 'host-hypervisor',
  support,
  kconfig,
});
const features = [
  f('kvm', { x86_64: { added: '2.6.20', addedSource: src, cpu: { anyOf: ['vmx', 'svm'] } }, arm64: { added: '3.11', addedSource: src } }, [{ symbol: 'KVM', since: '2.6.20', source: src }]),
  f('hv-intel', { x86_64: { added: '2.6.20', addedSource: src, cpu: { allOf: ['vmx'] } } }, [{ symbol: 'HV_INTEL', since: '2.6.20', source: src }]),
  f('hv-amd', { x86_64: { added: '2.6.22', addedSource: src, cpu: { allOf: ['svm'] } } }, [{ symbol: 'HV_AMD', since: '2.6.22', source: src }]),
  f('old', { x86_64: { added: '2.6.23', addedSource: src, removed: '4.14', removedSource: src } }),
  f('groups', { x86_64: { added: '2.6.24', addedSource: src }, arm64: { added: '3.7', addedSource: src } }, [
    { symbol: 'OLD_NAME', since: '2.6.24', until: '3.6', source: src },
    { symbol: 'NEW_NAME', since: '3.6', source: src },
  ]),
  f('pv-guest', { x86_64: { added: '2.6.30', addedSource: src } }),
];
const scores = (p: number, i: number, s: number, d: number, u: number, t: number) => ({
  performance: p,
  isolation: i,
  simplicity: s,
  density: d,
  'unmodified-guests': u,
  passthrough: t,
});
const approach = (id: string, preference: number, extra: Partial<Approach>): Approach => ({
  id,
  name: id,
  description: id,
  preference,
  host: { features: [] },
  guests: ['linux'],
  guestFeatures: {},
  guestFeaturesRequired: false,
  needsHardwareVirtualization: false,
  scores: scores(1, 1, 1, 1, 0, 0),
  ...extra,
});
const approaches = [
  approach('vm', 1, {
    host: { features: ['kvm'], oneOf: [['hv-intel'], ['hv-amd']] },
    guests: ['linux', 'windows'],
    guestFeatures: { linux: ['pv-guest'] },
    needsHardwareVirtualization: true,
    scores: scores(3, 3, 2, 2, 3, 3),
  }),
  approach('box', 2, { host: { features: ['groups'] }, sharesHostKernel: true, scores: scores(3, 1, 3, 3, 0, 2) }),
  approach('legacy', 3, { host: { features: ['old'] }, guestFeatures: { linux: ['old'] }, guestFeaturesRequired: true }),
  approach('emulate', 4, { guests: ['linux', 'windows', 'bsd', 'other'], scores: scores(0, 3, 2, 0, 3, 0) }),
];
const knowledge = knowledgeBaseOf(features, [], approaches);

const machine = (over: Partial<MachineProfile> = {}): MachineProfile => ({
  arch: 'x86_64',
  cpuFlags: ['lm', 'vmx'],
  virtual: false,
  kernel: parseKernelVersion('6.1.0-18-amd64'),
  kvmUsable: true,
  inContainer: false,
  ...over,
});
const wishes = (over: Partial<Wishes> = {}): Wishes => ({ guests: ['linux'], goals: [], kernelChangeable: true, ...over });
const byId = (machineProfile: MachineProfile, wish: Wishes) => Object.fromEntries(recommend(knowledge, machineProfile, wish).map((c) => [c.id, c]));
const reasonText = (candidate: { reasons: Array<{ text: string }> }) => candidate.reasons.map((reason) => reason.text).join(' | ');

describe('recommend', () => {
  it('ranks eligible approaches first, by preference when no goal is given', () => {
    const ids = recommend(knowledge, machine(), wishes()).map((c) => [c.id, c.eligible, c.rank]);
    expect(ids).toEqual([
      ['vm', true, 1],
      ['box', true, 2],
      ['emulate', true, 3],
      ['legacy', false, 4],
    ]);
  });

  it('picks the vendor alternative the CPU has and reports its kernel and config', () => {
    const amd = byId(machine({ cpuFlags: ['svm'] }), wishes()).vm!;
    expect(amd).toMatchObject({ eligible: true, minKernel: '2.6.22', maxKernel: null, kernelSatisfied: true, kconfig: ['CONFIG_KVM', 'CONFIG_HV_AMD'] });
    const intel = byId(machine(), wishes()).vm!;
    expect(intel).toMatchObject({ minKernel: '2.6.20', kconfig: ['CONFIG_KVM', 'CONFIG_HV_INTEL'] });
    expect(reasonText(intel)).toMatch(/the CPU has vmx \|/);
  });

  it('inside a VM without vmx/svm, says so and names nested virtualization', () => {
    const vm = byId(machine({ cpuFlags: ['lm', 'hypervisor'], virtual: true }), wishes()).vm!;
    expect(vm.eligible).toBe(false);
    expect(reasonText(vm)).toMatch(/virtual machine whose CPU does not expose vmx or svm.*nested virtualization/);
  });

  it('names an out-of-tree KVM backend behind a usable /dev/kvm without vmx/svm, and stays with the mainline answer', () => {
    const vm = byId(machine({ cpuFlags: ['hypervisor'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_pvm'] }), wishes()).vm!;
    expect(vm.eligible).toBe(false);
    expect(reasonText(vm)).toMatch(/\/dev\/kvm is present and usable through kvm_pvm, a KVM backend that is not in mainline/);
  });

  it('ranks an approach that boots its own hypervisor last inside a VM, and says why', () => {
    const knowledgeWithOwn = knowledgeBaseOf(features, [], [...approaches, approach('own', 0, { needsOwnHypervisor: true, scores: scores(3, 3, 3, 3, 3, 3) })]);
    const onMetal = recommend(knowledgeWithOwn, machine(), wishes());
    expect(onMetal[0]!.id).toBe('own');
    const inVm = recommend(knowledgeWithOwn, machine({ virtual: true }), wishes());
    const own = inVm.find((candidate) => candidate.id === 'own')!;
    expect(own.rank).toBe(inVm.filter((candidate) => candidate.eligible).length);
    expect(reasonText(own)).toMatch(/its own hypervisor must boot inside it/);
  });

  it('names the CPU requirement once when the core feature and its alternatives ask the same', () => {
    const vm = byId(machine({ cpuFlags: ['lm'], virtual: false }), wishes()).vm!;
    expect(reasonText(vm)).toMatch(/does not show vmx or svm: absent/);
    expect(reasonText(vm)).not.toMatch(/vmx or svm; vmx or svm/);
  });

  it('on bare metal without vmx/svm, points at the firmware settings', () => {
    const vm = byId(machine({ cpuFlags: ['lm'], virtual: false }), wishes()).vm!;
    expect(vm.eligible).toBe(false);
    expect(reasonText(vm)).toMatch(/firmware/);
  });

  it('does not guess when the CPU flags are unknown', () => {
    const vm = byId(machine({ cpuFlags: null }), wishes()).vm!;
    expect(vm.eligible).toBe(true);
    expect(reasonText(vm)).toMatch(/CPU flags unknown/);
  });

  it('refuses guests an approach cannot run', () => {
    const result = byId(machine(), wishes({ guests: ['windows'] }));
    expect(result.box!.eligible).toBe(false);
    expect(reasonText(result.box!)).toMatch(/cannot run windows guests/);
    expect(result.vm!.eligible).toBe(true);
  });

  it('ranks by goals', () => {
    const ids = recommend(knowledge, machine(), wishes({ goals: ['density', 'simplicity'] })).map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual(['box', 'vm']);
  });

  it('tells an old kernel from one that cannot change', () => {
    const old = machine({ kernel: parseKernelVersion('2.6.21') });
    expect(byId(old, wishes()).vm).toMatchObject({ eligible: true, kernelSatisfied: true, minKernel: '2.6.20' });
    expect(byId(old, wishes()).box).toMatchObject({ eligible: true, kernelSatisfied: false, minKernel: '2.6.24' });
    expect(byId(old, wishes({ kernelChangeable: false })).box).toMatchObject({ eligible: false, kernelSatisfied: false });
  });

  it('marks a removed approach ineligible on a newer kernel, with maxKernel', () => {
    const legacy = byId(machine(), wishes()).legacy!;
    expect(legacy).toMatchObject({ eligible: false, minKernel: '2.6.23', maxKernel: '4.14', guestMinKernel: '2.6.23', kernelSatisfied: false });
    expect(reasonText(legacy)).toMatch(/removed from mainline in 4\.14/);
    expect(byId(machine({ kernel: parseKernelVersion('4.13') }), wishes()).legacy).toMatchObject({ eligible: true, kernelSatisfied: true });
  });

  it('gives kernelSatisfied null when no kernel is known', () => {
    expect(byId(machine({ kernel: null }), wishes()).vm!.kernelSatisfied).toBeNull();
  });

  it('names the config symbols as the given kernel calls them', () => {
    expect(byId(machine({ kernel: parseKernelVersion('3.2') }), wishes()).box!.kconfig).toEqual(['CONFIG_OLD_NAME']);
    expect(byId(machine({ kernel: parseKernelVersion('3.6') }), wishes()).box!.kconfig).toEqual(['CONFIG_NEW_NAME']);
  });

  it('says where an approach has no mainline support for the architecture', () => {
    const result = byId(machine({ arch: 'arm64', cpuFlags: [] }), wishes());
    expect(result.legacy!.eligible).toBe(false);
    expect(reasonText(result.legacy!)).toMatch(/not in mainline Linux on arm64/);
    // The vendor alternatives do not exist on arm64: the core feature decides, and /dev/kvm is the evidence.
    expect(result.vm).toMatchObject({ eligible: true, minKernel: '3.11' });
    expect(reasonText(result.vm!)).toMatch(/\/dev\/kvm is present and usable/);
  });

  it('reports guestMinKernel for Linux guests', () => {
    expect(byId(machine(), wishes()).vm!.guestMinKernel).toBe('2.6.30');
  });
});
