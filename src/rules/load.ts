import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Approach } from './approaches.js';
import type { Target } from './targets.js';
import type { CpuFlagCatalog, Feature, ReleaseList } from './types.js';
import type { DistributionRules } from './distributions.js';
import type { Product } from './products.js';
import { validateApproach, validateDistribution, validateFeature, validateProduct, validateTarget, type RuleProblem } from './validate.js';

/** Everything in rules/: the features and the vocabularies they are checked against. */
/** One check of the rules as a whole: the problems it finds (none when they are sound). */
export type LintCheck = (rules: RuleSources) => RuleProblem[];

export interface RuleSources {
  features: Feature[];
  approaches: Approach[];
  distributions: DistributionRules[];
  /** Hosted hypervisors with modules of their own (rules/products). */
  products: Product[];
  cpuFlags: CpuFlagCatalog;
  releases: ReleaseList;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * Reads rules/ from disk and checks each feature file against the schema. Used by the build (which
 * then runs the lint and writes the bundle the CLI loads) and by the tests.
 */
export function loadRulesDirectory(dir: string): { rules: RuleSources; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const features = readEntries<Feature>(dir, 'features', validateFeature, problems);
  const approaches = readEntries<Approach>(dir, 'approaches', validateApproach, problems);
  const distributions = readEntries<DistributionRules>(dir, 'distributions', validateDistribution, problems);
  const products = readEntries<Product>(dir, 'products', validateProduct, problems);
  return {
    rules: {
      features,
      approaches,
      distributions,
      products,
      cpuFlags: readJson(join(dir, 'cpu-flags.json')) as CpuFlagCatalog,
      releases: readJson(join(dir, 'releases.json')) as ReleaseList,
    },
    problems,
  };
}

/** Reads rules/targets/*.json (the config audit's targets), keeping those that pass their schema. */
export function loadTargetsDirectory(dir: string): { targets: Target[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  return { targets: readEntries<Target>(dir, 'targets', validateTarget, problems), problems };
}

/**
 * Reads every <dir>/<folder>/*.json, keeping those that pass their schema and are named by their
 * id; the $schema pointer that editors use is dropped.
 */
export function readEntries<T extends { id: string }>(
  dir: string,
  folder: string,
  validate: (file: string, data: unknown) => RuleProblem[],
  problems: RuleProblem[],
): T[] {
  const entries: T[] = [];
  for (const name of readdirSync(join(dir, folder)).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = `${folder}/${name}`;
    let data: unknown;
    try {
      data = readJson(join(dir, folder, name));
    } catch (error) {
      problems.push({ file, message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const schemaProblems = validate(file, data);
    problems.push(...schemaProblems);
    if (schemaProblems.length > 0) continue;
    const { $schema: _pointer, ...entry } = data as T & { $schema?: string };
    if (`${entry.id}.json` !== name) problems.push({ file, message: `id "${entry.id}" does not match the file name` });
    entries.push(entry as unknown as T);
  }
  return entries;
}
