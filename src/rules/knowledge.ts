import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { KNOWLEDGE_FORMAT, type KnowledgeFile } from './knowledge-file.js';
import type { Approach } from './approaches.js';
import type { DistributionRules } from './distributions.js';
import type { Product } from './products.js';
import type { Arch } from '../arch.js';
import type { Feature, HardwareVirtualization } from './types.js';

/** The knowledge base as the commands use it. */
export interface KnowledgeBase {
  features: Feature[];
  byId: Map<string, Feature>;
  approaches: Approach[];
  /** Mainline release names, oldest first. */
  releases: string[];
  /** Vendor kernels: their releases and where they differ from mainline. */
  distributions: Map<string, DistributionRules>;
  /** The /proc/cpuinfo flags that show hardware virtualization, per architecture; absent where cpuinfo does not show it. */
  hardwareVirtualization: ReadonlyMap<Arch, HardwareVirtualization>;
  /** kernel.org release dates (YYYY-MM-DD) by release name, where known. */
  releaseDates: ReadonlyMap<string, string>;
  /** Hosted hypervisors (VirtualBox, VMware Workstation) by id: the kernels their releases support. */
  products: ReadonlyMap<string, Product>;
}

export function knowledgeBaseOf(
  features: Feature[],
  releases: string[],
  approaches: Approach[] = [],
  distributions: DistributionRules[] = [],
  hardwareVirtualization: Partial<Record<Arch, HardwareVirtualization>> = {},
  releaseDates: ReadonlyArray<string | null> = [],
  products: Product[] = [],
): KnowledgeBase {
  return {
    products: new Map(products.map((product) => [product.id, product])),
    releaseDates: new Map(releases.flatMap((name, index) => (releaseDates[index] ? [[name, releaseDates[index]!] as [string, string]] : []))),
    hardwareVirtualization: new Map(Object.entries(hardwareVirtualization) as Array<[Arch, HardwareVirtualization]>),
    features,
    byId: new Map(features.map((feature) => [feature.id, feature])),
    approaches,
    releases,
    distributions: new Map(distributions.map((distribution) => [distribution.id, distribution])),
  };
}

/**
 * Loads the knowledge base the build wrote into dist/. The build writes it only from rules that pass
 * the schema and the lint, so it is not validated again here: that would cost more start-up time
 * than everything else `check` does. A file of another format (a stale build) is refused.
 */
export function loadKnowledgeBase(packageRoot: string): KnowledgeBase {
  const path = join(packageRoot, 'dist', 'knowledge.json');
  let file: KnowledgeFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as KnowledgeFile;
  } catch (error) {
    throw new UserError(`cannot load the knowledge base ${path} (${(error as Error).message}); run "npm run build"`);
  }
  if (file?.format !== KNOWLEDGE_FORMAT || !Array.isArray(file.features)) {
    throw new UserError(`${path} was written by another version of virt-advisor; run "npm run build"`);
  }
  return knowledgeBaseOf(file.features, file.releases, file.approaches, file.distributions, file.hardwareVirtualization, file.releaseDates, file.products);
}
