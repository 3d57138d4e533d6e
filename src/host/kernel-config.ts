import * as fs from 'node:fs';
import { isKnown, known, unknown, type Fact, type RootReader } from './fact.js';

/** Where the running kernel's config was found under a root directory. */
export interface KernelConfigLocation {
  path: string;
  /** Every candidate looked at, in order, up to and including the one found. */
  tried: string[];
}

/**
 * The one way the running kernel's config is found (by host, recommend, check and config):
 * /proc/config.gz, then the files distributions install for the release in
 * /proc/sys/kernel/osrelease. Each candidate must be a readable regular file inside the root.
 */
export function findKernelConfig(reader: RootReader, release: Fact<string>): Fact<KernelConfigLocation> {
  const candidates = ['/proc/config.gz'];
  const usableRelease = isKnown(release) && !/[\s/]/.test(release.value) && release.value !== '..' ? release.value : null;
  if (usableRelease) candidates.push(`/boot/config-${usableRelease}`, `/lib/modules/${usableRelease}/config`, `/usr/lib/modules/${usableRelease}/config`);
  const tried: string[] = [];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const shown = reader.shown(candidate);
    tried.push(shown);
    const kind = reader.kind(candidate);
    if (kind === 'missing') failures.push(`not found: ${shown}`);
    else if (typeof kind === 'object') failures.push(kind.unknown);
    else if (kind !== 'file') failures.push(`not a regular file: ${shown}`);
    else {
      const access = reader.accessible(candidate, fs.constants.R_OK);
      if (access === true) return known({ path: reader.resolved(candidate), tried }, shown);
      failures.push(access === false ? `not readable (permission denied): ${shown}` : access.unknown);
    }
  }
  const why = isKnown(release) ? `kernel release ${JSON.stringify(release.value.slice(0, 64))} names no file` : `kernel release unknown (${release.unknown})`;
  const untried = usableRelease ? '' : `; /boot/config-<release>, /lib/modules/<release>/config and /usr/lib/modules/<release>/config could not be tried: ${why}`;
  return unknown(`no readable kernel config: ${failures.join(', ')}${untried}`);
}
