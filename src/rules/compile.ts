import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWLEDGE_FORMAT, type KnowledgeFile } from './knowledge-file.js';
import { lintRules } from './lint.js';
import { hardwareVirtualizationByArch } from './types.js';
import { loadRulesDirectory, loadTargetsDirectory } from './load.js';
import { lintTargets } from './targets-lint.js';
import type { TargetsFile } from './targets.js';
import type { RuleProblem } from './validate.js';

/**
 * Validates and lints all of rules/ (features, approaches, config targets), then writes what the
 * CLI reads, knowledge.json and targets.json, into outDir; returns the problems (nothing is
 * written if there are any, or when outDir is null).
 */
export function compileRules(rulesDir: string, outDir: string | null): RuleProblem[] {
  const { rules, problems } = loadRulesDirectory(rulesDir);
  const { targets, problems: targetProblems } = loadTargetsDirectory(rulesDir);
  problems.push(...targetProblems, ...lintRules(rules), ...lintTargets({ targets, releases: rules.releases, features: rules.features }));
  if (problems.length === 0 && outDir) {
    const knowledge: KnowledgeFile = {
      format: KNOWLEDGE_FORMAT,
      // By id, so that a feature comes before its variants (kvm, kvm-amd, ...) in every listing.
      features: [...rules.features].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      approaches: rules.approaches,
      releases: rules.releases.releases.map((release) => release.name),
      releaseDates: rules.releases.releases.map((release) => release.date ?? null),
      distributions: rules.distributions,
      products: rules.products,
      hardwareVirtualization: hardwareVirtualizationByArch(rules.cpuFlags),
    };
    const targetsFile: TargetsFile = { targets };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'knowledge.json'), JSON.stringify(knowledge));
    writeFileSync(join(outDir, 'targets.json'), JSON.stringify(targetsFile));
  }
  return problems;
}
