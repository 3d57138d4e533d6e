import type { Product, ProductRelease } from '../rules/products.js';
import { releaseNameKey } from '../version/compare.js';
import type { VendorKernel } from './vendor.js';

/** One release of a product as an answer names it. */
export interface ProductStep {
  branch: string;
  version: string;
  date: string | null;
  /** The kernel this release added support for, if it says one. */
  kernel: string | null;
  /** The first kernel its modules are reported not to build on, if reported. */
  breaksOn: string | null;
  source: string;
  evidence: string | null;
  strength: 'strong' | 'weak';
}

/** A branch's answer for one kernel: the first release that supports it, and the one before. */
export interface BranchAnswer {
  branch: string;
  /** The first release of the branch that supports it: its changelog (or an earlier one's) names this kernel or a newer one, or its modules are reported to break only on a newer one. */
  from: ProductStep | null;
  /** The release just before `from`, which does not, as far as known. */
  before: ProductStep | null;
  /** The newest kernel the branch's changelogs name, and the release that added it. */
  newest: ProductStep | null;
}

export type ProductStatus =
  /** a known release supports it */
  | 'supported'
  /** newer than any kernel a release is known to support, or every release reported on breaks on it */
  | 'not-yet-known'
  /** a vendor kernel with backports, for which no release names support */
  | 'unknown';

export interface ProductAnswer {
  id: string;
  name: string;
  /** The mainline release asked about; null when no kernel is known. */
  kernel: string | null;
  status: ProductStatus;
  /** The earliest release that supports it: the first branch that does, at its first release that does. */
  minimum: ProductStep | null;
  branches: BranchAnswer[];
  /** The newest kernel any release's changelog names (null where the vendor names none). */
  newest: ProductStep | null;
  /** For a vendor kernel: the vendor release the changelogs were searched for ("Red Hat Enterprise Linux 9.4"). */
  vendorKernel: string | null;
  /** Why, in words, when the status needs saying. */
  note: string | null;
}

function stepOf(branch: string, release: ProductRelease): ProductStep {
  return {
    branch,
    version: release.version,
    date: release.date ?? null,
    kernel: release.kernel ?? null,
    breaksOn: release.breaksOn ?? null,
    source: release.source,
    evidence: release.evidence ?? null,
    strength: release.strength ?? 'strong',
  };
}

/** The release naming the newest kernel in the field given: a changelog's kernel, or a reported breaking point. */
function newestBy(product: Product, field: 'kernel' | 'breaksOn'): ProductStep | null {
  let newest: ProductStep | null = null;
  for (const branch of product.branches) {
    for (const release of branch.releases) {
      const kernel = release[field];
      if (kernel !== undefined && (newest === null || releaseNameKey(kernel) > releaseNameKey(newest[field]!))) newest = stepOf(branch.branch, release);
    }
  }
  return newest;
}

/** The newest kernel any release of the product names. */
const newestSupported = (product: Product) => newestBy(product, 'kernel');

/** The release with the newest breaking point reported: the most a release is known to build against. */
const newestReported = (product: Product) => newestBy(product, 'breaksOn');

/** The newest kernel named by releases of earlier branches dated before the branch's first release. */
function inherited(product: Product, branchIndex: number): ProductStep | null {
  const start = product.branches[branchIndex]!.releases[0]?.date;
  if (start === undefined) return null;
  let best: ProductStep | null = null;
  for (const branch of product.branches.slice(0, branchIndex)) {
    for (const release of branch.releases) {
      if (release.kernel === undefined || release.date === undefined || release.date > start) continue;
      if (best === null || releaseNameKey(release.kernel) > releaseNameKey(best.kernel!)) best = stepOf(branch.branch, release);
    }
  }
  return best;
}

/** The oldest kernel the product's tables name (a changelog's kernel or a breaking point): below it nothing is known. */
function oldestNamed(product: Product): string | null {
  let oldest: string | null = null;
  for (const branch of product.branches) {
    for (const release of branch.releases) {
      for (const kernel of [release.kernel, release.breaksOn]) {
        if (kernel !== undefined && (oldest === null || releaseNameKey(kernel) < releaseNameKey(oldest))) oldest = kernel;
      }
    }
  }
  return oldest;
}

/** A vendor release's line: RHEL 9.4 and 9.6 are one line (9), SLES 15 SP4 and 15 SP6 another (15); UEK R7 is its own. */
function lineOf(release: string): string {
  return /^(\d+)[. ]/.exec(release)?.[1] ?? release;
}

/**
 * Which releases of a product support a kernel. A release supports every kernel up to the newest
 * its branch's changelogs have named by then (a branch starts with what releases of earlier
 * branches had named before it came out); where the vendor names no kernels, a release whose
 * modules are reported to break on kernel B is taken to support those before B, as a weak answer.
 * Below the oldest kernel the tables name, nothing is known. A vendor kernel that backports (RHEL,
 * SLES), or of a vendor the changelogs name (UEK), is matched by its own release: a release that
 * names this one or a later one of the same line (RHEL 9.4 for a 9.2 kernel, not RHEL 9 for RHEL 8);
 * otherwise it is not known, as its mainline number says little of what an out-of-tree module meets.
 * The release before the first that supports it is named as one that does not only where that is
 * known: its successor's changelog adds exactly this kernel (or vendor release), or it is reported
 * to break on it.
 */
export function productSupport(product: Product, release: string, vendor: VendorKernel | null = null): ProductAnswer {
  const key = releaseNameKey(release);
  const vendorRelease = vendor ? (vendor.rules.releases[vendor.position]?.release ?? null) : null;
  const named = (id: string) => product.branches.some((branch) => branch.releases.some((entry) => (entry.distributionKernels ?? []).some((kernel) => kernel.distribution === id)));
  const vendorMatch = vendor !== null && vendorRelease !== null && (vendor.rules.backports === 'heavy' || named(vendor.rules.id));
  const vendorIndex = (name: string) => vendor!.rules.releases.findIndex((entry) => entry.release === name);
  const namesVendor = (entry: ProductRelease, exactly: boolean) =>
    (entry.distributionKernels ?? []).some(
      (kernel) =>
        kernel.distribution === vendor!.rules.id &&
        lineOf(kernel.release) === lineOf(vendorRelease!) &&
        (exactly ? kernel.release === vendorRelease : vendorIndex(kernel.release) >= vendor!.position),
    );
  const oldest = oldestNamed(product);
  const tooOld = !vendorMatch && oldest !== null && key < releaseNameKey(oldest);
  const branches: BranchAnswer[] = product.branches.map((branch, branchIndex) => {
    let best: ProductStep | null = inherited(product, branchIndex);
    // The same for a vendor kernel: named by an earlier branch's release before this branch came out.
    const start = branch.releases[0]?.date;
    const vendorInherited =
      vendorMatch &&
      start !== undefined &&
      product.branches.slice(0, branchIndex).some((earlier) => earlier.releases.some((entry) => entry.date !== undefined && entry.date <= start && namesVendor(entry, false)));
    let from: ProductStep | null = null;
    let before: ProductStep | null = null;
    branch.releases.forEach((entry, index) => {
      if (entry.kernel !== undefined && (best === null || releaseNameKey(entry.kernel) > releaseNameKey(best.kernel!))) best = stepOf(branch.branch, entry);
      if (from !== null || tooOld) return;
      const byChangelog = !vendorMatch && best !== null && releaseNameKey(best.kernel!) >= key;
      const byReport = !vendorMatch && entry.breaksOn !== undefined && key < releaseNameKey(entry.breaksOn);
      const supports = vendorMatch ? vendorInherited || namesVendor(entry, false) : byChangelog || byReport;
      if (!supports) return;
      from = byChangelog && best!.version === entry.version && best!.branch === branch.branch ? best : stepOf(branch.branch, entry);
      const previous = index > 0 ? branch.releases[index - 1]! : null;
      const known =
        previous !== null &&
        (vendorMatch
          ? !vendorInherited && namesVendor(entry, true)
          : (byChangelog && entry.kernel === release) || (!byChangelog && previous.breaksOn !== undefined && releaseNameKey(previous.breaksOn) <= key));
      before = known ? stepOf(branch.branch, previous!) : null;
    });
    return { branch: branch.branch, from, before, newest: best };
  });
  const newest = newestSupported(product);
  const minimum = branches.find((branch) => branch.from !== null)?.from ?? null;
  const vendorName = vendorMatch ? `${vendor!.rules.name} ${vendorRelease}` : null;
  let status: ProductStatus;
  let note: string | null = null;
  const reported = newestReported(product);
  if (minimum !== null) status = 'supported';
  else if (vendorMatch) {
    status = 'unknown';
    note = `no ${product.name} release names support for ${vendorName}'s kernel (or a later one of its line), and a vendor kernel with backports is not mainline ${release} to an out-of-tree module: not known`;
  } else if (tooOld) {
    status = 'unknown';
    note = `kernel ${release} is older than any kernel the ${product.name} releases here name (the oldest: ${oldest}): not known`;
  } else if (newest) {
    status = 'not-yet-known';
    note = `kernel ${release} is newer than any kernel ${product.name} releases are known to support (the newest: ${newest.kernel}, from ${newest.version}): not yet supported as far as known`;
  } else if (reported && unreportedAfter(product, reported)) {
    status = 'unknown';
    note = `no ${product.name} release is reported to build its modules on kernel ${release}: ${reported.version} fails from kernel ${reported.breaksOn} on, and nothing is reported of ${unreportedAfter(product, reported)} (community reports): not known`;
  } else {
    status = 'not-yet-known';
    note = reported
      ? `no ${product.name} release is reported to build its modules on kernel ${release}: the newest reported on, ${reported.version}, fails from kernel ${reported.breaksOn} on (community reports): not supported as far as known`
      : `no ${product.name} release is known to support a kernel`;
  }
  return { id: product.id, name: product.name, kernel: release, status, minimum, branches, newest, vendorKernel: vendorName, note };
}

/** The releases after the newest one reported on (in branch order) that nothing is reported of, in words; null when none. */
function unreportedAfter(product: Product, reported: ProductStep): string | null {
  const all = product.branches.flatMap((branch) => branch.releases);
  const at = all.findIndex((release) => release.version === reported.version);
  const later = all.slice(at + 1).filter((release) => release.kernel === undefined && release.breaksOn === undefined);
  return later.length === 0 ? null : later.map((release) => release.version).join(', ');
}

/** With no kernel known: the newest kernel a release is known to support, or what is reported, and nothing claimed. */
export function productUnknownKernel(product: Product): ProductAnswer {
  const newest = newestSupported(product);
  const reported = newestReported(product);
  const note = newest
    ? `kernel unknown: the newest kernel ${product.name} releases are known to support is ${newest.kernel} (${newest.version} or later)`
    : reported
      ? `kernel unknown: ${product.name} names no kernels; the newest release reported on, ${reported.version}, fails to build its modules from kernel ${reported.breaksOn} on (community reports)`
      : `kernel unknown`;
  return { id: product.id, name: product.name, kernel: null, status: 'unknown', minimum: null, branches: [], newest, vendorKernel: null, note };
}

/** One branch's part of the answer: "7.0.16 or later (7.0.14 does not)", or "7.0.8 or later" where the one before is not known to fail. */
function branchWords(branch: BranchAnswer): string {
  return `${branch.from!.version} or later${branch.before ? ` (${branch.before.version} does not)` : ''}`;
}

/** Whether the answer rests on community reports of where modules break (the vendor names no kernels). */
export function fromReports(answer: ProductAnswer): boolean {
  return answer.minimum !== null && answer.minimum.kernel === null && answer.minimum.breaksOn !== null && answer.vendorKernel === null;
}

/**
 * The answer in one line: "Oracle VirtualBox 7.0.16 or later (7.0.14 does not); 7.1.0 or later
 * supports kernel 6.9" (without the product's name where the line already gives it).
 */
export function productSentence(answer: ProductAnswer, named = true): string {
  if (answer.status !== 'supported') return named ? `${answer.name}: ${answer.note}` : answer.note!;
  const subject = answer.vendorKernel ? `${answer.vendorKernel}'s kernel` : `kernel ${answer.kernel}`;
  const parts = answer.branches.filter((branch) => branch.from !== null).map(branchWords);
  return `${named ? `${answer.name} ` : ''}${parts.join('; ')} supports ${subject}${fromReports(answer) ? ', as far as community reports of its modules tell (the vendor names no kernels)' : ''}`;
}

/** "Oracle VirtualBox runs on x86_64 Linux hosts only": the one reason a host's architecture rules it out. */
export function hostArchWords(product: Product): string {
  return `${product.name} runs on ${product.hostArch.join(', ')} Linux hosts only`;
}
