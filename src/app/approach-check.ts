import type { CheckedKernel } from './check.js';
import { hostArchWords, productSentence, productSupport, type ProductAnswer } from '../engine/product.js';
import type { FeatureVerdict } from '../engine/check.js';
import type { Approach } from '../rules/approaches.js';
import type { KnowledgeBase } from '../rules/knowledge.js';

/** One kernel against one approach: whether it has what the approach needs. */
export interface ApproachVerdict {
  approach: string;
  name: string;
  /** true: it does; false: it does not; null: it cannot be told (a vendor kernel with no record). */
  supported: boolean | null;
  /** In words, one line. */
  text: string;
  /** For a hosted hypervisor: which of its releases support the kernel. */
  product: ProductAnswer | null;
  /** For the others: the kernel features it needs, with their verdicts (of the alternatives, the set that fits best). */
  features: Array<{ id: string; supported: boolean; status: FeatureVerdict['status']; since: string | null }>;
}

/**
 * The answer for an approach: a hosted hypervisor's release table (its modules are built outside
 * the kernel), or the kernel features the approach needs; of alternatives (kvm-intel, kvm-amd),
 * the kernel needs one.
 */
export function checkApproach(knowledge: KnowledgeBase, approach: Approach, checked: CheckedKernel): ApproachVerdict {
  const base = { approach: approach.id, name: approach.name };
  const product = approach.product === undefined ? null : (knowledge.products.get(approach.product) ?? null);
  if (product) {
    if (!product.hostArch.includes(checked.arch)) {
      return { ...base, supported: false, text: `${hostArchWords(product)}, not ${checked.arch}`, product: null, features: [] };
    }
    const answer = productSupport(product, checked.version.release, checked.vendor);
    const supported = answer.status === 'supported' ? true : answer.status === 'unknown' ? null : false;
    return { ...base, supported, text: productSentence(answer, false), product: answer, features: [] };
  }
  const verdictOf = new Map(checked.verdicts.map((verdict) => [verdict.id, verdict]));
  const fixed = approach.host.features.map((id) => verdictOf.get(id)!);
  // Of the alternatives (kvm-intel or kvm-amd), those the architecture has at all; where it has
  // none (arm64 has no kvm-intel), the fixed features are what the approach needs, as recommend has it.
  const sets = (approach.host.oneOf ?? [])
    .map((ids) => ids.map((id) => verdictOf.get(id)!))
    .filter((set) => set.every((verdict) => verdict.status !== 'never'));
  const score = (set: FeatureVerdict[]) => (set.every((verdict) => verdict.supported) ? 2 : set.some((verdict) => verdict.status === 'unknown') ? 1 : 0);
  const chosen = sets.length === 0 ? [] : [...sets].sort((a, b) => score(b) - score(a))[0]!;
  const notHere = fixed.filter((verdict) => verdict.status === 'never' || verdict.status === 'out-of-tree');
  if (notHere.length > 0) {
    return { ...base, supported: false, text: `not in mainline Linux on ${checked.arch} (${notHere.map((verdict) => verdict.id).join(', ')})`, product: null, features: [] };
  }
  // Guests that cannot run without support of their own (Xen PV) need it to exist on the architecture.
  const guestsNeed = approach.guestFeaturesRequired ? (approach.guestFeatures.linux ?? []).map((id) => verdictOf.get(id)!).filter((verdict) => verdict.status === 'never') : [];
  if (guestsNeed.length > 0) {
    return { ...base, supported: false, text: `Linux guests need ${guestsNeed.map((verdict) => verdict.id).join(', ')}, which mainline does not have on ${checked.arch}`, product: null, features: [] };
  }
  const needed = [...fixed, ...chosen];
  const features = needed.map(({ id, supported, status, since }) => ({ id, supported, status, since }));
  if (needed.length === 0) return { ...base, supported: true, text: 'needs no kernel support', product: null, features };
  const missing = needed.filter((verdict) => !verdict.supported && verdict.status !== 'unknown');
  const unknown = needed.filter((verdict) => verdict.status === 'unknown');
  if (missing.length > 0) {
    const words = missing.map((verdict) => `${verdict.id} (${verdict.status === 'not-yet' ? `from ${verdict.since}` : verdict.status === 'removed' ? `removed in ${verdict.removedIn}` : verdict.status})`);
    return { ...base, supported: false, text: `lacks ${words.join(', ')}`, product: null, features };
  }
  if (unknown.length > 0) {
    return { ...base, supported: null, text: `cannot tell from the version whether it has ${unknown.map((verdict) => verdict.id).join(', ')} (a vendor kernel: its config tells)`, product: null, features };
  }
  const words = (verdict: FeatureVerdict) =>
    verdict.status === 'backported' ? `${verdict.id} (backported by the vendor since its ${verdict.vendor?.since}; mainline ${verdict.since})` : `${verdict.id}${verdict.since ? ` (since ${verdict.since})` : ''}`;
  return { ...base, supported: true, text: `has what it needs: ${needed.map(words).join(', ')}`, product: null, features };
}
