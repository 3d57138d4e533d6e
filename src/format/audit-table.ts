import type { ConfigResult } from '../app/audit.js';
import { checkPasses } from '../engine/audit.js';
import { escapeText } from '../escape.js';
import { showPath } from '../read-file.js';
import { styleFor } from './style.js';

export type { ConfigResult };

/** A target's cell for one config: ok, how many required checks fail, cannot (not on that kernel), or - (not audited). */
function cellOf(result: ConfigResult, target: string): { text: string; tone: 'ok' | 'bad' | 'none' } {
  if ('error' in result) return { text: '', tone: 'none' };
  const verdict = result.report.verdicts.find((candidate) => candidate.target.id === target);
  if (!verdict) return { text: '-', tone: 'none' };
  if (verdict.ok) return { text: 'ok', tone: 'ok' };
  if (verdict.kind === 'unavailable') return { text: 'cannot', tone: 'bad' };
  const failing = verdict.checks.filter((check) => check.status !== 'not-applicable' && check.status !== 'obsolete' && !checkPasses(check) && check.requirement.optional !== true).length;
  return { text: `${failing} fail`, tone: 'bad' };
}

/** The text report of a run over many configs: one row per config, one column per target. */
export function formatAuditTable(results: readonly ConfigResult[], color: boolean): string {
  const style = styleFor(color);
  const targets: string[] = [];
  for (const result of results) {
    if ('error' in result) continue;
    for (const verdict of result.report.verdicts) if (!targets.includes(verdict.target.id)) targets.push(verdict.target.id);
  }
  const rows = results.map((result) => ({
    result,
    cells: [
      escapeText(result.file === '-' ? 'standard input' : showPath(result.file)),
      'error' in result ? '' : escapeText(result.report.version.input),
      'error' in result ? '' : result.report.arch,
      ...targets.map((target) => cellOf(result, target)),
    ],
  }));
  const headings = ['config', 'kernel', 'arch', ...targets];
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...rows.filter((row) => !('error' in row.result) || column === 0).map((row) => { const cell = row.cells[column]!; return typeof cell === 'string' ? cell.length : cell.text.length; })),
  );
  const lines = [style.bold(headings.map((heading, column) => heading.padEnd(widths[column]!)).join('  ').trimEnd())];
  for (const { result, cells } of rows) {
    const [file, kernel, arch] = cells as [string, string, string];
    if ('error' in result) {
      lines.push(`${file.padEnd(widths[0]!)}  ${style.red(`cannot be audited: ${escapeText(result.error)}`)}`);
      continue;
    }
    const parts = [file.padEnd(widths[0]!), kernel.padEnd(widths[1]!), arch.padEnd(widths[2]!)];
    cells.slice(3).forEach((cell, index) => {
      const { text, tone } = cell as { text: string; tone: 'ok' | 'bad' | 'none' };
      const padded = text.padEnd(widths[index + 3]!);
      parts.push(tone === 'ok' ? style.green(padded) : tone === 'bad' ? style.red(padded) : style.dim(padded));
    });
    lines.push(parts.join('  ').trimEnd());
  }
  const audited = results.filter((result) => !('error' in result));
  const satisfied = audited.filter((result) => 'report' in result && result.report.verdicts.every((verdict) => verdict.ok)).length;
  const failed = results.length - audited.length;
  lines.push('');
  lines.push(
    `${results.length} config${results.length === 1 ? '' : 's'}: ${satisfied} ${satisfied === 1 ? 'satisfies' : 'satisfy'} every target audited, ${audited.length - satisfied} ${audited.length - satisfied === 1 ? 'does' : 'do'} not${failed > 0 ? `, ${failed} cannot be audited` : ''}`,
  );
  lines.push(style.dim('("N fail": N required options missing or off; "cannot": the target cannot exist on that kernel; "-": not audited there. virt-advisor config FILE shows one config in detail)'));
  return `${lines.join('\n')}\n`;
}
