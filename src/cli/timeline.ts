import { writeFileSync } from 'node:fs';
import { jsonLine } from '../escape.js';
import { UserError } from '../errors.js';
import { formatTimelineText, timelineData, timelineHtml, timelineSvg } from '../format/timeline.js';
import { fsErrorWords } from '../fs-errors.js';
import { showPath } from '../read-file.js';
import { releaseNameKey } from '../version/compare.js';
import { parseKernelVersion } from '../version/parse.js';
import { colorOf, knowledgeBase, listOption, resolveArch, unknownFeature, type CliContext } from './context.js';
import { terminalWidth } from './io.js';

export interface TimelineArgs {
  arch?: string;
  features?: string[];
  since?: string;
  until?: string;
  json?: boolean;
  svg?: string;
  html?: string;
}

/** A release given as any version string: its mainline release. */
function releaseOf(option: string, value: string): string {
  try {
    return parseKernelVersion(value).release;
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`--${option}: ${error.message}`);
    throw error;
  }
}

/** Block characters need a UTF-8 terminal; NO_COLOR and other locales get plain ASCII. */
export function useUnicode(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined) return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

function writeOut(file: string, text: string, context: CliContext): void {
  if (file === '') throw new UserError('an empty file name was given (an unset variable in a script?)');
  if (file === '-') {
    context.stdout.write(text);
    return;
  }
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UserError(`cannot write ${showPath(file)}: ${fsErrorWords(error)}`);
  }
}

/** `virt-advisor timeline`: when each feature was in mainline on an architecture, as a picture. */
export function runTimeline(args: TimelineArgs, context: CliContext): number {
  const knowledge = knowledgeBase(context);
  const arch = resolveArch(args.arch);
  const features = listOption(args.features);
  const unknown = features.filter((id) => !knowledge.byId.has(id));
  if (unknown.length > 0) throw unknownFeature(unknown, knowledge);
  const since = args.since === undefined ? undefined : releaseOf('since', args.since);
  const until = args.until === undefined ? undefined : releaseOf('until', args.until);
  if (since && until && releaseNameKey(since) > releaseNameKey(until)) throw new UserError(`--since ${since} is after --until ${until}`);
  const outputs = [args.svg, args.html].filter((file) => file !== undefined);
  if (outputs.filter((file) => file === '-').length > 1 || (args.json && outputs.includes('-'))) throw new UserError('only one of --json, --svg - and --html - can go to standard output');
  const data = timelineData(knowledge, arch, { features, ...(since ? { since } : {}), ...(until ? { until } : {}) });
  if (args.svg !== undefined) writeOut(args.svg, timelineSvg(data), context);
  if (args.html !== undefined) writeOut(args.html, timelineHtml(data), context);
  if (outputs.includes('-')) return 0;
  if (args.json) context.stdout.write(`${jsonLine(data, 2)}\n`);
  else if (outputs.length === 0) {
    const width = terminalWidth(context.stdout as { isTTY?: boolean; columns?: number }) ?? (Number(context.env.COLUMNS) >= 40 ? Number(context.env.COLUMNS) : 100);
    context.stdout.write(formatTimelineText(data, { width, color: colorOf(context), unicode: useUnicode(context.env) }));
  }
  return 0;
}
