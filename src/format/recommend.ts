import type { Candidate, MachineProfile, ProfileSources, Reason, Wishes } from '../engine/recommend.js';
import type { HostFacts } from '../host/detect.js';
import { hostToJson } from './host.js';
import { kernelJson, versionNotes } from './check.js';
import { escapeText } from '../escape.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor, type Style } from './style.js';

/** `recommend --json`: { host, goals, candidates }, candidates best first. */
export function recommendationJson(profile: MachineProfile, sources: ProfileSources, wishes: Wishes, candidates: Candidate[], facts: HostFacts | null) {
  return {
    schemaVersion: SCHEMA_VERSIONS.recommend,
    host: {
      arch: profile.arch,
      cpuFlags: profile.cpuFlags,
      virtual: profile.virtual,
      kernel: profile.kernel ? { input: profile.kernel.input, ...kernelJson(profile.kernel), notes: versionNotes(profile.kernel) } : null,
      kvmUsable: profile.kvmUsable,
      inContainer: profile.inContainer,
      sources,
      detected: facts ? hostToJson(facts) : null,
    },
    goals: wishes.goals,
    guests: wishes.guests,
    kernelChangeable: wishes.kernelChangeable,
    candidates: candidates.map(({ id, name, eligible, rank, minKernel, maxKernel, guestMinKernel, kernelSatisfied, reasons, kconfig }) => ({
      id,
      name,
      eligible,
      rank,
      minKernel,
      maxKernel,
      guestMinKernel,
      kernelSatisfied,
      reasons,
      kconfig,
    })),
  };
}

const MARK: Record<Reason['kind'], (style: Style) => string> = {
  for: (style) => style.green('+'),
  against: (style) => style.red('-'),
  caveat: (style) => style.yellow('!'),
};

function kernelLine(candidate: Candidate, profile: MachineProfile, arch: string): string {
  if (!candidate.needsKernelSupport) return 'kernel: no kernel support needed';
  if (candidate.minKernel === null) return profile.arch === null ? 'minimum kernel: unknown without the architecture' : `minimum kernel: none: not in mainline on ${arch}`;
  const range = `${candidate.minKernel}${candidate.maxKernel ? ` up to (not including) ${candidate.maxKernel}` : ' or later'}`;
  const mine =
    candidate.kernelSatisfied === null ? 'this kernel: unknown' : `this kernel (${profile.kernel!.release}): ${candidate.kernelSatisfied ? 'enough' : 'not enough'}`;
  return `minimum kernel: ${range} on ${arch}; ${mine}`;
}

/** The report: the recommendation first, then the alternatives and why not. */
export function formatRecommendationText(profile: MachineProfile, sources: ProfileSources, wishes: Wishes, candidates: Candidate[], color: boolean): string {
  const style = styleFor(color);
  const arch = profile.arch ?? 'unknown architecture';
  const lines: string[] = [];
  const machine = [
    `arch ${profile.arch ?? 'unknown'} (${sources.arch})`,
    `kernel ${profile.kernel?.input ?? 'unknown'} (${sources.kernel})`,
    `CPU flags ${profile.cpuFlags === null ? 'unknown' : `from ${sources.cpu}`}`,
    `virtual machine: ${profile.virtual === null ? 'unknown' : profile.virtual ? 'yes' : 'no'}`,
  ];
  lines.push(style.dim(`Machine: ${escapeText(machine.join('; '))}`));
  lines.push(
    style.dim(
      `Wanted: guests ${wishes.guests.length ? wishes.guests.join(', ') : 'any'}; goals ${wishes.goals.length ? wishes.goals.join(', ') : 'none given'}; kernel ${wishes.kernelChangeable ? 'can be changed' : 'cannot be changed'}`,
    ),
  );
  const reasonLines = (candidate: Candidate, indent: string) => candidate.reasons.map((reason) => `${indent}${MARK[reason.kind](style)} ${escapeText(reason.text)}`);

  const [best, ...rest] = candidates;
  if (best?.eligible) {
    lines.push('', style.bold(`Recommended: ${best.name} (${best.id})`));
    lines.push(`  ${kernelLine(best, profile, arch)}`);
    if (best.guestMinKernel) lines.push(`  Linux guests: ${best.guestMinKernel} or later`);
    if (best.kconfig.length) lines.push(`  enable: ${best.kconfig.join(' ')}`);
    lines.push(...reasonLines(best, '  '));
  } else {
    lines.push('', style.red(style.bold('No approach is eligible for this machine and these wishes.')));
  }
  const alternatives = (best?.eligible ? rest : []).filter((candidate) => candidate.eligible);
  if (alternatives.length) {
    lines.push('', style.bold('Alternatives'));
    for (const candidate of alternatives) {
      lines.push(`  ${candidate.rank}. ${candidate.name} (${candidate.id}): ${kernelLine(candidate, profile, arch)}`);
      lines.push(...reasonLines({ ...candidate, reasons: candidate.reasons.filter((reason) => reason.kind !== 'caveat') }, '     '));
    }
  }
  const ineligible = candidates.filter((candidate) => !candidate.eligible);
  if (ineligible.length) {
    lines.push('', style.bold('Not eligible, and why'));
    for (const candidate of ineligible) {
      const why = candidate.reasons.filter((reason) => reason.kind === 'against').map((reason) => reason.text);
      lines.push(`  ${candidate.name} (${candidate.id}): ${escapeText(why.join('; '))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
