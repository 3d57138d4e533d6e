import type { Arch } from '../arch.js';
import type { FeatureVerdict, SupportStatus } from '../engine/check.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { KernelVersion } from '../version/parse.js';
import { escapeText, jsonLine, jsonString } from '../escape.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';

/**
 * What a reader must know before trusting a version-only answer for this kernel. Given the known
 * releases, it also says when the release is not one of them.
 */
export function versionNotes(version: KernelVersion, releases?: KnownReleases): string[] {
  const notes: string[] = [];
  if (releases && !releases.names.has(version.release)) {
    notes.push(
      releaseKey(version) > releases.newestKey
        ? `${version.release} is newer than the newest release the knowledge base knows (${releases.newest}): what later releases merged or removed is not in it`
        : `${version.release} is not a mainline release: the answers place it between the releases around it`,
    );
  }
  const distribution = version.distribution;
  if (distribution?.backports === 'not-linux') {
    notes.push(`${distribution.name}: ${distribution.note ?? 'not a Linux kernel'}`);
  } else if (distribution?.backports === 'vendor') {
    const name = distribution.version ? `${distribution.name} ${distribution.version}` : distribution.name;
    notes.push(
      `${name} kernel: vendors backport features into old release numbers, so this kernel may have more than mainline ${version.release}; the answers are for mainline ${version.release}`,
    );
  } else if (distribution?.backports === 'patched') {
    notes.push(`${distribution.name} kernel: patched beyond mainline; the answers are for mainline ${version.release}`);
  } else if (version.local !== null && distribution === null) {
    notes.push(`local suffix "${version.local}": a build with its own changes; the answers are for mainline ${version.release}`);
  }
  if (version.rc === 0) {
    notes.push(`a snapshot from the ${version.release} merge window (before rc1): what ${version.release} merged may be only partly there`);
  }
  return notes;
}

/** The mainline releases the knowledge base knows, prepared for a quick look-up per version. */
export interface KnownReleases {
  names: Set<string>;
  newest: string;
  newestKey: number;
}

export function knownReleases(names: string[]): KnownReleases {
  const newest = names[names.length - 1] ?? '0.0';
  return { names: new Set(names), newest, newestKey: releaseNameKey(newest) };
}

/** The parsed kernel as JSON reports it. */
export function kernelJson(version: KernelVersion) {
  return {
    release: version.release,
    major: version.major,
    minor: version.minor,
    patch: version.patch,
    sublevel: version.sublevel,
    rc: version.rc,
    local: version.local,
    distribution: version.distribution,
  };
}

/** One `check --json` record as an object: the library's checkKernel returns it. */
export function checkRecord(version: KernelVersion, arch: Arch, verdicts: readonly FeatureVerdict[], releases?: KnownReleases) {
  return {
    schemaVersion: SCHEMA_VERSIONS.check,
    input: version.input,
    kernel: kernelJson(version),
    arch,
    notes: versionNotes(version, releases),
    features: verdicts.map(({ id, supported, status, since, removedIn, uncertain }) => ({ id, supported, status, since, removedIn, uncertain })),
  };
}

export type CheckRecord = ReturnType<typeof checkRecord>;

/**
 * Builds JSON Lines for `check --json`: the same as checkRecord, written faster. The checker hands back one verdict array per release, so the
 * features part is serialised once per release and reused: this keeps --stdin at pipe speed.
 */
export function createCheckJsonFormatter(releases?: KnownReleases) {
  const featuresJson = new WeakMap<readonly FeatureVerdict[], string>();
  return (version: KernelVersion, arch: Arch, verdicts: readonly FeatureVerdict[]): string => {
    let features = featuresJson.get(verdicts);
    if (features === undefined) {
      features = JSON.stringify(
        verdicts.map(({ id, supported, status, since, removedIn, uncertain }) => ({ id, supported, status, since, removedIn, uncertain })),
      );
      featuresJson.set(verdicts, features);
    }
    // Written out by hand: this runs once per line of a fleet inventory. Same fields as kernelJson.
    const v = version;
    return (
      `{"schemaVersion":${SCHEMA_VERSIONS.check},"input":${jsonString(v.input)},"kernel":{"release":"${v.release}","major":${v.major},"minor":${v.minor},` +
      `"patch":${v.patch},"sublevel":${v.sublevel},"rc":${v.rc},"local":${v.local === null ? 'null' : jsonString(v.local)},` +
      `"distribution":${v.distribution === null ? 'null' : jsonLine(v.distribution)}},"arch":"${arch}",` +
      `"notes":${jsonLine(versionNotes(v, releases))},"features":${features}}\n`
    );
  };
}

const SECTION_ORDER: SupportStatus[] = ['supported', 'not-yet', 'removed', 'never', 'out-of-tree'];

/** A report readable at a glance: what the kernel has, what came later, what was removed. */
export function formatCheckText(
  knowledge: KnowledgeBase,
  version: KernelVersion,
  arch: Arch,
  verdicts: readonly FeatureVerdict[],
  color: boolean,
  releases?: KnownReleases,
): string {
  const style = styleFor(color);
  const parts = [`mainline ${version.release}`];
  if (version.rc !== null) parts.push(version.rc === 0 ? 'merge-window snapshot' : `rc${version.rc}`);
  if (version.sublevel !== null) parts.push(`stable .${version.sublevel}`);
  if (version.distribution) parts.push(`${version.distribution.name}${version.distribution.version ? ` ${version.distribution.version}` : ''}`);
  const lines = [style.bold(`${escapeText(version.input)} on ${arch}`) + ` (${escapeText(parts.join(', '))})`];
  for (const note of versionNotes(version, releases)) lines.push(style.yellow(`  note: ${escapeText(note)}`));

  const width = Math.max(...verdicts.map((verdict) => verdict.id.length));
  const titles: Record<SupportStatus, string> = {
    supported: `Supported in ${version.release}`,
    'not-yet': `Not yet: merged after ${version.release}`,
    removed: `Removed by ${version.release}`,
    never: `Never in mainline on ${arch}`,
    'out-of-tree': 'Never in mainline (needs a patched kernel)',
  };
  for (const status of SECTION_ORDER) {
    const group = verdicts.filter((verdict) => verdict.status === status);
    if (group.length === 0) continue;
    lines.push('', style.bold(`${titles[status]} (${group.length})`));
    for (const verdict of group) {
      const name = knowledge.byId.get(verdict.id)?.name ?? verdict.id;
      let when = '';
      if (status === 'supported') when = `since ${verdict.since}${verdict.removedIn ? `, removed in ${verdict.removedIn}` : ''}`;
      else if (status === 'not-yet') when = `merged in ${verdict.since}`;
      else if (status === 'removed') when = `${verdict.since} to ${verdict.removedIn}, removed in ${verdict.removedIn}`;
      const mark = status === 'supported' ? style.green('yes') : status === 'not-yet' ? style.yellow(' no') : style.red(' no');
      const doubt = verdict.uncertain ? style.yellow(' (uncertain: merge-window snapshot)') : '';
      lines.push(`  ${mark}  ${verdict.id.padEnd(width)}  ${name}${when ? style.dim(`  ${when}`) : ''}${doubt}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
