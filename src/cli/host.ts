import { jsonLine } from '../escape.js';
import { formatHostText, hostToJson } from '../format/host.js';
import { detectHost } from '../host/detect.js';
import { colorOf, knowledgeBase, writeText, type CliContext } from './context.js';
import { checkedRoot } from './recommend.js';

/** `virt-advisor host`: what can be read of this machine (or --root), and where each fact came from. */
export function runHost(args: { root?: string; json?: boolean }, context: CliContext): number {
  const facts = detectHost(checkedRoot(args.root ?? '/'));
  if (args.json) context.stdout.write(`${jsonLine(hostToJson(facts), 2)}\n`);
  else writeText(context, formatHostText(facts, { color: colorOf(context), hardware: knowledgeBase(context).hardwareVirtualization }));
  return 0;
}
