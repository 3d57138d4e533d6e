import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../rules/targets.schema.json' with { type: 'json' };
import { loadRulesDirectory } from './load.js';
import type { Target, TargetsFile } from './targets.js';
import { lintTargets } from './targets-lint.js';
import type { RuleProblem } from './validate.js';

// Build-time only: the CLI reads the checked dist/targets.json and never loads ajv.

let validate: ValidateFunction | undefined;

/** Checks one target file against rules/targets.schema.json. */
export function validateTarget(file: string, data: unknown): RuleProblem[] {
  validate ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    file,
    message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${
      error.params && 'additionalProperty' in error.params ? `: ${String(error.params.additionalProperty)}` : ''
    }`,
  }));
}

/** Reads rules/targets/*.json, keeping the files that pass the schema and are named by their id. */
export function loadTargetsDirectory(rulesDir: string): { targets: Target[]; problems: RuleProblem[] } {
  const targets: Target[] = [];
  const problems: RuleProblem[] = [];
  for (const name of readdirSync(join(rulesDir, 'targets')).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = `targets/${name}`;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(join(rulesDir, 'targets', name), 'utf8'));
    } catch (error) {
      problems.push({ file, message: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    const found = validateTarget(file, data);
    problems.push(...found);
    if (found.length > 0) continue;
    const target = data as Target & { $schema?: string };
    if (`${target.id}.json` !== name) problems.push({ file, message: `id "${target.id}" does not match the file name` });
    delete target.$schema;
    targets.push(target);
  }
  return { targets, problems };
}

/** Validates and lints rules/targets/, then writes dist/targets.json; returns the problems (nothing written if any). */
export function compileTargets(rulesDir: string, outFile: string | null): RuleProblem[] {
  const { targets, problems } = loadTargetsDirectory(rulesDir);
  const { rules } = loadRulesDirectory(rulesDir);
  problems.push(...lintTargets({ targets, releases: rules.releases, features: rules.features }));
  if (problems.length === 0 && outFile) {
    const file: TargetsFile = { targets };
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, JSON.stringify(file));
  }
  return problems;
}
