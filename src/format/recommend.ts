import { fromReports } from '../engine/product.js';
import { knowsMachine, type Candidate, type MachineProfile, type ProfileSources, type Reason, type Wishes } from '../engine/recommend.js';
import { vendorKernelOf } from '../engine/vendor.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { HostFacts } from '../host/detect.js';
import { hostToJson } from './host.js';
import { kernelJson, versionNotes } from './check.js';
import { escapeText } from '../escape.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor, type Style } from './style.js';

/** `recommend --json`: { host, goals, candidates }, candidates best first. */
export function recommendationJson(
  knowledge: KnowledgeBase,
  profile: MachineProfile,
  sources: ProfileSources,
  wishes: Wishes,
  candidates: Candidate[],
  facts: HostFacts | null,
) {
  const vendor = profile.kernel ? vendorKernelOf(knowledge, profile.kernel) : null;
  return {
    schemaVersion: SCHEMA_VERSIONS.recommend,
    host: {
      arch: profile.arch,
      cpuFlags: profile.cpuFlags,
      hardwareVirtualization: profile.hardwareVirtualization === undefined ? null : { answered: profile.hardwareVirtualization, cpuVendor: profile.cpuVendor ?? null },
      virtual: profile.virtual,
      xen: profile.xen ?? null,
      kernel: profile.kernel ? { input: profile.kernel.input, ...kernelJson(profile.kernel, vendor), notes: versionNotes(profile.kernel, undefined, vendor) } : null,
      kvmUsable: profile.kvmUsable,
      inContainer: profile.inContainer,
      iommu: profile.iommu ?? null,
      cgroups: profile.cgroups ?? null,
      vhostNet: profile.vhostNet ?? null,
      tun: profile.tun ?? null,
      loadedModules: profile.loadedModules ?? null,
      sources,
      detected: facts ? hostToJson(facts) : null,
    },
    guess: !knowsMachine(profile),
    goals: wishes.goals,
    guests: wishes.guests,
    kernelChangeable: wishes.kernelChangeable,
    candidates: candidates.map(({ id, name, eligible, confirmed, rank, minKernel, maxKernel, guestMinKernel, guestKernelRequired, kernelSatisfied, reasons, kconfig, guestNotes, notes, product }) => ({
      id,
      name,
      eligible,
      confirmed,
      rank,
      minKernel,
      maxKernel,
      guestMinKernel,
      guestKernelRequired,
      kernelSatisfied,
      reasons,
      kconfig,
      guestNotes,
      notes,
      product,
    })),
  };
}

const MARK: Record<Reason['kind'], (style: Style) => string> = {
  for: (style) => style.green('+'),
  against: (style) => style.red('-'),
  caveat: (style) => style.yellow('!'),
};

/** For a hosted hypervisor: the release to install for the kernel, or the newest kernel one supports. */
function productLine(candidate: Candidate, profile: MachineProfile): string {
  const answer = candidate.product!;
  const name = answer.name;
  if (profile.kernel === null) return `${name}: ${answer.note}`;
  const subject = answer.vendorKernel ? `${answer.vendorKernel}'s kernel` : `kernel ${profile.kernel.release}`;
  if (answer.status !== 'supported') return `${name} for ${subject}: ${answer.status === 'unknown' ? 'not known' : 'not yet supported as far as known'}`;
  const others = answer.branches.filter((branch) => branch.from && branch.from !== answer.minimum).map((branch) => `, or ${branch.from!.version} or later in ${branch.branch}`);
  return `${name} for ${subject}: ${answer.minimum!.version} or later${others.join('')}${fromReports(answer) ? ' (from community reports of its modules)' : ''}`;
}

function kernelLine(candidate: Candidate, profile: MachineProfile, arch: string): string {
  if (candidate.product) return productLine(candidate, profile);
  if (!candidate.needsKernelSupport) return 'kernel: no kernel support needed';
  if (candidate.minKernel === null) return profile.arch === null ? 'minimum kernel: unknown without the architecture' : `minimum kernel: none: not in mainline on ${arch}`;
  const range = `${candidate.minKernel}${candidate.maxKernel ? ` up to (not including) ${candidate.maxKernel}` : ' or later'}`;
  const mine =
    candidate.kernelSatisfied === null ? 'this kernel: unknown' : `this kernel (${profile.kernel!.release}): ${candidate.kernelSatisfied ? 'enough' : 'not enough'}`;
  return `minimum kernel: ${range} on ${arch}; ${mine}`;
}

/** The CPU part of the machine line: where its flags came from, or what was answered. */
function cpuWords(profile: MachineProfile, sources: ProfileSources): string {
  if (profile.hardwareVirtualization !== undefined) return `CPU ${sources.cpu}`;
  if (profile.cpuFlags === null) return `CPU flags unknown${sources.cpu.startsWith('unknown: ') ? ` (${sources.cpu.slice(9)})` : ''}`;
  return sources.cpu === 'answered' ? 'CPU flags answered' : `CPU flags from ${sources.cpu}`;
}

/** What the guests asked for need: Linux guests' kernel, and the notes of the others (Windows drivers). */
function guestLines(candidate: Candidate, wishes: Wishes): string[] {
  const lines: string[] = [];
  const linux = wishes.guests.length === 0 || wishes.guests.includes('linux');
  if (linux && candidate.guestMinKernel) {
    lines.push(
      candidate.guestKernelRequired
        ? `Linux guests: kernel ${candidate.guestMinKernel} or later (they cannot run without the support it brings)`
        : `Linux guests: paravirtual drivers from kernel ${candidate.guestMinKernel} (the cut-off for fast I/O; older guests run on emulated devices)`,
    );
  }
  for (const note of candidate.guestNotes) lines.push(note);
  return lines;
}

/** The report: the recommendation first, then the alternatives and why not. */
export function formatRecommendationText(profile: MachineProfile, sources: ProfileSources, wishes: Wishes, candidates: Candidate[], color: boolean): string {
  const style = styleFor(color);
  const arch = profile.arch ?? 'unknown architecture';
  const lines: string[] = [];
  const machine = [
    `arch ${profile.arch ?? 'unknown'} (${sources.arch})`,
    `kernel ${profile.kernel?.input ?? 'unknown'} (${sources.kernel})`,
    cpuWords(profile, sources),
    profile.xen === 'dom0' ? 'Xen dom0 (Xen runs beneath this system)' : profile.xen === 'domU' ? 'virtual machine: yes, a Xen guest (domU)' : `virtual machine: ${profile.virtual === null ? 'unknown' : profile.virtual ? 'yes' : 'no'}`,
  ];
  lines.push(style.dim(`Machine: ${escapeText(machine.join('; '))}`));
  if (!knowsMachine(profile)) {
    lines.push(style.yellow(`  note: nothing is known of this machine but ${profile.arch ? `its architecture (${profile.arch})` : 'what was given'}: this recommendation is a guess from that alone`));
  }
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
    lines.push(...guestLines(best, wishes).map((line) => `  ${escapeText(line)}`));
    if (best.kconfig.length) lines.push(`  enable: ${best.kconfig.join(' ')}`);
    lines.push(...reasonLines(best, '  '));
    lines.push(...best.notes.map((note) => `  ${MARK.caveat(style)} ${escapeText(note)}`));
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
      // For an approach that would serve the guests, what this machine shows beside the verdict (an
      // out-of-tree /dev/kvm backend, say) is said too.
      if (candidate.runsGuests) for (const reason of candidate.reasons.filter((entry) => entry.kind === 'caveat')) lines.push(`     ${MARK.caveat(style)} ${escapeText(reason.text)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
