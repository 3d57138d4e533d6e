import * as fs from 'node:fs';
import * as os from 'node:os';
import { currentArch, normalizeArch, type Arch } from '../arch.js';
import { parseCpuinfo, type CpuInfo } from './cpuinfo.js';
import { quote } from '../escape.js';
import { isKnown, known, trimmed, unknown, RootReader, type Fact } from './fact.js';
import { findKernelConfig, type KernelConfigLocation } from './kernel-config.js';
import { detectCgroups, deviceNode, readLoadedModules, VIRTUALIZATION_MODULES, type CgroupInfo } from './live.js';
import {
  detectContainer,
  detectHypervisor,
  detectXen,
  readDmi,
  type ContainerInfo,
  type HypervisorInfo,
  type XenRole,
} from './virtualization.js';

export { isKnown, known, unknown, type Fact, type KnownFact, type UnknownFact } from './fact.js';
export type { ContainerInfo, HypervisorInfo, XenRole } from './virtualization.js';

export type { KernelConfigLocation } from './kernel-config.js';
export type { CgroupInfo } from './live.js';

export interface KvmDevice {
  present: boolean;
  /** Whether this user may open it for reading and writing; null when that cannot be checked. */
  usable: boolean | null;
  /** Loaded modules named kvm or kvm_*: kvm_intel, kvm_amd, kvm_pvm... */
  modules: string[];
}

export interface IommuInfo {
  enabled: boolean;
  devices: string[];
}

export interface HostFacts {
  root: string;
  cpu: Fact<CpuInfo>;
  kernelRelease: Fact<string>;
  arch: Fact<Arch>;
  kernelConfig: Fact<KernelConfigLocation>;
  kvmDevice: Fact<KvmDevice>;
  nested: { kvmIntel: Fact<boolean>; kvmAmd: Fact<boolean> };
  xen: Fact<XenRole>;
  hypervisor: Fact<HypervisorInfo>;
  container: Fact<ContainerInfo>;
  iommu: Fact<IommuInfo>;
  /** The cgroup hierarchy mounted (from /proc/mounts). */
  cgroups: Fact<CgroupInfo>;
  /** /dev/vhost-net and /dev/net/tun: the in-kernel virtio-net backend and tap devices. */
  devices: { vhostNet: Fact<boolean>; tun: Fact<boolean> };
  /** Loaded modules of VIRTUALIZATION_MODULES, from /proc/modules (built-in ones are not listed there). */
  modules: Fact<string[]>;
}

export const CPUINFO_CAP = 16 * 1024 * 1024;

export interface DetectOptions {
  /** What the running kernel calls the machine (`uname -m`); defaults to os.machine(). Used only for root '/'. */
  machine?: string;
}

/**
 * Reads what can be told about the machine whose filesystem is at `root` ('/' for this one, or a
 * mounted image, chroot or fixture). Missing or unreadable files become unknown facts, never errors.
 */
export function detectHost(root = '/', options: DetectOptions = {}): HostFacts {
  const reader = new RootReader(root);
  const cpu = readCpu(reader);
  const kernelRelease = trimmed(reader.read('/proc/sys/kernel/osrelease', 4096));
  const dmi = readDmi(reader);
  return {
    root,
    cpu,
    kernelRelease,
    arch: detectArch(reader, cpu, options),
    kernelConfig: findKernelConfig(reader, kernelRelease),
    kvmDevice: detectKvmDevice(reader),
    nested: { kvmIntel: nestedParameter(reader, 'kvm_intel'), kvmAmd: nestedParameter(reader, 'kvm_amd') },
    xen: detectXen(reader, dmi),
    hypervisor: detectHypervisor(reader, cpu, dmi),
    container: detectContainer(reader),
    iommu: detectIommu(reader),
    cgroups: detectCgroups(reader),
    devices: { vhostNet: deviceNode(reader, '/dev/vhost-net'), tun: deviceNode(reader, '/dev/net/tun') },
    modules: virtualizationModules(reader),
  };
}

export function readCpu(reader: RootReader): Fact<CpuInfo> {
  // The largest real capture is a few MB (hundreds of CPUs); more is not a cpuinfo.
  const text = trimmed(reader.read('/proc/cpuinfo', CPUINFO_CAP));
  return isKnown(text) ? known(parseCpuinfo(text.value), text.source) : text;
}

export function detectArch(reader: RootReader, cpu: Fact<CpuInfo>, options: DetectOptions = {}): Fact<Arch> {
  if (reader.live) {
    const machine = options.machine ?? os.machine();
    const arch = normalizeArch(machine);
    if (arch) return known(arch, `os.machine() = ${machine}`);
    const byNode = currentArch();
    if (byNode) return known(byNode, `process.arch = ${process.arch}`);
    return unknown(`the kernel calls this machine "${machine}", an architecture virt-advisor does not know`);
  }
  // Another root may hold another architecture's system, so the running Node says nothing about it.
  const archFile = trimmed(reader.read('/proc/sys/kernel/arch', 4096));
  const fromFile = isKnown(archFile) ? normalizeArch(archFile.value) : undefined;
  if (fromFile && isKnown(archFile)) return known(fromFile, archFile.source);
  const fileReason = isKnown(archFile) ? `${archFile.source} says "${archFile.value}", unknown to virt-advisor` : archFile.unknown;
  if (!isKnown(cpu)) return unknown(`${fileReason}; ${cpu.unknown}`);
  const hint = cpu.value.archHint;
  if (hint === null) return unknown(`${fileReason}; ${cpu.source} names no architecture virt-advisor knows`);
  if (hint === 'x86') return unknown(`${fileReason}; ${cpu.source} shows an x86 CPU but not whether the kernel is 32- or 64-bit`);
  return known(hint, `${cpu.source} (${fileReason})`);
}

function detectKvmDevice(reader: RootReader): Fact<KvmDevice> {
  const shown = reader.shown('/dev/kvm');
  const present = reader.exists('/dev/kvm');
  if (typeof present !== 'boolean') return present;
  if (!present && reader.exists('/dev') !== true) return unknown(`not found: ${reader.shown('/dev')}`);
  const moduleList = reader.list('/sys/module');
  const modules = isKnown(moduleList) ? moduleList.value.filter((name) => /^kvm(_|$)/.test(name)) : [];
  if (!present) return known({ present: false, usable: false, modules }, shown);
  const access = reader.accessible('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
  return known({ present: true, usable: typeof access === 'boolean' ? access : null, modules }, shown);
}

function nestedParameter(reader: RootReader, module: 'kvm_intel' | 'kvm_amd'): Fact<boolean> {
  const parameter = trimmed(reader.read(`/sys/module/${module}/parameters/nested`));
  if (isKnown(parameter)) {
    if (parameter.value === 'Y' || parameter.value === '1') return known(true, parameter.source);
    if (parameter.value === 'N' || parameter.value === '0') return known(false, parameter.source);
    return unknown(`unexpected value ${quote(parameter.value, 40)} in ${parameter.source}`);
  }
  // A file that exists but cannot be read says so; only an absent module directory means "not loaded".
  if (!parameter.unknown.startsWith('not found:')) return parameter;
  const loaded = reader.exists(`/sys/module/${module}`);
  if (typeof loaded !== 'boolean') return loaded;
  if (loaded) return unknown(`${module} is loaded but has no nested parameter`);
  const sysModule = reader.exists('/sys/module');
  if (typeof sysModule !== 'boolean') return sysModule;
  if (sysModule) return unknown(`module not loaded: ${module} (no ${reader.shown(`/sys/module/${module}`)})`);
  return unknown(`not found: ${reader.shown('/sys/module')}`);
}

function detectIommu(reader: RootReader): Fact<IommuInfo> {
  const listing = reader.list('/sys/class/iommu');
  if (!isKnown(listing)) return listing;
  // sysfs never holds dot files; skipping them lets a fixture keep an otherwise empty directory in git.
  const devices = listing.value.filter((name) => !name.startsWith('.'));
  return known({ enabled: devices.length > 0, devices }, listing.source);
}

function virtualizationModules(reader: RootReader): Fact<string[]> {
  const loaded = readLoadedModules(reader);
  if (!isKnown(loaded)) return loaded;
  return known(VIRTUALIZATION_MODULES.filter((name) => loaded.value.has(name)), loaded.source);
}
