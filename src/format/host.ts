import type { CpuInfo } from '../host/cpuinfo.js';
import { isKnown, type Fact, type HostFacts } from '../host/detect.js';
import { styleFor } from './style.js';

const LABEL_WIDTH = 20;

/** A report of each fact found about the host, with where it came from or why it is unknown. */
export function formatHostText(facts: HostFacts, options: { color: boolean }): string {
  const style = styleFor(options.color);
  const lines = [style.bold(`Host facts (root ${facts.root})`)];
  const line = <T>(label: string, fact: Fact<T>, describe: (value: T) => string, details: (value: T) => string[] = () => []) => {
    const head = `  ${style.bold(label.padEnd(LABEL_WIDTH))} `;
    if (!isKnown(fact)) {
      lines.push(head + style.yellow(`unknown: ${fact.unknown}`));
      return;
    }
    lines.push(`${head}${describe(fact.value)}  ${style.dim(`(${fact.source})`)}`);
    for (const detail of details(fact.value)) lines.push(`  ${' '.repeat(LABEL_WIDTH)}   ${style.dim(`- ${detail}`)}`);
  };

  line('CPU', facts.cpu, describeCpu);
  line('CPU virtualization', facts.cpu, virtualizationExtensions);
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
  return `${lines.join('\n')}\n`;
}

/** The same facts as a plain object for JSON output. */
export function hostToJson(facts: HostFacts): HostFacts {
  return structuredClone(facts);
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

/** The feature words that say whether this CPU can host virtual machines, per architecture. */
const HOST_EXTENSIONS: Record<string, { flags: string[]; extras: string[] }> = {
  x86_64: { flags: ['vmx', 'svm'], extras: ['ept', 'vpid', 'unrestricted_guest', 'npt'] },
  i386: { flags: ['vmx', 'svm'], extras: ['ept', 'vpid', 'unrestricted_guest', 'npt'] },
  x86: { flags: ['vmx', 'svm'], extras: ['ept', 'vpid', 'unrestricted_guest', 'npt'] },
  s390x: { flags: ['sie'], extras: [] },
  loongarch64: { flags: ['lvz'], extras: [] },
  riscv64: { flags: ['h'], extras: [] },
};

function virtualizationExtensions(cpu: CpuInfo): string {
  const known = cpu.archHint ? HOST_EXTENSIONS[cpu.archHint] : undefined;
  if (!known) return 'not shown in cpuinfo on this architecture';
  const present = known.flags.filter((flag) => cpu.flags.includes(flag));
  if (present.length === 0) return `none (no ${known.flags.join(' or ')})`;
  const extras = known.extras.filter((flag) => cpu.flags.includes(flag) || cpu.vmxFlags.includes(flag));
  return extras.length > 0 ? `${present.join(', ')} (${extras.join(', ')})` : present.join(', ');
}

