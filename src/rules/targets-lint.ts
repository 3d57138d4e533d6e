import { ARCHES, type Arch } from '../arch.js';
import { releaseNameKey } from '../version/compare.js';
import { symbolsOf, type Requirement, type Target } from './targets.js';
import type { Feature, ReleaseList } from './types.js';
import { duplicateIdProblems } from './lint.js';
import type { RuleProblem } from './validate.js';

/** What the target checks look at: the targets, and the rest of rules/ they must agree with. */
export interface TargetSources {
  targets: Target[];
  releases: ReleaseList;
  features: Feature[];
}

/** One small check across the targets that a schema cannot express. */
export type TargetLintCheck = (sources: TargetSources) => RuleProblem[];

const fileOf = (target: Target) => `targets/${target.id}.json`;
const nameOf = (requirement: Requirement) => symbolsOf(requirement).join('|');

function* gatesOf(target: Target): Generator<[string, string, string, string | undefined]> {
  for (const [index, window] of (target.available ?? []).entries()) {
    yield [`available[${index}]`, window.arch.join(','), window.since ?? '', window.until];
  }
  for (const [index, requirement] of target.requirements.entries()) {
    yield [`requirements[${index}] ${nameOf(requirement)}`, (requirement.arch ?? []).join(','), requirement.since ?? '', requirement.until];
  }
}

export const uniqueTargetIds: TargetLintCheck = ({ targets }) => duplicateIdProblems(targets, fileOf);

export const targetVersionsAreReleases: TargetLintCheck = ({ targets, releases }) => {
  const known = new Set(releases.releases.map((release) => release.name));
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    for (const [where, , since, until] of gatesOf(target)) {
      for (const [field, version] of [['since', since], ['until', until ?? '']] as const) {
        if (version !== '' && !known.has(version)) problems.push({ file: fileOf(target), message: `${where}: ${field} ${version} is not a mainline release` });
      }
    }
  }
  return problems;
};

export const untilAfterSince: TargetLintCheck = ({ targets }) => {
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    for (const [where, , since, until] of gatesOf(target)) {
      if (since !== '' && until !== undefined && releaseNameKey(until) <= releaseNameKey(since)) {
        problems.push({ file: fileOf(target), message: `${where}: until ${until} is not after since ${since}` });
      }
    }
  }
  return problems;
};

export const knownArches: TargetLintCheck = ({ targets }) => {
  const known = new Set<string>(ARCHES);
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    const named = [
      ['arch', target.arch],
      ...(target.available ?? []).map((window, index) => [`available[${index}].arch`, window.arch] as const),
      ...target.requirements.map((requirement, index) => [`requirements[${index}].arch`, requirement.arch ?? []] as const),
    ] as Array<readonly [string, readonly string[]]>;
    for (const [where, arches] of named) {
      for (const arch of arches) if (!known.has(arch)) problems.push({ file: fileOf(target), message: `${where}: unknown architecture "${arch}"` });
    }
  }
  return problems;
};

/** A window or requirement for an architecture the target does not cover could never be used. */
export const archesWithinTarget: TargetLintCheck = ({ targets }) => {
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    const covered = new Set<Arch>(target.arch);
    const check = (where: string, arches: Arch[] | undefined) => {
      const outside = (arches ?? []).filter((arch) => !covered.has(arch));
      if (outside.length > 0) problems.push({ file: fileOf(target), message: `${where}: ${outside.join(', ')} not in the target's arch list` });
    };
    (target.available ?? []).forEach((window, index) => check(`available[${index}]`, window.arch));
    target.requirements.forEach((requirement, index) => check(`requirements[${index}] ${nameOf(requirement)}`, requirement.arch));
  }
  return problems;
};

const overlaps = (a: Arch[] | undefined, b: Arch[] | undefined) => !a || !b || a.some((arch) => b.includes(arch));
const rangeOf = (entry: { since?: string; until?: string }): [number, number] => [
  entry.since ? releaseNameKey(entry.since) : -Infinity,
  entry.until ? releaseNameKey(entry.until) : Infinity,
];

/** The same symbol asked twice for the same release and architecture is a copy-paste slip. */
export const noOverlappingDuplicates: TargetLintCheck = ({ targets }) => {
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    const list = target.requirements;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        if (nameOf(a) !== nameOf(b) || !overlaps(a.arch, b.arch)) continue;
        const [aStart, aEnd] = rangeOf(a);
        const [bStart, bEnd] = rangeOf(b);
        if (aStart < bEnd && bStart < aEnd) {
          problems.push({ file: fileOf(target), message: `requirements[${i}] and [${j}] both ask for ${nameOf(a)} over the same releases` });
        }
      }
    }
  }
  return problems;
};

/**
 * Where rules/features already gives a symbol's history, a target must use the same versions: the
 * knowledge base has one answer to "when did CONFIG_X appear".
 */
export const gatesAgreeWithFeatures: TargetLintCheck = ({ targets, features }) => {
  const history = new Map<string, Array<{ feature: string; since: string; until?: string; arch?: Arch[] }>>();
  for (const feature of features) {
    for (const entry of feature.kconfig) {
      const list = history.get(entry.symbol) ?? [];
      list.push({ feature: feature.id, since: entry.since, until: entry.until, arch: entry.arch });
      history.set(entry.symbol, list);
    }
  }
  const problems: RuleProblem[] = [];
  for (const target of targets) {
    for (const [index, requirement] of target.requirements.entries()) {
      if (requirement.symbol === undefined) continue;
      const known = (history.get(requirement.symbol) ?? []).filter((entry) => overlaps(entry.arch, requirement.arch));
      if (known.length === 0) continue;
      const where = `requirements[${index}] ${requirement.symbol}`;
      // A since that names the first release of what the symbol is needed for (sinceFor), or an
      // until that hands the check over (untilReason), is not the symbol's own history.
      if (requirement.since && requirement.sinceFor === undefined && !known.some((entry) => entry.since === requirement.since)) {
        problems.push({
          file: fileOf(target),
          message: `${where}: since ${requirement.since} disagrees with ${known.map((entry) => `features/${entry.feature}.json (${entry.since})`).join(', ')}`,
        });
      }
      const ends = known.filter((entry) => entry.until).map((entry) => entry.until);
      if (requirement.until && requirement.untilReason === undefined && ends.length > 0 && !ends.includes(requirement.until)) {
        problems.push({ file: fileOf(target), message: `${where}: until ${requirement.until} disagrees with rules/features (${ends.join(', ')})` });
      }
    }
  }
  return problems;
};

export const TARGET_CHECKS: TargetLintCheck[] = [
  uniqueTargetIds,
  targetVersionsAreReleases,
  untilAfterSince,
  knownArches,
  archesWithinTarget,
  noOverlappingDuplicates,
  gatesAgreeWithFeatures,
];

export function lintTargets(sources: TargetSources, checks: TargetLintCheck[] = TARGET_CHECKS): RuleProblem[] {
  return checks.flatMap((check) => check(sources));
}
