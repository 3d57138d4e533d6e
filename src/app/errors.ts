import { ARCHES } from '../arch.js';
import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import { didYouMean } from '../suggest.js';

/** The error for an architecture name no table knows, with the closest one. */
export function unknownArch(given: string): UserError {
  return new UserError(`unknown architecture ${quote(given)}${didYouMean(given.toLowerCase(), ARCHES)} (expected one of: ${ARCHES.join(', ')}, or an alias such as amd64, aarch64, i686, ppc64le)`);
}

/** The error for feature ids the knowledge base does not have, with the closest one. */
export function unknownFeature(ids: string[], knowledge: KnowledgeBase): UserError {
  const known = [...knowledge.byId.keys()].sort();
  return new UserError(`unknown feature id ${ids.map((id) => quote(id)).join(', ')}${didYouMean(ids[0]!, known)} (valid ids: ${known.join(', ')})`);
}


/** The error for an approach id the knowledge base does not have, with the closest one. */
export function unknownApproach(id: string, knowledge: KnowledgeBase): UserError {
  const known = knowledge.approaches.map((approach) => approach.id).sort();
  return new UserError(`unknown approach ${quote(id)}${didYouMean(id, known)} (valid ids: ${known.join(', ')})`);
}

/** The error for an id `explain` does not know: neither a feature nor a hosted hypervisor. */
export function unknownExplainable(id: string, knowledge: KnowledgeBase): UserError {
  const known = [...knowledge.byId.keys(), ...knowledge.products.keys()].sort();
  // A short start of an id ("vmware") is as good a hint as a typo.
  const starting = known.filter((entry) => id.length >= 3 && entry.startsWith(id.toLowerCase()));
  const hint = didYouMean(id, known) || (starting.length > 0 ? ` (did you mean ${starting.map((entry) => quote(entry)).join(' or ')}?)` : '');
  return new UserError(`unknown id ${quote(id)}${hint} (valid ids: features ${[...knowledge.byId.keys()].sort().join(', ')}; hosted hypervisors ${[...knowledge.products.keys()].join(', ')})`);
}
