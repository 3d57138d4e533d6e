import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runUnprivileged, sharedTempDir } from './run.js';

const corpus = fileURLToPath(new URL('../fixtures/corpus/configs/', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const roots = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));
const ALL = ['kvm-host', 'kvm-guest', 'xen-dom0', 'xen-domu', 'containers', 'vfio-passthrough', 'lguest'] as const;
type TargetId = (typeof ALL)[number];
/** ok: satisfied; fail: audited and not satisfied; none: cannot exist for that release and architecture. */
type Verdict = 'ok' | 'fail' | 'none';

function audit(args: string[]) {
  const result = runCli(['config', ...args, '--json']);
  if (result.status === 2) throw new Error(`config ${args.join(' ')} exited 2: ${result.stderr}`);
  return { status: result.status, report: JSON.parse(result.stdout), stderr: result.stderr };
}
const verdictOf = (target: any): Verdict => (target.unavailable ? 'none' : target.ok ? 'ok' : 'fail');
const check = (target: any, symbol: string) => target.checks.find((entry: any) => entry.symbol === symbol);
/** The checks that fail a target, as SYMBOL:status. */
const failing = (target: any): string[] =>
  target.checks
    .filter((entry: any) => !entry.optional && (entry.status === 'missing' || entry.status === 'off' || (entry.status === 'module' && entry.expected === 'y')))
    .map((entry: any) => `${entry.symbol}:${entry.status}`);

/**
 * Every corpus config against every target, as read from the configs themselves (see the corpus
 * README's table and the symbols named here), with the checks that decide each failure.
 */
const CORPUS: Array<{ file: string; release: string; arch: string; verdicts: Record<TargetId, Verdict>; failures?: Partial<Record<TargetId, string[]>> }> = [
  {
    // RHEL6-derived 2.6.32: KVM=m with both vendor modules, PARAVIRT_GUEST/KVM_GUEST/KVM_CLOCK=y, XEN=y with
    // frontends; CONFIG_SECCOMP is not set, but seccomp filters (3.5) are optional for containers and
    // not in 2.6.32 anyway; dom0 (3.0), VFIO (3.6) and lguest (i386) cannot apply.
    file: 'config-alikernel-2.6.32-x86_64',
    release: '2.6.32',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'none', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'none', lguest: 'none' },
  },
  {
    // boot2docker 3.12: a container host; HYPERVISOR_GUEST is not set, no Xen, VFIO not set.
    file: 'config-boot2docker-3.12.1',
    release: '3.12',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'fail', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-guest': ['HYPERVISOR_GUEST:off', 'PARAVIRT:missing', 'KVM_GUEST:missing'] },
  },
  {
    // boot2docker 3.18: Xen guest options on but netback and blkback not set.
    file: 'config-boot2docker-3.18.4',
    release: '3.18',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'xen-dom0': ['XEN_NETDEV_BACKEND:off', 'XEN_BLKDEV_BACKEND:off'] },
  },
  {
    // Debian 686 (no PAE): XEN needs PAE so it is absent; INTEL_IOMMU is not set; no 32-bit dom0 after 5.8.
    file: 'config-debian-6.1.176-686',
    release: '6.1',
    arch: 'i386',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'none', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'xen-domu': ['XEN:missing', 'XEN_PV|XEN_PVHVM_GUEST|XEN_PVH:missing', 'XEN_BLKDEV_FRONTEND:missing', 'XEN_NETDEV_FRONTEND:missing', 'HVC_XEN:missing'], 'vfio-passthrough': ['INTEL_IOMMU|AMD_IOMMU:off'] },
  },
  {
    // Debian 686-pae: XEN=y and XEN_PVHVM_GUEST=y make it a Xen guest; INTEL_IOMMU still not set.
    file: 'config-debian-6.1.176-686-pae',
    release: '6.1',
    arch: 'i386',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'none', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'vfio-passthrough': ['INTEL_IOMMU|AMD_IOMMU:off'] },
  },
  {
    file: 'config-debian-6.1.176-s390x',
    release: '6.1',
    arch: 's390x',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'none', 'xen-dom0': 'none', 'xen-domu': 'none', containers: 'ok', 'vfio-passthrough': 'none', lguest: 'none' },
  },
  {
    file: 'config-debian-6.1.192-amd64',
    release: '6.1',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'ok', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'ok', lguest: 'none' },
  },
  {
    // arm64: KVM=y, XEN_DOM0=y, ARM_SMMU=y.
    file: 'config-debian-6.1.192-arm64',
    release: '6.1',
    arch: 'arm64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'ok', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'ok', lguest: 'none' },
  },
  {
    // cloud-amd64: # CONFIG_XEN_DOM0 is not set (backends are still built).
    file: 'config-debian-6.1.192-cloud-amd64',
    release: '6.1',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'ok', lguest: 'none' },
    failures: { 'xen-dom0': ['XEN_DOM0:off'] },
  },
  {
    file: 'config-debian-6.1.192-rt-amd64',
    release: '6.1',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'ok', 'kvm-guest': 'ok', 'xen-dom0': 'ok', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'ok', lguest: 'none' },
  },
  {
    // PREEMPT_RT arm64: VIRTUALIZATION=y but # CONFIG_KVM is not set.
    file: 'config-debian-6.1.192-rt-arm64',
    release: '6.1',
    arch: 'arm64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'ok', 'xen-domu': 'ok', containers: 'ok', 'vfio-passthrough': 'ok', lguest: 'none' },
    failures: { 'kvm-host': ['KVM:off'] },
  },
  {
    // A Firecracker guest's /proc/config.gz: KVM=y with neither KVM_INTEL nor KVM_AMD.
    file: 'config-firecracker-guest-6.18.44-fc',
    release: '6.18',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-host': ['KVM_INTEL|KVM_AMD:off'] },
  },
  {
    // Firecracker arm64 4.14 guest: VIRTIO_MMIO guest; VIRTUALIZATION not set; bridge and addrtype not set.
    file: 'config-firecracker-microvm-arm64-4.14.174',
    release: '4.14',
    arch: 'arm64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'fail', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-host': ['VIRTUALIZATION:off', 'KVM:missing'], containers: ['BRIDGE:off', 'BRIDGE_NETFILTER:missing', 'NETFILTER_XT_MATCH_ADDRTYPE:off'] },
  },
  {
    file: 'config-firecracker-microvm-ci-aarch64-6.1.167-amzn2023',
    release: '6.1',
    arch: 'arm64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-host': ['VIRTUALIZATION:off', 'KVM:missing'] },
  },
  {
    file: 'config-firecracker-microvm-ci-x86_64-5.10.252-amzn2',
    release: '5.10',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-host': ['VIRTUALIZATION:off', 'KVM:missing', 'KVM_INTEL|KVM_AMD:missing'] },
  },
  {
    file: 'config-firecracker-microvm-x86_64-4.14.174',
    release: '4.14',
    arch: 'x86_64',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'ok', 'xen-dom0': 'fail', 'xen-domu': 'fail', containers: 'ok', 'vfio-passthrough': 'fail', lguest: 'none' },
    failures: { 'kvm-host': ['VIRTUALIZATION:off', 'KVM:missing', 'KVM_INTEL|KVM_AMD:missing'] },
  },
  {
    // Upstream i386 defconfig of the 2.6.30 era: a plain desktop config, lguest within its window but off.
    file: 'config-upstream-i386_defconfig-2.6.30-rc2',
    release: '2.6.30',
    arch: 'i386',
    verdicts: { 'kvm-host': 'fail', 'kvm-guest': 'fail', 'xen-dom0': 'none', 'xen-domu': 'fail', containers: 'fail', 'vfio-passthrough': 'none', lguest: 'fail' },
    failures: {
      'kvm-host': ['KVM:off', 'KVM_INTEL|KVM_AMD:missing'],
      lguest: ['LGUEST:off', 'LGUEST_GUEST:missing'],
      containers: ['CGROUP_DEVICE:off', 'CGROUP_MEM_RES_CTLR:off', 'VETH:off', 'BRIDGE:off', 'BRIDGE_NETFILTER:missing', 'IP_NF_MATCH_ADDRTYPE:missing', 'DEVPTS_MULTIPLE_INSTANCES:off'],
    },
  },
];

describe('virt-advisor config on the corpus', () => {
  it('covers every config in the corpus', () => {
    expect(CORPUS.map((entry) => entry.file).sort()).toEqual(readdirSync(corpus).sort());
  });

  it.each(CORPUS)('$file', ({ file, release, arch, verdicts, failures }) => {
    const { status, report, stderr } = audit([join(corpus, file), '--for', ALL.join(',')]);
    expect(stderr).toBe('');
    expect(report.kernel.release).toBe(release);
    expect(report.arch).toBe(arch);
    const got = Object.fromEntries(report.targets.map((target: any) => [target.id, verdictOf(target)]));
    expect(got).toEqual(verdicts);
    expect(status).toBe(Object.values(verdicts).every((verdict) => verdict === 'ok') ? 0 : 1);
    for (const [id, expected] of Object.entries(failures ?? {})) {
      expect(failing(report.targets.find((target: any) => target.id === id))).toEqual(expected);
    }
  });
});

describe('virt-advisor config verdicts', () => {
  it('tells =m from =y and passes modules where a module will do', () => {
    const { report } = audit([join(corpus, 'config-debian-6.1.192-amd64'), '--for', 'kvm-host']);
    const [kvmHost] = report.targets;
    expect(check(kvmHost, 'KVM')).toMatchObject({ status: 'module', expected: 'y/m', actual: 'm' });
    expect(check(kvmHost, 'KVM_INTEL|KVM_AMD')).toMatchObject({ status: 'module', actual: 'KVM_INTEL=m' });
    expect(check(kvmHost, 'KVM_ARM_HOST')).toMatchObject({ status: 'not-applicable', expected: null });
  });

  it('says why kvm-host fails on the 6.18 Firecracker guest: KVM=y without a vendor module', () => {
    const result = runCli(['config', join(corpus, 'config-firecracker-guest-6.18.44-fc'), '--for', 'kvm-host']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/ok +KVM +y\/m +y/);
    expect(result.stdout).toMatch(/off +KVM_INTEL\|KVM_AMD +y\/m +KVM_INTEL=n, KVM_AMD=n\n +On x86 the KVM core alone runs nothing/);
    expect(result.stdout).toMatch(/not satisfied: kvm-host/);
  });

  it('reports a renamed symbol as obsolete, not missing: KVM_CLOCK on 6.1, MEMCG on 2.6.32', () => {
    const modern = audit([join(corpus, 'config-debian-6.1.192-amd64'), '--for', 'kvm-guest,containers']).report;
    expect(check(modern.targets[0], 'KVM_CLOCK')).toMatchObject({ status: 'obsolete', actual: null });
    expect(check(modern.targets[0], 'KVM_CLOCK').note).toMatch(/not in mainline 6\.1: removed or renamed in 3\.7/);
    expect(check(modern.targets[1], 'CGROUP_MEM_RES_CTLR').status).toBe('obsolete');
    expect(check(modern.targets[1], 'MEMCG').status).toBe('ok');
    const old = audit([join(corpus, 'config-alikernel-2.6.32-x86_64'), '--for', 'containers']).report;
    expect(check(old.targets[0], 'MEMCG')).toMatchObject({ status: 'obsolete' });
    expect(check(old.targets[0], 'MEMCG').note).toMatch(/it arrived in 3\.6/);
    expect(check(old.targets[0], 'CGROUP_MEM_RES_CTLR').status).toBe('ok');
    expect(check(old.targets[0], 'IP_NF_MATCH_ADDRTYPE').status).toBe('module');
  });

  it('gives a target that cannot exist one verdict saying why', () => {
    const { status, report } = audit([join(corpus, 'config-debian-6.1.176-686-pae'), '--for', 'lguest,xen-dom0']);
    expect(status).toBe(1);
    expect(report.targets).toEqual([
      { id: 'lguest', ok: false, unavailable: expect.stringMatching(/mainline 6\.1 on i386: lguest was merged in 2\.6\.23 and removed in 4\.14/), checks: [] },
      { id: 'xen-dom0', ok: false, unavailable: expect.stringMatching(/5\.9/), checks: [] },
    ]);
    const old = audit([join(corpus, 'config-alikernel-2.6.32-x86_64'), '--for', 'xen-dom0']).report;
    expect(old.targets[0].unavailable).toMatch(/cannot exist in mainline 2\.6\.32 on x86_64: .*3\.0/);
    const foreign = audit([join(corpus, 'config-debian-6.1.192-amd64'), '--for', 'lguest']).report;
    expect(foreign.targets[0].unavailable).toMatch(/not a use of x86_64 kernels \(only i386\)/);
  });

  it('picks the targets that make sense for the config by default', () => {
    const amd64 = runCli(['config', join(corpus, 'config-debian-6.1.192-amd64'), '--json']);
    expect(amd64.status).toBe(0);
    expect(JSON.parse(amd64.stdout).targets.map((target: any) => target.id).sort()).toEqual(
      ['containers', 'kvm-guest', 'kvm-host', 'vfio-passthrough', 'xen-dom0', 'xen-domu'].sort(),
    );
    const s390 = audit([join(corpus, 'config-debian-6.1.176-s390x')]).report;
    expect(s390.targets.map((target: any) => target.id).sort()).toEqual(['containers', 'kvm-host']);
    const i386 = audit([join(corpus, 'config-upstream-i386_defconfig-2.6.30-rc2')]).report;
    expect(i386.targets.map((target: any) => target.id)).toContain('lguest');
    expect(i386.targets.map((target: any) => target.id)).not.toContain('xen-dom0');
  });

  it('exits 0 only when every requested target is satisfied', () => {
    const file = join(corpus, 'config-firecracker-microvm-x86_64-4.14.174');
    expect(runCli(['config', file, '--for', 'kvm-guest']).status).toBe(0);
    expect(runCli(['config', file, '--for', 'kvm-guest', '--for', 'kvm-host']).status).toBe(1);
    expect(runCli(['config', file, '--for', 'kvm-guest,containers', '--fragment']).status).toBe(0);
  });
});

describe('virt-advisor config output', () => {
  it('writes the JSON contract', () => {
    const { report } = audit([join(corpus, 'config-debian-6.1.192-rt-arm64'), '--for', 'kvm-host']);
    expect(Object.keys(report)).toEqual(['schemaVersion', 'file', 'kernel', 'arch', 'targets']);
    expect(report.schemaVersion).toBe(2);
    expect(report.file).toBe(join(corpus, 'config-debian-6.1.192-rt-arm64'));
    expect(report.kernel).toMatchObject({ input: '6.1.192', release: '6.1', sublevel: 192, from: 'header' });
    for (const target of report.targets) {
      expect(target).toEqual({ id: expect.any(String), ok: expect.any(Boolean), unavailable: null, checks: expect.any(Array) });
      for (const entry of target.checks) {
        expect(Object.keys(entry)).toEqual(['symbol', 'status', 'expected', 'actual', 'note', 'optional']);
        expect(['ok', 'module', 'missing', 'off', 'invalid', 'obsolete', 'not-applicable']).toContain(entry.status);
        expect(typeof entry.note).toBe('string');
      }
    }
    expect(check(report.targets[0], 'KVM')).toMatchObject({ status: 'off', expected: 'y/m', actual: 'n' });
  });

  it('prints a fragment of CONFIG_X=y lines that merge_config.sh takes', () => {
    const result = runCli(['config', join(corpus, 'config-firecracker-guest-6.18.44-fc'), '--for', 'kvm-host,kvm-guest', '--fragment']);
    expect(result.status).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^(#.*|CONFIG_[A-Z0-9_]+=y)$/);
    expect(lines.filter((line) => line.startsWith('CONFIG_'))).toEqual(['CONFIG_KVM_INTEL=y', 'CONFIG_KVM_AMD=y']);
  });

  it('prints one fragment line per symbol across targets, and comments for targets that cannot exist', () => {
    const result = runCli(['config', join(corpus, 'config-firecracker-microvm-arm64-4.14.174'), '--for', 'xen-dom0,xen-domu,lguest', '--fragment']);
    const symbols = result.stdout.split('\n').filter((line) => line.startsWith('CONFIG_'));
    expect(symbols.filter((line) => line === 'CONFIG_XEN=y')).toHaveLength(1);
    expect(symbols).toContain('CONFIG_XEN_BLKDEV_FRONTEND=y');
    expect(result.stdout).toMatch(/^# lguest: not a use of arm64 kernels/m);
  });

  it('reads a satisfied config into a fragment with nothing to enable', () => {
    const result = runCli(['config', join(corpus, 'config-debian-6.1.192-amd64'), '--for', 'kvm-host', '--fragment']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('CONFIG_'))).toEqual([]);
    expect(result.stdout).toMatch(/# nothing to enable/);
  });

  it('prints a readable table, without colour when not on a terminal', () => {
    const result = runCli(['config', join(corpus, 'config-debian-6.1.192-rt-arm64'), '--for', 'kvm-host,containers']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^config: .*config-debian-6\.1\.192-rt-arm64\nkernel: 6\.1\.192 \(mainline 6\.1, stable \.192; from the header\)\narch: +arm64 \(from the header \(Linux\/arm64\)\)/);
    expect(result.stdout).toMatch(/kvm-host \(KVM host\): not satisfied \(1 of 2 checks fail\)/);
    expect(result.stdout).toMatch(/containers \(Container host\): satisfied/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).not.toMatch(/not-applicable/);
  });

  it('notes a distribution kernel, whose vendor may backport beyond mainline', () => {
    const result = runCli(['config', join(corpus, 'config-firecracker-microvm-ci-x86_64-5.10.252-amzn2'), '--for', 'kvm-guest']);
    expect(result.stdout).toMatch(/note: .*backport.*mainline 5\.10/);
  });
});

describe('virt-advisor config inputs', () => {
  it('reads a gzip-compressed config, as /proc/config.gz is', () => {
    const { status, report } = audit([join(fixtures, 'legacy-header.config.gz'), '--for', 'kvm-host,kvm-guest']);
    expect(status).toBe(0);
    expect(report.kernel).toMatchObject({ release: '2.6.32', from: 'header' });
    expect(report.arch).toBe('x86_64');
  });

  it('reads the old "# Linux kernel version:" header', () => {
    const { report } = audit([join(fixtures, 'legacy-header.config'), '--for', 'kvm-guest']);
    expect(report.kernel.release).toBe('2.6.32');
    expect(check(report.targets[0], 'KVM_CLOCK').status).toBe('ok');
    expect(check(report.targets[0], 'HYPERVISOR_GUEST').status).toBe('obsolete');
  });

  it('reads standard input with "-", plain or gzip-compressed', () => {
    const plain = runCli(['config', '-', '--for', 'containers', '--json'], { input: readFileSync(join(corpus, 'config-boot2docker-3.18.4')) });
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ file: '-', kernel: { release: '3.18' } });
    const gz = runCli(['config', '-', '--for', 'kvm-host'], { input: readFileSync(join(fixtures, 'legacy-header.config.gz')) });
    expect(gz.status).toBe(0);
    expect(gz.stdout).toMatch(/^config: standard input \(gzip\)/);
  });

  it('lets --kernel and --arch override the config', () => {
    const { report } = audit([join(corpus, 'config-debian-6.1.192-amd64'), '--kernel', '3.6.11', '--arch', 'amd64', '--for', 'kvm-guest']);
    expect(report.kernel).toMatchObject({ input: '3.6.11', release: '3.6', from: '--kernel' });
    expect(report.arch).toBe('x86_64');
    expect(check(report.targets[0], 'HYPERVISOR_GUEST').status).toBe('ok');
    expect(check(report.targets[0], 'HYPERVISOR_GUEST').note).toMatch(/set although mainline 3\.6 has no CONFIG_HYPERVISOR_GUEST/);
  });

  it('audits a config without a header once --kernel says what it is for', () => {
    const { status, report } = audit([join(fixtures, 'no-header.config'), '--kernel', '6.1', '--for', 'kvm-host']);
    expect(status).toBe(0);
    expect(report.arch).toBe('arm64');
  });

  describe('without FILE: the running kernel\'s config, found under --root', () => {
    it('uses <root>/proc/config.gz and names it', () => {
      const result = runCli(['config', '--root', join(roots, 'firecracker-guest'), '--for', 'kvm-host']);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`^config: ${join(roots, 'firecracker-guest', 'proc/config.gz')} \\(gzip\\)`));
      expect(result.stdout).toMatch(/KVM_INTEL=n, KVM_AMD=n/);
    });

    it('falls back to <root>/boot/config-<release>', () => {
      const { status, report } = audit(['--root', join(roots, 'kvm-host-nested'), '--for', 'kvm-host']);
      expect(status).toBe(0);
      expect(report.file).toBe(join(roots, 'kvm-host-nested', 'boot/config-6.1.0-18-amd64'));
      // The header's version, not the one osrelease names: the config is what is being audited.
      expect(report.kernel.input).toBe('6.1.76');
    });

    it('fails in one line listing what was tried, without waiting for standard input', () => {
      // Small enough to sit in the pipe unread: a config on standard input must be ignored here.
      const result = runCli(['config', '--root', join(roots, 'container')], { input: '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\n' });
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/no kernel config found for the running kernel \(not found: .*proc\/config\.gz, not found: .*boot\/config-5\.15\.0-91-generic, not found: .*lib\/modules\/5\.15\.0-91-generic\/config, not found: .*usr\/lib\/modules\/5\.15\.0-91-generic\/config\); give the config file as an argument$/);
      expect(result.stdout).toBe('');
    });
  });
});

describe('virt-advisor config on bad input', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-config-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const cases: Array<[string, () => { args: string[]; input?: Buffer | string }, RegExp]> = [
    ['a truncated gzip', () => ({ args: [join(fixtures, 'truncated.config.gz')] }), /truncated\.config\.gz: truncated gzip data \(unexpected end of file\)$/],
    ['a corrupt gzip', () => ({ args: [join(fixtures, 'corrupt.config.gz')] }), /corrupt\.config\.gz: corrupt gzip data/],
    ['text that is not a config', () => ({ args: [join(fixtures, 'not-a-config.txt')] }), /not-a-config\.txt is not a kernel config \(no CONFIG_ lines and no config header\)$/],
    ['an empty file', () => ({ args: [join(fixtures, 'empty.config')] }), /empty\.config is empty, not a kernel config$/],
    ['binary data', () => ({ args: [join(fixtures, 'binary.bin')] }), /binary\.bin is binary data, not a kernel config$/],
    ['an xz-compressed config', () => ({ args: [join(fixtures, 'no-header.config.xz')] }), /is xz-compressed; decompress it first \(xz -dc .*no-header\.config\.xz \| virt-advisor config -\)$/],
    ['a file that does not exist', () => ({ args: [join(scratch, 'missing.config')] }), /cannot read .*missing\.config: no such file$/],
    ['empty standard input', () => ({ args: ['-'], input: '' }), /standard input is empty, not a kernel config$/],
    ['text on standard input', () => ({ args: ['-'], input: 'hello\n' }), /standard input is not a kernel config/],
    ['a config without a version', () => ({ args: [join(fixtures, 'no-header.config')] }), /names no kernel version in its header; give the version it is for with --kernel VERSION$/],
    ['a bad --kernel', () => ({ args: [join(corpus, 'config-debian-6.1.192-amd64'), '--kernel', 'banana'] }), /--kernel: not a kernel version: "banana"/],
    ['an unknown --arch', () => ({ args: [join(corpus, 'config-debian-6.1.192-amd64'), '--arch', 'vax'] }), /unknown architecture "vax"/],
    ['an unknown target', () => ({ args: [join(corpus, 'config-debian-6.1.192-amd64'), '--for', 'kvm-host,bhyve'] }), /unknown target "bhyve" \(valid targets: .*kvm-host.*\)$/],
    ['--json with --fragment', () => ({ args: [join(corpus, 'config-debian-6.1.192-amd64'), '--json', '--fragment'] }), /give --json or --fragment, not both$/],
    ['an architecture that cannot be told', () => ({ args: ['-', '--kernel', '6.1'], input: 'CONFIG_KVM=y\n' }), /cannot tell the architecture of standard input from its header or symbols; give --arch$/],
  ];
  it.each(cases)('%s: exit 2, one line', (_, make, message) => {
    const { args, input } = make();
    const result = runCli(['config', ...args], { input });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });

  it('an unreadable file: exit 2, one line (run as a user that chmod 000 stops)', () => {
    const dir = sharedTempDir('virt-advisor-unreadable-');
    try {
      const file = join(dir, 'unreadable.config');
      writeFileSync(file, '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=y\n');
      chmodSync(file, 0o000);
      const result = runUnprivileged(['config', file]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(expectOneLineError(result.stderr)).toBe(`virt-advisor: cannot read ${file}: permission denied`);
      chmodSync(file, 0o644);
      expect(runUnprivileged(['config', file, '--for', 'kvm-host']).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('config text output', () => {
  it('leaves renamed symbols out of the table and names them once', () => {
    const file = new URL('../fixtures/corpus/configs/config-firecracker-guest-6.18.44-fc', import.meta.url).pathname;
    const result = runCli(['config', file, '--for', 'kvm-guest']);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/^\s+obsolete\s/m);
    expect(result.stdout).toMatch(/not in 6\.18, so not checked: PARAVIRT_GUEST, KVM_CLOCK \(renamed or removed; --json has them\)/);
  });
});

describe('config refuses what is no file at once', () => {
  it.each([
    ['a device', ['/dev/zero'], /cannot read \/dev\/zero: is a device/],
    ['an empty name (an unset variable)', [''], /an empty file name/],
  ])('%s', (_name, args, message) => {
    const result = runCli(['config', ...args], { timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });
});

describe('optional requirements', () => {
  it('reports USER_NS for containers but does not fail the target for it, nor put it in the fragment', () => {
    const file = join(corpus, 'config-boot2docker-3.18.4');
    const config = readFileSync(file, 'utf8').replace(/^CONFIG_USER_NS=y$/m, '# CONFIG_USER_NS is not set');
    const json = runCli(['config', '-', '--for', 'containers', '--json'], { input: config });
    const report = JSON.parse(json.stdout);
    const userNs = report.targets[0].checks.find((check: any) => check.symbol === 'USER_NS');
    expect(userNs).toMatchObject({ status: 'off', optional: true });
    expect(report.targets[0].ok).toBe(true);
    expect(json.status).toBe(0);
    const fragment = runCli(['config', '-', '--for', 'containers', '--fragment'], { input: config });
    expect(fragment.stdout).not.toMatch(/CONFIG_USER_NS/);
  });
});

describe('--arch against the config', () => {
  it('audits as --arch says, but warns when the config says otherwise', () => {
    const result = runCli(['config', join(corpus, 'config-debian-6.1.192-amd64'), '--arch', 'arm64', '--for', 'kvm-host']);
    expect(result.stderr).toMatch(/^virt-advisor: warning: .*auditing as arm64 by --arch, though the config itself says x86_64 \(CONFIG_X86_64=y\)\n$/);
    expect(result.stdout).toMatch(/arch:\s+arm64 \(from --arch, though the config itself says x86_64/);
  });
});

/**
 * Checks whose window is not their symbol's own: required only once what they serve exists, or
 * handed over to another check while the symbol stays (test/evidence/kconfig.tsv has the releases).
 */
describe('requirements gated by what they are for', () => {
  const audit = (header: string, lines: string[], target: string) => {
    const result = runCli(['config', '-', '--for', target, '--json'], { input: `# Linux/x86 ${header} Kernel Configuration\nCONFIG_X86_64=y\n${lines.join('\n')}\n` });
    const report = JSON.parse(result.stdout);
    return { status: result.status, target: report.targets[0], check: (symbol: string) => report.targets[0].checks.find((entry: any) => entry.symbol === symbol) };
  };

  it('vfio-passthrough from 6.2: IOMMUFD with its container emulation, and no type-1 container, is satisfied', () => {
    const iommufd = ['CONFIG_VFIO=y', 'CONFIG_VFIO_PCI=y', 'CONFIG_IOMMU_SUPPORT=y', 'CONFIG_INTEL_IOMMU=y', 'CONFIG_IOMMUFD=y', 'CONFIG_IOMMUFD_VFIO_CONTAINER=y', '# CONFIG_VFIO_CONTAINER is not set'];
    const recent = audit('6.8.0', iommufd, 'vfio-passthrough');
    expect(recent.status).toBe(0);
    expect(recent.check('VFIO_IOMMU_TYPE1')).toMatchObject({ status: 'obsolete', note: expect.stringMatching(/^not checked in mainline 6\.8: from 6\.2 the check with IOMMUFD takes its place/) });
    expect(recent.check('VFIO_IOMMU_TYPE1|IOMMUFD_VFIO_CONTAINER|VFIO_DEVICE_CDEV')).toMatchObject({ status: 'ok', actual: 'IOMMUFD_VFIO_CONTAINER=y' });
    // Neither backend: not satisfied, and the fix names every alternative.
    const neither = audit('6.8.0', iommufd.filter((line) => !line.startsWith('CONFIG_IOMMUFD_VFIO')), 'vfio-passthrough');
    expect(neither.status).toBe(1);
    // Before 6.2 the type-1 backend is what is checked.
    const older = audit('6.1.0', ['CONFIG_VFIO=y', 'CONFIG_VFIO_PCI=y', 'CONFIG_IOMMU_SUPPORT=y', 'CONFIG_INTEL_IOMMU=y'], 'vfio-passthrough');
    expect(older.status).toBe(1);
    expect(older.check('VFIO_IOMMU_TYPE1').status).toBe('missing');
    expect(older.check('VFIO_IOMMU_TYPE1|IOMMUFD_VFIO_CONTAINER|VFIO_DEVICE_CDEV')).toMatchObject({ status: 'obsolete', note: expect.stringMatching(/^not required in mainline 6\.1: what it is needed for \(IOMMUFD\) arrived in 6\.2/) });
  });

  it('containers: CGROUP_BPF is required from 4.15, when the cgroup device program came, not from 4.10', () => {
    const before = audit('4.14.0', [], 'containers');
    expect(before.check('CGROUP_BPF')).toMatchObject({ status: 'obsolete', note: expect.stringMatching(/what it is needed for \(BPF_PROG_TYPE_CGROUP_DEVICE\) arrived in 4\.15/) });
    // Set on 4.14, it is no vendor backport: the symbol is there from 4.10, it just controls no device.
    expect(audit('4.14.0', ['CONFIG_CGROUP_BPF=y'], 'containers').check('CGROUP_BPF').status).toBe('obsolete');
    expect(audit('4.15.0', [], 'containers').check('CGROUP_BPF').status).toBe('missing');
  });

  it('containers: seccomp filters, overlayfs and NETFILTER_XT_MARK are reported but do not fail the target', () => {
    const result = audit('6.1.0', ['# CONFIG_SECCOMP is not set', '# CONFIG_OVERLAY_FS is not set', '# CONFIG_NETFILTER_XT_MARK is not set'], 'containers');
    const optional = result.target.checks.filter((entry: any) => ['SECCOMP_FILTER', 'OVERLAY_FS', 'NETFILTER_XT_MARK'].includes(entry.symbol) && entry.status !== 'not-applicable');
    expect(optional.map((entry: any) => [entry.symbol, entry.status, entry.optional])).toEqual([
      ['NETFILTER_XT_MARK', 'off', true],
      ['SECCOMP_FILTER', 'missing', true],
      ['OVERLAY_FS', 'off', true],
    ]);
    // Seccomp filters on x86 from 3.5: before, nothing to report.
    expect(audit('3.4.0', [], 'containers').target.checks.find((entry: any) => entry.symbol === 'SECCOMP_FILTER' && entry.status !== 'not-applicable').status).toBe('obsolete');
  });

  it('xen-domu from 5.11: XEN_PVHVM alone (set whenever XEN is) is no guest type', () => {
    const lines = ['CONFIG_XEN=y', 'CONFIG_XEN_PVHVM=y', '# CONFIG_XEN_PVHVM_GUEST is not set', '# CONFIG_XEN_PV is not set', '# CONFIG_XEN_PVH is not set', 'CONFIG_XEN_BLKDEV_FRONTEND=y', 'CONFIG_XEN_NETDEV_FRONTEND=y', 'CONFIG_HVC_XEN=y'];
    const result = audit('6.1.0', lines, 'xen-domu');
    expect(result.status).toBe(1);
    expect(result.check('XEN_PV|XEN_PVHVM_GUEST|XEN_PVH').status).toBe('off');
    expect(audit('6.1.0', [...lines, 'CONFIG_XEN_PVHVM_GUEST=y'], 'xen-domu').status).toBe(0);
    // Before 5.11, XEN_PVHVM was the user's switch.
    expect(audit('5.10.0', lines, 'xen-domu').status).toBe(0);
  });
});
