import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Arch } from '../arch.js';
import { UserError } from '../errors.js';

/** The shapes of rules/targets/*.json, as rules/targets.schema.json defines them. */

/** One thing a use of the kernel needs from its config, for the releases and architectures given. */
export interface Requirement {
  /** Exactly one of symbol and anyOf. Symbols are written without CONFIG_. */
  symbol?: string;
  /** Satisfied when any one of these is enabled. */
  anyOf?: string[];
  /** The first release the requirement applies to (the symbol's first release, usually). */
  since?: string;
  /**
   * When since is not the symbol's own first release but that of what the target needs it for (the
   * cgroup device BPF program type, for CGROUP_BPF): the name of that interface.
   */
  sinceFor?: string;
  /** The first release it no longer applies to: the symbol was removed or renamed. */
  until?: string;
  /** Where since (or the requirement itself) comes from. */
  source: string;
  untilSource?: string;
  /** When until is not a removal but another requirement taking this one's place: why. */
  untilReason?: string;
  /** Only on these architectures; elsewhere the check is not applicable. */
  arch?: Arch[];
  /** A module will not do: it must be built in (=y). */
  builtin?: true;
  /** Reported, but a config without it still serves the target (its note says for what it is needed). */
  optional?: true;
  note: string;
}

/** When a target can exist at all on some architectures: outside this window it cannot be audited. */
export interface AvailabilityWindow {
  arch: Arch[];
  since?: string;
  until?: string;
  source: string;
  untilSource?: string;
  /** Says why the window is what it is, e.g. "lguest was merged in 2.6.23 and removed in 4.14". */
  reason: string;
}

export interface Target {
  id: string;
  name: string;
  description: string;
  /** The architectures the target makes sense on; the default audit picks targets by this. */
  arch: Arch[];
  available?: AvailabilityWindow[];
  requirements: Requirement[];
  notes?: string[];
  references?: string[];
}

/** What the build writes to dist/targets.json after validating and linting rules/targets/. */
export interface TargetsFile {
  targets: Target[];
}

/** The symbols a requirement names, in the order written. */
export function symbolsOf(requirement: Requirement): string[] {
  return requirement.anyOf ?? (requirement.symbol === undefined ? [] : [requirement.symbol]);
}

/** Every symbol the targets name. */
export function symbolsOfTargets(targets: readonly Target[]): string[] {
  return [...new Set(targets.flatMap((target) => target.requirements.flatMap(symbolsOf)))];
}

/** Loads the targets the build checked and wrote into dist/. */
export function loadTargets(packageRoot: string): Target[] {
  const file = join(packageRoot, 'dist', 'targets.json');
  let parsed: TargetsFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as TargetsFile;
  } catch (error) {
    throw new UserError(`cannot load the config targets from ${file} (${(error as Error).message}); run "npm run build"`);
  }
  if (!parsed || !Array.isArray(parsed.targets) || parsed.targets.some((target) => typeof target?.id !== 'string' || !Array.isArray(target.requirements))) {
    throw new UserError(`${file} is not a targets file written by the build; run "npm run build"`);
  }
  return parsed.targets;
}
