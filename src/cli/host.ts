import { jsonLine } from '../escape.js';
import { formatHostText, hostToJson } from '../format/host.js';
import { detectHost } from '../host/detect.js';
import { colorOf, knowledgeBase, outputFormat, writeText, type CliContext } from './context.js';
import { checkedRoot } from './recommend.js';
import { VERSION } from './version.js';

/** `virt-advisor host`: what can be read of this machine (or --root), and where each fact came from. */
export async function runHost(args: { root?: string; json?: boolean; format?: string }, context: CliContext): Promise<number> {
  const format = outputFormat(args, ['text', 'json', 'prometheus'] as const);
  const facts = detectHost(checkedRoot(args.root ?? '/'));
  if (format === 'json') context.stdout.write(`${jsonLine(hostToJson(facts), 2)}\n`);
  else if (format === 'prometheus') {
    // Which approaches this machine could use, as recommend ranks them with no guests or goals said.
    const { buildProfile, wishesFrom } = await import('../app/recommend.js');
    const { recommend } = await import('../engine/recommend.js');
    const { hostMetrics } = await import('../format/prometheus.js');
    const knowledge = knowledgeBase(context);
    const candidates = recommend(knowledge, buildProfile({}, facts).profile, wishesFrom({}));
    context.stdout.write(hostMetrics(facts, candidates, VERSION));
  } else writeText(context, formatHostText(facts, { color: colorOf(context), hardware: knowledgeBase(context).hardwareVirtualization }));
  return 0;
}
