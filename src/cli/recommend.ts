import { buildProfile, checkedRoot, wishesFrom, type RecommendArgs } from '../app/recommend.js';
import { knowsMachine, recommend } from '../engine/recommend.js';
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
  const describesMachine = [args.arch, args.cpuFlags, args.cpuinfo, args.kernel, args.hardwareVirt].some((value) => value !== undefined);
  const facts: HostFacts | null = args.detect || interactive || !describesMachine ? detectHost(checkedRoot(args.root ?? '/')) : null;
  let effective = args;
  let machineFacts = facts;
  if (interactive) {
    const { askQuestions, guardTerminal } = await import('./questionnaire.js');
    const release = guardTerminal(process.stdin, process.stdout);
    try {
      const asked = await askQuestions(args, facts, knowledge);
      effective = asked.args;
      // Asked about another machine, nothing read here describes it.
      if (!asked.thisMachine) machineFacts = null;
    } finally {
      release();
    }
  }
  const answered = new Set((Object.keys(effective) as Array<keyof RecommendArgs>).filter((key) => effective[key] !== args[key]));
  const { profile, sources, warnings } = buildProfile(effective, machineFacts, answered);
  for (const warning of warnings) context.stderr.write(`virt-advisor: warning: ${warning}\n`);
  const wishes = wishesFrom(effective);
  const candidates = recommend(knowledge, profile, wishes);
  if (args.json) context.stdout.write(`${jsonLine(recommendationJson(knowledge, profile, sources, wishes, candidates, machineFacts), 2)}\n`);
  else writeText(context, formatRecommendationText(profile, sources, wishes, candidates, colorOf(context)));
  if (!candidates.some((candidate) => candidate.eligible)) return 1;
  // --strict: an approach must be eligible on known facts, not for want of evidence against it.
  if (args.strict && !candidates.some((candidate) => candidate.confirmed)) {
    context.stderr.write(
      `virt-advisor: --strict: no approach is eligible on known facts (${knowsMachine(profile) ? 'the CPU or the kernel could not be checked' : 'nothing is known of the machine but its architecture'})\n`,
    );
    return 1;
  }
  return 0;
}
