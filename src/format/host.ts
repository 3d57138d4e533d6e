import type { CpuInfo } from '../host/cpuinfo.js';
import type { Arch } from '../arch.js';
import { isKnown, type CgroupInfo, type Fact, type HostFacts } from '../host/detect.js';
import { VIRTUALIZATION_MODULES } from '../host/live.js';
import type { HardwareVirtualization } from '../rules/types.js';
import { escapeText } from '../escape.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

const LABEL_WIDTH = 20;

/** A report of each fact found about the host, with where it came from or why it is unknown. */
export function formatHostText(facts: HostFacts, options: { color: boolean; hardware: ReadonlyMap<Arch, HardwareVirtualization> }): string {
  const style = styleFor(options.color);
  const lines = [style.bold(`Host facts (root ${escapeText(facts.root)})`)];
  const line = <T>(label: string, fact: Fact<T>, describe: (value: T) => string, details: (value: T) => string[] = () => []) => {
    const head = `  ${style.bold(label.padEnd(LABEL_WIDTH))} `;
    // Every value here came from a file of the machine: shown escaped, never as raw bytes.
    if (!isKnown(fact)) {
      lines.push(head + style.yellow(`unknown: ${escapeText(fact.unknown)}`));
      return;
    }
    lines.push(`${head}${escapeText(describe(fact.value))}  ${style.dim(`(${escapeText(fact.source)})`)}`);
    for (const detail of details(fact.value)) lines.push(`  ${' '.repeat(LABEL_WIDTH)}   ${style.dim(`- ${escapeText(detail)}`)}`);
  };

  line('CPU', facts.cpu, describeCpu);
  line('CPU virtualization', facts.cpu, (cpu) => virtualizationExtensions(cpu, options.hardware));
  line('CPU says virtual', facts.cpu, (cpu) => `${yesNo(cpu.virtual.value)}: ${cpu.virtual.reason}`);
  line('Architecture', facts.arch, (arch) => arch);
  line('Kernel release', facts.kernelRelease, (release) => release);
  line('Kernel config', facts.kernelConfig, (config) => config.path, (config) =>
    config.tried.length > 1 ? [`tried: ${config.tried.join(', ')}`] : [],
  );
  line('/dev/kvm', facts.kvmDevice, (kvm) => {
    if (!kvm.present) return 'absent';
    const usable = kvm.usable === null ? 'access not checked' : kvm.usable ? 'usable by this user' : 'not usable by this user';
    return `present, ${usable}${kvm.modules.length > 0 ? ` (modules: ${kvm.modules.join(', ')})` : ''}`;
  });
  line('Nested (kvm_intel)', facts.nested.kvmIntel, enabled);
  line('Nested (kvm_amd)', facts.nested.kvmAmd, enabled);
  line('Xen', facts.xen, (role) => role);
  line('Hypervisor', facts.hypervisor, (h) => (h.virtual ? `yes${h.vendor ? `: ${h.vendor}` : ''}` : yesNo(h.virtual)), (h) => h.evidence);
  line('Container', facts.container, (c) => (c.inContainer ? `yes${c.kind ? `: ${c.kind}` : ''}` : yesNo(c.inContainer)), (c) => c.evidence);
  line('IOMMU', facts.iommu, (iommu) => (iommu.enabled ? iommu.devices.join(', ') : 'no IOMMU registered'));
  line('cgroups', facts.cgroups, describeCgroups);
  line('/dev/vhost-net', facts.devices.vhostNet, presence);
  line('/dev/net/tun', facts.devices.tun, presence);
  line('Modules loaded', facts.modules, (modules) => (modules.length > 0 ? modules.join(', ') : `none of ${VIRTUALIZATION_MODULES.join(', ')}`), () => ['built-in drivers are not listed in /proc/modules']);
  return `${lines.join('\n')}\n`;
}

/** A fact in JSON: its value and where it came from, or why it could not be told. */
export type FactJson<T> = { known: true; value: T; source: string } | { known: false; reason: string };

function factJson<T, U>(fact: Fact<T>, shape: (value: T) => U): FactJson<U> {
  return isKnown(fact) ? { known: true, value: shape(fact.value), source: fact.source } : { known: false, reason: fact.unknown };
}

const same = <T>(value: T) => value;

/**
 * `host --json` (schemas/host.schema.json): every fact with its source or the reason it is unknown.
 * Built field by field, so that the output is the documented contract and not whatever the
 * detection code holds.
 */
export function hostToJson(facts: HostFacts) {
  return {
    schemaVersion: SCHEMA_VERSIONS.host,
    root: facts.root,
    cpu: factJson(facts.cpu, (cpu) => ({
      architecture: cpu.archHint,
      vendor: cpu.vendor,
      model: cpu.modelName,
      logicalCpus: cpu.logicalCpus,
      flags: [...cpu.flags],
      vmxFlags: [...cpu.vmxFlags],
      virtual: { value: cpu.virtual.value, reason: cpu.virtual.reason },
    })),
    kernelRelease: factJson(facts.kernelRelease, same),
    arch: factJson(facts.arch, same),
    kernelConfig: factJson(facts.kernelConfig, (config) => ({ path: config.path, tried: [...config.tried] })),
    kvm: factJson(facts.kvmDevice, (kvm) => ({ present: kvm.present, usable: kvm.usable, modules: [...kvm.modules] })),
    nested: { kvmIntel: factJson(facts.nested.kvmIntel, same), kvmAmd: factJson(facts.nested.kvmAmd, same) },
    xen: factJson(facts.xen, same),
    hypervisor: factJson(facts.hypervisor, (h) => ({ virtual: h.virtual, vendor: h.vendor, evidence: [...h.evidence] })),
    container: factJson(facts.container, (c) => ({ inContainer: c.inContainer, kind: c.kind, evidence: [...c.evidence] })),
    iommu: factJson(facts.iommu, (iommu) => ({ enabled: iommu.enabled, devices: [...iommu.devices] })),
    cgroups: factJson(facts.cgroups, (c) => ({ hierarchy: c.hierarchy, v2MountPoint: c.v2MountPoint, v1Controllers: [...c.v1Controllers] })),
    devices: { vhostNet: factJson(facts.devices.vhostNet, same), tun: factJson(facts.devices.tun, same) },
    modules: factJson(facts.modules, (modules) => [...modules]),
  };
}

export type HostJson = ReturnType<typeof hostToJson>;

function presence(value: boolean): string {
  return value ? 'present' : 'absent';
}

function describeCgroups(cgroups: CgroupInfo): string {
  const v1 = cgroups.v1Controllers.join(', ');
  switch (cgroups.hierarchy) {
    case 'v2':
      return `v2 (unified) at ${cgroups.v2MountPoint}`;
    case 'hybrid':
      return `hybrid: v1 controllers (${v1}) and v2 at ${cgroups.v2MountPoint}`;
    case 'v1':
      return `v1 (legacy): ${v1}`;
    default:
      return 'none mounted';
  }
}

function yesNo(value: boolean | null): string {
  return value === null ? 'cannot tell' : value ? 'yes' : 'no';
}

function enabled(value: boolean): string {
  return value ? 'enabled' : 'disabled';
}

function describeCpu(cpu: CpuInfo): string {
  const parts = [cpu.vendor, cpu.modelName?.replace(/\s+/g, ' ')].filter((part): part is string => part !== null && part !== undefined);
  const name = parts.length > 0 ? parts.join(' ') : 'unnamed CPU';
  const count = `${cpu.logicalCpus} logical CPU${cpu.logicalCpus === 1 ? '' : 's'}`;
  return `${name}, ${count}${cpu.archHint ? `, looks like ${cpu.archHint}` : ''}`;
}

/** The words that say whether this CPU can host virtual machines (rules/cpu-flags.json, per architecture). */
function virtualizationExtensions(cpu: CpuInfo, hardware: ReadonlyMap<Arch, HardwareVirtualization>): string {
  // cpuinfo alone may tell x86 without telling 32- or 64-bit: both have the same flags.
  const arch = cpu.archHint === 'x86' ? 'x86_64' : cpu.archHint;
  const known = arch ? hardware.get(arch) : undefined;
  if (!known) return 'not shown in cpuinfo on this architecture';
  const present = known.flags.filter((flag) => cpu.flags.includes(flag));
  if (present.length === 0) return `none (no ${known.flags.join(' or ')})`;
  const extras = known.extras.filter((flag) => cpu.flags.includes(flag) || cpu.vmxFlags.includes(flag));
  return extras.length > 0 ? `${present.join(', ')} (${extras.join(', ')})` : present.join(', ');
}

