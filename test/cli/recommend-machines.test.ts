import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, sharedTempDir } from './run.js';

/**
 * recommend on the machines people have: a Xen dom0 and a domU, a host with live state to read,
 * passthrough, guests of each kind, vendor kernels, and machines of which nothing is known.
 * Run through the real binary.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const root = (name: string) => join(FIXTURES, 'roots', name);
const EVIDENCE = readFileSync(fileURLToPath(new URL('../evidence/boundaries.tsv', import.meta.url)), 'utf8');

/** The release the evidence table (written from the sources, not from rules/) gives a feature. */
function evidenceAdded(feature: string, arch: string): string {
  const row = EVIDENCE.split('\n').find((line) => line.startsWith(`${feature}\t${arch}\t`));
  if (!row) throw new Error(`no evidence row for ${feature} on ${arch}`);
  return row.split('\t')[2]!;
}

function recommend(args: string[]) {
  const json = runCli(['recommend', '--non-interactive', '--json', ...args]);
  const text = runCli(['recommend', '--non-interactive', ...args]);
  const report = json.stdout ? JSON.parse(json.stdout) : null;
  const byId: Record<string, any> = Object.fromEntries((report?.candidates ?? []).map((candidate: any) => [candidate.id, candidate]));
  const why = (id: string) => byId[id].reasons.map((reason: any) => `${reason.kind}: ${reason.text}`).join(' | ');
  return { json, text, report, byId, why };
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('recommend on a Xen dom0', () => {
  // The issue's own example: the fixture is a RHEL 5 dom0, whose 2.6.18-xen kernel Red Hat made dom0-capable.
  const { json, text, report, byId, why } = recommend(['--root', root('xen-dom0')]);

  it('recommends the Xen that is already running, with no "must boot inside it" and no nested advice', () => {
    expect(json.status).toBe(0);
    expect(report.host.xen).toBe('dom0');
    expect(report.candidates.slice(0, 2).map((candidate: any) => candidate.id).sort()).toEqual(['xen-hvm', 'xen-pv']);
    expect(text.stdout).toMatch(/^Recommended: Xen /m);
    expect(text.stdout).not.toMatch(/must boot inside it|nested virtualization|kvm_intel\.nested/);
    expect(why('xen-pv')).toContain('for: Xen is already running, and this is its dom0');
    expect(text.stdout).toContain('Xen dom0 (Xen runs beneath this system)');
  });

  it('says VT-x/AMD-V are unknown, hidden by Xen, rather than absent', () => {
    expect(byId['xen-hvm'].eligible).toBe(true);
    expect(why('xen-hvm')).toContain('caveat: whether the CPU has vmx or svm is unknown: Xen hides it from its dom0');
    expect(byId['xen-hvm'].confirmed).toBe(false);
  });

  it("uses Red Hat's record: the RHEL 5 kernel has dom0 support that mainline 2.6.18 lacks", () => {
    expect(byId['xen-pv']).toMatchObject({ minKernel: '3.0', kernelSatisfied: true, confirmed: true });
    expect(why('xen-pv')).toContain('for: Red Hat Enterprise Linux 5.11 has it: backported (xen-dom0 since 5.0), although mainline 2.6.18 does not');
  });

  it('does not offer KVM under Xen', () => {
    expect(byId.kvm.eligible).toBe(false);
    expect(why('kvm')).toContain('against: Xen is running beneath this dom0 and keeps VT-x/AMD-V to itself');
  });
});

describe('recommend on a Xen domU', () => {
  const { json, text, report, byId, why } = recommend(['--root', root('xen-domu'), '--guest', 'linux']);

  it('names it a Xen guest, and the nested advice is Xen\'s, not KVM\'s', () => {
    expect(json.status).toBe(0);
    expect(report.host.xen).toBe('domU');
    expect(text.stdout).toContain('virtual machine: yes, a Xen guest (domU)');
    expect(byId.kvm.eligible).toBe(false);
    expect(why('kvm')).toContain('this is a Xen guest (domU) whose CPU does not expose vmx or svm');
    expect(why('kvm')).toContain('nestedhvm=1');
    expect(why('kvm')).not.toContain('kvm_intel.nested');
    expect(why('xen-hvm')).toContain('caveat: this machine is a Xen guest: Xen would have to run nested inside it');
  });

  it('reads its cgroup v1 layout for containers', () => {
    expect(report.host.cgroups).toBe('v1');
    expect(why('containers')).toContain('caveat: only cgroup v1 is mounted');
  });
});

describe('recommend reads the live state of a host', () => {
  const { report, why, byId } = recommend(['--root', root('debian12-kvm-host'), '--guest', 'linux', '--goal', 'performance']);

  it('loaded modules, /dev/vhost-net, cgroup v2, the IOMMU', () => {
    expect(report.host).toMatchObject({ cgroups: 'v2', vhostNet: true, tun: true, iommu: true, xen: 'none' });
    expect(report.host.loadedModules).toEqual(['kvm', 'kvm_intel', 'vhost', 'vhost_net', 'tun']);
    expect(byId.kvm.rank).toBe(1);
    expect(why('kvm')).toContain('for: kvm_intel is loaded');
    expect(why('kvm')).toContain('for: /dev/vhost-net is there');
    expect(why('containers')).toContain('for: the cgroup v2 hierarchy is mounted');
  });

  it('host shows the same, with sources', () => {
    const host = JSON.parse(runCli(['host', '--root', root('debian12-kvm-host'), '--json']).stdout);
    expect(host.cgroups).toEqual({ known: true, value: { hierarchy: 'v2', v2MountPoint: '/sys/fs/cgroup', v1Controllers: [] }, source: join(root('debian12-kvm-host'), 'proc/mounts') });
    expect(host.devices.vhostNet).toEqual({ known: true, value: true, source: join(root('debian12-kvm-host'), 'dev/vhost-net') });
    expect(host.modules.value).toEqual(['kvm', 'kvm_intel', 'vhost', 'vhost_net', 'tun']);
    const text = runCli(['host', '--root', root('debian12-kvm-host')]).stdout;
    expect(text).toMatch(/cgroups +v2 \(unified\) at \/sys\/fs\/cgroup/);
    expect(text).toMatch(/Modules loaded +kvm, kvm_intel, vhost, vhost_net, tun/);
  });

  it('tells v1, hybrid and none apart, and says when /dev/vhost-net is missing', () => {
    const dir = sharedTempDir('virt-advisor-cgroups-');
    temporary.push(dir);
    mkdirSync(join(dir, 'proc'), { recursive: true });
    mkdirSync(join(dir, 'dev'));
    const hierarchy = (mounts: string) => {
      writeFileSync(join(dir, 'proc/mounts'), mounts);
      return JSON.parse(runCli(['host', '--root', dir, '--json']).stdout).cgroups.value;
    };
    const v1 = 'cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\n';
    const named = 'cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,xattr,name=systemd 0 0\n';
    expect(hierarchy(v1 + named)).toEqual({ hierarchy: 'v1', v2MountPoint: null, v1Controllers: ['memory'] });
    expect(hierarchy(`${v1}cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid 0 0\n`)).toEqual({ hierarchy: 'hybrid', v2MountPoint: '/sys/fs/cgroup/unified', v1Controllers: ['memory'] });
    // A named v1 hierarchy alone (systemd's) has no controller.
    expect(hierarchy(`${named}cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n`).hierarchy).toBe('v2');
    expect(hierarchy('proc /proc proc rw 0 0\n').hierarchy).toBe('none');
    const host = JSON.parse(runCli(['host', '--root', dir, '--json']).stdout);
    expect(host.devices).toEqual({ vhostNet: { known: true, value: false, source: join(dir, 'dev/vhost-net') }, tun: { known: true, value: false, source: join(dir, 'dev/net/tun') } });
    expect(host.modules).toEqual({ known: false, reason: `not found: ${join(dir, 'proc/modules')}` });
  });
});

describe('recommend --goal passthrough', () => {
  const vfio = evidenceAdded('vfio', 'x86_64');

  it('counts VFIO and the IOMMU driver in the minimum kernel and the options', () => {
    const { byId, why } = recommend(['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '3.5', '--guest', 'linux', '--goal', 'passthrough']);
    expect(vfio).toBe('3.6');
    expect(byId.kvm).toMatchObject({ minKernel: vfio, kernelSatisfied: false });
    expect(byId.kvm.kconfig).toEqual(expect.arrayContaining(['CONFIG_KVM', 'CONFIG_KVM_INTEL', 'CONFIG_VFIO', 'CONFIG_INTEL_IOMMU']));
    expect(why('kvm')).toContain('for: passthrough needs vfio, intel-iommu in the kernel');
    // Without the goal, KVM alone sets the minimum.
    expect(recommend(['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '3.5', '--guest', 'linux']).byId.kvm.minKernel).toBe('2.6.20');
  });

  it('picks the IOMMU driver of the CPU vendor', () => {
    const { byId } = recommend(['--arch', 'x86_64', '--cpu-flags', 'svm lm', '--guest', 'linux', '--goal', 'passthrough']);
    expect(byId.kvm.kconfig).toEqual(expect.arrayContaining(['CONFIG_KVM_AMD', 'CONFIG_AMD_IOMMU']));
    expect(byId.kvm.kconfig).not.toContain('CONFIG_INTEL_IOMMU');
  });

  it('says whether an IOMMU is active on the machine read', () => {
    expect(recommend(['--root', root('debian12-kvm-host'), '--guest', 'linux', '--goal', 'passthrough']).why('kvm')).toContain('for: an IOMMU is active');
    // The Firecracker guest has an empty IOMMU class: none registered.
    expect(recommend(['--root', root('firecracker-guest'), '--guest', 'linux', '--goal', 'passthrough']).why('kvm')).toContain('against: no IOMMU is active');
    // Under Xen the IOMMU belongs to Xen: its absence in dom0 says nothing.
    expect(recommend(['--root', root('xen-dom0'), '--guest', 'linux', '--goal', 'passthrough']).why('xen-pv')).not.toContain('IOMMU is active');
  });
});

describe('recommend: guest lines match the guests asked for', () => {
  const args = ['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '6.1'];

  it('Windows guests get the virtio-win note, not a Linux guest kernel', () => {
    const { text, byId } = recommend([...args, '--guest', 'windows']);
    expect(text.stdout).toContain('virtio-win');
    expect(text.stdout).not.toContain('Linux guests:');
    expect(byId.kvm.guestNotes[0]).toMatch(/^Windows has no virtio drivers of its own: install the virtio-win drivers/);
  });

  it('a Linux guest minimum is labelled as the virtio cut-off it is, or as a need where it is one', () => {
    const { text, byId } = recommend([...args, '--guest', 'linux']);
    expect(byId.kvm).toMatchObject({ guestMinKernel: evidenceAdded('virtio', 'x86_64'), guestKernelRequired: false, guestNotes: [] });
    expect(text.stdout).toContain(`Linux guests: paravirtual drivers from kernel ${evidenceAdded('virtio', 'x86_64')} (the cut-off for fast I/O; older guests run on emulated devices)`);
    expect(text.stdout).not.toContain('virtio-win');
    // Xen PV guests cannot run at all without Xen guest support.
    expect(recommend(['--root', root('xen-dom0'), '--guest', 'linux']).byId['xen-pv'].guestKernelRequired).toBe(true);
  });
});

describe('recommend: the kvm_pvm caveat shows in text too', () => {
  it('Firecracker guest with /dev/kvm through kvm_pvm', () => {
    const { text, why } = recommend(['--root', root('firecracker-guest'), '--guest', 'linux']);
    expect(why('kvm')).toContain('kvm_pvm');
    expect(text.stdout).toMatch(/^ {5}! \/dev\/kvm is present and usable through kvm_pvm, a KVM backend that is not in mainline/m);
  });
});

describe('recommend: vendor kernels', () => {
  it("KVM in RHEL 5.4's 2.6.18 (Red Hat's backport) is a kernel that has it", () => {
    const { byId, why } = recommend(['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '2.6.18-164.el5', '--guest', 'linux', '--keep-kernel']);
    expect(byId.kvm).toMatchObject({ eligible: true, kernelSatisfied: true });
    expect(why('kvm')).toContain('Red Hat Enterprise Linux 5.4 has it: backported (kvm since 5.4');
  });

  it('caveats about the vendor kernel attach only to verdicts that depend on the kernel', () => {
    const { why } = recommend(['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '4.18.0-513.el8.x86_64', '--guest', 'linux']);
    expect(why('kvm')).toContain('Red Hat Enterprise Linux 8.9 kernels differ from mainline 4.18');
    expect(why('qemu-tcg')).not.toMatch(/Red Hat|differ from mainline/);
  });

  it('a WSL1 kernel has no Linux kernel feature', () => {
    const { byId, why } = recommend(['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '4.4.0-19041-Microsoft', '--guest', 'linux', '--keep-kernel']);
    expect(byId.kvm.eligible).toBe(false);
    expect(why('kvm')).toMatch(/no Linux kernel feature is there/);
    expect(byId['qemu-tcg'].eligible).toBe(true);
  });

  it('takes the architecture from the --kernel string, and warns when --arch says otherwise', () => {
    const { report, json } = recommend(['--kernel', '6.1.0-18-arm64', '--guest', 'linux']);
    expect(report.host.arch).toBe('arm64');
    expect(report.host.sources.arch).toBe('the --kernel version string (Debian flavour arm64)');
    expect(json.stderr).toBe('');
    const conflict = runCli(['recommend', '--non-interactive', '--json', '--kernel', '6.1.0-18-arm64', '--arch', 'x86_64', '--guest', 'linux']);
    expect(conflict.status).toBe(0);
    expect(JSON.parse(conflict.stdout).host.arch).toBe('x86_64');
    expect(expectOneLineError(conflict.stderr)).toBe('virt-advisor: warning: --kernel 6.1.0-18-arm64 names arm64 (Debian flavour arm64), but --arch says x86_64: --arch wins');
  });
});

describe('recommend on a machine of which nothing is known, and --strict', () => {
  it('says the recommendation is a guess; --strict exits 1', () => {
    const loose = recommend(['--root', root('nothing-readable'), '--guest', 'linux']);
    expect(loose.json.status).toBe(0);
    expect(loose.report.guess).toBe(true);
    expect(loose.text.stdout).toContain('this recommendation is a guess from that alone');
    const strict = runCli(['recommend', '--non-interactive', '--root', root('nothing-readable'), '--guest', 'linux', '--strict']);
    expect(strict.status).toBe(1);
    expect(expectOneLineError(strict.stderr)).toBe('virt-advisor: --strict: no approach is eligible on known facts (nothing is known of the machine but its architecture)');
  });

  it('--strict passes when an approach stands on known facts, and fails on "don\'t know"', () => {
    const known = runCli(['recommend', '--non-interactive', '--root', root('debian12-kvm-host'), '--guest', 'linux', '--strict']);
    expect(known.status).toBe(0);
    const answered = runCli(['recommend', '--non-interactive', '--arch', 'x86_64', '--hardware-virt', 'yes', '--cpu-vendor', 'intel', '--guest', 'windows', '--strict', '--json']);
    expect(answered.status).toBe(0);
    expect(JSON.parse(answered.stdout).candidates[0]).toMatchObject({ id: 'kvm', confirmed: true });
    const unknown = runCli(['recommend', '--non-interactive', '--arch', 'x86_64', '--hardware-virt', 'unknown', '--guest', 'windows', '--strict']);
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain("CPU flags unknown (answered: don't know): cannot check for vmx or svm");
    const no = runCli(['recommend', '--non-interactive', '--arch', 'x86_64', '--hardware-virt', 'no', '--guest', 'windows', '--json']);
    expect(JSON.parse(no.stdout).candidates.find((candidate: any) => candidate.id === 'kvm').eligible).toBe(false);
  });

  it.each([
    [['--hardware-virt', 'maybe'], /--hardware-virt: "maybe" is not one of yes, no, unknown/],
    [['--hardware-virt', 'yes', '--cpu-flags', 'vmx'], /give the CPU as --hardware-virt or as --cpu-flags, not both/],
    [['--cpu-vendor', 'intel'], /--cpu-vendor goes with --hardware-virt/],
    [['--hardware-virt', 'yes', '--cpu-vendor', 'via'], /--cpu-vendor: "via" is not one of intel, amd/],
  ])('refuses %j (exit 2)', (args, message) => {
    const result = runCli(['recommend', '--non-interactive', '--arch', 'x86_64', ...args]);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });
});
