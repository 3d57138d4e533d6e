import type { Arch } from '../arch.js';
import type { Approach, Goal } from '../rules/approaches.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { CpuRequirement, Feature, GuestOs } from '../rules/types.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';

/** What is known of the machine; null means it could not be told (never a guess). */
export interface MachineProfile {
  arch: Arch | null;
  /** /proc/cpuinfo flags (x86 flags and vmx flags, s390 features, RISC-V extensions...). */
  cpuFlags: string[] | null;
  /** The CPU is a virtual one: we run inside a VM. */
  virtual: boolean | null;
  kernel: KernelVersion | null;
  /** /dev/kvm exists and this user can open it. */
  kvmUsable: boolean | null;
  /** Loaded KVM modules (kvm, kvm_intel, kvm_amd, or out-of-tree ones such as kvm_pvm); null if unknown. */
  kvmModules?: string[] | null;
  /** We run inside a container. */
  inContainer: boolean | null;
}

/** Where each part of the machine profile came from, so the report can say it. */
export interface ProfileSources {
  arch: string;
  cpu: string;
  kernel: string;
  virtual: string;
}

export interface Wishes {
  guests: GuestOs[];
  goals: Goal[];
  /** false when the kernel cannot be changed: an approach it lacks is then not eligible. */
  kernelChangeable: boolean;
}

/** One reason, for or against, or a caveat the reader should weigh. */
export interface Reason {
  kind: 'for' | 'against' | 'caveat';
  text: string;
}

export interface Candidate {
  id: string;
  name: string;
  eligible: boolean;
  rank: number;
  /** The first mainline host release on this architecture where everything the approach needs is merged. */
  minKernel: string | null;
  /** The release that removed something it needs, if any. */
  maxKernel: string | null;
  /** The first mainline release whose Linux guests have the support the approach uses. */
  guestMinKernel: string | null;
  kernelSatisfied: boolean | null;
  reasons: Reason[];
  /** CONFIG_ options to enable on the host, for the kernel given (or the newest one). */
  kconfig: string[];
  /** false when the approach asks nothing of the host kernel (pure emulation). */
  needsKernelSupport: boolean;
  score: number;
}

/** The /proc/cpuinfo flags that show hardware virtualization, where an architecture shows it at all. */
export const HARDWARE_VIRTUALIZATION: Partial<Record<Arch, string[]>> = {
  x86_64: ['vmx', 'svm'],
  i386: ['vmx', 'svm'],
  s390x: ['sie'],
  riscv64: ['h'],
  loongarch64: ['lvz'],
};

const GOAL_WORDS: Record<Goal, string> = {
  performance: 'performance',
  isolation: 'isolation',
  simplicity: 'simplicity',
  density: 'density',
  'unmodified-guests': 'running unmodified systems such as Windows',
  passthrough: 'device passthrough',
};

function meets(cpu: CpuRequirement, flags: Set<string>): boolean {
  return (cpu.allOf ?? []).every((flag) => flags.has(flag)) && (cpu.anyOf === undefined || cpu.anyOf.some((flag) => flags.has(flag)));
}

function describeCpu(cpu: CpuRequirement): string {
  const parts = [];
  if (cpu.allOf) parts.push(cpu.allOf.join(' and '));
  if (cpu.anyOf) parts.push(cpu.anyOf.join(' or '));
  return parts.join(', and ');
}

/**
 * The features the approach needs on this machine: the fixed ones plus the alternative the CPU picks.
 * When no alternative fits, the earliest stands in for the releases, and `cpu` asks for any of theirs.
 */
function hostFeatures(
  approach: Approach,
  knowledge: KnowledgeBase,
  arch: Arch,
  flags: Set<string> | null,
): { features: Feature[]; alternativesCpu: CpuRequirement | null } {
  const byId = (id: string) => knowledge.byId.get(id)!;
  const needed = approach.host.features.map(byId);
  const alternatives = (approach.host.oneOf ?? []).map((ids) => ids.map(byId)).filter((set) => set.every((feature) => feature.support[arch]));
  if (alternatives.length === 0) return { features: needed, alternativesCpu: null };
  const cpuOf = (feature: Feature) => feature.support[arch]!.cpu;
  const fitting = flags ? alternatives.find((set) => set.every((feature) => !cpuOf(feature) || meets(cpuOf(feature)!, flags))) : undefined;
  if (fitting) return { features: [...needed, ...fitting], alternativesCpu: null };
  const earliest = [...alternatives].sort((a, b) => latestAdded(a, arch) - latestAdded(b, arch))[0]!;
  const anyOf = [...new Set(alternatives.flatMap((set) => set.flatMap((feature) => [...(cpuOf(feature)?.allOf ?? []), ...(cpuOf(feature)?.anyOf ?? [])])))];
  return { features: [...needed, ...earliest], alternativesCpu: anyOf.length > 0 ? { anyOf } : null };
}

function latestAdded(features: Feature[], arch: Arch): number {
  return Math.max(...features.map((feature) => releaseNameKey(feature.support[arch]!.added)));
}

function releaseRange(features: Feature[], arch: Arch): { min: string | null; max: string | null; missing: Feature[] } {
  let min: string | null = null;
  let max: string | null = null;
  const missing: Feature[] = [];
  for (const feature of features) {
    const statement = feature.support[arch];
    if (!statement) {
      missing.push(feature);
      continue;
    }
    if (min === null || releaseNameKey(statement.added) > releaseNameKey(min)) min = statement.added;
    if (statement.removed && (max === null || releaseNameKey(statement.removed) < releaseNameKey(max))) max = statement.removed;
  }
  return { min, max, missing };
}

/** The CONFIG_ symbols of the features, as they are named in the kernel given (or the newest). */
function kconfigFor(features: Feature[], arch: Arch, kernel: KernelVersion | null): string[] {
  const symbols = new Set<string>();
  for (const feature of features) {
    const current = feature.kconfig.filter((entry) => !entry.arch || entry.arch.includes(arch));
    const inRange = (entry: (typeof current)[number]) => {
      if (kernel === null) return entry.until === undefined;
      const key = releaseKey(kernel);
      return releaseNameKey(entry.since) <= key && (entry.until === undefined || key < releaseNameKey(entry.until));
    };
    for (const entry of current) if (inRange(entry)) symbols.add(`CONFIG_${entry.symbol}`);
  }
  return [...symbols];
}

function cpuReasons(
  approach: Approach,
  chosen: { features: Feature[]; alternativesCpu: CpuRequirement | null },
  arch: Arch,
  machine: MachineProfile,
  reasons: Reason[],
): boolean {
  const alternativeIds = new Set((approach.host.oneOf ?? []).flat());
  const requirements: CpuRequirement[] = chosen.features
    .filter((feature) => !(chosen.alternativesCpu && alternativeIds.has(feature.id)))
    .flatMap((feature) => (feature.support[arch]?.cpu ? [feature.support[arch]!.cpu!] : []));
  if (chosen.alternativesCpu) requirements.push(chosen.alternativesCpu);
  // The core feature may already ask for what the alternatives ask for (kvm: vmx or svm): say it once.
  const seen = new Set<string>();
  const distinct = requirements.filter((cpu) => !seen.has(describeCpu(cpu)) && seen.add(describeCpu(cpu)));
  requirements.length = 0;
  requirements.push(...distinct);
  const hardware = HARDWARE_VIRTUALIZATION[arch];
  if (approach.needsHardwareVirtualization && hardware && !requirements.some((cpu) => cpu.anyOf || cpu.allOf)) {
    requirements.push({ anyOf: hardware });
  }
  if (requirements.length === 0) {
    if (approach.needsHardwareVirtualization && !hardware) {
      const usesKvm = approach.host.features.includes('kvm');
      reasons.push({
        kind: 'caveat',
        text: `${arch} CPUs do not show hardware virtualization in /proc/cpuinfo${usesKvm ? ': a usable /dev/kvm is the evidence' : ', so it cannot be checked here'}`,
      });
      if (usesKvm && machine.kvmUsable === false) reasons.push({ kind: 'against', text: '/dev/kvm is missing or not usable here' });
      if (usesKvm && machine.kvmUsable === true) reasons.push({ kind: 'for', text: '/dev/kvm is present and usable' });
    }
    return true;
  }
  if (machine.cpuFlags === null) {
    reasons.push({ kind: 'caveat', text: `CPU flags unknown: cannot check for ${requirements.map(describeCpu).join('; ')}` });
    return true;
  }
  const flags = new Set(machine.cpuFlags);
  const unmet = requirements.filter((cpu) => !meets(cpu, flags));
  if (unmet.length === 0) {
    const named = requirements.flatMap((cpu) => [...(cpu.allOf ?? []), ...(cpu.anyOf ?? [])]);
    reasons.push({ kind: 'for', text: `the CPU has ${[...new Set(named.filter((flag) => flags.has(flag)))].join(', ')}` });
    return true;
  }
  const wanted = unmet.map(describeCpu).join('; ');
  const mainlineVendorModules = new Set(['kvm', 'kvm_intel', 'kvm_amd']);
  const otherModules = (machine.kvmModules ?? []).filter((module) => !mainlineVendorModules.has(module));
  if (machine.kvmUsable === true && approach.host.features.includes('kvm')) {
    reasons.push({
      kind: 'caveat',
      text: `/dev/kvm is present and usable${otherModules.length ? ` through ${otherModules.join(', ')}, a KVM backend that is not in mainline (kvm_pvm runs guests without hardware virtualization)` : ''}: KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about`,
    });
  }
  if (machine.virtual === true) {
    reasons.push({
      kind: 'against',
      text: `this is a virtual machine whose CPU does not expose ${wanted}: enable nested virtualization on the outer host (${
        arch === 'x86_64' || arch === 'i386' ? "kvm_intel.nested=1 or kvm_amd.nested=1, or the cloud's nested-virtualization option" : "the outer hypervisor's nested-virtualization option"
      }), or use containers or emulation`,
    });
  } else if (machine.virtual === false) {
    reasons.push({ kind: 'against', text: `the CPU does not show ${wanted}: absent, or disabled in the firmware (BIOS/UEFI) settings` });
  } else {
    reasons.push({
      kind: 'against',
      text: `the CPU does not show ${wanted}: absent, disabled in the firmware, or hidden by a hypervisor (nested virtualization not exposed)`,
    });
  }
  return false;
}

function evaluate(approach: Approach, knowledge: KnowledgeBase, machine: MachineProfile, wishes: Wishes): Candidate {
  const reasons: Reason[] = [];
  let eligible = true;
  const against = (text: string) => {
    eligible = false;
    reasons.push({ kind: 'against', text });
  };
  const arch = machine.arch;
  // Inside a VM, an approach that must boot its own hypervisor is rarely possible: rank it lower.
  const bootsInVm = approach.needsOwnHypervisor === true && machine.virtual === true;
  const score = wishes.goals.reduce((sum, goal) => sum + approach.scores[goal], 0) - (bootsInVm ? 100 : 0);
  const needsKernelSupport = approach.host.features.length > 0 || (approach.host.oneOf ?? []).length > 0;
  const base = { id: approach.id, name: approach.name, rank: 0, score, needsKernelSupport };

  const cannotRun = wishes.guests.filter((guest) => !approach.guests.includes(guest));
  if (cannotRun.length > 0) against(`cannot run ${cannotRun.join(', ')} guests (runs ${approach.guests.join(', ')})`);
  else if (wishes.guests.length > 0) reasons.push({ kind: 'for', text: `runs ${wishes.guests.join(', ')} guests` });

  if (arch === null) {
    reasons.push({ kind: 'caveat', text: 'architecture unknown: kernel releases cannot be told' });
    return { ...base, eligible, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null, reasons, kconfig: [] };
  }

  const flags = machine.cpuFlags ? new Set(machine.cpuFlags) : null;
  const chosen = hostFeatures(approach, knowledge, arch, flags);
  const features = chosen.features;
  const { min, max, missing } = releaseRange(features, arch);
  if (missing.length > 0) against(`not in mainline Linux on ${arch} (${missing.map((feature) => feature.id).join(', ')})`);
  if (!cpuReasons(approach, chosen, arch, machine, reasons)) eligible = false;

  const guestFeatures = (approach.guestFeatures.linux ?? []).map((id) => knowledge.byId.get(id)!);
  const guestRange = releaseRange(guestFeatures, arch);
  const guestMinKernel = guestFeatures.length > 0 && guestRange.missing.length === 0 ? guestRange.min : null;
  const linuxGuests = wishes.guests.length === 0 || wishes.guests.includes('linux');
  if (approach.guestFeaturesRequired && guestRange.missing.length > 0 && linuxGuests) {
    against(`Linux guests need ${guestRange.missing.map((feature) => feature.id).join(', ')}, which mainline does not have on ${arch}`);
  }
  if (guestMinKernel && wishes.guests.includes('linux')) {
    reasons.push({
      kind: approach.guestFeaturesRequired ? 'caveat' : 'for',
      text: approach.guestFeaturesRequired
        ? `Linux guests need ${guestFeatures.map((feature) => feature.id).join(', ')}: mainline ${guestMinKernel} or later`
        : `Linux guests from ${guestMinKernel} have ${guestFeatures.map((feature) => feature.id).join(', ')} drivers for faster I/O`,
    });
  }

  let kernelSatisfied: boolean | null = null;
  const kernel = machine.kernel;
  if (missing.length === 0 && kernel) {
    const key = releaseKey(kernel);
    const tooOld = min !== null && key < releaseNameKey(min);
    const tooNew = max !== null && key >= releaseNameKey(max);
    kernelSatisfied = !tooOld && !tooNew;
    if (tooNew) against(`removed from mainline in ${max}; kernel ${kernel.release} is too new, and an older, unmaintained kernel is no answer`);
    else if (tooOld && wishes.kernelChangeable) reasons.push({ kind: 'caveat', text: `needs kernel ${min} or later; this one is ${kernel.release}` });
    else if (tooOld) against(`needs kernel ${min} or later, this one is ${kernel.release}, and it cannot be changed`);
    else if (min !== null) reasons.push({ kind: 'for', text: `kernel ${kernel.release} has it (needs ${min}${max ? `, before ${max}` : ''})` });
    if (kernelSatisfied && kernel.distribution?.backports === 'vendor') {
      reasons.push({ kind: 'caveat', text: `${kernel.distribution.name} kernels differ from mainline ${kernel.release}: check the config` });
    }
  } else if (missing.length === 0 && max !== null) {
    reasons.push({ kind: 'caveat', text: `removed from mainline in ${max}: only kernels before it have it` });
  }

  if (approach.sharesHostKernel && machine.inContainer === true) {
    reasons.push({ kind: 'caveat', text: 'already inside a container: nested containers need the outer runtime to allow them' });
  }
  if (!approach.sharesHostKernel && approach.host.features.includes('kvm') && machine.inContainer === true && machine.kvmUsable !== true) {
    reasons.push({ kind: 'caveat', text: 'inside a container: /dev/kvm must be passed in' });
  }
  for (const goal of wishes.goals) {
    if (approach.scores[goal] >= 3) reasons.push({ kind: 'for', text: `strong on ${GOAL_WORDS[goal]}` });
    else if (approach.scores[goal] === 0) reasons.push({ kind: 'against', text: `weak on ${GOAL_WORDS[goal]}` });
  }
  if (bootsInVm) reasons.push({ kind: 'caveat', text: 'this machine is a virtual machine: its own hypervisor must boot inside it, which few outer hypervisors allow' });
  for (const note of approach.notes ?? []) reasons.push({ kind: 'caveat', text: note });

  return {
    ...base,
    eligible,
    minKernel: min,
    maxKernel: max,
    guestMinKernel,
    kernelSatisfied,
    reasons,
    kconfig: missing.length === 0 ? kconfigFor(features, arch, kernel) : [],
  };
}

/**
 * Ranks the approaches for a machine and what its owner wants: eligible ones first, then by how well
 * they serve the goals, then by preference (the usual first choice first).
 */
export function recommend(knowledge: KnowledgeBase, machine: MachineProfile, wishes: Wishes): Candidate[] {
  const order = new Map(knowledge.approaches.map((approach) => [approach.id, approach.preference]));
  const candidates = knowledge.approaches.map((approach) => evaluate(approach, knowledge, machine, wishes));
  candidates.sort((a, b) => Number(b.eligible) - Number(a.eligible) || b.score - a.score || order.get(a.id)! - order.get(b.id)!);
  candidates.forEach((candidate, index) => (candidate.rank = index + 1));
  return candidates;
}
