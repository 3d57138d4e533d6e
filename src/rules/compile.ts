import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { lintRules } from './lint.js';
import { loadRulesDirectory } from './load.js';
import type { RuleProblem } from './validate.js';
import { KNOWLEDGE_FORMAT, type KnowledgeFile } from './knowledge-file.js';

/** Validates and lints rules/, then writes the knowledge file; returns the problems (none written if any). */
export function compileRules(rulesDir: string, outFile: string | null): RuleProblem[] {
  const { rules, problems } = loadRulesDirectory(rulesDir);
  problems.push(...lintRules(rules));
  if (problems.length === 0 && outFile) {
    const knowledge: KnowledgeFile = {
      format: KNOWLEDGE_FORMAT,
      // By id, so that a feature comes before its variants (kvm, kvm-amd, ...) in every listing.
      features: [...rules.features].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      approaches: rules.approaches,
      releases: rules.releases.releases.map((release) => release.name),
    };
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, JSON.stringify(knowledge));
  }
  return problems;
}
