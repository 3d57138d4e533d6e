import type { Arch } from '../arch.js';
import { compileChecker, type FeatureVerdict, type VersionChecker } from '../engine/check.js';
import { availabilityOf, configStateOf, specificSymbols, type FeatureConfig } from '../engine/config-state.js';
import { vendorKernelOf, type VendorKernel } from '../engine/vendor.js';
import type { KernelConfigInput, LoadedModules } from './kernel-config.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { KernelVersion } from '../version/parse.js';

/** Where the architecture of an answer came from. */
export type ArchFrom = '--arch' | 'version' | 'machine' | 'config';

/** One kernel version, checked: what the formatters and the library report. */
export interface CheckedKernel {
  version: KernelVersion;
  arch: Arch;
  archFrom: ArchFrom;
  /** What in the version string named the architecture (".aarch64"), when it did. */
  archEvidence: string | null;
  /** Set when --arch says one architecture and the version string another. */
  archConflict: string | null;
  vendor: VendorKernel | null;
  verdicts: readonly FeatureVerdict[];
  /** The kernel's own config, when one was asked for or looked for (null when not). */
  config: CheckedConfig | null;
}

/** One version's outcome in a run of many: where it came from, and its answer or why there is none. */
export type CheckResult =
  | { line: number | null; label: string | null; input: string; checked: CheckedKernel }
  | { line: number | null; label: string | null; input: string; error: string };

/** What a kernel's config said, feature by feature, or why none was read. */
export type CheckedConfig =
  | {
      known: true;
      /** Where the config came from, as messages name it. */
      source: string;
      modules: LoadedModules;
      /** One entry per feature of the knowledge base, in its order; null where no symbol applies. */
      features: Array<FeatureConfig | null>;
    }
  | { known: false; reason: string };

/** The config's word on every feature of a checked kernel. */
export function withConfig(knowledge: KnowledgeBase, checked: CheckedKernel, config: KernelConfigInput | { reason: string }): CheckedKernel {
  if ('reason' in config) return { ...checked, config: { known: false, reason: config.reason } };
  const owners = specificSymbols(knowledge);
  const loaded = config.modules.loaded;
  const features = knowledge.features.map((feature, index) => configStateOf(feature, checked.arch, checked.version, config.values, owners, loaded, checked.verdicts[index]!));
  return { ...checked, config: { known: true, source: config.shown, modules: config.modules, features } };
}

/** Whether a feature is there in a checked kernel (see availabilityOf). */
export function availability(checked: CheckedKernel, index: number): boolean | 'unknown' {
  return availabilityOf(checked.verdicts[index]!, checked.config?.known ? (checked.config.features[index] ?? null) : null);
}

/**
 * Checks versions against the knowledge base, one architecture each: --arch when given (a version
 * string that names another is noted), else the one the string names (.aarch64, -armmp), else the
 * fallback (this machine's). Checkers are compiled once per architecture.
 */
export function createKernelChecker(knowledge: KnowledgeBase, options: { arch: Arch | null; fallback: Arch | null; fallbackFrom?: { from: 'machine' | 'config'; evidence: string | null } }) {
  const checkers = new Map<Arch, VersionChecker>();
  const checkerFor = (arch: Arch) => {
    let checker = checkers.get(arch);
    if (!checker) {
      checker = compileChecker(knowledge, arch);
      checkers.set(arch, checker);
    }
    return checker;
  };
  return (version: KernelVersion): CheckedKernel | { error: string } => {
    const hint = version.archHint;
    let arch: Arch;
    let archFrom: ArchFrom;
    let archConflict: string | null = null;
    if (options.arch !== null) {
      arch = options.arch;
      archFrom = '--arch';
      if (hint && hint.arch !== arch) archConflict = `the version string names ${hint.arch} (${hint.evidence}), but --arch says ${arch}`;
    } else if (hint) {
      arch = hint.arch;
      archFrom = 'version';
    } else if (options.fallback !== null) {
      arch = options.fallback;
      archFrom = options.fallbackFrom?.from ?? 'machine';
    } else {
      return { error: `cannot tell the architecture of ${version.input}: the version string names none and this machine's is unknown; give --arch` };
    }
    const vendor = vendorKernelOf(knowledge, version);
    return { version, arch, archFrom, archEvidence: archFrom === 'version' || archFrom === '--arch' ? (hint?.evidence ?? null) : (options.fallbackFrom?.evidence ?? null), archConflict, vendor, verdicts: checkerFor(arch)(version, vendor), config: null };
  };
}
