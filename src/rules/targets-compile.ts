import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadRulesDirectory, readEntries } from './load.js';
import type { Target, TargetsFile } from './targets.js';
import { lintTargets } from './targets-lint.js';
import { validateTarget, type RuleProblem } from './validate.js';

// Build-time only: the CLI reads the checked dist/targets.json and never loads ajv.

/** Reads rules/targets/*.json, keeping the files that pass the schema and are named by their id. */
export function loadTargetsDirectory(rulesDir: string): { targets: Target[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const targets = readEntries<Target>(rulesDir, 'targets', validateTarget, problems);
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
