import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRulesDirectory, loadTargetsDirectory } from '../../src/rules/load.js';
import { releaseNameKey } from '../../src/version/compare.js';

/**
 * rules/ against the evidence tables in this directory, which were written from the sources (trees,
 * commits, merge messages) and not from rules/: a release changed in one and not the other fails, so
 * a fact is changed only deliberately, with its evidence.
 */
const HERE = fileURLToPath(new URL('.', import.meta.url));
const RULES = fileURLToPath(new URL('../../rules', import.meta.url));
const { rules } = loadRulesDirectory(RULES);
const { targets } = loadTargetsDirectory(RULES);

function table(name: string): Array<Record<string, string>> {
  const lines = readFileSync(join(HERE, name), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const header = lines[0]!.split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    if (cells.length !== header.length) throw new Error(`${name}: ${cells.length} cells where ${header.length} are named: ${line.slice(0, 80)}`);
    return Object.fromEntries(header.map((column, index) => [column, cells[index]!]));
  });
}

const boundaries = table('boundaries.tsv');

describe('every boundary of the knowledge base has independent evidence that agrees', () => {
  const statements = rules.features.flatMap((feature) => Object.entries(feature.support).map(([arch, statement]) => ({ id: feature.id, arch, statement: statement! })));

  it('one row per (feature, architecture), no more and no fewer', () => {
    const fromRules = statements.map(({ id, arch }) => `${id} ${arch}`).sort();
    const fromEvidence = boundaries.map((row) => `${row.feature} ${row.arch}`).sort();
    expect(fromEvidence).toEqual(fromRules);
    expect(new Set(fromEvidence).size).toBe(fromEvidence.length);
    expect(fromRules.length).toBeGreaterThan(150);
  });

  it.each(statements.map(({ id, arch, statement }) => [`${id} on ${arch}`, id, arch, statement] as const))('%s', (_name, id, arch, statement) => {
    const row = boundaries.find((candidate) => candidate.feature === id && candidate.arch === arch);
    expect(row, 'an evidence row').toBeDefined();
    expect({ added: statement.added, removed: statement.removed ?? '' }).toEqual({ added: row!.added, removed: row!.removed });
    // The evidence says why: what shows it absent before and present at the release, and the removal.
    expect((row!.added_evidence ?? '').length).toBeGreaterThan(20);
    if (row!.removed !== '') expect((row!.removed_evidence ?? '').length).toBeGreaterThan(20);
  });
});

describe('architectures', () => {
  const arches = table('architectures.tsv');
  it.each(arches.filter((row) => row.first !== '?'))('nothing on $arch is older than the architecture ($first)', (row) => {
    const older = rules.features.filter((feature) => {
      const statement = feature.support[row.arch as keyof typeof feature.support];
      return statement && releaseNameKey(statement.added) < releaseNameKey(row.first!);
    });
    expect(older.map((feature) => feature.id)).toEqual([]);
  });
  it.each(arches.filter((row) => row.removed !== ''))('nothing on $arch outlives its removal in $removed', (row) => {
    const later = rules.features.filter((feature) => {
      const statement = feature.support[row.arch as keyof typeof feature.support];
      return statement && (!statement.removed || releaseNameKey(statement.removed) > releaseNameKey(row.removed!));
    });
    expect(later.map((feature) => feature.id)).toEqual([]);
  });
});

describe('Kconfig symbols whose first release was checked on its own', () => {
  const symbols = table('kconfig.tsv');
  /** Every (symbol, arch, since) the knowledge base states, from the features and the config targets. */
  const stated = [
    ...rules.features.flatMap((feature) =>
      feature.kconfig.map((entry) => ({ symbol: entry.symbol, arch: entry.arch, since: entry.since, from: `features/${feature.id}`, featureArches: Object.keys(feature.support) })),
    ),
    // A requirement gated by what it is needed for (sinceFor) states that interface's first release.
    ...targets.flatMap((target) =>
      target.requirements
        .filter((requirement) => requirement.symbol && requirement.since)
        .map((requirement) => ({ symbol: requirement.sinceFor ?? requirement.symbol!, arch: requirement.arch, since: requirement.since!, from: `targets/${target.id}`, featureArches: [] as string[] })),
    ),
  ];
  const archOf = (name: string) => (name === 'x86' ? ['x86_64', 'i386'] : name === 'all' ? null : [name]);
  const matches = symbols.flatMap((row) => {
    const symbol = row.subject!.replace(/^kconfig:/, '');
    const arches = archOf(row.arch!);
    return stated
      // An entry without arch gives the symbol's own first release: a row for one architecture's
      // (later) availability is compared only with entries that name that architecture.
      // (A feature of that architecture alone, or of x86 alone, gives it for that one.)
      .filter((entry) => {
        if (entry.symbol !== symbol) return false;
        if (arches === null) return true;
        if (entry.arch !== undefined) return entry.arch.some((arch) => arches.includes(arch));
        return row.arch === 'x86' || (entry.featureArches.length > 0 && entry.featureArches.every((arch) => arches.includes(arch)));
      })
      .map((entry) => ({ row, entry }));
  });

  it('every symbol row is compared with the knowledge base, unless it says why it is not there', () => {
    const matched = new Set(matches.map(({ row }) => row));
    const unmatched = symbols.filter((row) => row.subject!.startsWith('kconfig:') && !matched.has(row) && !/^not in rules:/.test(row.comment ?? ''));
    expect(unmatched.map((row) => `${row.subject} ${row.arch}`)).toEqual([]);
    expect(matched.size).toBeGreaterThan(60);
  });
  it.each(matches.map(({ row, entry }) => [`${entry.symbol} (${entry.from})`, row, entry] as const))('%s agrees', (_name, row, entry) => {
    expect(entry.since).toBe(row.since);
  });
});
