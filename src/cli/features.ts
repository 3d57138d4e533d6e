import { jsonLine } from '../escape.js';
import { formatProductExplanation, productJson } from '../format/product.js';
import { unknownExplainable } from '../app/errors.js';
import { featureJson, featureListJson, formatFeatureExplanation, formatFeatureList, vendorRecordsOf } from '../format/features.js';
import { colorOf, knowledgeBase, resolveArch, writeText, type CliContext } from './context.js';

/** `virt-advisor list`: the features of the knowledge base, with their release on --arch if given. */
export function runList(args: { arch?: string; json?: boolean }, context: CliContext): number {
  const knowledge = knowledgeBase(context);
  const arch = args.arch === undefined ? null : resolveArch(args.arch);
  const features = arch ? knowledge.features.filter((feature) => feature.support[arch] || feature.mainline === false) : knowledge.features;
  if (args.json) context.stdout.write(`${jsonLine(featureListJson(features, arch), 2)}\n`);
  else writeText(context, formatFeatureList(features, arch, colorOf(context)));
  return 0;
}

/** `virt-advisor explain <id>`: everything known about one feature, or a hosted hypervisor's releases, with sources. */
export function runExplain(args: { id: string; json?: boolean }, context: CliContext): number {
  const knowledge = knowledgeBase(context);
  const id = context.positionals?.[0] ?? args.id;
  const product = knowledge.products.get(id);
  if (product) {
    if (args.json) context.stdout.write(`${jsonLine(productJson(product), 2)}\n`);
    else writeText(context, formatProductExplanation(product, colorOf(context)));
    return 0;
  }
  const feature = knowledge.byId.get(id);
  if (!feature) throw unknownExplainable(id, knowledge);
  const vendors = vendorRecordsOf(feature, knowledge.distributions.values());
  if (args.json) context.stdout.write(`${jsonLine(featureJson(feature, vendors), 2)}\n`);
  else writeText(context, formatFeatureExplanation(feature, colorOf(context), vendors));
  return 0;
}
