import type { KernelVersion } from './parse.js';
import { parseRelease } from './parse.js';

/**
 * A number that orders mainline releases: 2.6.39 < 3.0 < 3.19 < 4.0. Computed once per release so
 * that checking a feature is one integer comparison, which keeps `check --stdin` fast.
 */
export function releaseKey(version: Pick<KernelVersion, 'major' | 'minor' | 'patch'>): number {
  return version.major * 1_000_000 + version.minor * 1_000 + (version.patch ?? 0);
}

const keyCache = new Map<string, number>();

/** releaseKey of a release name as the knowledge base writes it ("2.6.20", "6.9"). */
export function releaseNameKey(release: string): number {
  let key = keyCache.get(release);
  if (key === undefined) {
    key = releaseKey(parseRelease(release));
    keyCache.set(release, key);
  }
  return key;
}
