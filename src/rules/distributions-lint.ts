import type { LintCheck } from './load.js';
import type { RuleProblem } from './validate.js';

/**
 * Checks of rules/distributions/ a schema cannot express: patterns that compile, release names
 * that are unique, facts that name real features and releases of the file in order, build numbers
 * where releases are told by build.
 */
export const distributionsAreSound: LintCheck = ({ distributions, features }) => {
  const problems: RuleProblem[] = [];
  const featureIds = new Set(features.map((feature) => feature.id));
  for (const distribution of distributions) {
    const file = `distributions/${distribution.id}.json`;
    const names = distribution.releases.map((release) => release.release);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) problems.push({ file, message: `release "${name}" is named twice` });
    });
    for (const release of distribution.releases) {
      try {
        new RegExp(release.pattern);
      } catch (error) {
        problems.push({ file, message: `release ${release.release}: pattern does not compile (${(error as Error).message})` });
      }
      if (distribution.match === 'build' && release.build === undefined) problems.push({ file, message: `release ${release.release}: no build number, which match "build" needs` });
    }
    distribution.facts.forEach((fact, index) => {
      const at = `facts[${index}] (${fact.feature})`;
      if (!featureIds.has(fact.feature)) problems.push({ file, message: `${at}: unknown feature "${fact.feature}"` });
      const since = names.indexOf(fact.since);
      if (since === -1) problems.push({ file, message: `${at}: since "${fact.since}" is not a release of this file` });
      if (fact.until !== undefined) {
        const until = names.indexOf(fact.until);
        if (until === -1) problems.push({ file, message: `${at}: until "${fact.until}" is not a release of this file` });
        else if (since !== -1 && until <= since) problems.push({ file, message: `${at}: until ${fact.until} does not come after since ${fact.since}` });
      }
      if (fact.variant !== undefined) {
        try {
          new RegExp(fact.variant);
        } catch (error) {
          problems.push({ file, message: `${at}: variant does not compile (${(error as Error).message})` });
        }
      }
    });
  }
  return problems;
};
