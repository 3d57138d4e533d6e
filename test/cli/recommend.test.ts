import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './run.js';

const cpuinfo = (name: string) => new URL(`../fixtures/corpus/cpuinfo/${name}`, import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/roots/${name}`, import.meta.url).pathname;

function recommendJson(args: string[]) {
  const result = runCli(['recommend', '--non-interactive', '--json', ...args]);
  const report = result.stdout ? JSON.parse(result.stdout) : null;
  const byId = Object.fromEntries((report?.candidates ?? []).map((candidate: any) => [candidate.id, candidate]));
  const why = (id: string) => byId[id].reasons.map((reason: any) => reason.text).join(' | ');
  return { result, report, byId, why };
}

describe('virt-advisor recommend without a terminal', () => {
  it('recommends KVM for a VT-x host running Windows, with its minimum kernel and config', () => {
    const { result, report, byId, why } = recommendJson(['--arch', 'x86_64', '--cpu-flags', 'flags : fpu pae lm vmx ept', '--kernel', '6.1.0-18-amd64', '--guest', 'windows', '--goal', 'performance']);
    expect(result.status).toBe(0);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['host', 'goals', 'candidates']));
    expect(report.goals).toEqual(['performance']);
    const [first] = report.candidates;
    expect(first).toMatchObject({ id: 'kvm', eligible: true, rank: 1, minKernel: '2.6.20', maxKernel: null, kernelSatisfied: true });
    expect(first.kconfig).toEqual(expect.arrayContaining(['CONFIG_KVM', 'CONFIG_KVM_INTEL']));
    expect(first.kconfig).not.toContain('CONFIG_KVM_AMD');
    for (const key of ['id', 'eligible', 'rank', 'minKernel', 'maxKernel', 'guestMinKernel', 'kernelSatisfied', 'reasons', 'kconfig']) expect(first).toHaveProperty(key);
    expect(byId.containers.eligible).toBe(false);
    expect(why('containers')).toMatch(/cannot run windows guests/);
    expect(byId['xen-pv'].eligible).toBe(false);
  });

  it('on the Firecracker guest capture: KVM not eligible because nested virtualization is not exposed; containers and emulation are', () => {
    const { result, byId, why } = recommendJson(['--cpuinfo', cpuinfo('x86_64-firecracker-guest-no-vmx.txt'), '--kernel', '6.18.44-fc-v595']);
    expect(result.status).toBe(0);
    expect(byId.kvm.eligible).toBe(false);
    expect(why('kvm')).toMatch(/virtual machine whose CPU does not expose vmx or svm.*nested virtualization/);
    expect(byId.containers.eligible).toBe(true);
    expect(byId['qemu-tcg'].eligible).toBe(true);
  });

  it('picks KVM on AMD from an EPYC capture', () => {
    const { byId } = recommendJson(['--cpuinfo', cpuinfo('x86_64-amd-epyc7451-svm-host.txt'), '--kernel', '5.15.0-91-generic']);
    expect(byId.kvm).toMatchObject({ eligible: true, rank: 1 });
    expect(byId.kvm.kconfig).toEqual(expect.arrayContaining(['CONFIG_KVM_AMD']));
  });

  it('offers lguest on a 32-bit Pentium 4 without VT on 2.6.30, and not on 6.1', () => {
    const old = recommendJson(['--cpuinfo', cpuinfo('i386-intel-pentium4-no-lm-no-vmx.txt'), '--kernel', '2.6.30', '--guest', 'linux']);
    expect(old.report.host.arch).toBe('i386');
    expect(old.byId.lguest).toMatchObject({ eligible: true, minKernel: '2.6.23', maxKernel: '4.14', kernelSatisfied: true });
    expect(old.byId.kvm.eligible).toBe(false);
    const current = recommendJson(['--cpuinfo', cpuinfo('i386-intel-pentium4-no-lm-no-vmx.txt'), '--kernel', '6.1']);
    expect(current.byId.lguest).toMatchObject({ eligible: false, kernelSatisfied: false });
    expect(current.why('lguest')).toMatch(/removed from mainline in 4\.14/);
  });

  it('needs a newer kernel for Xen dom0 than 2.6.37, and says so', () => {
    const { byId, why } = recommendJson(['--arch', 'x86_64', '--cpu-flags', 'lm vmx', '--kernel', '2.6.37', '--keep-kernel']);
    expect(byId['xen-hvm']).toMatchObject({ eligible: false, kernelSatisfied: false, minKernel: '3.0' });
    expect(why('xen-hvm')).toMatch(/needs kernel 3\.0 or later.*cannot be changed/);
  });

  it('reads a machine from a root directory with --detect', () => {
    const { result, report, byId } = recommendJson(['--detect', '--root', fixture('kvm-host-nested')]);
    expect(result.status).toBe(0);
    expect(report.host).toMatchObject({ arch: 'x86_64', virtual: false });
    expect(report.host.kernel.release).toBe('6.1');
    expect(byId.kvm).toMatchObject({ eligible: true, rank: 1, kernelSatisfied: true });
  });

  it('stays honest when nothing can be read', () => {
    const { result, report, why } = recommendJson(['--detect', '--root', fixture('nothing-readable')]);
    expect(result.status).toBe(0);
    expect(report.host).toMatchObject({ arch: null, cpuFlags: null, kernel: null });
    expect(why('kvm')).toMatch(/architecture unknown/);
  });

  it('prints the recommendation first in text', () => {
    const result = runCli(['recommend', '--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--kernel', '6.1']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Machine: /);
    const recommended = result.stdout.indexOf('Recommended: KVM');
    expect(recommended).toBeGreaterThan(0);
    expect(result.stdout.indexOf('Not eligible, and why')).toBeGreaterThan(recommended);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('never waits for input when stdin is not a terminal', () => {
    const result = runCli([], { timeout: 10_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Recommended: |No approach is eligible/);
  });

  it('takes the architecture of this machine when only a kernel is given, and judges the kernel', () => {
    const { result, report, byId } = recommendJson(['--kernel', '2.6.18', '--keep-kernel', '--cpu-flags', 'vmx lm']);
    expect(result.status).toBe(0);
    expect(report.host.arch).not.toBeNull();
    expect(report.host.sources.arch).toMatch(/this machine's/);
    expect(byId.kvm).toMatchObject({ eligible: false, kernelSatisfied: false });
  });

  it('does not use this CPU as evidence for another architecture', () => {
    const { report, why } = recommendJson(['--detect', '--root', fixture('kvm-host-nested'), '--arch', 's390x']);
    expect(report.host.cpuFlags).toBeNull();
    expect(report.host.sources.cpu).toMatch(/the CPU read here is x86_64, not s390x/);
    expect(why('kvm')).toMatch(/CPU flags unknown: cannot check for sie/);
    expect(why('kvm')).not.toMatch(/kvm_intel/);
  });

  it('treats a detected release it cannot parse as unknown, naming the file, and lets --kernel win', () => {
    const root = mkdtempSync(join(tmpdir(), 'va-root-'));
    try {
      mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
      writeFileSync(join(root, 'proc/sys/kernel/osrelease'), 'garbage!!\n');
      const unknownKernel = recommendJson(['--detect', '--root', root, '--arch', 'x86_64']);
      expect(unknownKernel.result.status).toBe(0);
      expect(unknownKernel.report.host.kernel).toBeNull();
      expect(unknownKernel.report.host.sources.kernel).toMatch(/^unknown: .*proc\/sys\/kernel\/osrelease: not a kernel version: "garbage!!"/);
      const given = recommendJson(['--detect', '--root', root, '--arch', 'x86_64', '--kernel', '6.1']);
      expect(given.result.status).toBe(0);
      expect(given.report.host.kernel.release).toBe('6.1');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a --root that does not exist', ['--detect', '--root', '/nonexistent/root'], /--root \/nonexistent\/root: no such directory/],
    ['a --root that is a file', ['--detect', '--root', new URL('../../package.json', import.meta.url).pathname], /not a directory/],
    ['a device as cpuinfo', ['--cpuinfo', '/dev/zero'], /is a device, not a \/proc\/cpuinfo/],
    ['a repeated --kernel', ['--kernel', '6.1', '--kernel', '6.2'], /--kernel given more than once/],
    ['an unknown guest', ['--guest', 'macos'], /unknown guest "macos"/],
    ['an unknown goal', ['--goal', 'speedy'], /unknown goal "speedy"/],
    ['a bad kernel', ['--kernel', 'abc'], /not a kernel version: "abc"/],
    ['an unknown architecture', ['--arch', 'vax'], /unknown architecture "vax"/],
    ['a missing cpuinfo file', ['--cpuinfo', '/nonexistent/cpuinfo'], /cannot read \/nonexistent\/cpuinfo: no such file/],
    ['a cpuinfo that is not one', ['--cpuinfo', new URL('../../package.json', import.meta.url).pathname], /does not look like \/proc\/cpuinfo/],
    ['garbage CPU flags', ['--cpu-flags', 'vmx; rm -rf'], /is not a CPU flag/],
  ];
  it.each(bad)('%s: one line, exit 2', (_name, args, message) => {
    const result = runCli(['recommend', '--non-interactive', ...args]);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });
});

describe('virt-advisor host', () => {
  it('reports a Xen dom0 fixture with sources', () => {
    const result = runCli(['host', '--root', fixture('xen-dom0'), '--json']);
    expect(result.status).toBe(0);
    const facts = JSON.parse(result.stdout);
    expect(facts.schemaVersion).toBe(2);
    expect(facts.xen).toEqual({ known: true, value: 'dom0', source: fixture('xen-dom0/proc/xen/capabilities') });
    expect(facts.kernelRelease).toMatchObject({ known: true, value: '2.6.18-398.el5xen' });
    expect(facts.kernelConfig.known).toBe(false);
    expect(facts.kernelConfig.reason).toMatch(/boot\/config-2\.6\.18-398\.el5xen/);
  });

  it('says what it could not read', () => {
    const result = runCli(['host', '--root', fixture('nothing-readable')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/unknown: not found: .*proc\/cpuinfo/);
  });
});
