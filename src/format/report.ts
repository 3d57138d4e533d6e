import { escapeText } from '../escape.js';
import type { Fleet, FleetHost, FleetSummaryRow } from '../report/fleet.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

const yesNo = (value: boolean | null) => (value === null ? '?' : value ? 'yes' : 'no');

/** `report --json`: the fleet as data (schemas/report.schema.json). */
export function fleetJson(fleet: Fleet) {
  return { schemaVersion: SCHEMA_VERSIONS.report, ...fleet };
}

function eligibleOf(host: FleetHost): string {
  if (host.approaches === null) return '?';
  // An approach eligible only for want of evidence against it is marked: "kvm?".
  const eligible = host.approaches.filter((cell) => cell.eligible).map((cell) => (cell.confirmed ? cell.id : `${cell.id}?`));
  return eligible.length > 0 ? eligible.join(', ') : 'none';
}

function targetsOf(host: FleetHost): string {
  if (host.targets === null) return host.errors.some((error) => error.includes('config: ')) ? 'cannot be read' : '?';
  return host.targets.map((cell) => `${cell.id} ${cell.ok ? 'ok' : 'FAIL'}`).join(', ');
}

const MAX_NAMED = 5;

/** A reason short enough for a table line: whole items up to about 90 characters (--json has it all). */
function brief(reason: string): string {
  if (reason.length <= 90) return reason;
  // Prose (an approach's reason against): its first clause.
  if (!/^CONFIG_/.test(reason)) return `${reason.split(/: |; /)[0]!.slice(0, 120)}...`;
  const items = reason.split(', ');
  let kept = items[0]!;
  let count = 1;
  while (count < items.length && kept.length + items[count]!.length < 90) kept += `, ${items[count++]}`;
  return count < items.length ? `${kept}, and ${items.length - count} more` : kept.slice(0, 90);
}

function summaryLines(title: string, all: readonly FleetSummaryRow[], unit: string, style: ReturnType<typeof styleFor>, foldWhole = false): string[] {
  if (all.length === 0) return [];
  // Many features are there on every host: one line names them, the rest get a line each.
  const whole = foldWhole ? all.filter((row) => row.cannot.length === 0 && row.unknown.length === 0) : [];
  const rows = all.filter((row) => !whole.includes(row));
  const lines = ['', style.bold(title)];
  if (whole.length > 0) lines.push(`  ${style.green(`on every ${unit} told (${whole.map((row) => row.of).reduce((a, b) => Math.max(a, b), 0)})`)}: ${whole.map((row) => row.id).join(', ')}`);
  const width = Math.max(0, ...rows.map((row) => row.id.length));
  for (const row of rows) {
    const count = `${row.can.length} of ${row.of} ${unit}${row.of === 1 ? '' : 's'}`;
    const parts = [`  ${row.id.padEnd(width)}  ${(row.cannot.length === 0 && row.unknown.length === 0 ? style.green : style.yellow)(count)}`];
    if (row.cannot.length > 0) {
      const named = row.cannot.slice(0, MAX_NAMED).map((entry) => `${escapeText(entry.host)} (${escapeText(brief(entry.reason))})`);
      parts.push(`; not: ${named.join(', ')}${row.cannot.length > MAX_NAMED ? `, and ${row.cannot.length - MAX_NAMED} more (--json lists all)` : ''}`);
    }
    if (row.unknown.length > 0) parts.push(`; cannot be told: ${row.unknown.slice(0, MAX_NAMED).map(escapeText).join(', ')}${row.unknown.length > MAX_NAMED ? `, and ${row.unknown.length - MAX_NAMED} more` : ''}`);
    lines.push(parts.join(''));
  }
  return lines;
}

/** The fleet table: a row per host, then how many hosts each approach, target and feature suits. */
export function formatFleetText(fleet: Fleet, color: boolean): string {
  const style = styleFor(color);
  const headings = ['host', 'kernel', 'arch', 'virtual', 'kvm', 'nested', 'iommu', 'eligible approaches', 'config targets'];
  const rows = fleet.hosts.map((host) =>
    [host.host, host.kernel ?? '?', host.arch ?? '?', host.virtual === true && host.hypervisor ? `yes (${host.hypervisor})` : yesNo(host.virtual), yesNo(host.kvmUsable), yesNo(host.nested), yesNo(host.iommu), eligibleOf(host), targetsOf(host)].map(escapeText),
  );
  const widths = headings.map((heading, column) => Math.max(heading.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  const withFacts = fleet.hosts.filter((host) => host.approaches !== null).length;
  const withConfig = fleet.hosts.filter((host) => host.targets !== null).length;
  const withChecks = fleet.hosts.filter((host) => host.features.length > 0).length;
  const lines = [
    `${fleet.hosts.length} host${fleet.hosts.length === 1 ? '' : 's'}: ${withFacts} with host facts, ${withConfig} with a config audit, ${withChecks} with version checks`,
    '',
    style.bold(line(headings)),
    ...rows.map(line),
  ];
  lines.push(...summaryLines('Approaches (eligible, with no guests or goals said; "kvm?": eligible only as far as is known; ? = no host facts)', fleet.approaches, 'host', style));
  lines.push(...summaryLines('Config targets (satisfied)', fleet.targets, 'host', style));
  lines.push(...summaryLines('Features (available in the kernels checked)', fleet.features, 'host', style, true));
  const errors = fleet.hosts.flatMap((host) => host.errors.map((error) => `${host.host}: ${error}`));
  if (errors.length > 0) lines.push('', style.bold('Not known, and why'), ...errors.map((error) => style.red(`  ${escapeText(error)}`)));
  return `${lines.join('\n')}\n`;
}

/**
 * A spreadsheet cell: quoted as RFC 4180 says, and never taken for a formula (=, +, -, @ start one
 * in spreadsheet programs; the values come from the hosts).
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvBool = (value: boolean | null) => (value === null ? '' : value ? 'yes' : 'no');

/** `report --format csv`: a header row, then one row per host. */
export function formatFleetCsv(fleet: Fleet): string {
  const approaches = fleet.approaches.map((row) => row.id);
  const targets = fleet.targets.map((row) => row.id);
  const header = ['host', 'kernel', 'arch', 'virtual', 'hypervisor', 'kvm_usable', 'nested', 'iommu', 'eligible_approaches', ...approaches.map((id) => `approach_${id}`), ...targets.map((id) => `target_${id}`), 'errors'];
  const rows = fleet.hosts.map((host) => [
    host.host,
    host.kernel ?? '',
    host.arch ?? '',
    csvBool(host.virtual),
    host.hypervisor ?? '',
    csvBool(host.kvmUsable),
    csvBool(host.nested),
    csvBool(host.iommu),
    host.approaches === null ? '' : host.approaches.filter((cell) => cell.eligible).map((cell) => cell.id).join(' '),
    ...approaches.map((id) => {
      const cell = host.approaches?.find((candidate) => candidate.id === id);
      return cell ? (cell.eligible && !cell.confirmed ? 'unconfirmed' : csvBool(cell.eligible)) : '';
    }),
    ...targets.map((id) => {
      const cells = host.targets?.filter((candidate) => candidate.id === id) ?? [];
      return cells.length === 0 ? '' : cells.every((cell) => cell.ok) ? 'ok' : 'fail';
    }),
    host.errors.join('; '),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
