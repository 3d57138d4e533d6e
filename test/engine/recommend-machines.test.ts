import { describe, expect, it } from 'vitest';
import { knowsMachine, recommend, type Candidate, type MachineProfile, type Wishes } from '../../src/engine/recommend.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { realKnowledge } from './real-knowledge.js';

/**
 * The engine on the real knowledge base (vendor records included), one machine kind at a time: each
 * reason's exact words, so that a changed branch or message is seen. test/cli/recommend-machines
 * runs the same kinds of machine through the binary.
 */
const knowledge = realKnowledge;

const machine = (over: Partial<MachineProfile> & { kernelText?: string | null } = {}): MachineProfile => {
  const { kernelText, ...rest } = over;
  return {
    arch: 'x86_64',
    cpuFlags: ['lm', 'vmx'],
    virtual: false,
    kernel: kernelText === null ? null : parseKernelVersion(kernelText ?? '6.1'),
    kvmUsable: null,
    inContainer: null,
    ...rest,
  };
};
const wishes = (over: Partial<Wishes> = {}): Wishes => ({ guests: ['linux'], goals: [], kernelChangeable: true, ...over });
function ranked(profile: MachineProfile, wish: Wishes = wishes()) {
  const candidates = recommend(knowledge, profile, wish);
  const byId = Object.fromEntries(candidates.map((candidate) => [candidate.id, candidate])) as Record<string, Candidate>;
  const reasons = (id: string) => byId[id]!.reasons.map((reason) => `${reason.kind}: ${reason.text}`);
  return { candidates, byId, reasons };
}

describe('the CPU', () => {
  it('on bare metal without the flag: absent or off in the firmware', () => {
    const { byId, reasons } = ranked(machine({ cpuFlags: ['lm'], virtual: false }));
    expect(byId.kvm!.eligible).toBe(false);
    expect(reasons('kvm')).toContain('against: the CPU does not show vmx or svm: absent, or disabled in the firmware (BIOS/UEFI) settings');
  });

  it('not known to be virtual: all three causes, and no nested advice', () => {
    const { reasons } = ranked(machine({ cpuFlags: ['lm'], virtual: null }));
    expect(reasons('kvm')).toContain('against: the CPU does not show vmx or svm: absent, disabled in the firmware, or hidden by a hypervisor (nested virtualization not exposed)');
  });

  it('in a virtual machine: nested advice for the architecture', () => {
    expect(ranked(machine({ cpuFlags: ['lm'], virtual: true })).reasons('kvm')).toContain(
      "against: this is a virtual machine whose CPU does not expose vmx or svm: enable nested virtualization on the outer host (kvm_intel.nested=1 or kvm_amd.nested=1, or the cloud's nested-virtualization option), or use containers or emulation",
    );
    expect(ranked(machine({ arch: 's390x', cpuFlags: ['zarch'], virtual: true })).reasons('kvm')).toContain(
      "against: this is a virtual machine whose CPU does not expose sie: enable nested virtualization on the outer host (the outer hypervisor's nested-virtualization option), or use containers or emulation",
    );
  });

  it('the flag there: for, naming it', () => {
    expect(ranked(machine({ cpuFlags: ['lm', 'svm'] })).reasons('kvm')).toContain('for: the CPU has svm');
  });

  it('a usable /dev/kvm through an out-of-tree backend is a caveat, not an answer', () => {
    const { byId, reasons } = ranked(machine({ cpuFlags: ['lm', 'hypervisor'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_pvm'] }));
    expect(byId.kvm!.eligible).toBe(false);
    expect(reasons('kvm')).toContain(
      'caveat: /dev/kvm is present and usable through kvm_pvm, a KVM backend that is not in mainline (kvm_pvm runs guests without hardware virtualization): KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about',
    );
    expect(ranked(machine({ cpuFlags: ['lm'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_intel'] })).reasons('kvm')).toContain(
      'caveat: /dev/kvm is present and usable: KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about',
    );
    // kvm_amd is mainline's too; no caveat where /dev/kvm is not usable, nor for an approach without KVM.
    expect(ranked(machine({ cpuFlags: ['lm'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_amd'] })).reasons('kvm')).toContain(
      'caveat: /dev/kvm is present and usable: KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about',
    );
    const unusable = ranked(machine({ cpuFlags: ['lm', 'hypervisor'], virtual: true, kvmUsable: false, kvmModules: ['kvm', 'kvm_pvm'] }));
    expect(unusable.reasons('kvm').join(' ')).not.toContain('/dev/kvm is present');
    expect(ranked(machine({ cpuFlags: ['lm', 'hypervisor'], virtual: true, kvmUsable: true, kvmModules: ['kvm', 'kvm_pvm'] })).reasons('xen-hvm').join(' ')).not.toContain('/dev/kvm');
  });

  it('where cpuinfo never shows it (arm64): /dev/kvm is the evidence', () => {
    const arm = (kvmUsable: boolean | null) => ranked(machine({ arch: 'arm64', cpuFlags: ['fp', 'asimd'], kvmUsable }));
    expect(arm(true).reasons('kvm')).toEqual(expect.arrayContaining(['caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo: a usable /dev/kvm is the evidence', 'for: /dev/kvm is present and usable']));
    expect(arm(true).byId.kvm!.confirmed).toBe(true);
    expect(arm(false).reasons('kvm')).toContain('against: /dev/kvm is missing or not usable here');
    // Missing /dev/kvm is worth saying, but a module can still be loaded: not ruled out.
    expect(arm(false).byId.kvm).toMatchObject({ eligible: true, confirmed: false });
    expect(arm(null).byId.kvm!.confirmed).toBe(false);
    expect(ranked(machine({ arch: 'arm64', cpuFlags: [] })).reasons('xen-hvm')).toContain('caveat: arm64 CPUs do not show hardware virtualization in /proc/cpuinfo, so it cannot be checked here');
  });
});

describe('a CPU described in words', () => {
  const described = (hardwareVirtualization: boolean | null, cpuVendor: 'intel' | 'amd' | null = null) => ranked(machine({ cpuFlags: null, virtual: null, hardwareVirtualization, cpuVendor }));

  it('yes: for, naming the vendor\'s technology; the vendor picks the KVM module', () => {
    expect(described(true, 'intel').reasons('kvm')).toContain('for: hardware virtualization (Intel VT-x): yes, as answered');
    expect(described(true, 'intel').byId.kvm!.kconfig).toContain('CONFIG_KVM_INTEL');
    expect(described(true, 'amd').reasons('kvm')).toContain('for: hardware virtualization (AMD-V): yes, as answered');
    expect(described(true, 'amd').byId.kvm!.kconfig).toContain('CONFIG_KVM_AMD');
    expect(described(true, 'amd').byId.kvm!.kconfig).not.toContain('CONFIG_KVM_INTEL');
    expect(described(true).reasons('kvm')).toContain('for: hardware virtualization: yes, as answered');
    expect(described(true).byId.kvm!.confirmed).toBe(true);
  });

  it('no: not eligible; don\'t know: a caveat, eligible but not confirmed', () => {
    expect(described(false).byId.kvm!.eligible).toBe(false);
    expect(described(false).reasons('kvm')).toContain('against: no hardware virtualization, as answered (needs vmx or svm)');
    expect(described(null).byId.kvm).toMatchObject({ eligible: true, confirmed: false });
    expect(described(null).reasons('kvm')).toContain("caveat: CPU flags unknown (answered: don't know): cannot check for vmx or svm");
    // Not asked at all: no "answered".
    expect(ranked(machine({ cpuFlags: null })).reasons('kvm')).toContain('caveat: CPU flags unknown: cannot check for vmx or svm');
  });
});

describe('Xen', () => {
  it('dom0: Xen\'s approaches first, VT-x unknown rather than absent, no KVM, no boot penalty', () => {
    const dom0 = machine({ xen: 'dom0', cpuFlags: ['lm', 'pae'], virtual: true, kernelText: '2.6.18-398.el5xen' });
    const { candidates, byId, reasons } = ranked(dom0);
    expect(candidates.slice(0, 2).map((candidate) => candidate.id)).toEqual(['xen-hvm', 'xen-pv']);
    expect(byId['xen-pv']!.score).toBe(50);
    expect(reasons('xen-hvm')).toContain('for: Xen is already running, and this is its dom0: it starts guests (xl, libvirt)');
    expect(reasons('xen-hvm')).toContain('caveat: whether the CPU has vmx or svm is unknown: Xen hides it from its dom0 (xl info lists hvm in virt_caps when it is there)');
    expect(reasons('xen-hvm').join(' ')).not.toMatch(/must boot inside it|nested/);
    expect(byId.kvm!.eligible).toBe(false);
    expect(reasons('kvm')).toContain('against: Xen is running beneath this dom0 and keeps VT-x/AMD-V to itself: KVM needs the machine booted without Xen');
  });

  it('domU: Xen\'s nested advice, and Xen would run nested', () => {
    const { reasons, byId } = ranked(machine({ xen: 'domU', cpuFlags: ['lm'], virtual: true }));
    expect(reasons('kvm')).toContain(
      'against: this is a Xen guest (domU) whose CPU does not expose vmx or svm: Xen exposes it to an HVM guest only with nested virtualization turned on for it (nestedhvm=1 in its xl config), or use containers or emulation',
    );
    expect(reasons('xen-pv')).toContain('caveat: this machine is a Xen guest: Xen would have to run nested inside it');
    expect(byId['xen-pv']!.score).toBe(-100);
  });

  it('another virtual machine: its own hypervisor must boot inside it', () => {
    expect(ranked(machine({ virtual: true })).reasons('xen-pv')).toContain('caveat: this machine is a virtual machine: its own hypervisor must boot inside it, which few outer hypervisors allow');
  });
});

describe('the kernel, with the vendor\'s record', () => {
  it('a vendor backport makes an old release enough', () => {
    const { byId, reasons } = ranked(machine({ kernelText: '2.6.18-164.el5' }), wishes({ kernelChangeable: false }));
    expect(byId.kvm).toMatchObject({ eligible: true, kernelSatisfied: true, minKernel: '2.6.20' });
    expect(reasons('kvm')).toContain('for: Red Hat Enterprise Linux 5.4 has it: backported (kvm since 5.4, kvm-intel since 5.4), although mainline 2.6.18 does not');
    expect(reasons('kvm').join(' ')).not.toContain('differ from mainline');
  });

  it('a vendor that leaves a feature out: another kernel, or not eligible when it is fixed', () => {
    const rhel8 = machine({ kernelText: '4.18.0-513.el8.x86_64' });
    expect(ranked(rhel8).reasons('xen-hvm')).toContain('caveat: Red Hat Enterprise Linux 8.9 leaves out xen-dom0 (the vendor\'s record): another kernel is needed');
    expect(ranked(rhel8).byId['xen-hvm']!.kernelSatisfied).toBe(false);
    const fixed = ranked(rhel8, wishes({ kernelChangeable: false }));
    expect(fixed.byId['xen-hvm']!.eligible).toBe(false);
    expect(fixed.reasons('xen-hvm')).toContain("against: Red Hat Enterprise Linux 8.9 leaves out xen-dom0 (the vendor's record), and the kernel cannot be changed");
  });

  it('a heavy backporter without a record: unknown, said so, and not confirmed', () => {
    const { byId, reasons } = ranked(machine({ kernelText: '2.6.18-398.el5' }));
    expect(byId.containers!.kernelSatisfied).toBeNull();
    expect(byId.containers!.confirmed).toBe(false);
    expect(reasons('containers')).toContain(
      'caveat: whether Red Hat Enterprise Linux 5.11 has cgroups, cgroup-devices, namespaces cannot be told from the version (mainline 2.6.26; no record of the vendor\'s backport): its config tells (virt-advisor check --config)',
    );
  });

  it('a supported verdict on a backporting vendor kernel carries the caveat; a rare backporter\'s does not', () => {
    expect(ranked(machine({ kernelText: '4.18.0-513.el8.x86_64' })).reasons('kvm')).toContain(
      'caveat: Red Hat Enterprise Linux 8.9 kernels differ from mainline 4.18: its config tells for sure (virt-advisor check --config)',
    );
    expect(ranked(machine({ kernelText: '6.1.0-18-amd64' })).reasons('kvm').join(' ')).not.toContain('differ from mainline');
    // A patched kernel of no known vendor: its distribution's name.
    expect(ranked(machine({ kernelText: '2.6.32-042stab134.3' })).reasons('kvm')).toContain('caveat: OpenVZ kernels differ from mainline 2.6.32: its config tells for sure (virt-advisor check --config)');
    // A vendor with no records in the knowledge base: its name, the same caveat.
    expect(ranked(machine({ kernelText: '6.5.6-300.fc39.x86_64' })).reasons('kvm')).toContain('caveat: Fedora kernels differ from mainline 6.5: its config tells for sure (virt-advisor check --config)');
    // A distribution that follows mainline: no caveat.
    expect(ranked(machine({ kernelText: '6.6.10-arch1-1' })).reasons('kvm').join(' ')).not.toContain('differ from mainline');
    // A release that has it, before the release that removed it.
    expect(ranked(machine({ arch: 'i386', cpuFlags: ['vmx'], kernelText: '4.13.16' })).reasons('lguest')).toContain('for: kernel 4.13 has it (needs 2.6.23, before 4.14)');
    // Pure emulation asks nothing of the kernel: no kernel caveat at all.
    expect(ranked(machine({ kernelText: '4.18.0-513.el8.x86_64' })).reasons('qemu-tcg').join(' ')).not.toMatch(/kernel|Red Hat/);
    expect(ranked(machine({ kernelText: '4.18.0-513.el8.x86_64' })).byId['qemu-tcg']!.kernelSatisfied).toBe(true);
  });

  it('too old, removed, not Linux', () => {
    expect(ranked(machine({ kernelText: '2.6.19' })).reasons('kvm')).toContain('caveat: needs kernel 2.6.20 or later; this one is 2.6.19');
    expect(ranked(machine({ kernelText: '2.6.19' }), wishes({ kernelChangeable: false })).reasons('kvm')).toContain('against: needs kernel 2.6.20 or later, this one is 2.6.19, and it cannot be changed');
    expect(ranked(machine({ arch: 'i386', cpuFlags: ['pae'], kernelText: '4.14' })).reasons('lguest')).toContain(
      'against: removed from mainline in 4.14; kernel 4.14 is too new, and an older, unmaintained kernel is no answer',
    );
    const wsl = ranked(machine({ kernelText: '4.4.0-19041-Microsoft' }));
    expect(wsl.byId.kvm!.eligible).toBe(false);
    expect(wsl.reasons('kvm').some((text) => text.startsWith('against: Windows Subsystem for Linux 1: ') && text.endsWith(': no Linux kernel feature is there'))).toBe(true);
  });

  it('names the options as the first release that has them all, for a kernel too old', () => {
    const old = ranked(machine({ kernelText: '3.5' }), wishes({ goals: ['passthrough'] }));
    expect(old.byId.kvm).toMatchObject({ minKernel: '3.6', kernelSatisfied: false });
    expect(old.byId.kvm!.kconfig).toEqual(expect.arrayContaining(['CONFIG_VFIO', 'CONFIG_INTEL_IOMMU']));
    expect(ranked(machine({ kernelText: null })).byId.kvm!.kconfig).toEqual(['CONFIG_KVM', 'CONFIG_KVM_INTEL']);
  });
});

describe('passthrough', () => {
  const goal = wishes({ goals: ['passthrough'] });

  it('adds VFIO and the IOMMU driver of the CPU\'s vendor', () => {
    expect(ranked(machine(), goal).reasons('kvm')).toContain('for: passthrough needs vfio, intel-iommu in the kernel: counted in the minimum kernel and the options');
    expect(ranked(machine({ cpuFlags: ['lm', 'svm'] }), goal).reasons('kvm')).toContain('for: passthrough needs vfio, amd-iommu in the kernel: counted in the minimum kernel and the options');
    // arm64 has neither x86 IOMMU driver: VFIO alone.
    expect(ranked(machine({ arch: 'arm64', cpuFlags: [] }), goal).reasons('kvm')).toContain('for: passthrough needs vfio in the kernel: counted in the minimum kernel and the options');
    expect(ranked(machine({ arch: 'arm64', cpuFlags: [] }), goal).byId.kvm!.minKernel).toBe('3.19');
  });

  it('says how, and whether an IOMMU is active', () => {
    const { reasons } = ranked(machine({ iommu: true }), goal);
    expect(reasons('kvm')).toContain(`caveat: passthrough: ${knowledge.approaches.find((approach) => approach.id === 'kvm')!.passthrough!.note}`);
    expect(reasons('kvm')).toContain('for: an IOMMU is active (/sys/class/iommu)');
    expect(ranked(machine({ iommu: false }), goal).reasons('kvm')).toContain(
      'against: no IOMMU is active: turn on VT-d or AMD-Vi in the firmware, and in the kernel where it is off by default (intel_iommu=on)',
    );
    expect(ranked(machine({ iommu: false }), goal).byId.kvm!.eligible).toBe(true);
    expect(ranked(machine(), goal).reasons('kvm')).toContain('caveat: whether an IOMMU is active is unknown (/sys/class/iommu could not be read)');
    // Xen drives the IOMMU: nothing said of the one Linux sees.
    expect(ranked(machine({ iommu: false }), goal).reasons('xen-hvm').join(' ')).not.toContain('IOMMU is active');
    expect(ranked(machine({ iommu: false, xen: 'dom0' }), goal).reasons('kvm').join(' ')).not.toContain('IOMMU is active');
  });

  it('asks nothing more without the goal', () => {
    expect(ranked(machine({ iommu: false })).reasons('kvm').join(' ')).not.toMatch(/IOMMU|passthrough/);
  });
});

describe('live state', () => {
  it('KVM: loaded modules, /dev/vhost-net, /dev/net/tun', () => {
    const live = ranked(machine({ loadedModules: ['kvm', 'kvm_amd', 'vhost_net'], vhostNet: true, tun: false }));
    expect(live.reasons('kvm')).toEqual(
      expect.arrayContaining([
        'for: kvm_amd is loaded',
        'for: /dev/vhost-net is there: guest networking can run in the host kernel (vhost-net)',
        'caveat: /dev/net/tun is missing: tap networking for guests needs it (modprobe tun)',
      ]),
    );
    expect(ranked(machine({ loadedModules: ['kvm'] })).reasons('kvm').join(' ')).not.toContain('is loaded');
    expect(ranked(machine({ vhostNet: false }), wishes({ goals: ['performance'] })).reasons('kvm')).toContain(
      'caveat: /dev/vhost-net is missing: guest networking runs in the VMM, slower (modprobe vhost_net)',
    );
    expect(ranked(machine({ vhostNet: false })).reasons('kvm').join(' ')).not.toContain('vhost-net is missing');
  });

  it('containers: the cgroup hierarchy, and a container inside one', () => {
    const words = (cgroups: MachineProfile['cgroups']) => ranked(machine({ cgroups })).reasons('containers');
    expect(words('v2')).toContain('for: the cgroup v2 hierarchy is mounted');
    expect(words('v1')).toContain('caveat: only cgroup v1 is mounted: runtimes that need cgroup v2 (rootless ones with resource limits, for one) need the unified hierarchy (systemd.unified_cgroup_hierarchy=1)');
    expect(words('hybrid')).toContain(
      'caveat: the cgroup controllers are mounted as v1, beside a v2 hierarchy (hybrid): runtimes that need cgroup v2 (rootless ones with resource limits, for one) need the unified hierarchy (systemd.unified_cgroup_hierarchy=1)',
    );
    expect(words('none')).toContain('caveat: no cgroup hierarchy is mounted');
    expect(words(null).join(' ')).not.toContain('cgroup v');
    expect(ranked(machine({ inContainer: true })).reasons('containers')).toContain('caveat: already inside a container: nested containers need the outer runtime to allow them');
    expect(ranked(machine({ inContainer: true })).reasons('kvm')).toContain('caveat: inside a container: /dev/kvm must be passed in');
    expect(ranked(machine({ inContainer: true, kvmUsable: true })).reasons('kvm').join(' ')).not.toContain('must be passed in');
  });
});

describe('guests', () => {
  it('Windows gets its driver note only when asked for, and only where it runs', () => {
    const windows = ranked(machine(), wishes({ guests: ['windows'] }));
    expect(windows.byId.kvm!.guestNotes).toEqual([knowledge.approaches.find((approach) => approach.id === 'kvm')!.guestNotes!.windows!.text]);
    expect(windows.byId['xen-hvm']!.guestNotes[0]).toMatch(/^Windows guests run on emulated devices unless the Xen PV drivers/);
    expect(windows.byId.containers!.guestNotes).toEqual([]);
    expect(ranked(machine()).byId.kvm!.guestNotes).toEqual([]);
    expect(windows.byId.kvm!.runsGuests).toBe(true);
    expect(windows.byId.containers!.runsGuests).toBe(false);
  });

  it('a Linux guest minimum is a need (Xen PV) or the paravirtual cut-off (KVM)', () => {
    const { byId } = ranked(machine());
    expect(byId['xen-pv']).toMatchObject({ guestKernelRequired: true, guestMinKernel: '2.6.27' });
    expect(byId.kvm).toMatchObject({ guestKernelRequired: false, guestMinKernel: '2.6.25' });
    expect(byId.kvm!.notes).toEqual(knowledge.approaches.find((approach) => approach.id === 'kvm')!.notes);
  });
});

describe('what is known', () => {
  it('knowsMachine: any fact beyond the architecture', () => {
    const bare: MachineProfile = { arch: 'x86_64', cpuFlags: null, virtual: null, kernel: null, kvmUsable: null, inContainer: null };
    expect(knowsMachine(bare)).toBe(false);
    expect(knowsMachine({ ...bare, hardwareVirtualization: null })).toBe(false);
    for (const fact of [{ cpuFlags: [] }, { virtual: false }, { kernel: parseKernelVersion('6.1') }, { kvmUsable: false }, { inContainer: false }, { xen: 'none' as const }, { hardwareVirtualization: false }]) {
      expect(knowsMachine({ ...bare, ...fact }), JSON.stringify(fact)).toBe(true);
    }
    expect(ranked(bare).candidates.some((candidate) => candidate.confirmed)).toBe(false);
  });

  it('confirmed: a changeable kernel is no obstacle; a fixed unknown one is', () => {
    expect(ranked(machine({ kernelText: null })).byId.kvm!.confirmed).toBe(true);
    expect(ranked(machine({ kernelText: null }), wishes({ kernelChangeable: false })).byId.kvm!.confirmed).toBe(false);
    expect(ranked(machine({ kernelText: '2.6.19' })).byId.kvm!.confirmed).toBe(true);
    expect(ranked(machine({ kernelText: '6.1' }), wishes({ kernelChangeable: false })).byId.kvm!.confirmed).toBe(true);
    expect(ranked(machine({ cpuFlags: ['lm'] })).byId.kvm!.confirmed).toBe(false);
  });
});
