import type { Arch } from '../arch.js';
import type { SupportLevel, VendorFact } from '../rules/distributions.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { Feature } from '../rules/types.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';
import { vendorFactFor, vendorKernelOf, vendorKey, type VendorKernel } from './vendor.js';

/** Why a feature is or is not in a kernel on an architecture. */
export type SupportStatus =
  | 'supported'
  /** merged in a later release */
  | 'not-yet'
  /** merged, then removed in this release or earlier */
  | 'removed'
  /** never merged for this architecture */
  | 'never'
  /** never merged into mainline at all (it needs a patched kernel) */
  | 'out-of-tree'
  /** the vendor has it although mainline of this release does not */
  | 'backported'
  /** the vendor leaves it out although mainline of this release has it */
  | 'vendor-absent'
  /** a vendor that backports as a rule, and no record of this one: it cannot be told from the version */
  | 'unknown'
  /** not a Linux kernel at all (WSL1) */
  | 'not-linux';

/** What the vendor's own record says of a feature in this kernel. */
export interface VendorVerdict {
  /** The vendor release the record starts at. */
  since: string;
  status: VendorFact['status'];
  support: SupportLevel | null;
  source: string;
  strength: 'strong' | 'weak';
  note: string;
}

export interface FeatureVerdict {
  id: string;
  /** The answer for this kernel: mainline's, or the vendor's where its record says. */
  supported: boolean;
  status: SupportStatus;
  /** The release it was merged in on this architecture in mainline, or null. */
  since: string | null;
  removedIn: string | null;
  /**
   * Set when the version cannot settle it: a snapshot taken in the merge window (rc0) of the very
   * release that merged or removed the feature.
   */
  uncertain: boolean;
  vendor: VendorVerdict | null;
  /** Why, when the status needs saying: unknown, not-linux. */
  note: string | null;
}

interface CompiledFeature {
  id: string;
  mainline: boolean;
  since: string | null;
  removedIn: string | null;
  addedKey: number;
  removedKey: number;
}

/**
 * The verdicts for a version (its vendor release may be given, when the caller has it already); the
 * same array for every version that gets the same answers, so never change it.
 */
export type VersionChecker = (version: KernelVersion, vendor?: VendorKernel | null) => readonly FeatureVerdict[];

// Enough distinct releases for any fleet; past it the memo starts over, so memory stays bounded.
const MEMO_LIMIT = 4096;

function compileFeature(feature: Feature, arch: Arch): CompiledFeature {
  const statement = feature.support[arch];
  return {
    id: feature.id,
    mainline: feature.mainline !== false,
    since: statement?.added ?? null,
    removedIn: statement?.removed ?? null,
    addedKey: statement ? releaseNameKey(statement.added) : Infinity,
    removedKey: statement?.removed ? releaseNameKey(statement.removed) : Infinity,
  };
}

function statusOf(feature: CompiledFeature, key: number): SupportStatus {
  if (!feature.mainline) return 'out-of-tree';
  if (feature.since === null) return 'never';
  if (key < feature.addedKey) return 'not-yet';
  if (key >= feature.removedKey) return 'removed';
  return 'supported';
}

function vendorVerdict(fact: VendorFact): VendorVerdict {
  return { since: fact.since, status: fact.status, support: fact.support ?? null, source: fact.source, strength: fact.strength, note: fact.note };
}

/** Mainline's verdict, then what the vendor's record (or the lack of one) changes about it. */
function verdictOf(feature: CompiledFeature, key: number, mergeWindow: boolean, version: KernelVersion, vendor: VendorKernel | null, arch: Arch): FeatureVerdict {
  const status = statusOf(feature, key);
  const base: FeatureVerdict = {
    id: feature.id,
    supported: status === 'supported',
    status,
    since: feature.since,
    removedIn: feature.removedIn,
    uncertain: mergeWindow && (key === feature.addedKey || key === feature.removedKey),
    vendor: null,
    note: null,
  };
  const distribution = version.distribution;
  if (distribution?.backports === 'not-linux') {
    return { ...base, supported: false, status: 'not-linux', uncertain: false, note: `${distribution.name}: ${distribution.note ?? 'not a Linux kernel'}` };
  }
  if (!vendor) return base;
  const fact = vendorFactFor(vendor, feature.id, arch);
  if (fact === 'ambiguous') {
    return {
      ...base,
      supported: false,
      status: 'unknown',
      note: `the version string fits ${vendor.label}, and ${vendor.rules.name}'s record of this feature differs between them; its kernel config tells (virt-advisor check --config)`,
    };
  }
  if (fact) {
    const vendorSaid = vendorVerdict(fact);
    if (fact.status === 'absent') return { ...base, supported: false, status: 'vendor-absent', vendor: vendorSaid };
    if (fact.status === 'backported' && !base.supported) return { ...base, supported: true, status: 'backported', vendor: vendorSaid };
    return { ...base, vendor: vendorSaid };
  }
  if (vendor.rules.backports === 'heavy' && status === 'not-yet') {
    return {
      ...base,
      status: 'unknown',
      note: `${vendor.rules.name} backports features into old release numbers as a rule, and no record here says whether ${vendor.label} has it (mainline ${feature.since}); its kernel config tells (virt-advisor check --config)`,
    };
  }
  return base;
}

/**
 * Prepares the knowledge base for one architecture, so that checking a version is one integer
 * comparison per feature, plus the vendor's record for a vendor kernel. A feature merged in X is in
 * every X-rcN; removed in Y means gone from Y-rc1.
 */
export function compileChecker(knowledge: KnowledgeBase, arch: Arch): VersionChecker {
  const compiled = knowledge.features.map((feature) => compileFeature(feature, arch));
  // Verdicts depend only on the release, on whether it is a merge-window snapshot, and on the
  // vendor release (and flavour) the string names.
  const memo = new Map<string, readonly FeatureVerdict[]>();
  return (version, given) => {
    const key = releaseKey(version);
    const mergeWindow = version.rc === 0;
    const vendor = given === undefined ? vendorKernelOf(knowledge, version) : given;
    const notLinux = version.distribution?.backports === 'not-linux';
    const memoKey = `${key}|${mergeWindow ? 1 : 0}|${notLinux ? 1 : 0}|${vendorKey(vendor)}`;
    const known = memo.get(memoKey);
    if (known) return known;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    const verdicts = compiled.map((feature) => verdictOf(feature, key, mergeWindow, version, vendor, arch));
    memo.set(memoKey, verdicts);
    return verdicts;
  };
}
