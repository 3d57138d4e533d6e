import { ARCHES } from '../arch.js';
import { GOALS } from '../rules/approaches.js';
import { loadTargets } from '../rules/targets.js';
import { CPU_VENDORS, GUEST_OSES, HARDWARE_VIRT_ANSWERS } from '../rules/types.js';
import { knowledgeBase, type CliContext } from './context.js';
import { FORMATS, SHELLS, type ChoiceSet } from './spec.js';

/** The values of an enumerated option, for --help, the man page and completion. */
export function choicesOf(set: ChoiceSet, context: CliContext): string[] {
  switch (set) {
    case 'arches':
      return [...ARCHES];
    case 'guests':
      return [...GUEST_OSES];
    case 'goals':
      return [...GOALS];
    case 'shells':
      return [...SHELLS];
    case 'answers':
      return [...HARDWARE_VIRT_ANSWERS];
    case 'vendors':
      return [...CPU_VENDORS];
    case 'features':
      return knowledgeBase(context).features.map((feature) => feature.id);
    case 'targets':
      return targetIds(context);
    case 'explainable':
      return [...knowledgeBase(context).features.map((feature) => feature.id), ...knowledgeBase(context).products.keys()];
    case 'approaches':
      return knowledgeBase(context).approaches.map((approach) => approach.id);
    case 'hostFormats':
    case 'configFormats':
    case 'checkFormats':
    case 'reportFormats':
      return [...FORMATS[set]];
  }
}

function targetIds(context: CliContext): string[] {
  return loadTargets(context.packageRoot).map((target) => target.id);
}

