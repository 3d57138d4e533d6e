import type { Arch } from '../arch.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import { releaseNameKey } from '../version/compare.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

/** What `timeline` draws, as `--json` gives it. */
export interface TimelineData {
  schemaVersion: 1;
  arch: Arch;
  /** The first and last mainline release shown. */
  since: string;
  until: string;
  /** The releases along the top, oldest first, with kernel.org's date where known. */
  releases: Array<{ name: string; date: string | null }>;
  /** One row per feature mainline had on the architecture within the window, oldest first. */
  features: Array<{ id: string; name: string; added: string; removed: string | null; addedSource: string; removedSource: string | null }>;
}

/** The timeline of the features mainline had on an architecture, between two releases. */
export function timelineData(knowledge: KnowledgeBase, arch: Arch, options: { features?: readonly string[]; since?: string; until?: string } = {}): TimelineData {
  const wanted = options.features && options.features.length > 0 ? new Set(options.features) : null;
  const statements = knowledge.features
    .filter((feature) => (wanted === null || wanted.has(feature.id)) && feature.support[arch])
    .map((feature) => ({ feature, statement: feature.support[arch]! }));
  const key = releaseNameKey;
  const first = options.since ?? statements.map(({ statement }) => statement.added).sort((a, b) => key(a) - key(b))[0] ?? knowledge.releases[0]!;
  const last = options.until ?? knowledge.releases[knowledge.releases.length - 1]!;
  const releases = knowledge.releases.filter((name) => key(name) >= key(first) && key(name) <= key(last));
  const features = statements
    // In the window: added by its end, and not removed before its start.
    .filter(({ statement }) => key(statement.added) <= key(last) && (statement.removed === undefined || key(statement.removed) > key(first)))
    .sort((a, b) => key(a.statement.added) - key(b.statement.added) || (a.feature.id < b.feature.id ? -1 : 1))
    .map(({ feature, statement }) => ({
      id: feature.id,
      name: feature.name,
      added: statement.added,
      removed: statement.removed ?? null,
      addedSource: statement.addedSource,
      removedSource: statement.removedSource ?? null,
    }));
  return { schemaVersion: SCHEMA_VERSIONS.timeline, arch, since: releases[0] ?? first, until: releases[releases.length - 1] ?? last, releases: releases.map((name) => ({ name, date: knowledge.releaseDates.get(name) ?? null })), features };
}

/**
 * Where a feature's bar starts and ends, in release positions: from the release that added it (or
 * the window's start) to the one that removed it (or past the window's end), end exclusive.
 */
export function barSpan(data: TimelineData, feature: TimelineData['features'][number]): { start: number; end: number } {
  const index = (name: string) => data.releases.findIndex((release) => release.name === name);
  const key = releaseNameKey;
  const start = key(feature.added) <= key(data.since) ? 0 : index(feature.added);
  const end = feature.removed === null || key(feature.removed) > key(data.until) ? data.releases.length : index(feature.removed);
  return { start, end };
}

/** Labels placed along a line of `width` cells at their columns, none overlapping the one before. */
function labelLine(width: number, labels: Array<{ column: number; text: string }>): string {
  const cells = Array<string>(width).fill(' ');
  let free = 0;
  for (const { column, text } of labels) {
    if (column < free || column + text.length > width) continue;
    for (let i = 0; i < text.length; i++) cells[column + i] = text[i]!;
    free = column + text.length + 1;
  }
  return cells.join('').trimEnd();
}

/** The years' first releases, and the x.0 releases: what the axis names. */
function axisMarks(data: TimelineData): { years: Array<{ index: number; year: string }>; majors: Array<{ index: number; name: string }> } {
  const years: Array<{ index: number; year: string }> = [];
  data.releases.forEach((release, index) => {
    const year = release.date?.slice(0, 4);
    if (year && !years.some((entry) => entry.year === year)) years.push({ index, year });
  });
  const majors = data.releases.map((release, index) => ({ index, name: release.name })).filter(({ name, index }) => index === 0 || /^\d+\.0$/.test(name));
  return { years, majors };
}

/** In a terminal: a row per feature, a bar per release span, the axis on top; fitted to `width`. */
export function formatTimelineText(data: TimelineData, options: { width: number; color: boolean; unicode: boolean }): string {
  const style = styleFor(options.color);
  if (data.features.length === 0) return `no feature of the knowledge base on ${data.arch} between ${data.since} and ${data.until}\n`;
  const labelWidth = Math.max(...data.features.map((feature) => feature.id.length));
  const spanText = (feature: TimelineData['features'][number]) => `${feature.added}${options.unicode ? '–' : '-'}${feature.removed ?? ''}`;
  const spanWidth = Math.max(...data.features.map((feature) => spanText(feature).length));
  const plot = Math.max(10, options.width - labelWidth - spanWidth - 4);
  const n = data.releases.length;
  const column = (index: number) => Math.floor((index * plot) / n);
  const { years, majors } = axisMarks(data);
  const indent = ' '.repeat(labelWidth + 2);
  const lines = [
    style.bold(`Linux virtualization on ${data.arch}, ${data.since} to ${data.until}`),
    indent + style.dim(labelLine(plot, years.map(({ index, year }) => ({ column: column(index), text: year })))),
    indent + style.dim(labelLine(plot, majors.map(({ index, name }) => ({ column: column(index), text: name })))),
  ];
  const full = options.unicode ? '█' : '#';
  const empty = options.unicode ? '·' : '.';
  for (const feature of data.features) {
    const { start, end } = barSpan(data, feature);
    const from = column(start);
    const to = Math.max(from + 1, end >= n ? plot : column(end));
    const bar = full.repeat(to - from);
    const paint = feature.removed === null ? style.green : style.yellow;
    const dots = (count: number) => (count > 0 ? style.dim(empty.repeat(count)) : '');
    lines.push(`${feature.id.padEnd(labelWidth)}  ${dots(from)}${paint(bar)}${dots(plot - to)}  ${spanText(feature)}`);
  }
  const legend = `${full} in mainline; a bar that stops was removed (sources: virt-advisor explain ID)`;
  lines.push('', style.dim(legend.length > options.width ? legend.slice(0, options.width) : legend));
  // Every text here comes from the knowledge base, not from outside: nothing to escape.
  return `${lines.join('\n')}\n`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ROW = 22;
const BAR = 14;
const PLOT_WIDTH = 960;
const TOP = 56;

/** The same timeline as an SVG picture: a hover title on every bar gives its releases and source. */
export function timelineSvg(data: TimelineData): string {
  const labelWidth = 16 + 7.5 * Math.max(8, ...data.features.map((feature) => feature.id.length));
  const n = data.releases.length;
  const x = (index: number) => labelWidth + (index * PLOT_WIDTH) / n;
  const height = TOP + ROW * data.features.length + 30;
  const width = labelWidth + PLOT_WIDTH + 20;
  const { years, majors } = axisMarks(data);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" data-arch="${data.arch}" data-releases="${xml(data.releases.map((release) => release.name).join(' '))}">`,
    `<title>Linux virtualization on ${xml(data.arch)}, ${xml(data.since)} to ${xml(data.until)}</title>`,
    `<rect class="plot" x="${labelWidth}" y="${TOP - 6}" width="${PLOT_WIDTH}" height="${ROW * data.features.length + 6}" fill="#f6f7f9"/>`,
  ];
  let lastYearX = -Infinity;
  for (const { index, year } of years) {
    parts.push(`<line class="year" data-year="${year}" x1="${x(index).toFixed(2)}" x2="${x(index).toFixed(2)}" y1="${TOP - 6}" y2="${TOP + ROW * data.features.length}" stroke="#dde1e6" stroke-width="1"/>`);
    if (x(index) - lastYearX >= 34) {
      parts.push(`<text class="year-label" x="${x(index).toFixed(2)}" y="16" fill="#57606a">${year}</text>`);
      lastYearX = x(index);
    }
  }
  let lastMajorX = -Infinity;
  for (const { index, name } of majors) {
    if (x(index) - lastMajorX < 40) continue;
    parts.push(`<text class="release-label" x="${x(index).toFixed(2)}" y="34" fill="#24292f" font-weight="bold">${xml(name)}</text>`);
    lastMajorX = x(index);
  }
  data.features.forEach((feature, row) => {
    const { start, end } = barSpan(data, feature);
    const y = TOP + row * ROW;
    const left = x(start);
    const right = x(end);
    const span = `${feature.added} to ${feature.removed === null ? `now (in ${data.until})` : `${feature.removed} (removed)`}`;
    const sources = `added: ${feature.addedSource}${feature.removedSource ? `; removed: ${feature.removedSource}` : ''}`;
    parts.push(
      `<g class="row" data-feature="${xml(feature.id)}">` +
        `<text class="label" x="${labelWidth - 8}" y="${y + BAR - 2}" text-anchor="end" fill="#24292f">${xml(feature.id)}</text>` +
        `<rect class="bar" data-feature="${xml(feature.id)}" data-added="${xml(feature.added)}" data-removed="${xml(feature.removed ?? '')}" x="${left.toFixed(2)}" y="${y}" width="${(right - left).toFixed(2)}" height="${BAR}" rx="3" fill="${feature.removed === null ? '#2da44e' : '#bf8700'}">` +
        `<title>${xml(`${feature.name} (${feature.id}) on ${data.arch}: ${span}. ${sources}`)}</title></rect></g>`,
    );
  });
  parts.push(`<text x="${labelWidth}" y="${height - 8}" fill="#57606a">green: in mainline now; amber: removed. Every release is sourced in the knowledge base (virt-advisor explain &lt;id&gt;).</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** An HTML page with the SVG inline, for a browser: hover a bar for its releases and sources. */
export function timelineHtml(data: TimelineData): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Linux virtualization on ${xml(data.arch)}, ${xml(data.since)} to ${xml(data.until)}</title>
<style>body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 2em; color: #24292f; } .bar:hover { opacity: 0.8; }</style>
</head>
<body>
<h1>Linux virtualization on ${xml(data.arch)}</h1>
<p>Mainline releases ${xml(data.since)} to ${xml(data.until)}, from the virt-advisor knowledge base. Hover a bar for its releases and the sources.</p>
${timelineSvg(data)}</body>
</html>
`;
}
