import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './run.js';

/**
 * virt-advisor timeline through the real binary: the data against the independent evidence of
 * every boundary (test/evidence/boundaries.tsv), the terminal drawing, and the SVG laid out by a
 * real browser (Chromium, headless; Debian's chromium package, installed by .ci/run), whose element
 * geometry must put every bar between the releases it stands for.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const boundaries = readFileSync(join(REPO, 'test/evidence/boundaries.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('feature\t'))
  .map((line) => {
    const [feature, arch, added, removed] = line.split('\t') as [string, string, string, string];
    return { feature, arch, added, removed };
  });

const timeline = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['timeline', ...args], { env: { LANG: 'C.UTF-8', ...env } });

describe('timeline --json', () => {
  it.each(['x86_64', 'i386', 'arm64', 's390x', 'powerpc', 'riscv64'])('on %s: every feature mainline had there, with the releases the evidence gives', (arch) => {
    const data = JSON.parse(timeline(['--arch', arch, '--json']).stdout);
    const expected = boundaries.filter((row) => row.arch === arch && row.added !== '' && row.added !== 'never');
    expect(data.features.map((feature: any) => [feature.id, feature.added, feature.removed ?? ''])).toEqual(
      expect.arrayContaining(expected.map((row) => [row.feature, row.added, row.removed])),
    );
    expect(data.features).toHaveLength(expected.length);
    // Oldest first, and the releases along the top run from the oldest to the newest known.
    const names = data.releases.map((release: any) => release.name);
    expect(names[0]).toBe(data.since);
    expect(names.at(-1)).toBe(data.until);
    const order = data.features.map((feature: any) => names.indexOf(feature.added) === -1 ? 0 : names.indexOf(feature.added));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('takes a window and a list of features; release dates come with the releases', () => {
    const data = JSON.parse(timeline(['--arch', 'i386', '--features', 'kvm,lguest,vmi', '--since', '2.6.20', '--until', 'v4.20', '--json']).stdout);
    expect([data.since, data.until]).toEqual(['2.6.20', '4.20']);
    expect(data.features.map((feature: any) => [feature.id, feature.added, feature.removed])).toEqual([
      ['kvm', '2.6.20', null],
      ['vmi', '2.6.21', '2.6.37'],
      ['lguest', '2.6.23', '4.14'],
    ]);
    // The dates are kernel.org's, as the corpus copy of its release list has them.
    const dates = new Map(
      readFileSync(join(REPO, 'test/fixtures/corpus/kernel-org-releases.tsv'), 'utf8')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .map((line) => line.split('\t') as [string, string]),
    );
    for (const release of data.releases) expect(release.date, release.name).toBe(dates.get(release.name));
  });

  it('refuses what it cannot draw with one line', () => {
    for (const [args, message] of [
      [['--features', 'kvm,nope'], /unknown feature id "nope"/],
      [['--since', '5.0', '--until', '4.0'], /--since 5\.0 is after --until 4\.0/],
      [['--since', 'banana'], /--since: not a kernel version/],
      [['--svg', '/nonexistent/dir/x.svg'], /cannot write \/nonexistent\/dir\/x\.svg: no such file/],
      [['--svg', '-', '--html', '-'], /only one of --json, --svg - and --html -/],
    ] as const) {
      const result = timeline(['--arch', 'x86_64', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(message);
    }
  });
});

describe('timeline in a terminal', () => {
  const rows = (stdout: string) => stdout.split('\n').filter((line) => /^(kvm|vmi|lguest|xen-dom0) /.test(line));

  it('draws each bar from the release that added the feature to the one that removed it, fitted to the width', () => {
    const result = timeline(['--arch', 'i386', '--features', 'kvm,lguest,vmi,xen-dom0', '--since', '2.6.20', '--until', '6.0'], { COLUMNS: '80' });
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    // 2.6.20 to 6.0 is 61 releases; the plot is 80 - label 8 - span 13 - 4 = 55 cells wide.
    const releases = JSON.parse(timeline(['--arch', 'i386', '--since', '2.6.20', '--until', '6.0', '--json']).stdout).releases.map((release: any) => release.name);
    const plot = 80 - 'xen-dom0'.length - '2.6.23–2.6.37'.length - 4;
    const column = (name: string) => Math.floor((releases.indexOf(name) * plot) / releases.length);
    const bar = (line: string) => {
      const cells = line.slice(10, 10 + plot);
      return [cells.indexOf('█'), cells.lastIndexOf('█') + 1];
    };
    const byId = Object.fromEntries(rows(result.stdout).map((line) => [line.split(' ')[0], line]));
    expect(bar(byId.lguest!)).toEqual([column('2.6.23'), column('4.14')]);
    expect(bar(byId.vmi!)).toEqual([column('2.6.21'), column('2.6.37')]);
    expect(bar(byId['xen-dom0']!)).toEqual([column('3.0'), column('5.9')]);
    expect(bar(byId.kvm!)).toEqual([0, plot]);
    expect(byId.lguest).toMatch(/ 2\.6\.23–4\.14$/);
    expect(lines[1]).toMatch(/^ {10}2007 /);
  });

  it('falls back to ASCII with NO_COLOR or a locale that is not UTF-8, and colours only when asked', () => {
    for (const env of [{ NO_COLOR: '1' }, { LANG: 'C', LC_ALL: 'C' }]) {
      const result = timeline(['--arch', 'i386', '--features', 'lguest'], env);
      expect(result.stdout).toMatch(/^lguest +\.*#+\.* +2\.6\.23-4\.14$/m);
      expect(result.stdout).not.toMatch(/[^\x00-\x7f]/);
    }
    expect(timeline(['--arch', 'i386', '--features', 'lguest']).stdout).not.toMatch(/\u001b\[/);
    expect(timeline(['--arch', 'i386', '--features', 'lguest', '--color']).stdout).toMatch(/\u001b\[33m█+/);
  });
});

describe('timeline as a picture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-timeline-'));

  it('the README pictures are what the knowledge base draws today', () => {
    for (const arch of ['x86_64', 'arm64']) {
      const result = timeline(['--arch', arch, '--svg', '-']);
      expect(result.status).toBe(0);
      expect(result.stdout, `docs/timeline-${arch}.svg is out of date: virt-advisor timeline --arch ${arch} --svg docs/timeline-${arch}.svg`).toBe(readFileSync(join(REPO, 'docs', `timeline-${arch}.svg`), 'utf8'));
    }
  });

  it('HTML: the SVG inline, a hover title on every bar with its releases and source', () => {
    const file = join(dir, 'i386.html');
    expect(timeline(['--arch', 'i386', '--html', file]).status).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toMatch(/<title>[^<]*\(lguest\) on i386: 2\.6\.23 to 4\.14 \(removed\)\. added: [^<]+; removed: [^<]+<\/title>/);
  });

  it.each(['x86_64', 'i386', 'arm64'])('a real browser lays out every row of %s, each bar between its releases', (arch) => {
    const data = JSON.parse(timeline(['--arch', arch, '--json']).stdout);
    const html = timeline(['--arch', arch, '--html', '-']).stdout;
    // Measured in the page by the browser itself, and left in the DOM for --dump-dom to print.
    const probe = `<script>
const plot = document.querySelector('rect.plot').getBoundingClientRect();
const rows = [...document.querySelectorAll('g.row')].map((row) => {
  const bar = row.querySelector('rect.bar').getBoundingClientRect();
  const label = row.querySelector('text.label').getBoundingClientRect();
  return { feature: row.dataset.feature, left: bar.left, right: bar.right, top: bar.top, height: bar.height, labelRight: label.right };
});
const pre = document.createElement('pre');
pre.id = 'geometry';
pre.textContent = JSON.stringify({ plot: { left: plot.left, width: plot.width }, rows });
document.body.appendChild(pre);
</script>`;
    const file = join(dir, `${arch}.html`);
    writeFileSync(file, html.replace('</body>', `${probe}</body>`));
    const browser = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 60_000 });
    if (browser.error) throw new Error(`chromium could not be run (${browser.error.message}): install Debian's chromium package`);
    const match = /<pre id="geometry">(.*?)<\/pre>/s.exec(browser.stdout);
    expect(match, browser.stderr.slice(0, 500)).not.toBeNull();
    const geometry = JSON.parse(match![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(geometry.rows.map((row: any) => row.feature)).toEqual(data.features.map((feature: any) => feature.id));
    const names = data.releases.map((release: any) => release.name);
    const at = (index: number) => geometry.plot.left + (index * geometry.plot.width) / names.length;
    data.features.forEach((feature: any, index: number) => {
      const row = geometry.rows[index];
      const start = Math.max(0, names.indexOf(feature.added));
      const end = feature.removed === null ? names.length : names.indexOf(feature.removed);
      expect(row.left, feature.id).toBeCloseTo(at(start), 0);
      expect(row.right, feature.id).toBeCloseTo(at(end), 0);
      expect(row.height).toBeGreaterThan(5);
      // Each row below the one before, its label left of the plot.
      if (index > 0) expect(row.top).toBeGreaterThan(geometry.rows[index - 1].top);
      expect(row.labelRight).toBeLessThanOrEqual(geometry.plot.left);
    });
  }, 90_000);
});
