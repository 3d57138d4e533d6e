import type { Arch } from '../arch.js';

/** rules/distributions/*.json, as rules/distribution.schema.json defines it. */
export interface DistributionRelease {
  release: string;
  kernel: string;
  build?: number;
  pattern: string;
  ga?: string;
  source: string;
  weak?: string;
  note?: string;
}

export type VendorStatus = 'backported' | 'absent' | 'present';
export type SupportLevel = 'supported' | 'technology-preview' | 'deprecated' | 'unsupported';

export interface VendorFact {
  feature: string;
  since: string;
  until?: string;
  arch?: Arch[];
  variant?: string;
  status: VendorStatus;
  support?: SupportLevel;
  source: string;
  alsoSources?: string[];
  strength: 'strong' | 'weak';
  note: string;
}

export interface DistributionRules {
  id: string;
  name: string;
  recognise: string;
  backports: 'heavy' | 'some' | 'rare';
  match: 'build' | 'pattern';
  releases: DistributionRelease[];
  facts: VendorFact[];
  sources: string[];
  notes?: string[];
}
