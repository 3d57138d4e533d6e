import type { Arch } from '../arch.js';
import type { Approach, Goal } from '../rules/approaches.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { CpuRequirement, Feature, GuestOs } from '../rules/types.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';
import { compileChecker, type FeatureVerdict, type VersionChecker } from './check.js';
import { vendorKernelOf, type VendorKernel } from './vendor.js';
import { fromReports, hostArchWords, productSentence, productSupport, productUnknownKernel, type ProductAnswer } from './product.js';
import type { Product } from '../rules/products.js';

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
  /** Xen's role when Xen runs beneath this system: its control domain, a guest, or none. */
  xen?: 'dom0' | 'domU' | 'none' | null;
  /** An IOMMU is registered (/sys/class/iommu). */
  iommu?: boolean | null;
  /** The cgroup hierarchy mounted. */
  cgroups?: 'v1' | 'v2' | 'hybrid' | 'none' | null;
  /** /dev/vhost-net and /dev/net/tun exist. */
  vhostNet?: boolean | null;
  tun?: boolean | null;
  /** Loaded virtualization modules (from /proc/modules); null when unknown. */
  loadedModules?: string[] | null;
  /**
   * For a machine described rather than read: whether its CPU has hardware virtualization (true,
   * false, or null for "don't know"), when its flags are not given; and its CPU vendor.
   */
  hardwareVirtualization?: boolean | null;
  cpuVendor?: 'intel' | 'amd' | null;
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
  /** Eligible on known facts: the CPU shown (or answered) to have what it needs, and the kernel known to have it. */
  confirmed: boolean;
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
  /** Linux guests need guestMinKernel (true), or it only brings paravirtual drivers (false). */
  guestKernelRequired: boolean;
  /** What the guests asked for need under this approach (Windows drivers...). */
  guestNotes: string[];
  /** What to know about the approach wherever it runs. */
  notes: string[];
  /** It runs every guest system asked for. */
  runsGuests: boolean;
  score: number;
  /**
   * For a hosted hypervisor (VirtualBox, VMware Workstation): which of its releases support the
   * kernel given (with no kernel known, status unknown and the newest kernel supported in its note);
   * null for the others, and on a host it cannot run on.
   */
  product: ProductAnswer | null;
}


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
): { features: Feature[]; alternativesCpu: CpuRequirement | null; chosenIndex: number | null } {
  const byId = (id: string) => knowledge.byId.get(id)!;
  const needed = approach.host.features.map(byId);
  const all = (approach.host.oneOf ?? []).map((ids) => ids.map(byId));
  const alternatives = all.filter((set) => set.every((feature) => feature.support[arch]));
  if (alternatives.length === 0) return { features: needed, alternativesCpu: null, chosenIndex: null };
  const cpuOf = (feature: Feature) => feature.support[arch]!.cpu;
  const fitting = flags ? alternatives.find((set) => set.every((feature) => !cpuOf(feature) || meets(cpuOf(feature)!, flags))) : undefined;
  if (fitting) return { features: [...needed, ...fitting], alternativesCpu: null, chosenIndex: all.indexOf(fitting) };
  const earliest = [...alternatives].sort((a, b) => latestAdded(a, arch) - latestAdded(b, arch))[0]!;
  const anyOf = [...new Set(alternatives.flatMap((set) => set.flatMap((feature) => [...(cpuOf(feature)?.allOf ?? []), ...(cpuOf(feature)?.anyOf ?? [])])))];
  return { features: [...needed, ...earliest], alternativesCpu: anyOf.length > 0 ? { anyOf } : null, chosenIndex: null };
}

/**
 * What the passthrough goal adds to an approach: its features, and of its alternatives (an IOMMU
 * driver per CPU vendor) the one in the place of the alternative the CPU chose in host.oneOf.
 */
function passthroughFeatures(approach: Approach, knowledge: KnowledgeBase, arch: Arch, chosenIndex: number | null): Feature[] {
  const passthrough = approach.passthrough!;
  const byId = (id: string) => knowledge.byId.get(id)!;
  const fixed = passthrough.features.map(byId);
  const all = (passthrough.oneOf ?? []).map((ids) => ids.map(byId));
  const available = all.filter((set) => set.every((feature) => feature.support[arch]));
  const picked = chosenIndex !== null && all[chosenIndex] && available.includes(all[chosenIndex]!) ? all[chosenIndex]! : available.length === 1 ? available[0]! : [];
  return [...fixed, ...picked];
}

/** The features the CPU vendor's flag stands for, when a described machine's vendor is answered. */
function answeredFlags(machine: MachineProfile): Set<string> | null {
  if (machine.cpuFlags !== null) return new Set(machine.cpuFlags);
  if (machine.hardwareVirtualization === true && machine.cpuVendor) return new Set([machine.cpuVendor === 'intel' ? 'vmx' : 'svm']);
  return null;
}

// One compiled checker per knowledge base and architecture: recommend asks for a handful of features.
const checkers = new WeakMap<KnowledgeBase, Map<Arch, VersionChecker>>();

function kernelVerdicts(knowledge: KnowledgeBase, arch: Arch, kernel: KernelVersion, vendor: VendorKernel | null): Map<string, FeatureVerdict> {
  let byArch = checkers.get(knowledge);
  if (!byArch) checkers.set(knowledge, (byArch = new Map()));
  let checker = byArch.get(arch);
  if (!checker) byArch.set(arch, (checker = compileChecker(knowledge, arch)));
  return new Map(checker(kernel, vendor).map((verdict) => [verdict.id, verdict]));
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

/** The CONFIG_ symbols of the features, as they are named in the release given (as releaseKey gives it; null: the newest). */
function kconfigFor(features: Feature[], arch: Arch, key: number | null): string[] {
  const symbols = new Set<string>();
  for (const feature of features) {
    const current = feature.kconfig.filter((entry) => !entry.arch || entry.arch.includes(arch));
    const inRange = (entry: (typeof current)[number]) => {
      if (key === null) return entry.until === undefined;
      return releaseNameKey(entry.since) <= key && (entry.until === undefined || key < releaseNameKey(entry.until));
    };
    for (const entry of current) if (inRange(entry)) symbols.add(`CONFIG_${entry.symbol}`);
  }
  return [...symbols];
}

/** Mainline KVM's hardware-assisted modules: loaded, they hold VT-x/AMD-V. */
const KVM_VENDOR_MODULES: ReadonlySet<string> = new Set(['kvm_intel', 'kvm_amd']);

const isX86 = (arch: Arch) => arch === 'x86_64' || arch === 'i386';

/** What the evidence says of a requirement: met, not met, or not known. */
type Evidence = 'yes' | 'no' | 'unknown';

function cpuReasons(
  knowledge: KnowledgeBase,
  approach: Approach,
  chosen: { features: Feature[]; alternativesCpu: CpuRequirement | null },
  arch: Arch,
  machine: MachineProfile,
  reasons: Reason[],
): Evidence {
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
  const hardware = knowledge.hardwareVirtualization.get(arch)?.flags;
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
      return usesKvm && machine.kvmUsable === true ? 'yes' : 'unknown';
    }
    return 'yes';
  }
  const wantedAll = requirements.map(describeCpu).join('; ');
  if (machine.cpuFlags === null) {
    // A machine described in words: what its owner answered stands for the flags.
    if (machine.hardwareVirtualization === true) {
      const which = machine.cpuVendor === 'intel' ? ' (Intel VT-x)' : machine.cpuVendor === 'amd' ? ' (AMD-V)' : '';
      reasons.push({ kind: 'for', text: `hardware virtualization${which}: yes, as answered` });
      return 'yes';
    }
    if (machine.hardwareVirtualization === false) {
      reasons.push({ kind: 'against', text: `no hardware virtualization, as answered (needs ${wantedAll})` });
      return 'no';
    }
    const answered = machine.hardwareVirtualization === null ? ' (answered: don\'t know)' : '';
    reasons.push({ kind: 'caveat', text: `CPU flags unknown${answered}: cannot check for ${wantedAll}` });
    return 'unknown';
  }
  const flags = new Set(machine.cpuFlags);
  const unmet = requirements.filter((cpu) => !meets(cpu, flags));
  if (unmet.length === 0) {
    const named = requirements.flatMap((cpu) => [...(cpu.allOf ?? []), ...(cpu.anyOf ?? [])]);
    reasons.push({ kind: 'for', text: `the CPU has ${[...new Set(named.filter((flag) => flags.has(flag)))].join(', ')}` });
    return 'yes';
  }
  const wanted = unmet.map(describeCpu).join('; ');
  if (machine.xen === 'dom0') {
    // Xen keeps VT-x/AMD-V to itself and masks them from its control domain: absent here says nothing.
    reasons.push({ kind: 'caveat', text: `whether the CPU has ${wanted} is unknown: Xen hides it from its dom0 (xl info lists hvm in virt_caps when it is there)` });
    return 'unknown';
  }
  const otherModules = (machine.kvmModules ?? []).filter((module) => module !== 'kvm' && !KVM_VENDOR_MODULES.has(module));
  if (machine.kvmUsable === true && approach.host.features.includes('kvm')) {
    reasons.push({
      kind: 'caveat',
      text: `/dev/kvm is present and usable${otherModules.length ? ` through ${otherModules.join(', ')}, a KVM backend that is not in mainline (kvm_pvm runs guests without hardware virtualization)` : ''}: KVM guests may run here, but not with the mainline hardware-assisted KVM this advice is about`,
    });
  }
  if (machine.xen === 'domU') {
    reasons.push({
      kind: 'against',
      text: `this is a Xen guest (domU) whose CPU does not expose ${wanted}: Xen exposes it to an HVM guest only with nested virtualization turned on for it (nestedhvm=1 in its xl config), or use containers or emulation`,
    });
  } else if (machine.virtual === true) {
    reasons.push({
      kind: 'against',
      text: `this is a virtual machine whose CPU does not expose ${wanted}: enable nested virtualization on the outer host (${
        isX86(arch) ? "kvm_intel.nested=1 or kvm_amd.nested=1, or the cloud's nested-virtualization option" : "the outer hypervisor's nested-virtualization option"
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
  return 'no';
}

/** Whether this kernel has what the approach needs: mainline's releases, corrected by the vendor's record. */
function kernelReasons(
  knowledge: KnowledgeBase,
  features: Feature[],
  range: { min: string | null; max: string | null },
  arch: Arch,
  kernel: KernelVersion,
  wishes: Wishes,
  reasons: Reason[],
  against: (text: string) => void,
): boolean | null {
  const vendor = vendorKernelOf(knowledge, kernel);
  const verdicts = kernelVerdicts(knowledge, arch, kernel, vendor);
  const of = features.map((feature) => verdicts.get(feature.id)!);
  const { min, max } = range;
  const vendorName = vendor ? `${vendor.rules.name} ${vendor.label}` : null;
  const removed = of.filter((verdict) => verdict.status === 'removed');
  const absent = of.filter((verdict) => verdict.status === 'vendor-absent');
  const unknowns = of.filter((verdict) => verdict.status === 'unknown' || verdict.status === 'not-linux');
  const missing = of.filter((verdict) => !verdict.supported && verdict.status !== 'unknown');
  const backported = of.filter((verdict) => verdict.status === 'backported');
  const ids = (list: FeatureVerdict[]) => list.map((verdict) => verdict.id).join(', ');
  if (removed.length > 0) {
    against(`removed from mainline in ${max}; kernel ${kernel.release} is too new, and an older, unmaintained kernel is no answer`);
    return false;
  }
  const notLinux = of.find((verdict) => verdict.status === 'not-linux');
  if (notLinux) {
    against(`${notLinux.note ?? 'not a Linux kernel'}: no Linux kernel feature is there`);
    return false;
  }
  if (absent.length > 0) {
    const text = `${vendorName} leaves out ${ids(absent)} (the vendor's record)`;
    if (wishes.kernelChangeable) reasons.push({ kind: 'caveat', text: `${text}: another kernel is needed` });
    else against(`${text}, and the kernel cannot be changed`);
    return false;
  }
  if (missing.length > 0) {
    if (wishes.kernelChangeable) reasons.push({ kind: 'caveat', text: `needs kernel ${min} or later; this one is ${kernel.release}` });
    else against(`needs kernel ${min} or later, this one is ${kernel.release}, and it cannot be changed`);
    return false;
  }
  if (unknowns.length > 0) {
    reasons.push({
      kind: 'caveat',
      text: `whether ${vendorName ?? kernel.input} has ${ids(unknowns)} cannot be told from the version (mainline ${min}; no record of the vendor's backport): its config tells (virt-advisor check --config)`,
    });
    return null;
  }
  if (backported.length > 0) {
    const since = backported.map((verdict) => `${verdict.id} since ${verdict.vendor?.since}`).join(', ');
    reasons.push({ kind: 'for', text: `${vendorName} has it: backported (${since}), although mainline ${kernel.release} does not` });
  } else if (min !== null) {
    reasons.push({ kind: 'for', text: `kernel ${kernel.release} has it (needs ${min}${max ? `, before ${max}` : ''})` });
  }
  // For a vendor kernel with no record of these features, mainline's answer may be off either way.
  const distribution = kernel.distribution;
  const backporter = vendor ? vendor.rules.backports !== 'rare' : distribution?.backports === 'vendor' || distribution?.backports === 'patched';
  if (backported.length === 0 && backporter && distribution) {
    reasons.push({ kind: 'caveat', text: `${vendorName ?? distribution.name} kernels differ from mainline ${kernel.release}: its config tells for sure (virt-advisor check --config)` });
  }
  return true;
}

function evaluate(approach: Approach, knowledge: KnowledgeBase, machine: MachineProfile, wishes: Wishes): Candidate {
  const reasons: Reason[] = [];
  let eligible = true;
  const against = (text: string) => {
    eligible = false;
    reasons.push({ kind: 'against', text });
  };
  const arch = machine.arch;
  // On a Xen dom0, Xen is already running: its approaches are the natural answer, not a boot away.
  const xenHere = machine.xen === 'dom0' && approach.needsOwnHypervisor === true;
  // Inside a VM, an approach that must boot its own hypervisor is rarely possible: rank it lower.
  const bootsInVm = approach.needsOwnHypervisor === true && machine.virtual === true && machine.xen !== 'dom0';
  const score = wishes.goals.reduce((sum, goal) => sum + approach.scores[goal], 0) - (bootsInVm ? 100 : 0) + (xenHere ? 50 : 0);
  const product = approach.product === undefined ? null : (knowledge.products.get(approach.product) ?? null);
  // A hosted hypervisor's own modules must build against the kernel: its releases' support is the kernel's requirement.
  const needsKernelSupport = product !== null || approach.host.features.length > 0 || (approach.host.oneOf ?? []).length > 0;
  const guestNotes = wishes.guests.flatMap((guest) => (approach.guests.includes(guest) && approach.guestNotes?.[guest] ? [approach.guestNotes[guest]!.text] : []));
  const base = {
    id: approach.id,
    name: approach.name,
    rank: 0,
    score,
    needsKernelSupport,
    guestKernelRequired: approach.guestFeaturesRequired,
    guestNotes,
    notes: [...(approach.notes ?? [])],
    runsGuests: true,
    // Not for a host it cannot run on: what its releases support is beside the point there.
    product: product && (machine.arch === null || product.hostArch.includes(machine.arch)) ? productAnswer(product, knowledge, machine.kernel) : null,
  };

  const cannotRun = wishes.guests.filter((guest) => !approach.guests.includes(guest));
  base.runsGuests = cannotRun.length === 0;
  if (cannotRun.length > 0) against(`cannot run ${cannotRun.join(', ')} guests (runs ${approach.guests.join(', ')})`);
  else if (wishes.guests.length > 0) reasons.push({ kind: 'for', text: `runs ${wishes.guests.join(', ')} guests` });
  if (xenHere) reasons.push({ kind: 'for', text: 'Xen is already running, and this is its dom0: it starts guests (xl, libvirt)' });
  // Xen keeps VT-x/AMD-V from its dom0: whatever needs them itself needs the machine booted without Xen.
  const needsVtx = approach.host.features.includes('kvm') ? 'KVM' : product?.name;
  if (machine.xen === 'dom0' && needsVtx) against(`Xen is running beneath this dom0 and keeps VT-x/AMD-V to itself: ${needsVtx} needs the machine booted without Xen`);

  if (arch === null) {
    reasons.push({ kind: 'caveat', text: 'architecture unknown: kernel releases cannot be told' });
    if (product) reasons.push({ kind: 'caveat', text: hostArchWords(product) });
    return { ...base, eligible, confirmed: false, minKernel: null, maxKernel: null, guestMinKernel: null, kernelSatisfied: null, reasons, kconfig: [] };
  }

  if (product && !product.hostArch.includes(arch)) against(hostArchWords(product));
  const chosen = hostFeatures(approach, knowledge, arch, answeredFlags(machine));
  const passthrough = wishes.goals.includes('passthrough') && approach.passthrough ? passthroughFeatures(approach, knowledge, arch, chosen.chosenIndex) : [];
  const features = [...chosen.features, ...passthrough.filter((feature) => !chosen.features.includes(feature))];
  const { min, max, missing } = releaseRange(features, arch);
  if (missing.length > 0) against(`not in mainline Linux on ${arch} (${missing.map((feature) => feature.id).join(', ')})`);
  const cpu = cpuReasons(knowledge, approach, chosen, arch, machine, reasons);
  if (cpu === 'no') eligible = false;
  if (wishes.goals.includes('passthrough') && approach.passthrough) passthroughReasons(approach, machine, passthrough, reasons);

  const guestFeatures = (approach.guestFeatures.linux ?? []).map((id) => knowledge.byId.get(id)!);
  const guestRange = releaseRange(guestFeatures, arch);
  const guestMinKernel = guestFeatures.length > 0 && guestRange.missing.length === 0 ? guestRange.min : null;
  const linuxGuests = wishes.guests.length === 0 || wishes.guests.includes('linux');
  if (approach.guestFeaturesRequired && guestRange.missing.length > 0 && linuxGuests) {
    against(`Linux guests need ${guestRange.missing.map((feature) => feature.id).join(', ')}, which mainline does not have on ${arch}`);
  }

  let kernelSatisfied: boolean | null = null;
  let kvmBeside = false;
  const kernel = machine.kernel;
  if (product && base.product) {
    const outcome = productReasons(product, base.product, kernel, machine, wishes, reasons, against);
    kernelSatisfied = outcome.satisfied;
    // KVM in use here holds VT-x: the hosted hypervisor needs it unloaded (or a release and kernel
    // that share it), so it is not confirmed, and ranks below an equal approach.
    if (outcome.kvmBeside) {
      kvmBeside = true;
      base.score -= 1;
    }
  } else if (missing.length === 0 && kernel && needsKernelSupport) {
    kernelSatisfied = kernelReasons(knowledge, features, { min, max }, arch, kernel, wishes, reasons, against);
  } else if (missing.length === 0 && kernel) {
    kernelSatisfied = true;
  } else if (missing.length === 0 && max !== null) {
    reasons.push({ kind: 'caveat', text: `removed from mainline in ${max}: only kernels before it have it` });
  }

  liveReasons(approach, machine, wishes, reasons);
  for (const goal of wishes.goals) {
    if (approach.scores[goal] >= 3) reasons.push({ kind: 'for', text: `strong on ${GOAL_WORDS[goal]}` });
    else if (approach.scores[goal] === 0) reasons.push({ kind: 'against', text: `weak on ${GOAL_WORDS[goal]}` });
  }
  if (bootsInVm) {
    reasons.push({
      kind: 'caveat',
      text: machine.xen === 'domU' ? 'this machine is a Xen guest: Xen would have to run nested inside it' : 'this machine is a virtual machine: its own hypervisor must boot inside it, which few outer hypervisors allow',
    });
  }

  // Eligible on the strength of what is known, not only for want of evidence against it.
  // A kernel that can be changed is no obstacle once it is known what it lacks (or that any will do).
  const kernelOk = !needsKernelSupport || kernelSatisfied === true || (wishes.kernelChangeable && (kernelSatisfied === false || kernel === null));
  const confirmed = eligible && knowsMachine(machine) && cpu === 'yes' && kernelOk && !kvmBeside;
  return {
    ...base,
    eligible,
    confirmed,
    minKernel: min,
    maxKernel: max,
    guestMinKernel,
    kernelSatisfied,
    reasons,
    // For a kernel too old, the options are named as in the first release that has them all.
    kconfig: missing.length === 0 ? kconfigFor(features, arch, kernel === null ? null : min !== null && releaseKey(kernel) < releaseNameKey(min) ? releaseNameKey(min) : releaseKey(kernel)) : [],
  };
}

/** A hosted hypervisor's answer for the kernel given; with none known, what is known without one. */
function productAnswer(product: Product, knowledge: KnowledgeBase, kernel: KernelVersion | null): ProductAnswer {
  return kernel ? productSupport(product, kernel.release, vendorKernelOf(knowledge, kernel)) : productUnknownKernel(product);
}

/**
 * Whether the hosted hypervisor's releases support this kernel, with the release to install; its
 * modules, loaded or not, and KVM's beside them.
 */
function productReasons(
  product: Product,
  answer: ProductAnswer,
  kernel: KernelVersion | null,
  machine: MachineProfile,
  wishes: Wishes,
  reasons: Reason[],
  against: (text: string) => void,
): { satisfied: boolean | null; kvmBeside: boolean } {
  let satisfied: boolean | null = null;
  let kvmBeside = false;
  if (kernel === null) {
    reasons.push({ kind: 'caveat', text: answer.note! });
  } else if (answer.status === 'supported') {
    reasons.push({ kind: 'for', text: `${productSentence(answer)}${fromReports(answer) ? '' : ', from its changelogs'}` });
    satisfied = true;
  } else if (answer.status === 'not-yet-known' && !wishes.kernelChangeable) {
    against(`${answer.note}, and the kernel cannot be changed`);
    satisfied = false;
  } else {
    reasons.push({ kind: 'caveat', text: answer.note! });
  }
  reasons.push({
    kind: 'caveat',
    text: `its modules (${product.modules.join(', ')}) are not in mainline: they are built against the running kernel (its headers, DKMS), and signed for Secure Boot, again after every kernel update`,
  });
  const loaded = machine.loadedModules ?? null;
  if (loaded !== null) {
    const own = product.modules.filter((module) => loaded.includes(module));
    if (own.length > 0) reasons.push({ kind: 'for', text: `${own.join(', ')} is loaded` });
    const kvm = loaded.filter((module) => KVM_VENDOR_MODULES.has(module));
    if (kvm.length > 0) {
      kvmBeside = true;
      // What the vendor's own sources say of KVM beside it (the first strong record), or that nothing was found.
      const fact = product.facts.find((entry) => entry.topic === 'kvm-coexistence' && entry.strength !== 'weak');
      reasons.push({
        kind: 'caveat',
        text: `${kvm.join(', ')} is loaded: ${fact ? `${fact.text.replace(/\.$/, '')} (${product.name}'s notes say what later releases and kernels change)` : `whether ${product.name} runs beside KVM was not found in any source`}`,
      });
    }
  }
  return { satisfied, kvmBeside };
}

/** The passthrough goal: the IOMMU the machine shows, and how the approach hands devices over. */
function passthroughReasons(approach: Approach, machine: MachineProfile, added: Feature[], reasons: Reason[]): void {
  reasons.push({ kind: 'caveat', text: `passthrough: ${approach.passthrough!.note}` });
  if (added.length > 0) reasons.push({ kind: 'for', text: `passthrough needs ${added.map((feature) => feature.id).join(', ')} in the kernel: counted in the minimum kernel and the options` });
  // Xen drives the IOMMU itself: its dom0 does not see it registered, so absence there says nothing.
  if (approach.needsOwnHypervisor || machine.xen === 'dom0') return;
  if (machine.iommu === true) reasons.push({ kind: 'for', text: 'an IOMMU is active (/sys/class/iommu)' });
  else if (machine.iommu === false) {
    reasons.push({ kind: 'against', text: 'no IOMMU is active: turn on VT-d or AMD-Vi in the firmware, and in the kernel where it is off by default (intel_iommu=on)' });
  } else reasons.push({ kind: 'caveat', text: 'whether an IOMMU is active is unknown (/sys/class/iommu could not be read)' });
}

/** What the running system shows now: modules loaded, device nodes, the cgroup hierarchy. */
function liveReasons(approach: Approach, machine: MachineProfile, wishes: Wishes, reasons: Reason[]): void {
  const loaded = machine.loadedModules ?? null;
  if (approach.host.features.includes('kvm')) {
    if (loaded !== null) {
      const kvm = loaded.filter((module) => KVM_VENDOR_MODULES.has(module));
      if (kvm.length > 0) reasons.push({ kind: 'for', text: `${kvm.join(', ')} is loaded` });
    }
    if (machine.vhostNet === true) reasons.push({ kind: 'for', text: '/dev/vhost-net is there: guest networking can run in the host kernel (vhost-net)' });
    else if (machine.vhostNet === false && wishes.goals.includes('performance')) {
      reasons.push({ kind: 'caveat', text: '/dev/vhost-net is missing: guest networking runs in the VMM, slower (modprobe vhost_net)' });
    }
    if (machine.tun === false) reasons.push({ kind: 'caveat', text: '/dev/net/tun is missing: tap networking for guests needs it (modprobe tun)' });
  }
  if (approach.sharesHostKernel) {
    if (machine.inContainer === true) reasons.push({ kind: 'caveat', text: 'already inside a container: nested containers need the outer runtime to allow them' });
    const cgroups = machine.cgroups ?? null;
    if (cgroups === 'v2') reasons.push({ kind: 'for', text: 'the cgroup v2 hierarchy is mounted' });
    else if (cgroups === 'v1' || cgroups === 'hybrid') {
      const how = cgroups === 'v1' ? 'only cgroup v1 is mounted' : 'the cgroup controllers are mounted as v1, beside a v2 hierarchy (hybrid)';
      reasons.push({ kind: 'caveat', text: `${how}: runtimes that need cgroup v2 (rootless ones with resource limits, for one) need the unified hierarchy (systemd.unified_cgroup_hierarchy=1)` });
    } else if (cgroups === 'none') reasons.push({ kind: 'caveat', text: 'no cgroup hierarchy is mounted' });
  }
  if (!approach.sharesHostKernel && approach.host.features.includes('kvm') && machine.inContainer === true && machine.kvmUsable !== true) {
    reasons.push({ kind: 'caveat', text: 'inside a container: /dev/kvm must be passed in' });
  }
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

/** Whether anything is known of the machine beyond its architecture. */
export function knowsMachine(machine: MachineProfile): boolean {
  return (
    machine.cpuFlags !== null ||
    machine.virtual !== null ||
    machine.kernel !== null ||
    machine.kvmUsable !== null ||
    machine.inContainer !== null ||
    (machine.xen ?? null) !== null ||
    (machine.hardwareVirtualization ?? null) !== null
  );
}
