import type { Arch } from '../arch.js';
import { checkPasses, type Check, type Unavailability } from '../engine/audit.js';
import { symbolsOf } from '../rules/targets.js';
import type { KernelVersion } from '../version/parse.js';
import type { AuditReport } from '../app/audit.js';

export type { AuditReport };
import { describeKernel, kernelJson, versionNotes } from './check.js';
import { escapeText } from '../escape.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor, type Style } from './style.js';

const nameOf = (check: Check) => symbolsOf(check.requirement).join('|');

function expectedOf(check: Check): string | null {
  if (check.status === 'obsolete' || check.status === 'not-applicable') return null;
  return check.requirement.builtin ? 'y' : 'y/m';
}

/** The config's value: "m" for one symbol; "KVM_INTEL=n, KVM_AMD=n" for alternatives; null when absent. */
export function actualOf(check: Check): string | null {
  if (check.found.length === 1) return check.found[0]!.value;
  if (check.status === 'ok') return `${check.symbol}=${check.value}`;
  if (check.status === 'module') return `${check.symbol}=m`;
  const present = check.found.filter((entry) => entry.value !== null).map((entry) => `${entry.symbol}=${entry.value}`);
  return present.length > 0 ? present.join(', ') : null;
}

/** What the status means for this check in words, before the requirement's own note. */
export function statusNote(check: Check, release: string): string | null {
  const requirement = check.requirement;
  switch (check.status) {
    case 'ok':
    case 'module':
      if (check.backport) return `set although mainline ${release} has no CONFIG_${check.symbol} (a vendor backport)`;
      if (check.status === 'module' && check.builtinRequired) return 'built as a module, but a module will not do here';
      return null;
    case 'obsolete':
      if (check.gone === 'removed' && requirement.untilReason) return `not checked in mainline ${release}: ${requirement.untilReason}`;
      if (check.gone === 'not-yet' && requirement.sinceFor) return `not required in mainline ${release}: what it is needed for (${requirement.sinceFor}) arrived in ${requirement.since}`;
      return check.gone === 'not-yet'
        ? `not in mainline ${release}: it arrived in ${requirement.since}`
        : `not in mainline ${release}: removed or renamed in ${requirement.until}`;
    case 'not-applicable':
      return `applies to ${check.arches.join(', ')} only`;
    case 'missing':
      return `mainline ${release} has it but the config does not mention it (it or what it depends on is not enabled)`;
    case 'off':
      return null;
    case 'invalid':
      return `CONFIG_${check.symbol}=${escapeText(check.value)}${check.line === null ? '' : ` (line ${check.line})`} is not a value Kconfig accepts for this option (y, m or n, unquoted): make ignores the line, so the option is not enabled`;
  }
}

function noteOf(check: Check, release: string): string {
  const prefix = statusNote(check, release);
  return prefix ? `${prefix}. ${check.requirement.note}` : check.requirement.note;
}

export function unavailableReason(unavailable: Unavailability, version: KernelVersion, arch: Arch): string {
  if (unavailable.why === 'arch') return `not a use of ${arch} kernels (only ${unavailable.arches.join(', ')})`;
  return `cannot exist in mainline ${version.release} on ${arch}: ${unavailable.window.reason}`;
}

/** `--json`: one object for the whole run. */
export function auditToJson(report: AuditReport) {
  const release = report.version.release;
  return {
    schemaVersion: SCHEMA_VERSIONS.config,
    file: report.file,
    kernel: { input: report.version.input, ...kernelJson(report.version), from: report.versionFrom },
    arch: report.arch,
    targets: report.verdicts.map((verdict) => ({
      id: verdict.target.id,
      ok: verdict.ok,
      unavailable: verdict.kind === 'unavailable' ? unavailableReason(verdict.unavailable, report.version, report.arch) : null,
      checks:
        verdict.kind === 'unavailable'
          ? []
          : verdict.checks.map((check) => ({
              symbol: nameOf(check),
              status: check.status,
              expected: expectedOf(check),
              actual: actualOf(check),
              note: noteOf(check, release),
              optional: check.requirement.optional === true,
            })),
    })),
  };
}

/** The symbols to set for a failing check: every alternative when several would do. */
export function toEnable(check: Check): string[] {
  // An optional symbol is not needed for the target: the fragment enables only what is.
  if (checkPasses(check) || check.requirement.optional) return [];
  if (check.status === 'module' || check.status === 'invalid') return [check.symbol];
  return symbolsOf(check.requirement);
}

/** `--fragment`: CONFIG_X=y lines for what is missing, for scripts/kconfig/merge_config.sh. */
export function formatFragment(report: AuditReport): string {
  const lines = [
    `# virt-advisor: what ${report.verdicts.map((verdict) => verdict.target.id).join(', ')} ${report.verdicts.length === 1 ? 'needs' : 'need'} on ${report.arch} (mainline ${report.version.release}) and ${report.fileShown} lacks`,
    '# merge with: scripts/kconfig/merge_config.sh .config THIS_FILE, then check the result with virt-advisor config again',
  ];
  const written = new Set<string>();
  for (const verdict of report.verdicts) {
    if (verdict.kind === 'unavailable') {
      lines.push(`# ${verdict.target.id}: ${unavailableReason(verdict.unavailable, report.version, report.arch)}`);
      continue;
    }
    for (const check of verdict.checks) {
      const symbols = toEnable(check).filter((symbol) => !written.has(symbol));
      if (symbols.length === 0) continue;
      lines.push(`# ${verdict.target.id}: ${nameOf(check)} is ${check.status}${check.found.length > 1 ? ' (any one of these will do)' : ''}`);
      for (const symbol of symbols) {
        written.add(symbol);
        lines.push(`CONFIG_${symbol}=y`);
      }
    }
  }
  if (written.size === 0) lines.push('# nothing to enable');
  return `${lines.join('\n')}\n`;
}

function paint(style: Style, check: Check, text: string): string {
  switch (check.status) {
    case 'ok':
      return style.green(text);
    case 'module':
      return check.builtinRequired ? style.red(text) : style.green(text);
    case 'missing':
    case 'off':
    case 'invalid':
      return style.red(text);
    case 'obsolete':
    case 'not-applicable':
      return style.dim(text);
  }
}

function kernelLine(report: AuditReport): string {
  return `${escapeText(report.version.input)} (${escapeText(describeKernel(report.version))}; from ${report.versionFrom === 'header' ? 'the header' : '--kernel'})`;
}

/** The readable report: where the facts came from, then a table per target, then the outcome. */
export function formatAuditText(report: AuditReport, color: boolean): string {
  const style = styleFor(color);
  const release = report.version.release;
  const lines = [
    `${style.bold('config:')} ${report.fileShown}${report.compressed ? ' (gzip)' : ''}`,
    `${style.bold('kernel:')} ${kernelLine(report)}`,
    `${style.bold('arch:')}   ${report.arch} (from ${report.archFrom})`,
  ];
  for (const note of versionNotes(report.version)) lines.push(style.yellow(`note: ${escapeText(note)}`));
  if (report.defaultTargets) lines.push(style.dim(`targets: those for ${report.arch} at ${release} (choose with --for)`));

  for (const verdict of report.verdicts) {
    const title = `${style.bold(verdict.target.id)} (${verdict.target.name})`;
    lines.push('');
    if (verdict.kind === 'unavailable') {
      lines.push(`${title}: ${style.red('not satisfied')}: ${unavailableReason(verdict.unavailable, report.version, report.arch)}`);
      continue;
    }
    // Checks for other architectures, and symbols this release does not have (renamed or removed),
    // say nothing about this config: the table leaves them out and counts them; JSON keeps them.
    const shown = verdict.checks.filter((check) => check.status !== 'not-applicable' && check.status !== 'obsolete');
    const obsolete = verdict.checks.filter((check) => check.status === 'obsolete').map(nameOf);
    const failing = shown.filter((check) => !checkPasses(check) && check.requirement.optional !== true).length;
    lines.push(`${title}: ${verdict.ok ? style.green('satisfied') : style.red(`not satisfied (${failing} of ${shown.length} checks fail)`)}`);
    const rows = shown.map(
      (check) => [check.status, `${nameOf(check)}${check.requirement.optional ? ' (optional)' : ''}`, expectedOf(check) ?? '-', actualOf(check) ?? '(absent)'] as const,
    );
    const width = (column: 0 | 1 | 2, heading: string) => Math.max(heading.length, ...rows.map((row) => row[column].length));
    const widths = [width(0, 'status'), width(1, 'symbol'), width(2, 'expected')] as const;
    lines.push(style.dim(`  ${'status'.padEnd(widths[0])}  ${'symbol'.padEnd(widths[1])}  ${'expected'.padEnd(widths[2])}  actual`));
    shown.forEach((check, index) => {
      const [status, symbol, expected, actual] = rows[index]!;
      lines.push(`  ${paint(style, check, status.padEnd(widths[0]))}  ${symbol.padEnd(widths[1])}  ${expected.padEnd(widths[2])}  ${escapeText(actual)}`);
      // The status column already says "missing" or "off": the requirement's own note says why it matters.
      const why = statusNote(check, release);
      if (!checkPasses(check)) lines.push(`      ${check.status === 'missing' || check.status === 'off' ? check.requirement.note : noteOf(check, release)}`);
      else if (why) lines.push(style.dim(`      ${why}`));
    });
    if (obsolete.length > 0) lines.push(style.dim(`  not in ${release}, so not checked: ${obsolete.join(', ')} (renamed or removed; --json has them)`));
  }

  const satisfied = report.verdicts.filter((verdict) => verdict.ok).map((verdict) => verdict.target.id);
  const unsatisfied = report.verdicts.filter((verdict) => !verdict.ok).map((verdict) => verdict.target.id);
  lines.push('');
  if (report.verdicts.length === 0) lines.push(`no target applies to ${report.arch} at ${release}; name one with --for`);
  else if (unsatisfied.length === 0) lines.push(style.green(`every target satisfied: ${satisfied.join(', ')}`));
  else {
    lines.push(style.red(`not satisfied: ${unsatisfied.join(', ')}`) + (satisfied.length > 0 ? `; satisfied: ${satisfied.join(', ')}` : ''));
    if (report.verdicts.some((verdict) => verdict.kind === 'audited' && !verdict.ok)) {
      lines.push(style.dim('(--fragment prints the CONFIG_ lines that would enable what is missing)'));
    }
  }
  return `${lines.join('\n')}\n`;
}
