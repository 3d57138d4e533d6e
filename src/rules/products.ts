import type { Arch } from '../arch.js';

/** rules/products/*.json, as rules/product.schema.json defines it: a hosted hypervisor and the kernels its releases support. */
export interface ProductRelease {
  version: string;
  date?: string;
  /** The newest mainline kernel whose support this release adds, as the vendor says it. */
  kernel?: string;
  /** The first mainline kernel its shipped modules are reported not to build on (community reports where the vendor names none). */
  breaksOn?: string;
  source: string;
  evidence?: string;
  strength?: 'strong' | 'weak';
  distributionKernels?: Array<{ distribution: string; release: string }>;
}

export interface ProductBranch {
  branch: string;
  note?: string;
  releases: ProductRelease[];
}

export type ProductFactTopic = 'hardware-virtualization' | 'kvm-coexistence' | 'secure-boot' | 'arm64' | 'guests' | 'oldest-kernel' | 'modules' | 'licence' | 'other';

export interface ProductFact {
  topic: ProductFactTopic;
  text: string;
  since?: string;
  source: string;
  strength?: 'strong' | 'weak';
}

export interface Product {
  id: string;
  name: string;
  hostArch: Arch[];
  modules: string[];
  branches: ProductBranch[];
  facts: ProductFact[];
  notes?: string[];
}
