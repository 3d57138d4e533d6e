import type { Arch } from '../arch.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { Feature } from '../rules/types.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';

/** Why a feature is or is not in a kernel release on an architecture. */
export type SupportStatus =
  | 'supported'
  /** merged in a later release */
  | 'not-yet'
  /** merged, then removed in this release or earlier */
  | 'removed'
  /** never merged for this architecture */
  | 'never'
  /** never merged into mainline at all (it needs a patched kernel) */
  | 'out-of-tree';

export interface FeatureVerdict {
  id: string;
  /** The mainline answer. */
  supported: boolean;
  status: SupportStatus;
  /** The release it was merged in on this architecture, or null. */
  since: string | null;
  removedIn: string | null;
  /**
   * Set when the version cannot settle it: a snapshot taken in the merge window (rc0) of the very
   * release that merged or removed the feature.
   */
  uncertain: boolean;
}

interface CompiledFeature {
  id: string;
  mainline: boolean;
  since: string | null;
  removedIn: string | null;
  addedKey: number;
  removedKey: number;
}

/** The verdicts for a version; the same array for every version of one release, so never change it. */
export type VersionChecker = (version: KernelVersion) => readonly FeatureVerdict[];

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

/**
 * Prepares the knowledge base for one architecture, so that checking a version is one integer
 * comparison per feature. A feature merged in X is in every X-rcN; removed in Y means gone from Y-rc1.
 */
export function compileChecker(knowledge: KnowledgeBase, arch: Arch): VersionChecker {
  const compiled = knowledge.features.map((feature) => compileFeature(feature, arch));
  // Verdicts depend only on the release and on whether it is a merge-window snapshot.
  const memo = new Map<number, readonly FeatureVerdict[]>();
  return (version) => {
    const key = releaseKey(version);
    const mergeWindow = version.rc === 0;
    const memoKey = mergeWindow ? -key : key;
    const known = memo.get(memoKey);
    if (known) return known;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    const verdicts = compiled.map((feature): FeatureVerdict => {
      const status = statusOf(feature, key);
      return {
        id: feature.id,
        supported: status === 'supported',
        status,
        since: feature.since,
        removedIn: feature.removedIn,
        uncertain: mergeWindow && (key === feature.addedKey || key === feature.removedKey),
      };
    });
    memo.set(memoKey, verdicts);
    return verdicts;
  };
}
