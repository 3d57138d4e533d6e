import type { LintCheck } from './load.js';
import type { RuleProblem } from './validate.js';

/** Compares dotted product versions ("7.0.14", "17.5.1"); null when either has a part that is not a number ("25H2"). */
export function compareProductVersions(a: string, b: string): number | null {
  const pa = a.split('.');
  const pb = b.split('.');
  if (![...pa, ...pb].every((part) => /^\d+$/.test(part))) return null;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const difference = Number(pa[i] ?? 0) - Number(pb[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The hosted hypervisors' tables: every kernel a mainline release, every vendor kernel one the
 * distribution's file knows, the releases of a branch in order and named once, each product used
 * by the approach of its id and every approach's product there.
 */
export const productsAreSound: LintCheck = ({ products, releases, distributions, approaches }) => {
  const problems: RuleProblem[] = [];
  const known = new Set(releases.releases.map((release) => release.name));
  const vendorReleases = new Map(distributions.map((distribution) => [distribution.id, new Set(distribution.releases.map((release) => release.release))]));
  for (const product of products) {
    const file = `products/${product.id}.json`;
    const say = (message: string) => problems.push({ file, message });
    const seen = new Set<string>();
    for (const branch of product.branches) {
      branch.releases.forEach((release, index) => {
        const where = `${branch.branch}: ${release.version}`;
        if (seen.has(release.version)) say(`${where}: named twice`);
        seen.add(release.version);
        if (release.kernel !== undefined && !known.has(release.kernel)) say(`${where}: kernel ${release.kernel} is not a mainline release`);
        if (release.breaksOn !== undefined && !known.has(release.breaksOn)) say(`${where}: breaksOn ${release.breaksOn} is not a mainline release`);
        const previous = branch.releases[index - 1];
        if (previous) {
          const order = compareProductVersions(previous.version, release.version);
          if (order !== null && order >= 0) say(`${where} does not come after ${previous.version}`);
          if (previous.date && release.date && previous.date > release.date) say(`${where}: dated ${release.date}, before ${previous.version} (${previous.date})`);
        }
        for (const vendor of release.distributionKernels ?? []) {
          const ofVendor = vendorReleases.get(vendor.distribution);
          if (!ofVendor) say(`${where}: "${vendor.distribution}" is not a distribution of rules/distributions`);
          else if (!ofVendor.has(vendor.release)) say(`${where}: ${vendor.distribution} ${vendor.release} is not a release of its file`);
        }
      });
    }
    if (!product.branches.some((branch) => branch.releases.some((release) => release.kernel !== undefined || release.breaksOn !== undefined))) say('no release says which kernels it supports or breaks on');
    if (!approaches.some((approach) => approach.id === product.id && approach.product === product.id)) say(`no approach "${product.id}" uses it`);
  }
  for (const approach of approaches) {
    if (approach.product !== undefined && !products.some((product) => product.id === approach.product)) {
      problems.push({ file: `approaches/${approach.id}.json`, message: `product "${approach.product}" is not in rules/products` });
    }
  }
  return problems;
};
