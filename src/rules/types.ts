import type { Arch } from '../arch.js';

/** The shapes of rules/features/*.json, as rules/schema.json defines them. */

export type FeatureKind =
  | 'host-hypervisor'
  | 'hardware-assist'
  | 'paravirtualization'
  | 'guest-support'
  | 'io'
  | 'device-assignment'
  | 'iommu'
  | 'isolation'
  | 'confidential-computing';

export const GUEST_OSES = ['linux', 'windows', 'bsd', 'other'] as const;

/** Answers to "does its CPU have hardware virtualization?" for a machine described in words. */
export const HARDWARE_VIRT_ANSWERS = ['yes', 'no', 'unknown'] as const;
/** CPU vendors whose hardware virtualization differs (VT-x or AMD-V): they pick kvm-intel or kvm-amd. */
export const CPU_VENDORS = ['intel', 'amd'] as const;
export type GuestOs = (typeof GUEST_OSES)[number];

export interface CpuRequirement {
  allOf?: string[];
  anyOf?: string[];
  note?: string;
}

/** When mainline had the feature on one architecture. */
export interface SupportStatement {
  added: string;
  addedSource: string;
  removed?: string;
  removedSource?: string;
  cpu?: CpuRequirement;
  note?: string;
}

export interface KconfigSymbol {
  symbol: string;
  since: string;
  /** The first release without this symbol. */
  until?: string;
  source: string;
  arch?: Arch[];
  note?: string;
}

export interface Feature {
  id: string;
  name: string;
  description: string;
  kind: FeatureKind;
  parent?: string;
  mainline?: boolean;
  support: Partial<Record<Arch, SupportStatement>>;
  kconfig: KconfigSymbol[];
  guests?: { os: GuestOs[]; note?: string };
  notes?: string[];
  references?: string[];
}

export interface CpuFlagCatalog {
  families: Record<string, Arch[]>;
  flags: Record<string, Record<string, string>>;
  /** Per family: the flags that show hardware virtualization, and extras worth naming beside them. */
  hardwareVirtualization: Record<string, HardwareVirtualization>;
}

/** How /proc/cpuinfo shows that a CPU can host hardware-assisted guests. */
export interface HardwareVirtualization {
  flags: string[];
  extras: string[];
}

/** The catalog's hardware-virtualization flags, per architecture. */
export function hardwareVirtualizationByArch(catalog: CpuFlagCatalog): Partial<Record<Arch, HardwareVirtualization>> {
  const byArch: Partial<Record<Arch, HardwareVirtualization>> = {};
  for (const [family, entry] of Object.entries(catalog.hardwareVirtualization)) {
    if (family.startsWith('$')) continue;
    for (const arch of catalog.families[family] ?? []) byArch[arch] = entry;
  }
  return byArch;
}

export interface ReleaseList {
  releases: Array<{ name: string; date: string | null }>;
}
