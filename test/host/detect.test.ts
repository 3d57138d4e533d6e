import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatHostText, hostToJson } from '../../src/format/host.js';
import { X86_FLAG_HIDDEN } from '../../src/host/cpuinfo.js';
import { detectHost, isKnown, type Fact, type HostFacts } from '../../src/host/detect.js';
import { runUnprivileged, sharedTempDir } from '../cli/run.js';
import type { Arch } from '../../src/arch.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { hardwareVirtualizationByArch, type HardwareVirtualization } from '../../src/rules/types.js';

const rootsDir = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));
const { rules } = loadRulesDirectory(fileURLToPath(new URL('../../rules', import.meta.url)));
const hardware = new Map(Object.entries(hardwareVirtualizationByArch(rules.cpuFlags))) as Map<Arch, HardwareVirtualization>;

function fixture(name: string) {
  const root = path.join(rootsDir, name);
  return { root, at: (inside: string) => path.join(root, inside), facts: detectHost(root) };
}

function configCandidates(at: (inside: string) => string, release: string): string[] {
  return ['/proc/config.gz', `/boot/config-${release}`, `/lib/modules/${release}/config`, `/usr/lib/modules/${release}/config`].map(at);
}

function noConfig(at: (inside: string) => string, release: string) {
  return { value: null, unknown: `no readable kernel config: ${configCandidates(at, release).map((p) => `not found: ${p}`).join(', ')}` };
}

/** Fixture files are mode 0644: read-write for their owner (and root), read-only for anyone else. */
function writableByThisUser(file: string): boolean {
  const uid = process.getuid?.();
  return uid === 0 || statSync(file).uid === uid;
}

function allFacts(facts: HostFacts): Fact<unknown>[] {
  const { root: _root, nested, devices, ...rest } = facts;
  return [...Object.values(rest), nested.kvmIntel, nested.kvmAmd, devices.vhostNet, devices.tun];
}

describe('detectHost on fixture roots', () => {
  it('xen-dom0: a Xen control domain on real hardware', () => {
    const { root, at, facts } = fixture('xen-dom0');
    expect(facts.root).toBe(root);
    expect(facts.cpu).toMatchObject({
      source: at('/proc/cpuinfo'),
      value: { archHint: 'x86_64', vendor: 'GenuineIntel', logicalCpus: 1, virtual: { value: true } },
    });
    expect(facts.kernelRelease).toEqual({ value: '2.6.18-398.el5xen', source: at('/proc/sys/kernel/osrelease') });
    expect(facts.arch).toEqual({ value: 'x86_64', source: `${at('/proc/cpuinfo')} (not found: ${at('/proc/sys/kernel/arch')})` });
    expect(facts.kernelConfig).toEqual(noConfig(at, '2.6.18-398.el5xen'));
    expect(facts.kvmDevice).toEqual({ value: { present: false, usable: false, modules: [] }, source: at('/dev/kvm') });
    expect(facts.nested.kvmIntel).toEqual({ value: null, unknown: `module not loaded: kvm_intel (no ${at('/sys/module/kvm_intel')})` });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `module not loaded: kvm_amd (no ${at('/sys/module/kvm_amd')})` });
    expect(facts.xen).toEqual({ value: 'dom0', source: at('/proc/xen/capabilities') });
    expect(facts.hypervisor).toEqual({
      value: {
        virtual: true,
        vendor: 'Xen',
        evidence: [
          `DMI "Dell Inc." / "PowerEdge R710" names hardware, not a hypervisor [${at('/sys/class/dmi/id')}]`,
          `cpuinfo: pae without pse and pge: flags masked as a Xen paravirtualized guest sees them [${at('/proc/cpuinfo')}]`,
          `hypervisor type "xen" [${at('/sys/hypervisor/type')}]`,
        ],
      },
      source: [at('/sys/class/dmi/id'), at('/proc/cpuinfo'), at('/sys/hypervisor/type')].join(', '),
    });
    expect(facts.container).toEqual({ value: null, unknown: `no container marker files, and not found: ${at('/proc/1/cgroup')}` });
    expect(facts.iommu).toEqual({ value: null, unknown: `not found: ${at('/sys/class/iommu')}` });
  });

  it('container: a Docker container on a QEMU/KVM guest', () => {
    const { at, facts } = fixture('container');
    expect(facts.cpu).toMatchObject({
      source: at('/proc/cpuinfo'),
      value: { archHint: 'x86_64', modelName: 'Intel Core Processor (Skylake, IBRS)', logicalCpus: 2 },
    });
    expect(facts.kernelRelease).toEqual({ value: '5.15.0-91-generic', source: at('/proc/sys/kernel/osrelease') });
    expect(facts.arch).toEqual({ value: 'x86_64', source: `${at('/proc/cpuinfo')} (not found: ${at('/proc/sys/kernel/arch')})` });
    expect(facts.kernelConfig).toEqual(noConfig(at, '5.15.0-91-generic'));
    expect(facts.kvmDevice).toEqual({ value: { present: false, usable: false, modules: [] }, source: at('/dev/kvm') });
    expect(facts.nested.kvmIntel).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.xen).toEqual({ value: null, unknown: `not found: ${at('/sys/hypervisor/type')}` });
    expect(facts.hypervisor).toEqual({
      value: {
        virtual: true,
        vendor: 'QEMU',
        evidence: [
          `cpuinfo: hypervisor flag set; model name "Intel Core Processor (Skylake, IBRS)" is a QEMU virtual CPU model [${at('/proc/cpuinfo')}]`,
        ],
      },
      source: at('/proc/cpuinfo'),
    });
    const containerId = '4f6a0c3b9e2d7a8c1b5e6f7d8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b';
    expect(facts.container).toEqual({
      value: {
        inContainer: true,
        kind: 'docker',
        evidence: [`${at('/.dockerenv')} exists`, `${at('/proc/1/cgroup')}: 12:memory:/docker/${containerId}`],
      },
      source: `${at('/.dockerenv')}, ${at('/proc/1/cgroup')}`,
    });
    expect(facts.iommu).toEqual({ value: null, unknown: `not found: ${at('/sys/class/iommu')}` });
  });

  it('kvm-host-nested: a bare-metal KVM host with nested VMX enabled', () => {
    const { at, facts } = fixture('kvm-host-nested');
    expect(facts.cpu).toMatchObject({
      source: at('/proc/cpuinfo'),
      value: { archHint: 'x86_64', vendor: 'GenuineIntel', logicalCpus: 4, virtual: { value: null, reason: X86_FLAG_HIDDEN } },
    });
    expect(isKnown(facts.cpu) && facts.cpu.value.flags).toEqual(expect.arrayContaining(['vmx', 'ept', 'vpid']));
    expect(facts.kernelRelease).toEqual({ value: '6.1.0-18-amd64', source: at('/proc/sys/kernel/osrelease') });
    expect(facts.arch).toEqual({ value: 'x86_64', source: `${at('/proc/cpuinfo')} (not found: ${at('/proc/sys/kernel/arch')})` });
    expect(facts.kernelConfig).toEqual({
      value: { path: at('/boot/config-6.1.0-18-amd64'), tried: [at('/proc/config.gz'), at('/boot/config-6.1.0-18-amd64')] },
      source: at('/boot/config-6.1.0-18-amd64'),
    });
    const usable = writableByThisUser(at('/dev/kvm'));
    expect(facts.kvmDevice).toEqual({ value: { present: true, usable, modules: ['kvm', 'kvm_intel'] }, source: at('/dev/kvm') });
    expect(facts.nested.kvmIntel).toEqual({ value: true, source: at('/sys/module/kvm_intel/parameters/nested') });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `module not loaded: kvm_amd (no ${at('/sys/module/kvm_amd')})` });
    expect(facts.xen).toEqual({ value: 'none', source: `no ${at('/sys/hypervisor/type')} in a mounted /sys` });
    expect(facts.hypervisor).toEqual({
      value: {
        virtual: false,
        vendor: null,
        evidence: [
          `DMI "Dell Inc." / "Latitude E4310" names hardware, not a hypervisor [${at('/sys/class/dmi/id')}]`,
          `cpuinfo: ${X86_FLAG_HIDDEN} [${at('/proc/cpuinfo')}]`,
        ],
      },
      source: `${at('/sys/class/dmi/id')}, ${at('/proc/cpuinfo')}`,
    });
    expect(facts.container).toEqual({
      value: {
        inContainer: false,
        kind: null,
        evidence: ['no /.dockerenv, /run/.containerenv or /run/systemd/container', `${at('/proc/1/cgroup')}: no container runtime named`],
      },
      source: at('/proc/1/cgroup'),
    });
    expect(facts.iommu).toEqual({ value: { enabled: true, devices: ['dmar0'] }, source: at('/sys/class/iommu') });
  });

  it('nothing-readable: an empty root gives every fact as unknown, with the path not found', () => {
    const { at, facts } = fixture('nothing-readable');
    expect(facts.cpu).toEqual({ value: null, unknown: `not found: ${at('/proc/cpuinfo')}` });
    expect(facts.kernelRelease).toEqual({ value: null, unknown: `not found: ${at('/proc/sys/kernel/osrelease')}` });
    expect(facts.arch).toEqual({ value: null, unknown: `not found: ${at('/proc/sys/kernel/arch')}; not found: ${at('/proc/cpuinfo')}` });
    expect(facts.kernelConfig).toEqual({
      value: null,
      unknown:
        `no readable kernel config: not found: ${at('/proc/config.gz')}; /boot/config-<release>, /lib/modules/<release>/config and ` +
        `/usr/lib/modules/<release>/config could not be tried: kernel release unknown (not found: ${at('/proc/sys/kernel/osrelease')})`,
    });
    expect(facts.kvmDevice).toEqual({ value: null, unknown: `not found: ${at('/dev')}` });
    expect(facts.nested.kvmIntel).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.xen).toEqual({ value: null, unknown: `not found: ${at('/sys/hypervisor/type')}` });
    expect(facts.hypervisor).toEqual({
      value: null,
      unknown: `nothing to tell from: not found: ${at('/proc/cpuinfo')}; no DMI, ACPI or hypervisor information under ${at('/sys')}`,
    });
    expect(facts.container).toEqual({ value: null, unknown: `no container marker files, and not found: ${at('/proc/1/cgroup')}` });
    expect(facts.iommu).toEqual({ value: null, unknown: `not found: ${at('/sys/class/iommu')}` });
  });

  it('firecracker-guest: a Firecracker guest with ACPI, identified without guessing', () => {
    const { at, facts } = fixture('firecracker-guest');
    expect(facts.cpu).toMatchObject({
      source: at('/proc/cpuinfo'),
      value: { archHint: 'x86_64', modelName: 'Intel(R) Xeon(R) Processor @ 2.50GHz', logicalCpus: 2, virtual: { value: true } },
    });
    expect(facts.kernelRelease).toEqual({ value: '6.18.44-fc-v595', source: at('/proc/sys/kernel/osrelease') });
    expect(facts.arch).toEqual({ value: 'x86_64', source: at('/proc/sys/kernel/arch') });
    expect(facts.kernelConfig).toEqual({ value: { path: at('/proc/config.gz'), tried: [at('/proc/config.gz')] }, source: at('/proc/config.gz') });
    const usable = writableByThisUser(at('/dev/kvm'));
    expect(facts.kvmDevice).toEqual({ value: { present: true, usable, modules: ['kvm', 'kvm_pvm'] }, source: at('/dev/kvm') });
    expect(facts.nested.kvmIntel).toEqual({ value: null, unknown: `module not loaded: kvm_intel (no ${at('/sys/module/kvm_intel')})` });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `module not loaded: kvm_amd (no ${at('/sys/module/kvm_amd')})` });
    expect(facts.xen).toEqual({ value: 'none', source: `no ${at('/sys/hypervisor/type')} in a mounted /sys` });
    const clocksource = at('/sys/devices/system/clocksource/clocksource0/available_clocksource');
    expect(facts.hypervisor).toEqual({
      value: {
        virtual: true,
        vendor: 'Firecracker',
        evidence: [
          `ACPI DSDT OEM ID "FIRECK" (Firecracker) [${at('/sys/firmware/acpi/tables/DSDT')}]`,
          `model name "Intel(R) Xeon(R) Processor @ 2.50GHz" is the brand string Firecracker sets, and there are no DMI tables (Firecracker provides none) [${at('/proc/cpuinfo')}, ${at('/sys/class/dmi/id')}]`,
          `cpuinfo: hypervisor flag set [${at('/proc/cpuinfo')}]`,
          `clocksource kvm-clock (registered only on KVM) [${clocksource}]`,
        ],
      },
      source: [at('/sys/firmware/acpi/tables/DSDT'), at('/proc/cpuinfo'), at('/sys/class/dmi/id'), clocksource].join(', '),
    });
    // The image was built from a container, so /.dockerenv is there; nothing else says container.
    expect(facts.container).toEqual({
      value: {
        inContainer: null,
        kind: null,
        evidence: [`${at('/.dockerenv')} exists`, 'nothing else points to a container; the marker is also left in images built from a container'],
      },
      source: `${at('/.dockerenv')}, ${at('/proc/1/cgroup')}`,
    });
    expect(facts.iommu).toEqual({ value: { enabled: false, devices: [] }, source: at('/sys/class/iommu') });
  });

  it('firecracker-mmio-guest: an older Firecracker guest without ACPI, on AMD', () => {
    const { at, facts } = fixture('firecracker-mmio-guest');
    expect(facts.cpu).toMatchObject({
      source: at('/proc/cpuinfo'),
      value: { archHint: 'x86_64', vendor: 'AuthenticAMD', modelName: 'AMD EPYC', logicalCpus: 2 },
    });
    expect(facts.kernelRelease).toEqual({ value: '5.10.252-285.992.amzn2.x86_64', source: at('/proc/sys/kernel/osrelease') });
    expect(facts.arch).toEqual({ value: 'x86_64', source: `${at('/proc/cpuinfo')} (not found: ${at('/proc/sys/kernel/arch')})` });
    expect(facts.kernelConfig).toEqual(noConfig(at, '5.10.252-285.992.amzn2.x86_64'));
    expect(facts.kvmDevice).toEqual({ value: null, unknown: `not found: ${at('/dev')}` });
    expect(facts.nested.kvmIntel).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.nested.kvmAmd).toEqual({ value: null, unknown: `not found: ${at('/sys/module')}` });
    expect(facts.xen).toEqual({ value: 'none', source: `no ${at('/sys/hypervisor/type')} in a mounted /sys` });
    const clocksource = at('/sys/devices/system/clocksource/clocksource0/available_clocksource');
    expect(facts.hypervisor).toEqual({
      value: {
        virtual: true,
        vendor: 'Firecracker',
        evidence: [
          `model name "AMD EPYC" is the brand string Firecracker sets, and there are no DMI tables (Firecracker provides none) [${at('/proc/cpuinfo')}, ${at('/sys/class/dmi/id')}]`,
          `kernel command line declares virtio-mmio devices (virtio_mmio.device=), as Firecracker and other microVMs without ACPI do [${at('/proc/cmdline')}]`,
          `cpuinfo: hypervisor flag set [${at('/proc/cpuinfo')}]`,
          `clocksource kvm-clock (registered only on KVM) [${clocksource}]`,
        ],
      },
      source: [at('/proc/cpuinfo'), at('/sys/class/dmi/id'), at('/proc/cmdline'), clocksource].join(', '),
    });
    expect(facts.container).toEqual({ value: null, unknown: `no container marker files, and not found: ${at('/proc/1/cgroup')}` });
    expect(facts.iommu).toEqual({ value: null, unknown: `not found: ${at('/sys/class/iommu')}` });
  });
});

describe('detectHost on files it cannot read', () => {
  // World-readable, so that the unprivileged run below meets only the permissions set on purpose.
  const scratch = sharedTempDir('virt-advisor-host-');
  const at = (inside: string) => path.join(scratch, inside);
  afterAll(() => {
    chmodSync(at('/proc/cpuinfo'), 0o644);
    chmodSync(at('/sys/class/iommu'), 0o755);
    rmSync(scratch, { recursive: true, force: true });
  });
  mkdirSync(at('/proc/sys/kernel'), { recursive: true });
  mkdirSync(at('/sys/class/iommu/dmar0'), { recursive: true });
  mkdirSync(at('/boot/config-6.1.0-18-amd64'), { recursive: true });
  writeFileSync(at('/proc/sys/kernel/osrelease'), '6.1.0-18-amd64\n');
  writeFileSync(at('/proc/sys/kernel/arch'), 'sparc64\n');
  writeFileSync(at('/proc/cpuinfo'), 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu lm\n');
  chmodSync(at('/proc/cpuinfo'), 0o000);
  chmodSync(at('/sys/class/iommu'), 0o000);
  const facts = detectHost(scratch);

  it('reports permission denied, run as a user that chmod 000 stops (root is not)', () => {
    for (const dir of ['/proc', '/proc/sys', '/proc/sys/kernel', '/sys', '/sys/class', '/boot']) chmodSync(at(dir), 0o755);
    chmodSync(at('/proc/sys/kernel/osrelease'), 0o644);
    const result = runUnprivileged(['host', '--root', scratch, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.cpu).toEqual({ known: false, reason: `not readable (permission denied): ${at('/proc/cpuinfo')}` });
    expect(json.iommu).toEqual({ known: false, reason: `not readable (permission denied): ${at('/sys/class/iommu')}` });
    expect(json.kernelRelease).toMatchObject({ known: true, value: '6.1.0-18-amd64' });
  });

  it('reads the same files as root, whom chmod 000 does not stop (the contrast that shows the test above is real)', () => {
    if (process.getuid?.() !== 0) return expect(facts.cpu).toEqual({ value: null, unknown: `not readable (permission denied): ${at('/proc/cpuinfo')}` });
    expect(facts.cpu).toMatchObject({ source: at('/proc/cpuinfo') });
    expect(facts.iommu).toEqual({ value: { enabled: true, devices: ['dmar0'] }, source: at('/sys/class/iommu') });
  });

  it('says when a directory stands where a file should be', () => {
    expect(facts.kernelConfig).toEqual({
      value: null,
      unknown: `no readable kernel config: not found: ${at('/proc/config.gz')}, not a regular file: ${at('/boot/config-6.1.0-18-amd64')}, not found: ${at('/lib/modules/6.1.0-18-amd64/config')}, not found: ${at('/usr/lib/modules/6.1.0-18-amd64/config')}`,
    });
  });

  it('names an architecture file it does not understand', () => {
    if (!isKnown(facts.cpu)) {
      expect(facts.arch).toEqual({ value: null, unknown: `${at('/proc/sys/kernel/arch')} says "sparc64", unknown to virt-advisor; ${facts.cpu.unknown}` });
      return;
    }
    expect(facts.arch).toEqual({ value: 'x86_64', source: `${at('/proc/cpuinfo')} (${at('/proc/sys/kernel/arch')} says "sparc64", unknown to virt-advisor)` });
  });
});

describe('detectHost on the running machine', () => {
  it('never throws and gives every fact a source or a reason', () => {
    const facts = detectHost();
    expect(facts.root).toBe('/');
    for (const fact of allFacts(facts)) {
      if (isKnown(fact)) expect(fact.source).not.toBe('');
      else expect(fact.unknown).not.toBe('');
    }
  });

  it("takes the architecture from the running kernel's machine name", () => {
    expect(detectHost('/').arch).toEqual({ value: expect.any(String), source: `os.machine() = ${os.machine()}` });
    expect(detectHost('/', { machine: 'aarch64' }).arch).toEqual({ value: 'arm64', source: 'os.machine() = aarch64' });
    expect(detectHost('/', { machine: 'ppc64le' }).arch).toEqual({ value: 'powerpc', source: 'os.machine() = ppc64le' });
  });

  it("falls back on Node's process.arch for a machine name it does not know", () => {
    const arch = detectHost('/', { machine: 'sparc64' }).arch;
    if (isKnown(arch)) expect(arch.source).toBe(`process.arch = ${process.arch}`);
    else expect(arch.unknown).toMatch(/"sparc64"/);
  });
});

describe('formatHostText and hostToJson', () => {
  const { at, facts } = fixture('kvm-host-nested');

  it('prints one line per fact with its source, or why it is unknown', () => {
    const lines = formatHostText(facts, { color: false, hardware }).trimEnd().split('\n');
    expect(lines[0]).toBe(`Host facts (root ${facts.root})`);
    expect(lines).toContain(`  ${'Nested (kvm_intel)'.padEnd(20)} enabled  (${at('/sys/module/kvm_intel/parameters/nested')})`);
    expect(lines).toContain(`  ${'Nested (kvm_amd)'.padEnd(20)} unknown: module not loaded: kvm_amd (no ${at('/sys/module/kvm_amd')})`);
    expect(lines).toContain(`  ${'CPU virtualization'.padEnd(20)} vmx (ept, vpid)  (${at('/proc/cpuinfo')})`);
    expect(lines).toContain(`  ${'Hypervisor'.padEnd(20)} no  (${at('/sys/class/dmi/id')}, ${at('/proc/cpuinfo')})`);
    const usable = writableByThisUser(at('/dev/kvm')) ? 'usable by this user' : 'not usable by this user';
    expect(lines).toContain(`  ${'/dev/kvm'.padEnd(20)} present, ${usable} (modules: kvm, kvm_intel)  (${at('/dev/kvm')})`);
    expect(lines).toContain(`  ${'IOMMU'.padEnd(20)} dmar0  (${at('/sys/class/iommu')})`);
    expect(lines.some((line) => line.includes(`- DMI "Dell Inc." / "Latitude E4310" names hardware`))).toBe(true);
  });

  it('colours only when asked', () => {
    expect(formatHostText(facts, { color: false, hardware })).not.toContain('\u001b[');
    expect(formatHostText(facts, { color: true, hardware })).toContain('\u001b[');
  });

  it('prints an empty root as unknown facts with their reasons', () => {
    const empty = fixture('nothing-readable');
    const lines = formatHostText(empty.facts, { color: false, hardware }).trimEnd().split('\n');
    expect(lines).toContain(`  ${'CPU'.padEnd(20)} unknown: not found: ${empty.at('/proc/cpuinfo')}`);
    expect(lines).toContain(`  ${'/dev/kvm'.padEnd(20)} unknown: not found: ${empty.at('/dev')}`);
    expect(lines.slice(1).every((line) => line.includes(' unknown: '))).toBe(true);
  });

  it('writes the documented JSON: known facts with their source, unknown ones with the reason', () => {
    const json = hostToJson(facts);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.schemaVersion).toBe(2);
    expect(json.root).toBe(facts.root);
    const { schemaVersion: _version, root: _root, nested, devices, ...rest } = json;
    for (const [name, fact] of [...Object.entries(rest), ...Object.entries(nested), ...Object.entries(devices)]) {
      const f = fact as { known: boolean; source?: string; reason?: string };
      expect(f.known ? typeof f.source : typeof f.reason, name).toBe('string');
    }
  });
});
