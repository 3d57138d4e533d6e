import type { Arch } from '../arch.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { DistributionRelease, DistributionRules, VendorFact } from '../rules/distributions.js';
import type { KernelVersion } from '../version/parse.js';

/** Where a vendor kernel stands in its vendor's releases, as far as its version string tells. */
export interface VendorKernel {
  rules: DistributionRules;
  /** The release it belongs to, in words: "8.9", "22.04 GA 5.15 or 20.04 HWE 5.15", "between 9.0 and 9.1 ...". */
  label: string;
  /** The release whose facts apply (the earliest when several fit); its index in rules.releases. */
  position: number;
  /** Every release the string fits (several for an Ubuntu HWE kernel): indexes in rules.releases. */
  positions: number[];
  /** Whether the string names the release for sure (a GA build, or one pattern). */
  exact: boolean;
  source: string;
  /** The version string, against which facts' variants are matched. */
  text: string;
}

const compiled = new WeakMap<object, RegExp>();
/** A pattern of the rules as a RegExp, compiled once. */
function regexOf(owner: object, pattern: string): RegExp {
  let regex = compiled.get(owner);
  if (!regex) {
    regex = new RegExp(pattern);
    compiled.set(owner, regex);
  }
  return regex;
}

/** The parser's distribution ids that have vendor data under another id. */
const RULES_FOR: ReadonlyMap<string, string> = new Map([
  ['rhel', 'rhel'],
  ['suse', 'suse'],
  ['ubuntu', 'ubuntu'],
  ['debian', 'debian'],
  ['amazon', 'amazon'],
  ['oracle-uek', 'oracle-uek'],
]);

function byBuild(rules: DistributionRules, version: KernelVersion): VendorKernel | null {
  const parts = /^(\d+\.\d+\.\d+)-(\d+)/.exec(version.text);
  if (!parts) return null;
  const [, base, buildText] = parts as unknown as [string, string, string];
  const build = Number(buildText);
  const tag = /\.el(\d+)/i.exec(version.text)?.[1] ?? (/\.EL/.test(version.text) ? '4' : null);
  const candidates = rules.releases
    .map((release, index) => ({ release, index }))
    .filter(({ release }) => release.kernel === base && (tag === null || release.release.split('.')[0] === tag) && release.build !== undefined);
  if (candidates.length === 0) return null;
  const at = (index: number) => candidates[index]!;
  let found = -1;
  for (let i = 0; i < candidates.length; i++) if (at(i).release.build! <= build) found = i;
  const make = (entry: { release: DistributionRelease; index: number }, label: string, exact: boolean): VendorKernel => ({
    rules,
    label,
    position: entry.index,
    positions: [entry.index],
    exact,
    source: entry.release.source,
    text: version.text,
  });
  if (found === -1) return null;
  const here = at(found);
  if (here.release.build === build) return make(here, here.release.release, true);
  const next = found + 1 < candidates.length ? at(found + 1) : null;
  return next
    ? make(here, `between ${here.release.release} and ${next.release.release} (build ${build}: a CentOS Stream or pre-release build of ${next.release.release})`, false)
    : make(here, `${here.release.release} or later (build ${build}, after ${here.release.release}'s GA build ${here.release.build})`, false);
}

function byPattern(rules: DistributionRules, version: KernelVersion): VendorKernel | null {
  const matches = rules.releases.map((release, index) => ({ release, index })).filter(({ release }) => regexOf(release, release.pattern).test(version.text));
  if (matches.length === 0) return null;
  return {
    rules,
    label: matches.map(({ release }) => release.release).join(' or '),
    position: matches[0]!.index,
    positions: matches.map(({ index }) => index),
    exact: matches.length === 1,
    source: matches[0]!.release.source,
    text: version.text,
  };
}

/** The vendor release of a version, when the knowledge base has data for its distribution. */
export function vendorKernelOf(knowledge: KnowledgeBase, version: KernelVersion): VendorKernel | null {
  const id = version.distribution ? RULES_FOR.get(version.distribution.id) : undefined;
  const rules = id === undefined ? undefined : knowledge.distributions.get(id);
  if (!rules) return null;
  return rules.match === 'build' ? byBuild(rules, version) : byPattern(rules, version);
}

function factAt(vendor: VendorKernel, position: number, feature: string, arch: Arch): VendorFact | null {
  const names = vendor.rules.releases.map((release) => release.release);
  let found: VendorFact | null = null;
  for (const fact of vendor.rules.facts) {
    if (fact.feature !== feature) continue;
    if (fact.arch && !fact.arch.includes(arch)) continue;
    if (fact.variant !== undefined && !regexOf(fact, fact.variant).test(vendor.text)) continue;
    const since = names.indexOf(fact.since);
    const until = fact.until === undefined ? Infinity : names.indexOf(fact.until);
    if (position >= since && position < until) found = fact;
  }
  return found;
}

/**
 * The vendor fact about a feature that holds for this kernel on this architecture: a fact, none
 * (null), or 'ambiguous' when the string fits several releases whose records differ.
 */
export function vendorFactFor(vendor: VendorKernel, feature: string, arch: Arch): VendorFact | null | 'ambiguous' {
  const facts = vendor.positions.map((position) => factAt(vendor, position, feature, arch));
  return facts.every((fact) => fact === facts[0]) ? facts[0]! : 'ambiguous';
}

/** A key that is the same for two kernels exactly when every vendor fact gives them the same answer. */
export function vendorKey(vendor: VendorKernel | null): string {
  if (!vendor) return '';
  const variants = vendor.rules.facts.map((fact) => (fact.variant === undefined ? '' : regexOf(fact, fact.variant).test(vendor.text) ? '1' : '0')).join('');
  return `${vendor.rules.id}:${vendor.positions.join(',')}:${variants}`;
}
