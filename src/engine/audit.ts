import type { Arch } from '../arch.js';
import { symbolsOf, type AvailabilityWindow, type Requirement, type Target } from '../rules/targets.js';
import { tristateOf, type ConfigValues } from '../kconfig/parse.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';

export type { ConfigValues };

/** A symbol as the config has it; null when the config does not mention it. */
export interface SymbolValue {
  symbol: string;
  value: string | null;
  /** The line that set it, when the config can tell (counted only when read). */
  readonly line?: number;
}

export type CheckStatus = Check['status'];

interface CheckBase {
  requirement: Requirement;
  /** Every symbol the requirement names, with the config's value for each. */
  found: SymbolValue[];
}

/** The verdict on one requirement. */
export type Check =
  /** Built in. `backport` when mainline of that release has no such symbol, yet the config sets it. */
  | (CheckBase & { status: 'ok'; symbol: string; value: string; backport: boolean })
  /** =m: fine unless the requirement needs it built in. */
  | (CheckBase & { status: 'module'; symbol: string; builtinRequired: boolean; backport: boolean })
  /** The release has the symbol and the config says `is not set` (or n). */
  | (CheckBase & { status: 'off' })
  /** The config sets it to a value Kconfig does not accept for a bool or tristate ("y", yes...): make ignores the line. */
  | (CheckBase & { status: 'invalid'; symbol: string; value: string; line: number | null })
  /** The release has the symbol and the config does not mention it. */
  | (CheckBase & { status: 'missing' })
  /** The symbol does not exist in that release: it came later, or was removed or renamed before. */
  | (CheckBase & { status: 'obsolete'; gone: 'not-yet' | 'removed' })
  /** The requirement is for other architectures. */
  | (CheckBase & { status: 'not-applicable'; arches: Arch[] });

/** Why a target cannot be audited at all for this release and architecture. */
export type Unavailability =
  | { why: 'arch'; arches: Arch[] }
  | { why: 'not-yet'; window: AvailabilityWindow }
  | { why: 'removed'; window: AvailabilityWindow };

export type TargetVerdict =
  | { kind: 'audited'; target: Target; ok: boolean; checks: Check[] }
  | { kind: 'unavailable'; target: Target; ok: false; unavailable: Unavailability };

/** Whether a check leaves its target satisfied. */
export function checkPasses(check: Check): boolean {
  switch (check.status) {
    case 'ok':
    case 'obsolete':
    case 'not-applicable':
      return true;
    case 'module':
      return !check.builtinRequired;
    case 'missing':
    case 'off':
    case 'invalid':
      return false;
  }
}

const inRange = (key: number, entry: { since?: string; until?: string }) =>
  (entry.since === undefined || key >= releaseNameKey(entry.since)) && (entry.until === undefined || key < releaseNameKey(entry.until));

/** Whether the target can exist on this architecture at this release, and if not, why. */
export function availabilityOf(target: Target, key: number, arch: Arch): Unavailability | null {
  if (!target.arch.includes(arch)) return { why: 'arch', arches: target.arch };
  const windows = (target.available ?? []).filter((window) => window.arch.includes(arch));
  if (windows.length === 0 || windows.some((window) => inRange(key, window))) return null;
  const sorted = [...windows].sort((a, b) => (a.since ? releaseNameKey(a.since) : 0) - (b.since ? releaseNameKey(b.since) : 0));
  const first = sorted[0]!;
  if (first.since !== undefined && key < releaseNameKey(first.since)) return { why: 'not-yet', window: first };
  // Past the end of the last window that had begun by this release.
  const ended = sorted.filter((window) => window.since === undefined || releaseNameKey(window.since) <= key);
  return { why: 'removed', window: ended[ended.length - 1] ?? first };
}

/** The verdict on one requirement for a config of this release (releaseKey) and architecture. */
export function evaluateRequirement(requirement: Requirement, config: ConfigValues, key: number, arch: Arch): Check {
  const found = symbolsOf(requirement).map((symbol): SymbolValue => {
    const entry = config.entry?.(symbol);
    if (!entry) return { symbol, value: config.get(symbol) ?? null };
    return {
      symbol,
      value: entry.raw,
      get line() {
        return entry.line;
      },
    };
  });
  if (requirement.arch && !requirement.arch.includes(arch)) return { status: 'not-applicable', requirement, found, arches: requirement.arch };
  const applies = inRange(key, requirement);
  const gone = () => (requirement.since !== undefined && key < releaseNameKey(requirement.since) ? 'not-yet' : 'removed');
  // Outside a window that is not the symbol's own (what the symbol is needed for is not there yet,
  // or another check has taken this one's place), the check does not apply, set or not.
  if (!applies && (requirement.sinceFor !== undefined || requirement.untilReason !== undefined)) return { status: 'obsolete', requirement, found, gone: gone() };
  // Values are read as Kconfig reads a bool or tristate: the first character decides.
  const state = (entry: SymbolValue) => (entry.value === null ? null : tristateOf(entry.value));
  // A config that sets a symbol proves its kernel has it, whatever mainline of that release had.
  const builtIn = found.find((entry) => state(entry) === 'y');
  if (builtIn) return { status: 'ok', requirement, found, symbol: builtIn.symbol, value: builtIn.value!, backport: !applies };
  const module = found.find((entry) => state(entry) === 'm');
  if (module) return { status: 'module', requirement, found, symbol: module.symbol, builtinRequired: requirement.builtin === true, backport: !applies };
  const invalid = found.find((entry) => state(entry) === 'invalid');
  if (invalid) return { status: 'invalid', requirement, found, symbol: invalid.symbol, value: invalid.value!, line: invalid.line ?? null };
  if (!applies) return { status: 'obsolete', requirement, found, gone: gone() };
  return found.some((entry) => entry.value !== null) ? { status: 'off', requirement, found } : { status: 'missing', requirement, found };
}

/** Audits a config against each target, in the order given. */
export function auditConfig(targets: readonly Target[], config: ConfigValues, version: KernelVersion, arch: Arch): TargetVerdict[] {
  const key = releaseKey(version);
  return targets.map((target): TargetVerdict => {
    const unavailable = availabilityOf(target, key, arch);
    if (unavailable) return { kind: 'unavailable', target, ok: false, unavailable };
    const checks = target.requirements.map((requirement) => evaluateRequirement(requirement, config, key, arch));
    return { kind: 'audited', target, ok: checks.every((check) => check.requirement.optional === true || checkPasses(check)), checks };
  });
}

/** The targets that make sense for a config: made for its architecture and possible at its release. */
export function defaultTargets(targets: readonly Target[], version: KernelVersion, arch: Arch): Target[] {
  const key = releaseKey(version);
  return targets.filter((target) => availabilityOf(target, key, arch) === null);
}
