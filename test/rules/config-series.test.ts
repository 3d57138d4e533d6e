import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseNameKey } from '../../src/version/compare.js';
import { covers, loadSeries, mentions, REPO, symbolWindows } from './config-series.js';

/**
 * 127 real configs across the releases (test/fixtures/configs-by-release) against the Kconfig
 * windows of the knowledge base, from both sides:
 * - a config that mentions a symbol proves the symbol existed in its release, so a window must
 *   cover it (a window that ends too early, or starts too late, fails);
 * - on x86_64, where there is a config for every release from 2.6.23 to 7.1, the first config at or
 *   after a symbol's first release must mention it (a window that starts too early fails), unless
 *   the exceptions table says which dependency that config had off, and that holds.
 */
const series = loadSeries();
const windows = symbolWindows();

interface Exception {
  symbol: string;
  since: string;
  config: string;
  conditions: Array<{ symbol: string; value: 'y' | 'n' }>;
}

const exceptions: Exception[] = readFileSync(join(REPO, 'test/evidence/config-series-exceptions.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('symbol\t'))
  .map((line) => {
    const [symbol, since, config, conditions] = line.split('\t') as [string, string, string, string];
    return {
      symbol,
      since,
      config,
      conditions: conditions.split(/\s+/).map((condition) => {
        const [name, value] = condition.split('=') as [string, 'y' | 'n'];
        return { symbol: name, value };
      }),
    };
  });

describe('the release series of configs', () => {
  it('has an x86_64 config for every mainline release from 2.6.23 to 7.1', () => {
    const releases = JSON.parse(readFileSync(join(REPO, 'rules/releases.json'), 'utf8')).releases.map((release: { name: string }) => release.name) as string[];
    const wanted = releases.filter((name) => releaseNameKey(name) >= releaseNameKey('2.6.23') && releaseNameKey(name) <= releaseNameKey('7.1'));
    const have = new Set(series.get('x86_64')!.map((config) => config.release));
    expect(wanted.filter((name) => !have.has(name))).toEqual([]);
    expect(wanted.length).toBeGreaterThan(95);
  });

  it.each([...series.keys()])('every %s config mentions only symbols inside the windows the knowledge base gives them', (arch) => {
    const contradictions: string[] = [];
    let checked = 0;
    for (const config of series.get(arch)!) {
      for (const [symbol, perArch] of windows) {
        const list = perArch.get(arch);
        if (!list || !mentions(config.config, symbol)) continue;
        checked++;
        if (!covers(list, config.key)) {
          contradictions.push(`${symbol} is in ${config.file} (${config.release}), outside ${list.map((w) => `${w.since ?? ''}..${w.until ?? ''} (${w.from})`).join(', ')}`);
        }
      }
    }
    expect(contradictions).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('on x86_64, each symbol shows up in the first config of its first release, or the exceptions say why not', () => {
    const configs = series.get('x86_64')!;
    const found: string[] = [];
    let checked = 0;
    for (const [symbol, perArch] of windows) {
      const history = (perArch.get('x86_64') ?? []).filter((window) => window.history);
      if (history.length === 0) continue;
      // A symbol that several features share shows up with the earliest of them.
      const since = history.map((window) => window.since!).sort((a, b) => releaseNameKey(a) - releaseNameKey(b))[0]!;
      const first = configs.find((config) => config.key >= releaseNameKey(since));
      // Before the first config of the series nothing can be told.
      if (!first || first === configs[0]) continue;
      checked++;
      if (!mentions(first.config, symbol)) found.push(`${symbol} ${since} ${first.file}`);
    }
    expect(found.sort()).toEqual(exceptions.map((entry) => `${entry.symbol} ${entry.since} ${entry.config}`).sort());
    expect(checked).toBeGreaterThanOrEqual(35);
  });

  it.each(exceptions.map((entry) => [entry.symbol, entry]))('the exception for %s holds in its config', (_symbol, entry) => {
    const config = series.get('x86_64')!.find((candidate) => candidate.file === entry.config);
    expect(config, entry.config).toBeDefined();
    for (const condition of entry.conditions) {
      const value = config!.config.values.get(condition.symbol);
      const enabled = value === 'y' || value === 'm';
      expect(enabled ? 'y' : 'n', `${condition.symbol} in ${entry.config}`).toBe(condition.value);
    }
  });

  it('where a window ends, the last config before the end still mentions the symbol', () => {
    const configs = series.get('x86_64')!;
    const missing: string[] = [];
    let checked = 0;
    for (const [symbol, perArch] of windows) {
      const history = (perArch.get('x86_64') ?? []).filter((window) => window.history);
      if (history.length === 0 || history.some((window) => window.until === undefined)) continue;
      const until = history.map((window) => window.until!).sort((a, b) => releaseNameKey(b) - releaseNameKey(a))[0]!;
      const before = [...configs].reverse().find((config) => config.key < releaseNameKey(until));
      if (!before || before === configs[0]) continue;
      checked++;
      if (!mentions(before.config, symbol)) missing.push(`${symbol} (until ${until}) not in ${before.file}`);
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});
