import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { normalizeArch, type Arch } from '../../src/arch.js';
import { parseKconfig, type ParsedConfig } from '../../src/kconfig/parse.js';
import { loadRulesDirectory, loadTargetsDirectory } from '../../src/rules/load.js';
import { releaseNameKey } from '../../src/version/compare.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * Real configs across the releases, and the Kconfig windows the knowledge base gives each symbol:
 * what the cross-check tests compare.
 */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SERIES = join(REPO, 'test/fixtures/configs-by-release');

export interface SeriesConfig {
  file: string;
  release: string;
  key: number;
  arch: Arch;
  config: ParsedConfig;
}

/** The configs of test/fixtures/configs-by-release, per architecture, oldest first. */
export function loadSeries(): Map<Arch, SeriesConfig[]> {
  const rows = readFileSync(join(SERIES, 'ORIGINS.tsv'), 'utf8').trim().split('\n').slice(1);
  const byArch = new Map<Arch, SeriesConfig[]>();
  for (const row of rows) {
    const [file, version, archName] = row.split('\t') as [string, string, string];
    const arch = normalizeArch(archName === 'armv7h' ? 'arm' : archName === 'i686' ? 'i386' : archName === 'ppc' ? 'powerpc' : archName);
    if (!arch) throw new Error(`${file}: unknown architecture ${archName}`);
    const release = parseKernelVersion(version).release;
    const config = parseKconfig(gunzipSync(readFileSync(join(SERIES, file))).toString('utf8'));
    const list = byArch.get(arch) ?? [];
    list.push({ file, release, key: releaseNameKey(release), arch, config });
    byArch.set(arch, list);
  }
  for (const list of byArch.values()) list.sort((a, b) => a.key - b.key || a.file.localeCompare(b.file));
  return byArch;
}

/** A release window a symbol has on an architecture, and which rule gave it. */
export interface SymbolWindow {
  since: string | undefined;
  until: string | undefined;
  from: string;
  /** From a feature's Kconfig history (a symbol's own dates), not a target's requirement. */
  history: boolean;
}

/**
 * Every Kconfig symbol the knowledge base names, with its windows per architecture: the features'
 * kconfig entries and the config targets' requirements (a requirement without since applies from
 * before any config here).
 */
export function symbolWindows(): Map<string, Map<Arch, SymbolWindow[]>> {
  const rulesDir = join(REPO, 'rules');
  const { rules } = loadRulesDirectory(rulesDir);
  const { targets } = loadTargetsDirectory(rulesDir);
  const windows = new Map<string, Map<Arch, SymbolWindow[]>>();
  const add = (symbol: string, arches: readonly Arch[], window: SymbolWindow) => {
    const perArch = windows.get(symbol) ?? new Map<Arch, SymbolWindow[]>();
    for (const arch of arches) perArch.set(arch, [...(perArch.get(arch) ?? []), window]);
    windows.set(symbol, perArch);
  };
  const ALL: Arch[] = ['x86_64', 'i386', 'arm64', 'arm', 'powerpc', 's390x', 'mips', 'riscv64', 'loongarch64', 'ia64'];
  for (const feature of rules.features) {
    for (const entry of feature.kconfig) {
      // A feature's symbol matters where the feature exists (or where the entry says).
      const arches = entry.arch ?? (Object.keys(feature.support) as Arch[]);
      add(entry.symbol, arches, { since: entry.since, until: entry.until, from: `features/${feature.id}`, history: true });
    }
  }
  for (const target of targets) {
    for (const requirement of target.requirements) {
      const symbols = requirement.anyOf ?? [requirement.symbol!];
      // A requirement gated by what it is needed for (sinceFor) starts later than its symbol exists.
      const since = requirement.sinceFor ? undefined : requirement.since;
      for (const symbol of symbols) add(symbol, requirement.arch ?? target.arch ?? ALL, { since, until: requirement.until, from: `targets/${target.id}`, history: false });
    }
  }
  return windows;
}

export const covers = (windows: SymbolWindow[], key: number) =>
  windows.some((window) => (window.since === undefined || releaseNameKey(window.since) <= key) && (window.until === undefined || key < releaseNameKey(window.until)));

export const mentions = (config: ParsedConfig, symbol: string) => config.values.get(symbol) !== undefined;
