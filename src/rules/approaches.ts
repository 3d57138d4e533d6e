import type { GuestOs } from './types.js';

/** What someone may want from virtualization; approaches score 0..3 on each. */
export const GOALS = ['performance', 'isolation', 'simplicity', 'density', 'unmodified-guests', 'passthrough'] as const;
export type Goal = (typeof GOALS)[number];

/** rules/approaches/*.json, as rules/approach.schema.json defines it. */
export interface Approach {
  id: string;
  name: string;
  description: string;
  /** Breaks ties: the usual first choice has the lowest number. */
  preference: number;
  host: { features: string[]; oneOf?: string[][] };
  guests: GuestOs[];
  guestFeatures: { linux?: string[] };
  guestFeaturesRequired: boolean;
  needsHardwareVirtualization: boolean;
  sharesHostKernel?: boolean;
  /** A hosted hypervisor (rules/products) whose own modules it runs on, instead of mainline features. */
  product?: string;
  /** It boots a hypervisor of its own beneath Linux (Xen). */
  needsOwnHypervisor?: boolean;
  scores: Record<Goal, number>;
  notes?: string[];
  /** What the passthrough goal adds: kernel features (vfio, an IOMMU driver) and how it works. */
  passthrough?: { features: string[]; oneOf?: string[][]; note: string };
  /** What a guest system needs to run well, shown when that guest is asked for. */
  guestNotes?: Partial<Record<GuestOs, { text: string; source: string }>>;
}
