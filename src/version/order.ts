import semverCompare from 'semver/functions/compare.js';
import type { KernelVersion } from './parse.js';

// Kept apart from compare.ts: semver builds its grammar at load, which `check` does not need.

/**
 * The version as semver sees an ordering: mainline release, then its release candidates before it,
 * then stable updates. The distribution suffix does not take part.
 */
export function toSemver(version: KernelVersion): string {
  const base =
    version.patch === null
      ? `${version.major}.${version.minor}.${version.sublevel ?? 0}`
      : // 2.6.x: the release has three numbers already; the stable update becomes a fraction-free fourth
        `${version.major}.${version.minor * 1000 + version.patch}.${version.sublevel ?? 0}`;
  return version.rc === null ? base : `${base}-rc.${version.rc}`;
}

/** Orders two parsed kernel versions by mainline release, rc and stable update. */
export function compareVersions(a: KernelVersion, b: KernelVersion): number {
  return semverCompare(toSemver(a), toSemver(b));
}
