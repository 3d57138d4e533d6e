import type { CheckedConfig, CheckedKernel } from '../app/check.js';
import { availabilityOf, type FeatureConfig } from '../engine/config-state.js';
import type { FeatureVerdict, SupportStatus } from '../engine/check.js';
import type { VendorKernel } from '../engine/vendor.js';
import { escapeText, jsonLine, jsonString } from '../escape.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

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

/** The vendor and its release in words: "Red Hat Enterprise Linux 8.9", "Ubuntu 22.04 GA 5.15 or ...". */
export function vendorName(version: KernelVersion, vendor: VendorKernel | null): string | null {
  const distribution = version.distribution;
  if (!distribution) return null;
  if (vendor) return `${vendor.rules.name} ${vendor.label}`;
  return distribution.version ? `${distribution.name} ${distribution.version}` : distribution.name;
}

/**
 * What a reader must know before trusting a version-only answer for this kernel. Given the known
 * releases, it also says when the release is not one of them.
 */
export function versionNotes(version: KernelVersion, releases?: KnownReleases, vendor: VendorKernel | null = null, configRead = false): string[] {
  const tellsForSure = configRead ? '' : '; the kernel\'s own config tells for sure (virt-advisor check --config)';
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
    notes.push(`${distribution.name}: ${distribution.note ?? 'not a Linux kernel'}: no Linux kernel feature is there`);
  } else if (vendor) {
    const name = vendorName(version, vendor)!;
    const how =
      vendor.rules.backports === 'heavy'
        ? `the vendor's record of backports is used where there is one; a feature newer than mainline ${version.release} without a record is unknown`
        : vendor.rules.backports === 'some'
          ? `the vendor backports now and then: the answers are mainline ${version.release}'s, with the vendor's record where there is one`
          : `the vendor rarely backports: the answers are mainline ${version.release}'s`;
    notes.push(`${name} kernel: ${how}${tellsForSure}`);
    if (!vendor.exact) notes.push(`${name}: the version string does not name one release for sure`);
  } else if (distribution?.backports === 'vendor') {
    const name = vendorName(version, null)!;
    notes.push(
      `${name} kernel: vendors backport features into old release numbers, so this kernel may have more than mainline ${version.release}; the answers are for mainline ${version.release}`,
    );
  } else if (distribution?.backports === 'patched') {
    notes.push(`${distribution.name} kernel: patched beyond mainline; the answers are for mainline ${version.release}`);
  } else if (version.local !== null && distribution === null) {
    notes.push(`local suffix "${version.local}": a build with its own changes; the answers are for mainline ${version.release}`);
  }
  if (distribution?.id === 'wsl2') notes.push('WSL2 runs a real Linux kernel built by Microsoft (its own config): the answers are for its release, and what its config enables decides');
  if (version.rc === 0) {
    notes.push(`a snapshot from the ${version.release} merge window (before rc1): what ${version.release} merged may be only partly there`);
  }
  return notes;
}

/** Notes about one checked kernel, the architecture's included. */
export function checkedNotes(checked: CheckedKernel, releases?: KnownReleases): string[] {
  const notes = versionNotes(checked.version, releases, checked.vendor, checked.config?.known === true);
  if (checked.archConflict) notes.unshift(`--arch wins: ${checked.archConflict}`);
  if (checked.archFrom === 'machine') notes.unshift(`the version string names no architecture: answered for ${checked.archEvidence ? `the machine's (${checked.arch}, from ${checked.archEvidence})` : `this machine's (${checked.arch})`}; give --arch for another`);
  if (checked.archFrom === 'config') notes.unshift(`the version string names no architecture: answered for the config's (${checked.arch}, from ${checked.archEvidence}); give --arch for another`);
  return notes;
}

/** The parsed kernel as JSON reports it, with the vendor release where one was told. */
export function kernelJson(version: KernelVersion, vendor: VendorKernel | null = null) {
  return {
    release: version.release,
    major: version.major,
    minor: version.minor,
    patch: version.patch,
    sublevel: version.sublevel,
    rc: version.rc,
    local: version.local,
    distribution: version.distribution
      ? {
          ...version.distribution,
          release: vendor?.label ?? null,
          exact: vendor?.exact ?? null,
          source: vendor?.source ?? null,
        }
      : null,
  };
}

const featureJson = ({ id, supported, status, since, removedIn, uncertain, vendor, note }: FeatureVerdict) => ({ id, supported, status, since, removedIn, uncertain, vendor, note });

/** The top-level config part of a record: where it came from and its modules, or why none was read. */
function configJson(config: CheckedConfig | null) {
  if (config === null) return null;
  if (!config.known) return { known: false as const, reason: config.reason };
  const modules = config.modules.loaded === null ? { known: false as const, reason: config.modules.reason } : { known: true as const, source: config.modules.source };
  return { known: true as const, source: config.source, modules };
}

function featuresJson(checked: CheckedKernel) {
  const configs = checked.config?.known ? checked.config.features : null;
  if (configs === null) return checked.verdicts.map(featureJson);
  return checked.verdicts.map((verdict, index) => {
    const config = configs[index] ?? null;
    return { ...featureJson(verdict), config, available: availabilityOf(verdict, config) };
  });
}

/** One `check --json` record as an object: the library's checkKernel returns it. */
export function checkRecord(checked: CheckedKernel, releases?: KnownReleases) {
  return {
    schemaVersion: SCHEMA_VERSIONS.check,
    input: checked.version.input,
    kernel: kernelJson(checked.version, checked.vendor),
    arch: checked.arch,
    archFrom: checked.archFrom,
    archEvidence: checked.archEvidence,
    notes: checkedNotes(checked, releases),
    config: configJson(checked.config),
    features: featuresJson(checked),
  };
}

export type CheckRecord = ReturnType<typeof checkRecord>;

/** A record as check --stdin writes it: the part of this version, and bytes it shares with others. */
export interface CheckJsonParts {
  /** The record's text after `{"schemaVersion":N,`, up to the shared part. */
  head: string;
  /** The rest of the record with its newline, encoded once and shared by the kernels it fits. */
  tail: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * Builds JSON Lines for `check --json`: the same as checkRecord, written faster. The features part
 * is serialised once per set of verdicts and reused, and so is everything after the version's own
 * numbers, which kernels of one release and vendor release share: this keeps --stdin near pipe
 * speed. `parts` gives a record in two pieces, for a writer that copies the shared one as bytes.
 */
export function createCheckJsonFormatter(releases?: KnownReleases) {
  const featuresJson = new WeakMap<readonly FeatureVerdict[], string>();
  const tailsOf = new WeakMap<readonly FeatureVerdict[], Map<string, { text: string; bytes: Buffer }>>();
  const start = `{"schemaVersion":${SCHEMA_VERSIONS.check},`;

  const parts = (checked: CheckedKernel): { head: string; tail: { text: string; bytes: Buffer } } => {
    // A kernel checked with its config is one record per run: no need to be quick.
    if (checked.config !== null) return { head: `${jsonLine(checkRecord(checked, releases)).slice(start.length)}\n`, tail: { text: '', bytes: EMPTY } };
    let features = featuresJson.get(checked.verdicts);
    if (features === undefined) {
      features = jsonLine(checked.verdicts.map(featureJson));
      featuresJson.set(checked.verdicts, features);
    }
    const v = checked.version;
    const d = v.distribution;
    const vendor = checked.vendor;
    // What the distribution part and the notes are made of (see kernelJson and checkedNotes).
    const key =
      `${v.release}|${v.rc}|${d === null ? `${v.local === null ? '-' : `L${v.local}`}` : `${d.id}|${d.name}|${d.version}|${d.backports}|${d.note}`}|` +
      `${vendor === null ? '-' : `${vendor.rules.name}|${vendor.rules.backports}|${vendor.label}|${vendor.exact}|${vendor.source}`}|` +
      `${checked.arch}|${checked.archFrom}|${checked.archEvidence}|${checked.archConflict}`;
    // The key does not name the verdicts: each set of them has its own tails.
    let tails = tailsOf.get(checked.verdicts);
    if (tails === undefined) {
      tails = new Map();
      tailsOf.set(checked.verdicts, tails);
    }
    let tail = tails.get(key);
    if (tail === undefined) {
      if (tails.size >= 64) tails.clear();
      const text =
        `"distribution":${d === null ? 'null' : jsonLine(kernelJson(v, vendor).distribution)}},"arch":"${checked.arch}",` +
        `"archFrom":"${checked.archFrom}","archEvidence":${checked.archEvidence === null ? 'null' : jsonString(checked.archEvidence)},` +
        `"notes":${jsonLine(checkedNotes(checked, releases))},"config":null,"features":${features}}\n`;
      tail = { text, bytes: Buffer.from(text, 'utf8') };
      tails.set(key, tail);
    }
    // Written out by hand: this runs once per line of a fleet inventory. Same fields as kernelJson.
    const head =
      `"input":${jsonString(v.input)},"kernel":{"release":"${v.release}","major":${v.major},"minor":${v.minor},` +
      `"patch":${v.patch},"sublevel":${v.sublevel},"rc":${v.rc},"local":${v.local === null ? 'null' : jsonString(v.local)},`;
    return { head, tail };
  };

  const format = (checked: CheckedKernel): string => {
    const { head, tail } = parts(checked);
    return start + head + tail.text;
  };
  format.start = start;
  format.parts = (checked: CheckedKernel): CheckJsonParts => {
    const { head, tail } = parts(checked);
    return { head, tail: tail.bytes };
  };
  return format;
}

/** A section of the text report: the version's status, or the config's word where it overrules it. */
type Section = SupportStatus | 'config-off' | 'config-on';

const SECTION_ORDER: Section[] = ['supported', 'backported', 'config-on', 'config-off', 'unknown', 'vendor-absent', 'not-yet', 'removed', 'never', 'out-of-tree', 'not-linux'];

function sectionOf(verdict: FeatureVerdict, config: FeatureConfig | null): Section {
  const available = availabilityOf(verdict, config);
  if (available === false && (verdict.supported || verdict.status === 'unknown')) return 'config-off';
  if (available === true && !verdict.supported) return 'config-on';
  return verdict.status;
}

/** "built in", "module, loaded", "not set (CONFIG_VHOST_NET)": one feature's line in this kernel's config. */
export function configWords(config: FeatureConfig): string {
  if (config.state === 'off') {
    const off = config.symbols.filter(({ value }) => value === null || !/^[ym]/.test(value)).map(({ symbol }) => `CONFIG_${symbol}`);
    return `not set (${off.join(', ')})`;
  }
  if (config.state === 'built-in') return 'built in';
  const loaded = config.modules.map((module) => module.loaded);
  const words = loaded.every((value) => value === true)
    ? 'loaded'
    : loaded.every((value) => value === false)
      ? 'not loaded'
      : loaded.some((value) => value === null)
        ? 'loaded or not cannot be told'
        : `loaded: ${config.modules.filter((module) => module.loaded).map((module) => module.name).join(', ')}; not loaded: ${config.modules.filter((module) => !module.loaded).map((module) => module.name).join(', ')}`;
  return `module (${config.modules.map((module) => module.name).join(', ')}), ${words}`;
}

/** "mainline 6.1, stable .192, Red Hat Enterprise Linux 8.9": the parts of a version in words. */
export function describeKernel(version: KernelVersion, vendor: VendorKernel | null = null): string {
  const parts = [`mainline ${version.release}`];
  if (version.rc !== null) parts.push(version.rc === 0 ? 'merge-window snapshot' : `rc${version.rc}`);
  // x.y.0 is the release itself (and Debian's and Ubuntu's package names keep the .0 whatever stable
  // update they carry): only a non-zero third number is a stable update.
  if (version.sublevel !== null && version.sublevel > 0) parts.push(`stable .${version.sublevel}`);
  const vendorText = vendorName(version, vendor);
  if (vendorText) parts.push(vendorText);
  return parts.join(', ');
}

function supportWords(verdict: FeatureVerdict): string {
  const vendor = verdict.vendor;
  if (!vendor) return '';
  const level = vendor.support ? `, ${vendor.support.replace('-', ' ')}` : '';
  const weak = vendor.strength === 'weak' ? ', weak source' : '';
  const what = vendor.status === 'absent' ? 'left out since' : 'since';
  return ` (vendor: ${what} ${vendor.since}${level}${weak})`;
}

/** A report readable at a glance: what the kernel has, what came later, what was removed. */
export function formatCheckText(knowledge: KnowledgeBase, checked: CheckedKernel, color: boolean, releases?: KnownReleases): string {
  const style = styleFor(color);
  const { version, arch, verdicts } = checked;
  const archSaid = checked.archFrom === 'version' ? ` (from the version string: ${checked.archEvidence})` : checked.archFrom === 'config' ? ` (from the config: ${checked.archEvidence})` : '';
  const lines = [style.bold(`${escapeText(version.input)} on ${arch}`) + escapeText(`${archSaid} (${describeKernel(version, checked.vendor)})`)];
  const config = checked.config;
  if (config?.known) {
    const modules = config.modules.loaded === null ? `loaded modules not known: ${config.modules.reason}` : `loaded modules from ${config.modules.source}`;
    lines.push(escapeText(`  config: ${config.source}; ${modules}`));
  } else if (config) {
    lines.push(style.yellow(`  note: ${escapeText(`no config read, so the answers are the version's alone: ${config.reason}`)}`));
  }
  for (const note of checkedNotes(checked, releases)) lines.push(style.yellow(`  note: ${escapeText(note)}`));
  const configs = config?.known ? config.features : null;

  const width = Math.max(...verdicts.map((verdict) => verdict.id.length));
  const vendorText = vendorName(version, checked.vendor) ?? 'the vendor';
  const titles: Record<Section, string> = {
    supported: `Supported in ${version.release}`,
    'config-off': "Left out by this kernel's config",
    'config-on': "In this kernel's config (the version alone cannot tell)",
    backported: `Backported by ${vendorText}`,
    unknown: `Cannot be told from the version (${vendorText} backports; no record)`,
    'vendor-absent': `Left out by ${vendorText}`,
    'not-yet': `Not yet: merged after ${version.release}`,
    removed: `Removed by ${version.release}`,
    never: `Never in mainline on ${arch}`,
    'out-of-tree': 'Never in mainline (needs a patched kernel)',
    'not-linux': 'Not a Linux kernel',
  };
  const sections = verdicts.map((verdict, index) => sectionOf(verdict, configs?.[index] ?? null));
  for (const section of SECTION_ORDER) {
    const group = verdicts.map((verdict, index) => ({ verdict, config: configs?.[index] ?? null })).filter((_, index) => sections[index] === section);
    if (group.length === 0) continue;
    lines.push('', style.bold(`${titles[section]} (${group.length})`));
    for (const { verdict, config: featureConfig } of group) {
      const status = verdict.status;
      const name = knowledge.byId.get(verdict.id)?.name ?? verdict.id;
      let when = '';
      if (status === 'supported') when = `since ${verdict.since}${verdict.removedIn ? `, removed in ${verdict.removedIn}` : ''}${supportWords(verdict)}`;
      else if (status === 'backported') when = `mainline ${verdict.since}${supportWords(verdict)}`;
      else if (status === 'vendor-absent') when = `mainline since ${verdict.since}${supportWords(verdict)}`;
      else if (status === 'unknown' || status === 'not-yet') when = `merged in ${verdict.since}`;
      else if (status === 'removed') when = `${verdict.since} to ${verdict.removedIn}, removed in ${verdict.removedIn}`;
      if (featureConfig) when += `${when ? '; ' : ''}this kernel: ${configWords(featureConfig)}`;
      const yes = section === 'supported' || section === 'backported' || section === 'config-on';
      const mark = yes ? style.green('yes') : section === 'unknown' ? style.yellow('  ?') : section === 'not-yet' ? style.yellow(' no') : style.red(' no');
      const doubt = verdict.uncertain ? style.yellow(' (uncertain: merge-window snapshot)') : '';
      lines.push(`  ${mark}  ${verdict.id.padEnd(width)}  ${name}${when ? style.dim(`  ${escapeText(when)}`) : ''}${doubt}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
