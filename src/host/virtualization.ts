import { isFirecrackerBrandString, isQemuCpuModel, type CpuInfo } from './cpuinfo.js';
import { isKnown, known, trimmed, unknown, type Fact, type RootReader } from './fact.js';

export type XenRole = 'dom0' | 'domU' | 'none';

export interface HypervisorInfo {
  /** true: runs under a hypervisor; false: evidence of bare metal; null: nothing conclusive. */
  virtual: boolean | null;
  vendor: string | null;
  evidence: string[];
}

export interface ContainerInfo {
  inContainer: boolean | null;
  kind: string | null;
  evidence: string[];
}

type DmiField = 'sys_vendor' | 'product_name' | 'bios_vendor';

export interface Dmi {
  fields: Partial<Record<DmiField, string>>;
  /** Whether <root>/sys/class/dmi/id exists; absent when the firmware has no SMBIOS tables. */
  present: boolean;
  shown: string;
}

export function readDmi(reader: RootReader): Dmi {
  const fields: Dmi['fields'] = {};
  for (const field of ['sys_vendor', 'product_name', 'bios_vendor'] as const) {
    const value = trimmed(reader.read(`/sys/class/dmi/id/${field}`));
    if (isKnown(value)) fields[field] = value.value;
  }
  return { fields, present: reader.exists('/sys/class/dmi/id') === true, shown: reader.shown('/sys/class/dmi/id') };
}

function dmiSaysXen(dmi: Dmi): boolean {
  return dmi.fields.sys_vendor === 'Xen' || dmi.fields.product_name === 'HVM domU';
}

export function detectXen(reader: RootReader, dmi: Dmi): Fact<XenRole> {
  const type = trimmed(reader.read('/sys/hypervisor/type'));
  const capabilities = reader.read('/proc/xen/capabilities');
  if (isKnown(capabilities)) {
    return known(capabilities.value.includes('control_d') ? 'dom0' : 'domU', capabilities.source);
  }
  if (isKnown(type) && type.value === 'xen') {
    // Only guests boot Xen's emulated firmware; a PVH dom0 sees the real machine's DMI.
    if (dmiSaysXen(dmi)) return known('domU', `${type.source}, ${dmi.shown}`);
    return unknown(`Xen (${type.source}), but ${capabilities.unknown}: dom0 or domU cannot be told`);
  }
  if (isKnown(type)) return known('none', `${type.source} says "${type.value}"`);
  if (dmiSaysXen(dmi)) return known('domU', dmi.shown);
  if (reader.sysfsPresent()) return known('none', `no ${reader.shown('/sys/hypervisor/type')} in a mounted /sys`);
  return unknown(type.unknown);
}

interface Evidence {
  says: string;
  virtual: boolean | null;
  vendor: string | null;
  sources: string[];
}

/** DMI strings hypervisors put in their firmware tables; every listed field must match. */
const DMI_HYPERVISORS: ReadonlyArray<{ vendor: string | null; match: Partial<Record<DmiField, RegExp>> }> = [
  { vendor: null, match: { sys_vendor: /^Amazon EC2$/, product_name: /\.metal\b/ } },
  { vendor: 'Amazon EC2', match: { sys_vendor: /^Amazon EC2$/ } },
  { vendor: 'QEMU', match: { sys_vendor: /^QEMU$/ } },
  { vendor: 'QEMU', match: { product_name: /^Standard PC \(/ } },
  { vendor: 'KVM', match: { product_name: /^KVM$/ } },
  { vendor: 'OpenStack', match: { product_name: /^OpenStack (Nova|Compute)$/ } },
  { vendor: 'VMware', match: { sys_vendor: /^VMware/ } },
  { vendor: 'VMware', match: { product_name: /^VMware/ } },
  { vendor: 'VirtualBox', match: { sys_vendor: /^innotek GmbH$/ } },
  { vendor: 'VirtualBox', match: { product_name: /^VirtualBox$/ } },
  { vendor: 'Hyper-V', match: { sys_vendor: /^Microsoft Corporation$/, product_name: /^Virtual Machine$/ } },
  { vendor: 'Xen', match: { sys_vendor: /^Xen$/ } },
  { vendor: 'Xen', match: { product_name: /^HVM domU$/ } },
  { vendor: 'Google Compute Engine', match: { product_name: /^Google Compute Engine$/ } },
  { vendor: 'Parallels', match: { sys_vendor: /^Parallels/ } },
  { vendor: 'Bochs', match: { sys_vendor: /^Bochs$/ } },
  { vendor: 'bhyve', match: { sys_vendor: /^BHYVE$/ } },
  { vendor: 'Cloud Hypervisor', match: { sys_vendor: /^Cloud Hypervisor$/ } },
  { vendor: 'Apple Virtualization', match: { product_name: /^Apple Virtualization/ } },
  { vendor: 'Alibaba Cloud', match: { product_name: /^Alibaba Cloud ECS$/ } },
];

/** OEM IDs that virtual machine monitors write into every ACPI table header (bytes 10-15). */
// A Map: a key read from a file ("constructor") must find nothing.
const ACPI_OEM_IDS = new Map<string, string>(Object.entries({
  FIRECK: 'Firecracker',
  CLOUDH: 'Cloud Hypervisor',
  BOCHS: 'QEMU',
  VBOX: 'VirtualBox',
  VRTUAL: 'Hyper-V',
  Xen: 'Xen',
}));

/** Clock sources a guest kernel registers only after finding that hypervisor's interface. */
// A Map: a key read from a file ("constructor") must find nothing.
const CLOCKSOURCES = new Map<string, string>(Object.entries({
  'kvm-clock': 'KVM',
  xen: 'Xen',
  hyperv_clocksource_tsc_page: 'Hyper-V',
  hyperv_clocksource_msr: 'Hyper-V',
}));

export function detectHypervisor(reader: RootReader, cpu: Fact<CpuInfo>, dmi: Dmi): Fact<HypervisorInfo> {
  // Ordered from the most specific vendor name to the least: Firecracker and QEMU run on KVM.
  const evidence: Evidence[] = [
    ...acpiEvidence(reader),
    ...dmiEvidence(dmi),
    ...microVmEvidence(reader, cpu, dmi),
    ...cpuEvidence(cpu),
    ...sysfsEvidence(reader),
  ];
  if (evidence.length === 0) {
    const why = isKnown(cpu) ? `${cpu.source} gives no hint` : cpu.unknown;
    return unknown(`nothing to tell from: ${why}; no DMI, ACPI or hypervisor information under ${reader.shown('/sys')}`);
  }
  const virtual = evidence.some((e) => e.virtual === true) ? true : evidence.some((e) => e.virtual === false) ? false : null;
  const vendor = virtual ? (evidence.find((e) => e.virtual === true && e.vendor !== null)?.vendor ?? null) : null;
  const sources = [...new Set(evidence.flatMap((e) => e.sources))].join(', ');
  return known({ virtual, vendor, evidence: evidence.map((e) => `${e.says} [${e.sources.join(', ')}]`) }, sources);
}

function acpiEvidence(reader: RootReader): Evidence[] {
  // The tables are readable by root only; other users fall back on the remaining evidence.
  for (const table of ['DSDT', 'FACP', 'APIC']) {
    const header = reader.readStart(`/sys/firmware/acpi/tables/${table}`, 36);
    if (!isKnown(header) || header.value.length < 16) continue;
    const oemId = header.value.subarray(10, 16).toString('latin1').replace(/[\0 ]+$/, '');
    const vendor = ACPI_OEM_IDS.get(oemId);
    return vendor ? [{ says: `ACPI ${table} OEM ID "${oemId}" (${vendor})`, virtual: true, vendor, sources: [header.source] }] : [];
  }
  return [];
}

function dmiEvidence(dmi: Dmi): Evidence[] {
  const { sys_vendor: sysVendor, product_name: product } = dmi.fields;
  if (sysVendor === undefined && product === undefined) return [];
  const named = `DMI "${sysVendor ?? '?'}" / "${product ?? '?'}"`;
  const rule = DMI_HYPERVISORS.find(({ match }) =>
    Object.entries(match).every(([field, pattern]) => pattern.test(dmi.fields[field as DmiField] ?? '')),
  );
  const sources = [dmi.shown];
  if (rule?.vendor) return [{ says: `${named} (${rule.vendor})`, virtual: true, vendor: rule.vendor, sources }];
  if (rule) return [{ says: `${named}: an EC2 bare-metal instance`, virtual: false, vendor: null, sources }];
  return [{ says: `${named} names hardware, not a hypervisor`, virtual: false, vendor: null, sources }];
}

function microVmEvidence(reader: RootReader, cpu: Fact<CpuInfo>, dmi: Dmi): Evidence[] {
  const evidence: Evidence[] = [];
  const hint = isKnown(cpu) ? cpu.value.archHint : null;
  const x86 = hint === 'x86_64' || hint === 'i386' || hint === 'x86';
  if (x86 && !dmi.present && reader.sysfsPresent()) {
    // x86 firmware normally carries SMBIOS; Firecracker's does not.
    if (isKnown(cpu) && isFirecrackerBrandString(cpu.value.modelName)) {
      evidence.push({
        says: `model name "${cpu.value.modelName}" is the brand string Firecracker sets, and there are no DMI tables (Firecracker provides none)`,
        virtual: true,
        vendor: 'Firecracker',
        sources: [cpu.source, dmi.shown],
      });
    } else {
      evidence.push({
        says: 'no DMI tables: firmware without SMBIOS (as in Firecracker) or a kernel without DMI support',
        virtual: null,
        vendor: null,
        sources: [dmi.shown],
      });
    }
  }
  const cmdline = reader.read('/proc/cmdline');
  if (isKnown(cmdline) && /(^|\s)virtio_mmio\.device=/.test(cmdline.value)) {
    evidence.push({
      says: 'kernel command line declares virtio-mmio devices (virtio_mmio.device=), as Firecracker and other microVMs without ACPI do',
      virtual: true,
      vendor: null,
      sources: [cmdline.source],
    });
  }
  return evidence;
}

function cpuEvidence(cpu: Fact<CpuInfo>): Evidence[] {
  if (!isKnown(cpu)) return [];
  const { value, reason } = cpu.value.virtual;
  const vendor = value && isQemuCpuModel(cpu.value.modelName) ? 'QEMU' : null;
  return [{ says: `cpuinfo: ${reason}`, virtual: value, vendor, sources: [cpu.source] }];
}

function sysfsEvidence(reader: RootReader): Evidence[] {
  const evidence: Evidence[] = [];
  const type = trimmed(reader.read('/sys/hypervisor/type'));
  if (isKnown(type)) {
    const vendor = type.value === 'xen' ? 'Xen' : type.value;
    evidence.push({ says: `hypervisor type "${type.value}"`, virtual: true, vendor, sources: [type.source] });
  }
  const clocksources = trimmed(reader.read('/sys/devices/system/clocksource/clocksource0/available_clocksource'));
  if (isKnown(clocksources)) {
    for (const name of clocksources.value.split(/\s+/)) {
      const vendor = CLOCKSOURCES.get(name);
      if (vendor) {
        evidence.push({ says: `clocksource ${name} (registered only on ${vendor})`, virtual: true, vendor, sources: [clocksources.source] });
      }
    }
  }
  return evidence;
}

interface ContainerSign {
  says: string;
  kind: string;
  /** /.dockerenv alone is weak: it stays behind in root filesystems exported from a container. */
  strong: boolean;
  source: string;
}

/** Cgroup path words that name a container runtime. */
const CGROUP_RUNTIMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/docker/, 'docker'],
  [/libpod/, 'podman'],
  [/kubepods/, 'kubernetes'],
  [/crio/, 'cri-o'],
  [/containerd/, 'containerd'],
  [/\blxc\b/, 'lxc'],
];

export function detectContainer(reader: RootReader): Fact<ContainerInfo> {
  const cgroups = ['/proc/1/cgroup', '/proc/self/cgroup'].map((file) => reader.read(file));
  const readCgroups = cgroups.filter(isKnown);
  const signs = [
    ...markerFileSigns(reader),
    ...readCgroups.flatMap(cgroupSign),
    ...environSign(reader.read('/proc/1/environ')),
    ...overlayRootSign(reader.read('/proc/1/mountinfo')),
  ];
  const evidence = signs.map((sign) => sign.says);
  const source = [...new Set([...signs.map((sign) => sign.source), ...readCgroups.map((c) => c.source)])].join(', ');
  const strong = signs.find((sign) => sign.strong);
  if (strong) return known({ inContainer: true, kind: strong.kind, evidence }, source);
  if (signs.length > 0) {
    evidence.push('nothing else points to a container; the marker is also left in images built from a container');
    return known({ inContainer: null, kind: null, evidence }, source);
  }
  if (readCgroups.length > 0) {
    const files = readCgroups.map((c) => c.source).join(' and ');
    evidence.push('no /.dockerenv, /run/.containerenv or /run/systemd/container', `${files}: no container runtime named`);
    return known({ inContainer: false, kind: null, evidence }, source);
  }
  return unknown(`no container marker files, and ${cgroups[0] && !isKnown(cgroups[0]) ? cgroups[0].unknown : 'no cgroup file'}`);
}

function markerFileSigns(reader: RootReader): ContainerSign[] {
  const signs: ContainerSign[] = [];
  for (const [file, kind, strong] of [['/.dockerenv', 'docker', false], ['/run/.containerenv', 'podman', true]] as const) {
    const shown = reader.shown(file);
    if (reader.exists(file) === true) signs.push({ says: `${shown} exists`, kind, strong, source: shown });
  }
  const systemdContainer = trimmed(reader.read('/run/systemd/container'));
  if (isKnown(systemdContainer)) {
    const { value, source } = systemdContainer;
    signs.push({ says: `${source} says "${value}"`, kind: value, strong: true, source });
  }
  return signs;
}

function cgroupSign(cgroup: { value: string; source: string }): ContainerSign[] {
  for (const line of cgroup.value.split('\n')) {
    const cgroupPath = line.split(':').slice(2).join(':');
    if (cgroupPath.endsWith('.service')) continue; // the runtime's own daemon, not a container
    const runtime = CGROUP_RUNTIMES.find(([pattern]) => pattern.test(cgroupPath));
    if (runtime) return [{ says: `${cgroup.source}: ${line.trim()}`, kind: runtime[1], strong: true, source: cgroup.source }];
  }
  return [];
}

function environSign(environ: Fact<string>): ContainerSign[] {
  if (!isKnown(environ)) return [];
  const entry = environ.value.split('\0').find((variable) => variable.startsWith('container='));
  if (!entry) return [];
  return [{ says: `${environ.source}: ${entry}`, kind: entry.slice('container='.length), strong: true, source: environ.source }];
}

/** A root filesystem that is an overlay over a runtime's storage directory belongs to a container. */
function overlayRootSign(mountinfo: Fact<string>): ContainerSign[] {
  if (!isKnown(mountinfo)) return [];
  for (const line of mountinfo.value.split('\n')) {
    const [mountFields = '', superFields = ''] = line.split(' - ');
    if (mountFields.split(' ')[4] !== '/' || !superFields.startsWith('overlay ')) continue;
    const kind = superFields.includes('/var/lib/docker/')
      ? 'docker'
      : superFields.includes('/var/lib/containers/')
        ? 'podman'
        : superFields.includes('containerd')
          ? 'containerd'
          : null;
    if (kind) return [{ says: `${mountinfo.source}: root is an overlay over ${kind} storage`, kind, strong: true, source: mountinfo.source }];
  }
  return [];
}
