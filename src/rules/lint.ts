import type { Arch } from '../arch.js';
import { releaseNameKey } from '../version/compare.js';
import { compareVersions } from '../version/order.js';
import { parseRelease } from '../version/parse.js';
import type { LintCheck, RuleSources } from './load.js';
import type { CpuRequirement, Feature } from './types.js';
import type { RuleProblem } from './validate.js';
import { distributionsAreSound } from './distributions-lint.js';
import { productsAreSound } from './products-lint.js';

// Checks across the knowledge base that a schema cannot express. Each check is a small function of
// the rule sources that returns its problems; lintRules runs them all.
export type { LintCheck };

const fileOf = (feature: Feature) => `features/${feature.id}.json`;

function* versionsOf(feature: Feature): Generator<[string, string]> {
  for (const [arch, statement] of Object.entries(feature.support)) {
    if (!statement) continue;
    yield [`support.${arch}.added`, statement.added];
    if (statement.removed) yield [`support.${arch}.removed`, statement.removed];
  }
  for (const [index, entry] of feature.kconfig.entries()) {
    yield [`kconfig[${index}].since`, entry.since];
    if (entry.until) yield [`kconfig[${index}].until`, entry.until];
  }
}

/** The problems of entries sharing an id: every repeat after the first is named. */
export function duplicateIdProblems<T extends { id: string }>(entries: T[], fileOf: (entry: T) => string): RuleProblem[] {
  const seen = new Set<string>();
  const problems: RuleProblem[] = [];
  for (const entry of entries) {
    if (seen.has(entry.id)) problems.push({ file: fileOf(entry), message: `duplicate id "${entry.id}"` });
    seen.add(entry.id);
  }
  return problems;
}

export const duplicateIds: LintCheck = ({ features }) => duplicateIdProblems(features, fileOf);

export const realReleases: LintCheck = ({ features, releases }) => {
  const known = new Set(releases.releases.map((release) => release.name));
  const problems: RuleProblem[] = [];
  for (const feature of features) {
    for (const [where, version] of versionsOf(feature)) {
      if (!known.has(version)) problems.push({ file: fileOf(feature), message: `${where}: ${version} is not a mainline release` });
    }
  }
  return problems;
};

export const removedAfterAdded: LintCheck = ({ features }) => {
  const problems: RuleProblem[] = [];
  for (const feature of features) {
    for (const [arch, statement] of Object.entries(feature.support)) {
      if (statement?.removed && releaseNameKey(statement.removed) <= releaseNameKey(statement.added)) {
        problems.push({ file: fileOf(feature), message: `support.${arch}: removed ${statement.removed} is not after added ${statement.added}` });
      }
    }
    for (const [index, entry] of feature.kconfig.entries()) {
      if (entry.until && releaseNameKey(entry.until) <= releaseNameKey(entry.since)) {
        problems.push({ file: fileOf(feature), message: `kconfig[${index}] ${entry.symbol}: until ${entry.until} is not after since ${entry.since}` });
      }
    }
  }
  return problems;
};

export const knownCpuFlags: LintCheck = ({ features, cpuFlags }) => {
  const familyOf = new Map<Arch, string>();
  for (const [family, arches] of Object.entries(cpuFlags.families)) for (const arch of arches) familyOf.set(arch, family);
  const problems: RuleProblem[] = [];
  for (const feature of features) {
    for (const [arch, statement] of Object.entries(feature.support)) {
      const cpu: CpuRequirement | undefined = statement?.cpu;
      if (!cpu) continue;
      const family = familyOf.get(arch as Arch);
      const flags = family ? cpuFlags.flags[family] ?? {} : {};
      for (const flag of [...(cpu.allOf ?? []), ...(cpu.anyOf ?? [])]) {
        if (!(flag in flags)) problems.push({ file: fileOf(feature), message: `support.${arch}.cpu: unknown CPU flag "${flag}" for ${family ?? arch}` });
      }
    }
  }
  return problems;
};

export const hardwareVirtualizationFlagsKnown: LintCheck = ({ cpuFlags }) => {
  const problems: RuleProblem[] = [];
  for (const [family, entry] of Object.entries(cpuFlags.hardwareVirtualization ?? {})) {
    if (family.startsWith('$')) continue;
    if (!(family in cpuFlags.families)) problems.push({ file: 'cpu-flags.json', message: `hardwareVirtualization.${family}: not a CPU family` });
    const flags = cpuFlags.flags[family] ?? {};
    for (const flag of [...entry.flags, ...entry.extras]) {
      if (!(flag in flags)) problems.push({ file: 'cpu-flags.json', message: `hardwareVirtualization.${family}: unknown CPU flag "${flag}"` });
    }
    if (entry.flags.length === 0) problems.push({ file: 'cpu-flags.json', message: `hardwareVirtualization.${family}: no flags` });
  }
  if (!cpuFlags.hardwareVirtualization) problems.push({ file: 'cpu-flags.json', message: 'hardwareVirtualization is missing' });
  return problems;
};

export const parentsExistAndAreOlder: LintCheck = ({ features }) => {
  const byId = new Map(features.map((feature) => [feature.id, feature]));
  const problems: RuleProblem[] = [];
  for (const feature of features) {
    if (!feature.parent) continue;
    const parent = byId.get(feature.parent);
    if (!parent) {
      problems.push({ file: fileOf(feature), message: `parent "${feature.parent}" is not a feature` });
      continue;
    }
    for (const [arch, statement] of Object.entries(feature.support)) {
      if (!statement) continue;
      const parentStatement = parent.support[arch as Arch];
      if (!parentStatement) {
        problems.push({ file: fileOf(feature), message: `support.${arch}: parent "${parent.id}" has no support on ${arch}` });
      } else if (releaseNameKey(statement.added) < releaseNameKey(parentStatement.added)) {
        problems.push({
          file: fileOf(feature),
          message: `support.${arch}: added ${statement.added} is older than parent "${parent.id}" (${parentStatement.added})`,
        });
      }
    }
  }
  return problems;
};

export const neverMergedHasNoSupport: LintCheck = ({ features }) =>
  features
    .filter((feature) => feature.mainline === false && Object.keys(feature.support).length > 0)
    .map((feature) => ({ file: fileOf(feature), message: 'a feature never merged into mainline cannot have mainline support' }));

export const approachesNameRealFeatures: LintCheck = ({ features, approaches }) => {
  const ids = new Set(features.map((feature) => feature.id));
  const problems: RuleProblem[] = [];
  for (const approach of approaches) {
    const named = [
      ...approach.host.features,
      ...(approach.host.oneOf ?? []).flat(),
      ...(approach.guestFeatures.linux ?? []),
      ...(approach.passthrough?.features ?? []),
      ...(approach.passthrough?.oneOf ?? []).flat(),
    ];
    for (const id of named) {
      if (!ids.has(id)) problems.push({ file: `approaches/${approach.id}.json`, message: `names "${id}", which is not a feature` });
    }
  }
  return problems;
};

/** The release list must run oldest to newest: "the release before X" is read from it. */
export const releasesInOrder: LintCheck = ({ releases }) => {
  const problems: RuleProblem[] = [];
  const names = releases.releases.map((release) => release.name);
  for (let i = 1; i < names.length; i++) {
    if (compareVersions(parseRelease(names[i - 1]!), parseRelease(names[i]!)) >= 0) {
      problems.push({ file: 'releases.json', message: `${names[i]} does not come after ${names[i - 1]}` });
    }
  }
  return problems;
};

export const ALL_CHECKS: LintCheck[] = [
  releasesInOrder,
  approachesNameRealFeatures,
  duplicateIds,
  realReleases,
  removedAfterAdded,
  knownCpuFlags,
  hardwareVirtualizationFlagsKnown,
  parentsExistAndAreOlder,
  neverMergedHasNoSupport,
  distributionsAreSound,
  productsAreSound,
];

export function lintRules(rules: RuleSources, checks: LintCheck[] = ALL_CHECKS): RuleProblem[] {
  return checks.flatMap((check) => check(rules));
}
