import { formatHostText, hostToJson } from '../format/host.js';
import { detectHost } from '../host/detect.js';
import type { CliContext } from './context.js';
import { useColor } from './io.js';
import { checkedRoot } from './recommend.js';

/** `virt-advisor host`: what can be read of this machine (or --root), and where each fact came from. */
export function runHost(args: { root?: string; json?: boolean }, context: CliContext): number {
  const facts = detectHost(checkedRoot(args.root ?? '/'));
  context.stdout.write(args.json ? `${JSON.stringify(hostToJson(facts), null, 2)}\n` : formatHostText(facts, { color: useColor(context.stdout, context.env) }));
  return 0;
}
