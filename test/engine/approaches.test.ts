import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch.js';
import { recommend, type MachineProfile, type Wishes } from '../../src/engine/recommend.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import { hardwareVirtualizationByArch, type GuestOs } from '../../src/rules/types.js';
import { parseKernelVersion } from '../../src/version/parse.js';

// The real approaches over the real knowledge base: each approach at the machines that decide it.
const { rules } = loadRulesDirectory(fileURLToPath(new URL('../../rules', import.meta.url)));
const knowledge = knowledgeBaseOf(rules.features, [], rules.approaches, [], hardwareVirtualizationByArch(rules.cpuFlags), [], rules.products);

interface Case {
  arch: Arch;
  flags: string[] | null;
  kernel: string | null;
  virtual?: boolean;
  guests?: GuestOs[];
  keepKernel?: boolean;
  expect: { eligible: boolean; minKernel?: string | null; maxKernel?: string | null; guestMinKernel?: string | null; kernelSatisfied?: boolean | null };
  reason?: RegExp;
}

const table: Record<string, Array<[string, Case]>> = {
  kvm: [
    ['Intel host on 6.1', { arch: 'x86_64', flags: ['vmx', 'lm'], kernel: '6.1', expect: { eligible: true, minKernel: '2.6.20', guestMinKernel: '2.6.25', kernelSatisfied: true } }],
    ['AMD host on 2.6.19 that must keep it', { arch: 'x86_64', flags: ['svm'], kernel: '2.6.19', keepKernel: true, expect: { eligible: false, kernelSatisfied: false }, reason: /needs kernel 2\.6\.20 or later/ }],
    ['VM without nested virtualization', { arch: 'x86_64', flags: ['hypervisor', 'lm'], kernel: '6.1', virtual: true, expect: { eligible: false }, reason: /nested virtualization/ }],
    ['arm64 on 3.10', { arch: 'arm64', flags: [], kernel: '3.10', expect: { eligible: true, minKernel: '3.11', kernelSatisfied: false } }],
    ['32-bit arm on 5.7, where it was removed', { arch: 'arm', flags: [], kernel: '5.7', expect: { eligible: false, minKernel: '3.9', maxKernel: '5.7', kernelSatisfied: false }, reason: /removed from mainline in 5\.7/ }],
    ['s390x LPAR with sie', { arch: 's390x', flags: ['sie', 'zarch'], kernel: '6.1', expect: { eligible: true, minKernel: '2.6.26' } }],
    ['s390x guest without sie', { arch: 's390x', flags: ['zarch'], kernel: '6.1', expect: { eligible: false }, reason: /sie/ }],
    ['RISC-V without the H extension', { arch: 'riscv64', flags: ['i', 'm', 'a'], kernel: '6.1', expect: { eligible: false, minKernel: '5.16' }, reason: /\bh\b/ }],
  ],
  'xen-pv': [
    ['x86_64 on 3.0', { arch: 'x86_64', flags: ['lm'], kernel: '3.0', guests: ['linux'], expect: { eligible: true, minKernel: '3.0', guestMinKernel: '2.6.27', kernelSatisfied: true } }],
    ['i386 on 5.9, where 32-bit PV went', { arch: 'i386', flags: ['pae'], kernel: '5.9', expect: { eligible: false, maxKernel: '5.9' }, reason: /removed from mainline in 5\.9/ }],
    ['Windows guests', { arch: 'x86_64', flags: ['vmx'], kernel: '6.1', guests: ['windows'], expect: { eligible: false }, reason: /cannot run windows/ }],
    ['arm64, where Xen has no PV guests', { arch: 'arm64', flags: [], kernel: '6.1', expect: { eligible: false, guestMinKernel: null }, reason: /Linux guests need xen-domu, which mainline does not have on arm64/ }],
  ],
  'xen-hvm': [
    ['VT-x host for Windows on 3.0', { arch: 'x86_64', flags: ['vmx'], kernel: '3.0', guests: ['windows'], expect: { eligible: true, minKernel: '3.0', guestMinKernel: '2.6.36' } }],
    ['no vmx or svm', { arch: 'x86_64', flags: ['lm'], kernel: '6.1', virtual: false, expect: { eligible: false }, reason: /vmx or svm/ }],
    ['2.6.39: netback but no blkback yet', { arch: 'x86_64', flags: ['vmx'], kernel: '2.6.39', keepKernel: true, expect: { eligible: false, minKernel: '3.0', kernelSatisfied: false } }],
  ],
  lguest: [
    ['32-bit host without VT on 2.6.30', { arch: 'i386', flags: ['pae'], kernel: '2.6.30', expect: { eligible: true, minKernel: '2.6.23', maxKernel: '4.14', guestMinKernel: '2.6.23', kernelSatisfied: true } }],
    ['4.14, where it was removed', { arch: 'i386', flags: ['pae'], kernel: '4.14', expect: { eligible: false, kernelSatisfied: false }, reason: /removed from mainline in 4\.14/ }],
    ['a 64-bit host', { arch: 'x86_64', flags: ['lm'], kernel: '2.6.30', expect: { eligible: false }, reason: /not in mainline Linux on x86_64/ }],
  ],
  containers: [
    ['2.6.25, before the devices controller, kernel fixed', { arch: 'x86_64', flags: [], kernel: '2.6.25', keepKernel: true, expect: { eligible: false, minKernel: '2.6.26', kernelSatisfied: false } }],
    ['arm64 on 6.1', { arch: 'arm64', flags: [], kernel: '6.1', expect: { eligible: true, minKernel: '3.7', kernelSatisfied: true } }],
    ['Windows guests', { arch: 'x86_64', flags: [], kernel: '6.1', guests: ['windows'], expect: { eligible: false }, reason: /cannot run windows/ }],
  ],
  uml: [
    ['x86_64 host', { arch: 'x86_64', flags: [], kernel: '6.1', expect: { eligible: true, kernelSatisfied: true } }],
    ['arm64 host', { arch: 'arm64', flags: [], kernel: '6.1', expect: { eligible: false }, reason: /not in mainline Linux on arm64/ }],
  ],
  virtualbox: [
    ['Intel laptop on 6.9, Windows guests', { arch: 'x86_64', flags: ['vmx', 'lm'], kernel: '6.9', guests: ['windows'], expect: { eligible: true, minKernel: null, kernelSatisfied: true }, reason: /Oracle VirtualBox 7\.0\.16 or later \(7\.0\.14 does not\); 7\.1\.0 or later; 7\.2\.0 or later supports kernel 6\.9/ }],
    ['no VT-x or AMD-V', { arch: 'x86_64', flags: ['lm'], kernel: '6.9', virtual: false, expect: { eligible: false }, reason: /vmx or svm/ }],
    ['arm64 host', { arch: 'arm64', flags: [], kernel: '6.9', expect: { eligible: false }, reason: /runs on x86_64 Linux hosts only/ }],
    ['a kernel newer than any release supports, kept', { arch: 'x86_64', flags: ['svm'], kernel: '7.3', keepKernel: true, expect: { eligible: false, kernelSatisfied: false }, reason: /not yet supported as far as known, and the kernel cannot be changed/ }],
    ['a kernel newer than any release supports, changeable', { arch: 'x86_64', flags: ['svm'], kernel: '7.3', expect: { eligible: true, kernelSatisfied: null }, reason: /kernel 7\.3 is newer than any kernel Oracle VirtualBox releases are known to support \(the newest: 7\.2, from 7\.2\.14\)/ }],
  ],
  'vmware-workstation': [
    ['Intel host on 6.7', { arch: 'x86_64', flags: ['vmx'], kernel: '6.7', expect: { eligible: true, kernelSatisfied: true }, reason: /VMware Workstation 17\.5\.0 or later \(17\.0\.2 does not\) supports kernel 6\.7, as far as community reports/ }],
    ['Intel host on 6.16', { arch: 'x86_64', flags: ['vmx'], kernel: '6.16', expect: { eligible: true, kernelSatisfied: null }, reason: /no VMware Workstation release is reported to build its modules on kernel 6\.16/ }],
  ],
  'qemu-tcg': [
    ['anything, anywhere', { arch: 'loongarch64', flags: null, kernel: null, guests: ['windows', 'other'], expect: { eligible: true, minKernel: null, maxKernel: null, kernelSatisfied: null } }],
  ],
};

describe.each(Object.entries(table))('approach %s', (id, cases) => {
  it.each(cases)('%s', (_name, c) => {
    const machine: MachineProfile = {
      arch: c.arch,
      cpuFlags: c.flags,
      virtual: c.virtual ?? null,
      kernel: c.kernel === null ? null : parseKernelVersion(c.kernel),
      kvmUsable: null,
      inContainer: null,
    };
    const wishes: Wishes = { guests: c.guests ?? [], goals: [], kernelChangeable: c.keepKernel !== true };
    const candidate = recommend(knowledge, machine, wishes).find((entry) => entry.id === id)!;
    expect(candidate).toMatchObject(c.expect);
    if (c.reason) expect(candidate.reasons.map((reason) => reason.text).join(' | ')).toMatch(c.reason);
  });
});

it('has a table for every approach in the knowledge base', () => {
  expect(Object.keys(table).sort()).toEqual(rules.approaches.map((approach) => approach.id).sort());
});
