import { buildProfile, checkedRoot, wishesFrom, type RecommendArgs } from '../app/recommend.js';
import { recommend } from '../engine/recommend.js';
import { jsonLine } from '../escape.js';
import { formatRecommendationText, recommendationJson } from '../format/recommend.js';
import { detectHost, type HostFacts } from '../host/detect.js';
import { colorOf, knowledgeBase, writeText, type CliContext } from './context.js';

export { buildProfile, checkedRoot, wishesFrom, type RecommendArgs };

/** `virt-advisor recommend`: read the machine, ask what is wanted, rank the approaches. */
export async function runRecommend(args: RecommendArgs, context: CliContext): Promise<number> {
  const knowledge = knowledgeBase(context);
  const interactive = !args.nonInteractive && context.stdin.isTTY === true && context.stdout.isTTY === true && !args.json;
  // The questionnaire offers what detection found as defaults; the answers then override it.
  // With nothing said about the machine, the machine meant is this one.
  const describesMachine = [args.arch, args.cpuFlags, args.cpuinfo, args.kernel].some((value) => value !== undefined);
  const facts: HostFacts | null = args.detect || interactive || !describesMachine ? detectHost(checkedRoot(args.root ?? '/')) : null;
  let effective = args;
  if (interactive) {
    const { askQuestions, guardTerminal } = await import('./questionnaire.js');
    const release = guardTerminal(process.stdin, process.stdout);
    try {
      effective = await askQuestions(args, facts);
    } finally {
      release();
    }
  }
  const answered = new Set((Object.keys(effective) as Array<keyof RecommendArgs>).filter((key) => effective[key] !== args[key]));
  const { profile, sources } = buildProfile(effective, facts, answered);
  const wishes = wishesFrom(effective);
  const candidates = recommend(knowledge, profile, wishes);
  if (args.json) context.stdout.write(`${jsonLine(recommendationJson(profile, sources, wishes, candidates, facts), 2)}\n`);
  else writeText(context, formatRecommendationText(profile, sources, wishes, candidates, colorOf(context)));
  return candidates.some((candidate) => candidate.eligible) ? 0 : 1;
}
