import { fileURLToPath } from 'node:url';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { hardwareVirtualizationByArch } from '../../src/rules/types.js';

/** The knowledge base as rules/ holds it (vendor records included), read from the source files. */
const { rules } = loadRulesDirectory(fileURLToPath(new URL('../../rules', import.meta.url)));
export const realKnowledge = knowledgeBaseOf(
  rules.features,
  rules.releases.releases.map((release) => release.name),
  rules.approaches,
  rules.distributions,
  hardwareVirtualizationByArch(rules.cpuFlags),
  rules.releases.releases.map((release) => release.date ?? null),
  rules.products,
);
