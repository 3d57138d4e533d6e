/**
 * virt-advisor as a library: the answers the CLI prints, as typed values.
 *
 *   import { checkKernel, auditConfig, detectHost, recommend, parseKernelVersion, knowledge } from 'virt-advisor';
 *
 * Every function returns what the matching `--json` output holds (schemas/ describes each), and
 * throws VirtAdvisorError for bad input: the message is the one line the CLI would print.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auditConfigBytes, type AuditOptions } from '../app/audit.js';
import { unknownArch } from '../app/errors.js';
import { buildProfile, checkedRoot, wishesFrom, type RecommendArgs } from '../app/recommend.js';
import { currentArch, normalizeArch, type Arch } from '../arch.js';
import { createKernelChecker } from '../app/check.js';
import { recommend as rankApproaches } from '../engine/recommend.js';
import { UserError } from '../errors.js';
import { auditToJson } from '../format/audit.js';
import { checkRecord, knownReleases, type CheckRecord } from '../format/check.js';
import { hostToJson, type HostJson } from '../format/host.js';
import { recommendationJson } from '../format/recommend.js';
import { detectHost as readHost } from '../host/detect.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../rules/knowledge.js';
import { loadTargets, type Target } from '../rules/targets.js';
import { parseKernelVersion } from '../version/parse.js';

export { parseKernelVersion, UserError as VirtAdvisorError };
export type { Arch, CheckRecord, HostJson, KnowledgeBase, Target };
export type { KernelVersion } from '../version/parse.js';
export type { Distribution } from '../version/distribution.js';
export type { Feature, SupportStatement, KconfigSymbol, GuestOs } from '../rules/types.js';
export type { FeatureVerdict, SupportStatus } from '../engine/check.js';
export type { Approach, Goal } from '../rules/approaches.js';

/** The package's root: dist/lib/index.js sits two levels below it. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

let loaded: KnowledgeBase | undefined;
let targets: Target[] | undefined;

/** The knowledge base: every feature with its releases per architecture and its sources, the approaches, the releases. */
export function knowledge(): KnowledgeBase & { targets: Target[] } {
  loaded ??= loadKnowledgeBase(packageRoot);
  targets ??= loadTargets(packageRoot);
  return { ...loaded, targets };
}

function archOf(given: string | undefined): Arch {
  if (given === undefined) {
    const here = currentArch();
    if (!here) throw new UserError(`cannot tell this machine's architecture (${process.arch}); give arch`);
    return here;
  }
  const arch = normalizeArch(given);
  if (!arch) throw unknownArch(given);
  return arch;
}

/**
 * What this kernel version has on the architecture (default: the one its string names, else this
 * machine's), feature by feature, with the vendor's record for a vendor kernel: `check --json`.
 */
export function checkKernel(version: string, options: { arch?: string } = {}): CheckRecord {
  const base = knowledge();
  const checked = createKernelChecker(base, { arch: options.arch === undefined ? null : archOf(options.arch), fallback: currentArch() ?? null })(parseKernelVersion(version));
  if ('error' in checked) throw new UserError(checked.error);
  return checkRecord(checked, knownReleases(base.releases));
}

export type AuditResult = ReturnType<typeof auditToJson>;

/**
 * Audits a kernel config (its text, or the bytes of a plain or gzip'd file) for the targets
 * (default: those for its architecture and release): `config --json`.
 */
export function auditConfig(config: string | Uint8Array, options: AuditOptions & { file?: string } = {}): AuditResult {
  const bytes = typeof config === 'string' ? Buffer.from(config, 'utf8') : Buffer.from(config.buffer, config.byteOffset, config.byteLength);
  const file = options.file ?? '-';
  const { report } = auditConfigBytes(bytes, { file, shown: options.file ?? 'the config' }, options, knowledge().targets);
  return auditToJson(report);
}

/** What can be read of the machine whose filesystem is at root (default: this one): `host --json`. */
export function detectHost(root = '/'): HostJson {
  return hostToJson(readHost(checkedRoot(root)));
}

export interface RecommendOptions {
  /** Read the machine at `root` (default when nothing below describes it). */
  detect?: boolean;
  root?: string;
  arch?: string;
  /** CPU flags ("vmx lm pae", or a list). */
  cpuFlags?: string | string[];
  /** A /proc/cpuinfo file to read the CPU from. */
  cpuinfo?: string;
  kernel?: string;
  /** The kernel cannot be changed. */
  keepKernel?: boolean;
  guests?: string[];
  goals?: string[];
  /** A CPU described in words instead of flags: does it have hardware virtualization? */
  hardwareVirtualization?: 'yes' | 'no' | 'unknown';
  cpuVendor?: 'intel' | 'amd';
}

export type Recommendation = ReturnType<typeof recommendationJson>;

/** Ranks the approaches for a machine and what is wanted of it: `recommend --json`. */
export function recommend(options: RecommendOptions = {}): Recommendation {
  const args: RecommendArgs = {
    ...(options.arch === undefined ? {} : { arch: options.arch }),
    ...(options.cpuFlags === undefined ? {} : { cpuFlags: Array.isArray(options.cpuFlags) ? options.cpuFlags.join(' ') : options.cpuFlags }),
    ...(options.cpuinfo === undefined ? {} : { cpuinfo: options.cpuinfo }),
    ...(options.kernel === undefined ? {} : { kernel: options.kernel }),
    ...(options.keepKernel === undefined ? {} : { keepKernel: options.keepKernel }),
    ...(options.hardwareVirtualization === undefined ? {} : { hardwareVirt: options.hardwareVirtualization }),
    ...(options.cpuVendor === undefined ? {} : { cpuVendor: options.cpuVendor }),
    guest: options.guests ?? [],
    goal: options.goals ?? [],
  };
  const describesMachine = [args.arch, args.cpuFlags, args.cpuinfo, args.kernel, args.hardwareVirt].some((value) => value !== undefined);
  const facts = options.detect || !describesMachine ? readHost(checkedRoot(options.root ?? '/')) : null;
  const { profile, sources } = buildProfile(args, facts);
  const wishes = wishesFrom(args);
  const base = knowledge();
  return recommendationJson(base, profile, sources, wishes, rankApproaches(base, profile, wishes), facts);
}

/** The package's own version. */
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
