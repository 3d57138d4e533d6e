import { UserError } from '../errors.js';
import { isKnown, RootReader, trimmed } from '../host/fact.js';
import { findKernelConfig, type KernelConfigLocation } from '../host/kernel-config.js';

export type LocatedConfig = KernelConfigLocation;

/**
 * The running kernel's config under a root directory, found as `virt-advisor host` finds it, or one
 * line listing every place tried and why each did not do.
 */
export function locateRunningConfig(root: string): LocatedConfig {
  const reader = new RootReader(root);
  const found = findKernelConfig(reader, trimmed(reader.read('/proc/sys/kernel/osrelease', 4096)));
  if (isKnown(found)) return found.value;
  throw new UserError(`no kernel config found for the running kernel (${found.unknown.replace(/^no readable kernel config: /, '')}); give the config file as an argument`);
}
