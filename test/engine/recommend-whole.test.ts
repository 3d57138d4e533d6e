import { describe, expect, it } from 'vitest';
import { recommend, type MachineProfile, type Wishes } from '../../src/engine/recommend.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { realKnowledge } from './real-knowledge.js';

/**
 * Whole recommendations, every approach in rank order with every reason, for machines that take
 * the engine down each of its paths: a kernel that has it, one too old, one too new (a removal),
 * none known, no architecture, vendor kernels (a backport, a feature left out, a rebuild that may
 * differ), an architecture whose CPU flags say nothing, a machine described in words, what the running
 * system shows (modules, device nodes, cgroups, a container, a non-mainline KVM backend). Each answer
 * was read line by line against the knowledge base's releases and the vendors' records.
 */
const knowledge = realKnowledge;
const machine = (over: Partial<MachineProfile> = {}): MachineProfile => ({
  arch: 'x86_64',
  cpuFlags: ['lm', 'vmx'],
  virtual: false,
  kernel: parseKernelVersion('6.1'),
  kvmUsable: null,
  inContainer: null,
  ...over,
});
const wishes = (over: Partial<Wishes> = {}): Wishes => ({ guests: ['linux'], goals: [], kernelChangeable: true, ...over });

type Expected = { id: string; eligible: boolean; confirmed: boolean; minKernel: string | null; maxKernel: string | null; guestMinKernel: string | null; kernelSatisfied: boolean | null; reasons: string[] };

const cases: Array<[string, MachineProfile, Wishes, Expected[]]> = [
  [
    'a 6.1 Intel host, Linux and Windows guests',
    machine(),
    wishes({ guests: ['linux', 'windows'] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux, windows guests',
          'for: the CPU has vmx',
          'for: kernel 6.1 has it (needs 2.6.20)'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: runs linux, windows guests',
          'for: the CPU has vmx',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux, windows guests'
        ] },
      { id: 'containers', eligible: false, confirmed: false, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          'for: kernel 6.1 has it (needs 2.6.26)'
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'against: cannot run windows guests (runs linux, bsd)',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'uml', eligible: false, confirmed: false, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          'for: kernel 6.1 has it (needs 2.6.11)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'no kernel known, no guests named',
    machine({ kernel: null }),
    wishes({ guests: [] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: null,
        reasons: [
          'for: the CPU has vmx'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: null,
        reasons: [
          'for: the CPU has vmx'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: null,
        reasons: [] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'architecture unknown',
    machine({ arch: null }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'containers', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'uml', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
      { id: 'lguest', eligible: true, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: architecture unknown: kernel releases cannot be told'
        ] },
    ],
  ],
  [
    'a 2.6.18 kernel that cannot be changed',
    machine({ kernel: parseKernelVersion('2.6.18') }),
    wishes({ kernelChangeable: false }),
    [
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 2.6.18 has it (needs 2.6.11)'
        ] },
      { id: 'kvm', eligible: false, confirmed: false, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'against: needs kernel 2.6.20 or later, this one is 2.6.18, and it cannot be changed'
        ] },
      { id: 'containers', eligible: false, confirmed: false, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'against: needs kernel 2.6.26 or later, this one is 2.6.18, and it cannot be changed'
        ] },
      { id: 'xen-hvm', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'against: needs kernel 3.0 or later, this one is 2.6.18, and it cannot be changed'
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'against: needs kernel 3.0 or later, this one is 2.6.18, and it cannot be changed'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'RHEL 8.9, for device passthrough',
    machine({ kernel: parseKernelVersion('4.18.0-513.5.1.el8_9.x86_64') }),
    wishes({ goals: ['passthrough'] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '3.6', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'caveat: passthrough: VFIO hands a PCI device to the guest behind the IOMMU (Intel VT-d, AMD-Vi, an Arm SMMU); the IOMMU must be on in the firmware and in the kernel (intel_iommu=on where it is not the default)',
          'for: passthrough needs vfio, intel-iommu in the kernel: counted in the minimum kernel and the options',
          'caveat: whether an IOMMU is active is unknown (/sys/class/iommu could not be read)',
          'for: kernel 4.18 has it (needs 3.6)',
          'caveat: Red Hat Enterprise Linux 8.9 kernels differ from mainline 4.18: its config tells for sure (virt-advisor check --config)',
          'for: strong on device passthrough'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          "caveat: passthrough: Xen itself drives the IOMMU (VT-d, AMD-Vi) and dom0 hands devices over with xen-pciback: the IOMMU is not visible to dom0's Linux, and its support is in Xen, not in this kernel",
          "caveat: Red Hat Enterprise Linux 8.9 leaves out xen-dom0 (the vendor's record): another kernel is needed",
          'for: strong on device passthrough'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 4.18 has it (needs 2.6.26)',
          'caveat: Red Hat Enterprise Linux 8.9 kernels differ from mainline 4.18: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          "caveat: passthrough: Xen itself drives the IOMMU and dom0 hands PCI devices over with xen-pciback to the guest's xen-pcifront; without an IOMMU a PV guest's device can reach all of memory",
          "caveat: Red Hat Enterprise Linux 8.9 leaves out xen-dom0 (the vendor's record): another kernel is needed"
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'against: weak on device passthrough'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 4.18 has it (needs 2.6.11)',
          'caveat: Red Hat Enterprise Linux 8.9 kernels differ from mainline 4.18: its config tells for sure (virt-advisor check --config)',
          'against: weak on device passthrough'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64',
          'against: weak on device passthrough'
        ] },
    ],
  ],
  [
    'Ubuntu 5.15 on AMD with /dev/kvm usable',
    machine({ kernel: parseKernelVersion('5.15.0-91-generic'), cpuFlags: ['lm', 'svm'], kvmUsable: true }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has svm',
          'for: kernel 5.15 has it (needs 2.6.20)',
          'caveat: Ubuntu 20.04 HWE 5.15 or 22.04 GA 5.15 kernels differ from mainline 5.15: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 5.15 has it (needs 2.6.26)',
          'caveat: Ubuntu 20.04 HWE 5.15 or 22.04 GA 5.15 kernels differ from mainline 5.15: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has svm',
          'for: kernel 5.15 has it (needs 3.0)',
          'caveat: Ubuntu 20.04 HWE 5.15 or 22.04 GA 5.15 kernels differ from mainline 5.15: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 5.15 has it (needs 3.0)',
          'caveat: Ubuntu 20.04 HWE 5.15 or 22.04 GA 5.15 kernels differ from mainline 5.15: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 5.15 has it (needs 2.6.11)',
          'caveat: Ubuntu 20.04 HWE 5.15 or 22.04 GA 5.15 kernels differ from mainline 5.15: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'arm64 without a usable /dev/kvm',
    machine({ arch: 'arm64', cpuFlags: ['fp', 'asimd'], kvmUsable: false }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: false, minKernel: '3.11', maxKernel: null, guestMinKernel: '3.18', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo: a usable /dev/kvm is the evidence',
          'against: /dev/kvm is missing or not usable here',
          'for: kernel 6.1 has it (needs 3.11)'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '3.7', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 3.7)'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: false, minKernel: '3.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo, so it cannot be checked here',
          'for: kernel 6.1 has it (needs 3.11)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'against: Linux guests need xen-domu, which mainline does not have on arm64',
          'for: kernel 6.1 has it (needs 3.11)'
        ] },
      { id: 'uml', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on arm64 (uml)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on arm64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on arm64'
        ] },
    ],
  ],
  [
    'i386, no kernel known: removals are caveats',
    machine({ arch: 'i386', cpuFlags: ['vmx'], kernel: null }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: '5.9', guestMinKernel: '2.6.36', kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'caveat: removed from mainline in 5.9: only kernels before it have it'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: '5.9', guestMinKernel: '2.6.23', kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: removed from mainline in 5.9: only kernels before it have it'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.0', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'lguest', eligible: true, confirmed: true, minKernel: '2.6.23', maxKernel: '4.14', guestMinKernel: '2.6.23', kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: removed from mainline in 4.14: only kernels before it have it'
        ] },
    ],
  ],
  [
    'i386 with 6.1: removed approaches are out',
    machine({ arch: 'i386', cpuFlags: ['vmx'] }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'for: kernel 6.1 has it (needs 2.6.20)'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.26)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.0', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.0)'
        ] },
      { id: 'xen-hvm', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: '5.9', guestMinKernel: '2.6.36', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'against: removed from mainline in 5.9; kernel 6.1 is too new, and an older, unmaintained kernel is no answer'
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: '5.9', guestMinKernel: '2.6.23', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'against: removed from mainline in 5.9; kernel 6.1 is too new, and an older, unmaintained kernel is no answer'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: '2.6.23', maxKernel: '4.14', guestMinKernel: '2.6.23', kernelSatisfied: false,
        reasons: [
          'for: runs linux guests',
          'against: removed from mainline in 4.14; kernel 6.1 is too new, and an older, unmaintained kernel is no answer'
        ] },
    ],
  ],
  [
    'RHEL 5.4 (KVM backported), Windows guests',
    machine({ kernel: parseKernelVersion('2.6.18-164.el5'), cpuFlags: ['lm', 'svm'] }),
    wishes({ guests: ['windows'] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs windows guests',
          'for: the CPU has svm',
          'for: Red Hat Enterprise Linux 5.4 has it: backported (kvm since 5.4, kvm-amd since 5.4), although mainline 2.6.18 does not'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: null,
        reasons: [
          'for: runs windows guests',
          'for: the CPU has svm',
          "caveat: whether Red Hat Enterprise Linux 5.4 has xen-dom0 cannot be told from the version (mainline 3.0; no record of the vendor's backport): its config tells (virt-advisor check --config)"
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs windows guests'
        ] },
      { id: 'containers', eligible: false, confirmed: false, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          "caveat: whether Red Hat Enterprise Linux 5.4 has cgroups, cgroup-devices, namespaces cannot be told from the version (mainline 2.6.26; no record of the vendor's backport): its config tells (virt-advisor check --config)"
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: null,
        reasons: [
          'against: cannot run windows guests (runs linux, bsd)',
          "caveat: whether Red Hat Enterprise Linux 5.4 has xen-dom0 cannot be told from the version (mainline 3.0; no record of the vendor's backport): its config tells (virt-advisor check --config)"
        ] },
      { id: 'uml', eligible: false, confirmed: false, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          'for: kernel 2.6.18 has it (needs 2.6.11)',
          'caveat: Red Hat Enterprise Linux 5.4 kernels differ from mainline 2.6.18: its config tells for sure (virt-advisor check --config)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'against: cannot run windows guests (runs linux)',
          'against: not in mainline Linux on x86_64 (lguest)'
        ] },
    ],
  ],
  [
    'a machine described in words: AMD, hardware virtualization yes',
    machine({ cpuFlags: null, hardwareVirtualization: true, cpuVendor: 'amd' }),
    wishes({ guests: [] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: hardware virtualization (AMD-V): yes, as answered',
          'for: kernel 6.1 has it (needs 2.6.20)'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: kernel 6.1 has it (needs 2.6.26)'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: hardware virtualization (AMD-V): yes, as answered',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: kernel 6.1 has it (needs 2.6.11)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'a KVM host in a container: modules loaded, no vhost-net or tun, hybrid cgroups, for performance',
    machine({ kvmUsable: true, kvmModules: ['kvm', 'kvm_intel'], loadedModules: ['kvm', 'kvm_intel', 'vhost_net'], vhostNet: false, tun: false, cgroups: 'hybrid', inContainer: true }),
    wishes({ goals: ['performance'] }),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'for: kernel 6.1 has it (needs 2.6.20)',
          'for: kvm_intel is loaded',
          'caveat: /dev/vhost-net is missing: guest networking runs in the VMM, slower (modprobe vhost_net)',
          'caveat: /dev/net/tun is missing: tap networking for guests needs it (modprobe tun)',
          'for: strong on performance'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.26)',
          'caveat: already inside a container: nested containers need the outer runtime to allow them',
          'caveat: the cgroup controllers are mounted as v1, beside a v2 hierarchy (hybrid): runtimes that need cgroup v2 (rootless ones with resource limits, for one) need the unified hierarchy (systemd.unified_cgroup_hierarchy=1)',
          'for: strong on performance'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: the CPU has vmx',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.11)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'against: weak on performance'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'a machine described in words: Intel, no hardware virtualization',
    machine({ cpuFlags: null, hardwareVirtualization: false, cpuVendor: 'intel' }),
    wishes(),
    [
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.26)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.11)'
        ] },
      { id: 'kvm', eligible: false, confirmed: false, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'against: no hardware virtualization, as answered (needs vmx or svm)',
          'for: kernel 6.1 has it (needs 2.6.20)'
        ] },
      { id: 'xen-hvm', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'against: no hardware virtualization, as answered (needs vmx or svm)',
          'for: kernel 6.1 has it (needs 3.0)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
    ],
  ],
  [
    'arm64 with a usable /dev/kvm, no kernel known, cgroup v1',
    machine({ arch: 'arm64', cpuFlags: [], kvmUsable: true, kernel: null, cgroups: 'v1' }),
    wishes(),
    [
      { id: 'kvm', eligible: true, confirmed: true, minKernel: '3.11', maxKernel: null, guestMinKernel: '3.18', kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo: a usable /dev/kvm is the evidence',
          'for: /dev/kvm is present and usable'
        ] },
      { id: 'containers', eligible: true, confirmed: true, minKernel: '3.7', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: only cgroup v1 is mounted: runtimes that need cgroup v2 (rootless ones with resource limits, for one) need the unified hierarchy (systemd.unified_cgroup_hierarchy=1)'
        ] },
      { id: 'xen-hvm', eligible: true, confirmed: false, minKernel: '3.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo, so it cannot be checked here'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'xen-pv', eligible: false, confirmed: false, minKernel: '3.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: Linux guests need xen-domu, which mainline does not have on arm64'
        ] },
      { id: 'uml', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on arm64 (uml)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on arm64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on arm64'
        ] },
    ],
  ],
  [
    'a VM without nested VT-x whose /dev/kvm is kvm_pvm, no cgroups mounted',
    machine({ cpuFlags: ['lm', 'hypervisor'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_pvm'], cgroups: 'none', inContainer: true }),
    wishes(),
    [
      { id: 'containers', eligible: true, confirmed: true, minKernel: '2.6.26', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.26)',
          'caveat: already inside a container: nested containers need the outer runtime to allow them',
          'caveat: no cgroup hierarchy is mounted'
        ] },
      { id: 'qemu-tcg', eligible: true, confirmed: true, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests'
        ] },
      { id: 'uml', eligible: true, confirmed: true, minKernel: '2.6.11', maxKernel: null, guestMinKernel: null, kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 2.6.11)'
        ] },
      { id: 'xen-pv', eligible: true, confirmed: true, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.27', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'for: kernel 6.1 has it (needs 3.0)',
          'caveat: this machine is a virtual machine: its own hypervisor must boot inside it, which few outer hypervisors allow'
        ] },
      { id: 'kvm', eligible: false, confirmed: false, minKernel: '2.6.20', maxKernel: null, guestMinKernel: '2.6.25', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          'caveat: /dev/kvm is present and usable through kvm_pvm, a KVM backend that is not in mainline (kvm_pvm runs guests without hardware virtualization): KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about',
          "against: this is a virtual machine whose CPU does not expose vmx or svm: enable nested virtualization on the outer host (kvm_intel.nested=1 or kvm_amd.nested=1, or the cloud's nested-virtualization option), or use containers or emulation",
          'for: kernel 6.1 has it (needs 2.6.20)'
        ] },
      { id: 'lguest', eligible: false, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null,
        reasons: [
          'for: runs linux guests',
          'against: not in mainline Linux on x86_64 (lguest)',
          'against: Linux guests need lguest, which mainline does not have on x86_64'
        ] },
      { id: 'xen-hvm', eligible: false, confirmed: false, minKernel: '3.0', maxKernel: null, guestMinKernel: '2.6.36', kernelSatisfied: true,
        reasons: [
          'for: runs linux guests',
          "against: this is a virtual machine whose CPU does not expose vmx or svm: enable nested virtualization on the outer host (kvm_intel.nested=1 or kvm_amd.nested=1, or the cloud's nested-virtualization option), or use containers or emulation",
          'for: kernel 6.1 has it (needs 3.0)',
          'caveat: this machine is a virtual machine: its own hypervisor must boot inside it, which few outer hypervisors allow'
        ] },
    ],
  ],
];

describe('whole recommendations', () => {
  it.each(cases)('%s', (_title, profile, wish, expected) => {
    // The hosted hypervisors' answers are whole in recommend-hosted.test.ts; here, the others' order.
    const hosted = new Set(knowledge.approaches.filter((approach) => approach.product !== undefined).map((approach) => approach.id));
    const got = recommend(knowledge, profile, wish).filter((candidate) => !hosted.has(candidate.id)).map((candidate) => ({
      id: candidate.id,
      eligible: candidate.eligible,
      confirmed: candidate.confirmed,
      minKernel: candidate.minKernel,
      maxKernel: candidate.maxKernel,
      guestMinKernel: candidate.guestMinKernel,
      kernelSatisfied: candidate.kernelSatisfied,
      reasons: candidate.reasons.map((reason) => `${reason.kind}: ${reason.text}`),
    }));
    expect(got).toEqual(expected);
  });
});
