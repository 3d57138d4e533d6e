import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CpuInfo } from '../../src/host/cpuinfo.js';
import { known, RootReader, unknown, type Fact } from '../../src/host/fact.js';
import { detectContainer, detectHypervisor, detectXen, readDmi } from '../../src/host/virtualization.js';

/**
 * The three judgements about where a kernel runs (Xen role, hypervisor, container), each on a small
 * tree that holds exactly the files one rule reads, with the exact answer and wording expected.
 */
const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-virt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let trees = 0;
/** A root holding the given files (a value of null makes a directory). */
function tree(files: Record<string, string | Buffer | null>): { reader: RootReader; at: (inside: string) => string } {
  const root = join(scratch, `t${trees++}`);
  mkdirSync(root);
  for (const [inside, content] of Object.entries(files)) {
    const file = join(root, inside);
    if (content === null) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { reader: new RootReader(root), at: (inside) => join(root, inside) };
}

const DMI = '/sys/class/dmi/id';
const dmiFiles = (sysVendor?: string, product?: string): Record<string, string | null> => ({
  [DMI]: null,
  ...(sysVendor === undefined ? {} : { [`${DMI}/sys_vendor`]: `${sysVendor}\n` }),
  ...(product === undefined ? {} : { [`${DMI}/product_name`]: `${product}\n` }),
});

function cpu(archHint: CpuInfo['archHint'], modelName: string | null, virtual: CpuInfo['virtual'] = { value: null, reason: 'cpuinfo does not say' }): Fact<CpuInfo> {
  return known({ archHint, vendor: null, modelName, logicalCpus: 1, flags: [], vmxFlags: [], virtual }, '/cpuinfo');
}
const noCpu = unknown('not found: /cpuinfo');

describe('detectXen', () => {
  const xen = (files: Record<string, string | null>) => {
    const { reader, at } = tree(files);
    return { fact: detectXen(reader, readDmi(reader)), at };
  };
  it('/proc/xen/capabilities decides: control_d is dom0, anything else a domU', () => {
    const dom0 = xen({ '/proc/xen/capabilities': 'control_d\n', '/sys/hypervisor/type': 'kvm\n' });
    expect(dom0.fact).toEqual({ value: 'dom0', source: dom0.at('/proc/xen/capabilities') });
    const domU = xen({ '/proc/xen/capabilities': '' });
    expect(domU.fact).toEqual({ value: 'domU', source: domU.at('/proc/xen/capabilities') });
  });
  it('hypervisor type xen: a domU when the DMI names Xen (vendor or product), else dom0 or domU cannot be told', () => {
    const byVendor = xen({ '/sys/hypervisor/type': 'xen\n', ...dmiFiles('Xen', 'HVM something') });
    expect(byVendor.fact).toEqual({ value: 'domU', source: `${byVendor.at('/sys/hypervisor/type')}, ${byVendor.at(DMI)}` });
    const byProduct = xen({ '/sys/hypervisor/type': 'xen\n', ...dmiFiles('Dell Inc.', 'HVM domU') });
    expect(byProduct.fact.value).toBe('domU');
    const real = xen({ '/sys/hypervisor/type': 'xen\n', ...dmiFiles('Dell Inc.', 'PowerEdge R740') });
    expect(real.fact).toEqual({ value: null, unknown: `Xen (${real.at('/sys/hypervisor/type')}), but not found: ${real.at('/proc/xen/capabilities')}: dom0 or domU cannot be told` });
  });
  it('another hypervisor type is not Xen, whatever the DMI says', () => {
    const kvm = xen({ '/sys/hypervisor/type': 'kvm\n', ...dmiFiles('Xen') });
    expect(kvm.fact).toEqual({ value: 'none', source: `${kvm.at('/sys/hypervisor/type')} says "kvm"` });
  });
  it('no hypervisor type: a Xen DMI is a domU; a mounted /sys without the file is no Xen; else unknown', () => {
    const dmi = xen({ ...dmiFiles(undefined, 'HVM domU') });
    expect(dmi.fact).toEqual({ value: 'domU', source: dmi.at(DMI) });
    const sys = xen({ '/sys/kernel': null, ...dmiFiles('QEMU') });
    expect(sys.fact).toEqual({ value: 'none', source: `no ${sys.at('/sys/hypervisor/type')} in a mounted /sys` });
    const bare = xen({});
    expect(bare.fact).toEqual({ value: null, unknown: `not found: ${bare.at('/sys/hypervisor/type')}` });
  });
});

function acpiHeader(oemId: string, length = 36): Buffer {
  const header = Buffer.alloc(length);
  header.write('DSDT', 0, 'latin1');
  header.write(oemId, 10, 'latin1');
  return header;
}

describe('detectHypervisor', () => {
  const hypervisor = (files: Record<string, string | Buffer | null>, cpuFact: Fact<CpuInfo> = noCpu) => {
    const { reader, at } = tree(files);
    return { fact: detectHypervisor(reader, cpuFact, readDmi(reader)), at };
  };
  const ACPI = '/sys/firmware/acpi/tables';

  it('reads the ACPI OEM ID of the first readable table, without its padding', () => {
    const bochs = hypervisor({ [`${ACPI}/DSDT`]: acpiHeader('BOCHS ') });
    expect(bochs.fact).toEqual({ value: { virtual: true, vendor: 'QEMU', evidence: [`ACPI DSDT OEM ID "BOCHS" (QEMU) [${bochs.at(`${ACPI}/DSDT`)}]`] }, source: bochs.at(`${ACPI}/DSDT`) });
    const xenNul = hypervisor({ [`${ACPI}/FACP`]: acpiHeader('Xen\0\0\0') });
    expect(xenNul.fact.value?.evidence).toEqual([`ACPI FACP OEM ID "Xen" (Xen) [${xenNul.at(`${ACPI}/FACP`)}]`]);
    const apic = hypervisor({ [`${ACPI}/APIC`]: acpiHeader('FIRECK') });
    expect(apic.fact.value?.vendor).toBe('Firecracker');
  });
  it('a table too short for an OEM ID is passed over; a real vendor in the first table ends the look', () => {
    const short = hypervisor({ [`${ACPI}/DSDT`]: Buffer.from('DSDT012345ABC'), [`${ACPI}/FACP`]: acpiHeader('VRTUAL') });
    expect(short.fact.value?.vendor).toBe('Hyper-V');
    const sixteen = hypervisor({ [`${ACPI}/DSDT`]: acpiHeader('VBOX  ', 16) });
    expect(sixteen.fact.value?.vendor).toBe('VirtualBox');
    const realFirst = hypervisor({ [`${ACPI}/DSDT`]: acpiHeader('DELL  '), [`${ACPI}/FACP`]: acpiHeader('BOCHS '), '/sys/kernel': null });
    expect(realFirst.fact).toEqual({ value: null, unknown: `nothing to tell from: not found: /cpuinfo; no DMI, ACPI or hypervisor information under ${realFirst.at('/sys')}` });
  });

  it.each([
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)', 'QEMU'],
    ['Dell Inc.', 'Standard PC (i440FX + PIIX, 1996)', 'QEMU'],
    ['Red Hat', 'KVM', 'KVM'],
    ['OpenStack Foundation', 'OpenStack Nova', 'OpenStack'],
    ['RDO', 'OpenStack Compute', 'OpenStack'],
    ['VMware, Inc.', 'VMware7,1', 'VMware'],
    ['innotek GmbH', 'VirtualBox', 'VirtualBox'],
    ['Oracle Corporation', 'VirtualBox', 'VirtualBox'],
    ['Microsoft Corporation', 'Virtual Machine', 'Hyper-V'],
    ['Xen', 'HVM domU', 'Xen'],
    ['Google', 'Google Compute Engine', 'Google Compute Engine'],
    ['Parallels Software International Inc.', 'Parallels Virtual Platform', 'Parallels'],
    ['Bochs', 'Bochs', 'Bochs'],
    ['BHYVE', 'BHYVE', 'bhyve'],
    ['Cloud Hypervisor', 'cloud-hypervisor', 'Cloud Hypervisor'],
    ['Apple Inc.', 'Apple Virtualization Generic Platform', 'Apple Virtualization'],
    ['Alibaba Cloud', 'Alibaba Cloud ECS', 'Alibaba Cloud'],
    ['Amazon EC2', 'm5.large', 'Amazon EC2'],
  ])('DMI %j / %j is %s', (sysVendor, product, vendor) => {
    const { fact, at } = hypervisor(dmiFiles(sysVendor, product));
    expect(fact).toEqual({ value: { virtual: true, vendor, evidence: [`DMI "${sysVendor}" / "${product}" (${vendor}) [${at(DMI)}]`] }, source: at(DMI) });
  });
  it('DMI of real hardware, of an EC2 bare-metal instance, or with one field missing', () => {
    const metal = hypervisor(dmiFiles('Amazon EC2', 'm5.metal'));
    expect(metal.fact).toEqual({ value: { virtual: false, vendor: null, evidence: [`DMI "Amazon EC2" / "m5.metal": an EC2 bare-metal instance [${metal.at(DMI)}]`] }, source: metal.at(DMI) });
    const dell = hypervisor(dmiFiles('Dell Inc.', 'PowerEdge R740'));
    expect(dell.fact.value).toEqual({ virtual: false, vendor: null, evidence: [`DMI "Dell Inc." / "PowerEdge R740" names hardware, not a hypervisor [${dell.at(DMI)}]`] });
    // Hyper-V needs both fields; a Microsoft laptop is hardware.
    expect(hypervisor(dmiFiles('Microsoft Corporation', 'Surface Laptop 5')).fact.value?.virtual).toBe(false);
    const productOnly = hypervisor(dmiFiles(undefined, 'KVM'));
    expect(productOnly.fact.value?.evidence).toEqual([`DMI "?" / "KVM" (KVM) [${productOnly.at(DMI)}]`]);
    const vendorOnly = hypervisor(dmiFiles('QEMU'));
    expect(vendorOnly.fact.value?.evidence).toEqual([`DMI "QEMU" / "?" (QEMU) [${vendorOnly.at(DMI)}]`]);
  });

  it('virtual wins over bare-metal evidence, and the vendor is the first that names one', () => {
    const { fact, at } = hypervisor(
      { ...dmiFiles('Dell Inc.', 'PowerEdge R740'), '/sys/devices/system/clocksource/clocksource0/available_clocksource': 'tsc  hpet kvm-clock acpi_pm\n' },
      cpu('x86_64', 'QEMU Virtual CPU version 2.5+', { value: true, reason: 'the hypervisor flag is set' }),
    );
    expect(fact.value).toEqual({
      virtual: true,
      vendor: 'QEMU',
      evidence: [
        `DMI "Dell Inc." / "PowerEdge R740" names hardware, not a hypervisor [${at(DMI)}]`,
        'cpuinfo: the hypervisor flag is set [/cpuinfo]',
        `clocksource kvm-clock (registered only on KVM) [${at('/sys/devices/system/clocksource/clocksource0/available_clocksource')}]`,
      ],
    });
    expect(fact).toHaveProperty('source', `${at(DMI)}, /cpuinfo, ${at('/sys/devices/system/clocksource/clocksource0/available_clocksource')}`);
  });
  it('a virtual verdict with no vendor named anywhere has vendor null; cpuinfo alone that cannot tell gives virtual null', () => {
    const flagOnly = hypervisor({}, cpu('x86_64', 'Intel(R) Xeon(R) Gold', { value: true, reason: 'the hypervisor flag is set' }));
    expect(flagOnly.fact.value).toEqual({ virtual: true, vendor: null, evidence: ['cpuinfo: the hypervisor flag is set [/cpuinfo]'] });
    const silent = hypervisor({}, cpu('x86_64', 'Intel(R) Xeon(R) Gold', { value: null, reason: 'no hypervisor flag' }));
    expect(silent.fact.value).toEqual({ virtual: null, vendor: null, evidence: ['cpuinfo: no hypervisor flag [/cpuinfo]'] });
    const bare = hypervisor({}, cpu('arm64', null, { value: false, reason: 'a real implementer' }));
    expect(bare.fact.value).toEqual({ virtual: false, vendor: null, evidence: ['cpuinfo: a real implementer [/cpuinfo]'] });
  });

  it('Firecracker: an x86 brand string it sets, no DMI tables, and a mounted /sys', () => {
    for (const arch of ['x86_64', 'i386', 'x86'] as const) {
      const { fact, at } = hypervisor({ '/sys/kernel': null }, cpu(arch, 'Intel(R) Xeon(R) Processor @ 2.50GHz'));
      expect(fact.value?.vendor, arch).toBe('Firecracker');
      expect(fact.value?.evidence[0], arch).toBe(
        `model name "Intel(R) Xeon(R) Processor @ 2.50GHz" is the brand string Firecracker sets, and there are no DMI tables (Firecracker provides none) [/cpuinfo, ${at(DMI)}]`,
      );
    }
    const other = hypervisor({ '/sys/kernel': null }, cpu('x86_64', 'AMD Ryzen 7 5800X'));
    expect(other.fact.value).toEqual({
      virtual: null,
      vendor: null,
      evidence: [`no DMI tables: firmware without SMBIOS (as in Firecracker) or a kernel without DMI support [${other.at(DMI)}]`, 'cpuinfo: cpuinfo does not say [/cpuinfo]'],
    });
    // Not on Arm (no SMBIOS is normal there), not with DMI tables, not without a mounted /sys.
    expect(hypervisor({ '/sys/kernel': null }, cpu('arm64', 'AMD EPYC')).fact.value?.evidence).toEqual(['cpuinfo: cpuinfo does not say [/cpuinfo]']);
    expect(hypervisor({ '/sys/kernel': null, [DMI]: null }, cpu('x86_64', 'AMD EPYC')).fact.value?.vendor).toBeNull();
    expect(hypervisor({}, cpu('x86_64', 'AMD EPYC')).fact.value?.evidence).toEqual(['cpuinfo: cpuinfo does not say [/cpuinfo]']);
  });
  it('virtio-mmio devices on the kernel command line, as a word of their own', () => {
    for (const cmdline of ['virtio_mmio.device=4K@0xd0000000:5 console=ttyS0\n', 'console=ttyS0 virtio_mmio.device=4K@0xd0001000:6\n']) {
      const { fact, at } = hypervisor({ '/proc/cmdline': cmdline });
      expect(fact.value).toEqual({
        virtual: true,
        vendor: null,
        evidence: [`kernel command line declares virtio-mmio devices (virtio_mmio.device=), as Firecracker and other microVMs without ACPI do [${at('/proc/cmdline')}]`],
      });
    }
    expect(hypervisor({ '/proc/cmdline': 'novirtio_mmio.device=1\n' }).fact.value).toBeNull();
  });
  it('the hypervisor type and the clock sources only hypervisors register', () => {
    const xen = hypervisor({ '/sys/hypervisor/type': 'xen\n' });
    expect(xen.fact.value).toEqual({ virtual: true, vendor: 'Xen', evidence: [`hypervisor type "xen" [${xen.at('/sys/hypervisor/type')}]`] });
    expect(hypervisor({ '/sys/hypervisor/type': 'acrn\n' }).fact.value?.vendor).toBe('acrn');
    const clocks = '/sys/devices/system/clocksource/clocksource0/available_clocksource';
    const hyperv = hypervisor({ [clocks]: 'hyperv_clocksource_tsc_page   acpi_pm\n' });
    expect(hyperv.fact.value).toEqual({ virtual: true, vendor: 'Hyper-V', evidence: [`clocksource hyperv_clocksource_tsc_page (registered only on Hyper-V) [${hyperv.at(clocks)}]`] });
    expect(hypervisor({ [clocks]: 'tsc xen\n' }).fact.value?.vendor).toBe('Xen');
    expect(hypervisor({ [clocks]: 'tsc hyperv_clocksource_msr\n' }).fact.value?.vendor).toBe('Hyper-V');
    expect(hypervisor({ [clocks]: 'tsc hpet acpi_pm constructor\n' }).fact.value).toBeNull();
  });
});

describe('detectContainer', () => {
  const container = (files: Record<string, string | null>) => {
    const { reader, at } = tree(files);
    return { fact: detectContainer(reader), at };
  };
  const hostCgroup = { '/proc/1/cgroup': '0::/init.scope\n', '/proc/self/cgroup': '0::/user.slice/session-1.scope\n' };

  it('no marker and cgroups naming no runtime: not in a container, saying what was read', () => {
    const { fact, at } = container(hostCgroup);
    expect(fact).toEqual({
      value: {
        inContainer: false,
        kind: null,
        evidence: ['no /.dockerenv, /run/.containerenv or /run/systemd/container', `${at('/proc/1/cgroup')} and ${at('/proc/self/cgroup')}: no container runtime named`],
      },
      source: `${at('/proc/1/cgroup')}, ${at('/proc/self/cgroup')}`,
    });
  });
  it('nothing readable: unknown, with why the first cgroup file could not be read', () => {
    const { fact, at } = container({});
    expect(fact).toEqual({ value: null, unknown: `no container marker files, and not found: ${at('/proc/1/cgroup')}` });
  });
  it('/.dockerenv alone is weak; /run/.containerenv and /run/systemd/container are not', () => {
    const docker = container({ '/.dockerenv': '', ...hostCgroup });
    expect(docker.fact.value).toEqual({
      inContainer: null,
      kind: null,
      evidence: [`${docker.at('/.dockerenv')} exists`, 'nothing else points to a container; the marker is also left in images built from a container'],
    });
    const podman = container({ '/run/.containerenv': '' });
    expect(podman.fact).toEqual({ value: { inContainer: true, kind: 'podman', evidence: [`${podman.at('/run/.containerenv')} exists`] }, source: podman.at('/run/.containerenv') });
    const systemd = container({ '/run/systemd/container': 'lxc\n' });
    expect(systemd.fact).toEqual({ value: { inContainer: true, kind: 'lxc', evidence: [`${systemd.at('/run/systemd/container')} says "lxc"`] }, source: systemd.at('/run/systemd/container') });
  });
  it.each([
    ['12:devices:/docker/0123abcd', 'docker'],
    ['0::/machine.slice/libpod-0123.scope', 'podman'],
    ['0::/kubepods/burstable/pod1234/0123', 'kubernetes'],
    ['0::/kubepods.slice/crio-0123.scope', 'kubernetes'],
    ['0::/system.slice/crio-0123.scope', 'cri-o'],
    ['0::/k8s/containerd/0123', 'containerd'],
    ['0::/lxc/web01', 'lxc'],
    ['0::/lxc.payload.web01', 'lxc'],
  ])('cgroup %j is %s', (line, kind) => {
    const { fact, at } = container({ '/proc/1/cgroup': `1:name=systemd:/\n${line}\n` });
    expect(fact.value).toEqual({ inContainer: true, kind, evidence: [`${at('/proc/1/cgroup')}: ${line}`] });
  });
  it("a runtime's own service, a path with colons, and a word that only contains lxc", () => {
    expect(container({ '/proc/1/cgroup': '0::/system.slice/docker.service\n' }).fact.value?.inContainer).toBe(false);
    expect(container({ '/proc/1/cgroup': '0::/system.slice/containerd.service\n0::/docker/ab:cd\n' }).fact.value?.kind).toBe('docker');
    expect(container({ '/proc/1/cgroup': '0::/user.slice/flxcd.scope\n' }).fact.value?.inContainer).toBe(false);
    // The path is what follows the second colon: a controller list naming a runtime does not count.
    expect(container({ '/proc/1/cgroup': '3:docker:/\n' }).fact.value?.inContainer).toBe(false);
  });
  it("PID 1's environment names the container manager", () => {
    const { fact, at } = container({ '/proc/1/environ': 'PATH=/usr/bin\0container=podman\0HOME=/\0' });
    expect(fact).toEqual({ value: { inContainer: true, kind: 'podman', evidence: [`${at('/proc/1/environ')}: container=podman`] }, source: at('/proc/1/environ') });
    expect(container({ '/proc/1/environ': 'PATH=/usr/bin\0mycontainer=x\0', ...hostCgroup }).fact.value?.inContainer).toBe(false);
  });
  it("a root file system that is an overlay over a runtime's storage", () => {
    const line = (mountPoint: string, superFields: string) => `1234 1 0:45 / ${mountPoint} rw,relatime - ${superFields}\n`;
    for (const [lower, kind] of [
      ['/var/lib/docker/overlay2/l/ABC', 'docker'],
      ['/var/lib/containers/storage/overlay/l/ABC', 'podman'],
      ['/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs', 'containerd'],
    ]) {
      const { fact, at } = container({ '/proc/1/mountinfo': `25 1 8:1 / /boot rw - ext4 /dev/sda1 rw\n${line('/', `overlay overlay rw,lowerdir=${lower}`)}` });
      expect(fact.value, kind).toEqual({ inContainer: true, kind, evidence: [`${at('/proc/1/mountinfo')}: root is an overlay over ${kind} storage`] });
    }
    // Not the root, not an overlay, or an overlay over other storage: no sign.
    expect(container({ '/proc/1/mountinfo': line('/var/lib/docker/overlay2/x/merged', 'overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC'), ...hostCgroup }).fact.value?.inContainer).toBe(false);
    expect(container({ '/proc/1/mountinfo': line('/', 'ext4 /var/lib/docker/disk rw'), ...hostCgroup }).fact.value?.inContainer).toBe(false);
    expect(container({ '/proc/1/mountinfo': line('/', 'overlay overlay rw,lowerdir=/srv/images/base'), ...hostCgroup }).fact.value?.inContainer).toBe(false);
  });
});
