import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpuFlagCatalog, Feature, ReleaseList } from './types.js';
import { validateFeature, type RuleProblem } from './validate.js';

/** Everything in rules/: the features and the vocabularies they are checked against. */
export interface RuleSources {
  features: Feature[];
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
  const features: Feature[] = [];
  const featureDir = join(dir, 'features');
  for (const name of readdirSync(featureDir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = `features/${name}`;
    let data: unknown;
    try {
      data = readJson(join(featureDir, name));
    } catch (error) {
      problems.push({ file, message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const schemaProblems = validateFeature(file, data);
    problems.push(...schemaProblems);
    if (schemaProblems.length > 0) continue;
    const feature = data as Feature;
    if (`${feature.id}.json` !== name) problems.push({ file, message: `id "${feature.id}" does not match the file name` });
    features.push(feature);
  }
  return {
    rules: {
      features,
      cpuFlags: readJson(join(dir, 'cpu-flags.json')) as CpuFlagCatalog,
      releases: readJson(join(dir, 'releases.json')) as ReleaseList,
    },
    problems,
  };
}
