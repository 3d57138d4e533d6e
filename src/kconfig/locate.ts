import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors.js';

/** The running kernel's config as found under a root directory. */
export interface LocatedConfig {
  path: string;
  /** Every candidate looked at, in order, up to and including the one found. */
  tried: string[];
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? String(error);
}

/**
 * Finds the running kernel's config the way `virt-advisor host` does: /proc/config.gz, then the
 * files distributions install for the release in /proc/sys/kernel/osrelease. Fails with one line
 * listing every place tried and why each did not do.
 */
export function locateRunningConfig(root: string): LocatedConfig {
  const at = (inside: string) => path.join(root, inside);
  const candidates = [at('/proc/config.gz')];
  const releaseFile = at('/proc/sys/kernel/osrelease');
  let releaseProblem: string | null = null;
  try {
    const release = fs.readFileSync(releaseFile, 'utf8').trim();
    if (release === '' || /[\s/]/.test(release)) releaseProblem = `${releaseFile} does not hold a release name`;
    else candidates.push(at(`/boot/config-${release}`), at(`/lib/modules/${release}/config`), at(`/usr/lib/modules/${release}/config`));
  } catch (error) {
    releaseProblem = `${releaseFile}: ${why(error)}`;
  }
  const tried: string[] = [];
  const failures: string[] = [];
  for (const candidate of candidates) {
    tried.push(candidate);
    try {
      const stat = fs.statSync(candidate);
      if (!stat.isFile()) {
        failures.push(`${candidate} (not a file)`);
        continue;
      }
      fs.accessSync(candidate, fs.constants.R_OK);
      return { path: candidate, tried };
    } catch (error) {
      failures.push(`${candidate} (${why(error)})`);
    }
  }
  const untried = releaseProblem
    ? `; /boot/config-<release> and the modules directories could not be tried (kernel release unknown: ${releaseProblem})`
    : '';
  throw new UserError(`no kernel config found for the running kernel; tried ${failures.join(', ')}${untried}; give the config file as an argument`);
}
