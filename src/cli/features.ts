import { UserError } from '../errors.js';
import { featureListJson, formatFeatureExplanation, formatFeatureList } from '../format/features.js';
import { knowledgeBase, resolveArch, type CliContext } from './context.js';
import { useColor } from './io.js';

/** `virt-advisor list`: the features of the knowledge base, with their release on --arch if given. */
export function runList(args: { arch?: string; json?: boolean }, context: CliContext): number {
  const knowledge = knowledgeBase(context);
  const arch = args.arch === undefined ? null : resolveArch(args.arch);
  const features = arch ? knowledge.features.filter((feature) => feature.support[arch] || feature.mainline === false) : knowledge.features;
  context.stdout.write(
    args.json ? `${JSON.stringify(featureListJson(features, arch), null, 2)}\n` : formatFeatureList(features, arch, useColor(context.stdout, context.env)),
  );
  return 0;
}

/** `virt-advisor explain <id>`: everything known about one feature, with sources. */
export function runExplain(args: { id: string; json?: boolean }, context: CliContext): number {
  const knowledge = knowledgeBase(context);
  const feature = knowledge.byId.get(args.id);
  if (!feature) throw new UserError(`unknown feature id "${args.id}" (valid ids: ${[...knowledge.byId.keys()].sort().join(', ')})`);
  context.stdout.write(args.json ? `${JSON.stringify(feature, null, 2)}\n` : formatFeatureExplanation(feature, useColor(context.stdout, context.env)));
  return 0;
}
