import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { KnowledgeFile } from './compile.js';
import type { Approach } from './approaches.js';
import type { Feature } from './types.js';

/** The knowledge base as the commands use it. */
export interface KnowledgeBase {
  features: Feature[];
  byId: Map<string, Feature>;
  approaches: Approach[];
  /** Mainline release names, oldest first. */
  releases: string[];
}

export function knowledgeBaseOf(features: Feature[], releases: string[], approaches: Approach[] = []): KnowledgeBase {
  return { features, byId: new Map(features.map((feature) => [feature.id, feature])), approaches, releases };
}

type Validator = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };

/**
 * Loads the knowledge base the build wrote into dist/, validating every feature against the schema
 * with the validator generated from rules/schema.json at build time.
 */
export function loadKnowledgeBase(packageRoot: string): KnowledgeBase {
  const dist = join(packageRoot, 'dist');
  let file: KnowledgeFile;
  let validate: Validator;
  try {
    file = JSON.parse(readFileSync(join(dist, 'knowledge.json'), 'utf8')) as KnowledgeFile;
    const required = createRequire(join(dist, 'validate-feature.cjs'))(join(dist, 'validate-feature.cjs')) as
      | Validator
      | { default: Validator };
    validate = 'default' in required ? required.default : required;
  } catch (error) {
    throw new UserError(`cannot load the knowledge base from ${dist} (${(error as Error).message}); run "npm run build"`);
  }
  for (const feature of file.features) {
    if (!validate(feature)) {
      const first = validate.errors?.[0];
      throw new UserError(`knowledge base: feature "${feature.id}" ${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`);
    }
  }
  return knowledgeBaseOf(file.features, file.releases, file.approaches);
}
