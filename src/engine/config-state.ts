import type { Arch } from '../arch.js';
import { tristateOf, type ConfigValues } from '../kconfig/parse.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { Feature } from '../rules/types.js';
import { releaseKey, releaseNameKey } from '../version/compare.js';
import type { KernelVersion } from '../version/parse.js';
import type { FeatureVerdict } from './check.js';

/** What a kernel's own config says of a feature, beside what its version says. */
export interface FeatureConfig {
  /** built-in: every symbol =y; module: all set, one or more =m; off: one is not set or absent. */
  state: 'built-in' | 'module' | 'off';
  symbols: Array<{ symbol: string; value: string | null }>;
  /** The modules behind =m symbols, and whether /proc/modules lists them (null: cannot be told). */
  modules: Array<{ name: string; loaded: boolean | null }>;
  /**
   * Whether the config settles that the feature is there: false when a symbol is off (absent for
   * sure), true when a symbol only this feature names is set, null when its symbols are set but
   * shared with other features (SEV-SNP and SEV both need KVM_AMD_SEV): then the version decides.
   */
  available: boolean | null;
}

/** Module names that are not the symbol in lower case. */
const MODULE_OF: ReadonlyMap<string, string> = new Map([
  ['VIRTIO_FS', 'virtiofs'],
  ['XEN_NETDEV_BACKEND', 'xen_netback'],
  ['XEN_BLKDEV_BACKEND', 'xen_blkback'],
  ['VIRTIO_VSOCKETS', 'vmw_vsock_virtio_transport'],
  ['VSOCKETS', 'vsock'],
  ['HYPERV', 'hv_vmbus'],
  ['HYPERV_NET', 'hv_netvsc'],
  ['HYPERV_STORAGE', 'hv_storvsc'],
  ['LGUEST', 'lg'],
]);

export function moduleOf(symbol: string): string {
  return MODULE_OF.get(symbol) ?? symbol.toLowerCase();
}

/** The symbols of a feature that apply to a release (as releaseKey gives it) and architecture. */
export function symbolsInRange(feature: Feature, arch: Arch, key: number): string[] {
  const symbols = feature.kconfig
    .filter((entry) => (!entry.arch || entry.arch.includes(arch)) && releaseNameKey(entry.since) <= key && (!entry.until || key < releaseNameKey(entry.until)))
    .map((entry) => entry.symbol);
  return [...new Set(symbols)];
}

/** Symbols only one feature names: setting them proves that feature. */
export function specificSymbols(knowledge: KnowledgeBase): Map<string, string | null> {
  const owner = new Map<string, string | null>();
  for (const feature of knowledge.features) {
    for (const symbol of new Set(feature.kconfig.map((entry) => entry.symbol))) owner.set(symbol, owner.has(symbol) ? null : feature.id);
  }
  return owner;
}

/**
 * A feature's state in a config; null when the version rules it out (merged later, removed, never)
 * or no symbol of it applies to this release and architecture.
 */
export function configStateOf(
  feature: Feature,
  arch: Arch,
  version: KernelVersion,
  values: ConfigValues,
  owners: Map<string, string | null>,
  loadedModules: ReadonlySet<string> | null,
  verdict: FeatureVerdict,
): FeatureConfig | null {
  // Only where the version says yes or the vendor's word decides can the config add anything: a
  // feature merged later or removed earlier has no symbol to read in this kernel.
  const { status } = verdict;
  if (status !== 'supported' && status !== 'backported' && status !== 'unknown' && status !== 'vendor-absent') return null;
  // A vendor kernel's backport carries the symbols of the mainline release that merged it.
  const vendorSays = verdict.status === 'backported' || verdict.status === 'unknown' || verdict.status === 'vendor-absent';
  const key = vendorSays && verdict.since !== null ? releaseNameKey(verdict.since) : releaseKey(version);
  const names = symbolsInRange(feature, arch, key);
  if (names.length === 0) return null;
  const symbols = names.map((symbol) => ({ symbol, value: values.get(symbol) ?? null }));
  const states = symbols.map(({ value }) => (value === null ? 'n' : tristateOf(value)));
  const state = states.some((value) => value !== 'y' && value !== 'm') ? 'off' : states.includes('m') ? 'module' : 'built-in';
  const modules = symbols.filter((_, index) => states[index] === 'm').map(({ symbol }) => ({ name: moduleOf(symbol), loaded: loadedModules === null ? null : loadedModules.has(moduleOf(symbol)) }));
  const specific = names.some((symbol) => owners.get(symbol) === feature.id);
  const available = state === 'off' ? false : specific ? true : null;
  return { state, symbols, modules, available };
}

/**
 * Whether a feature is there: the config's word where one was read and settles it, else the
 * version's; 'unknown' when neither can tell (a vendor kernel without a record or a config).
 */
export function availabilityOf(verdict: FeatureVerdict, config: FeatureConfig | null): boolean | 'unknown' {
  if (config && config.available !== null) return config.available;
  return verdict.status === 'unknown' ? 'unknown' : verdict.supported;
}
