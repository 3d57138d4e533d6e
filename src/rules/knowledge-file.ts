import type { Approach } from './approaches.js';
import type { DistributionRules } from './distributions.js';
import type { Product } from './products.js';
import type { Arch } from '../arch.js';
import type { Feature, HardwareVirtualization } from './types.js';

/** Changes whenever the shape of the knowledge file does, so a stale dist/ is caught on load. */
export const KNOWLEDGE_FORMAT = 5;

/** What the CLI loads at run time: every feature in one file, checked when it was written. */
export interface KnowledgeFile {
  format: number;
  features: Feature[];
  approaches: Approach[];
  releases: string[];
  /** kernel.org release dates (YYYY-MM-DD), aligned with releases; null where the source has none. */
  releaseDates: Array<string | null>;
  distributions: DistributionRules[];
  /** Hosted hypervisors and the kernels their releases support (rules/products). */
  products: Product[];
  /** The /proc/cpuinfo flags that show hardware virtualization, per architecture (rules/cpu-flags.json). */
  hardwareVirtualization: Partial<Record<Arch, HardwareVirtualization>>;
}
