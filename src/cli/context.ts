import type { Readable, Writable } from 'node:stream';
import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import { didYouMean } from './suggest.js';
import { ARCHES, normalizeArch, currentArch, type Arch } from '../arch.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../rules/knowledge.js';
import { wrapText } from '../format/wrap.js';
import { terminalWidth, useColor } from './io.js';

/** What a command needs from the outside world; the tests and the binary give the real ones. */
export interface CliContext {
  packageRoot: string;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** The command line as given, for what yargs blurs (it turns a lone "-" into ""). */
  argv?: string[];
  /**
   * The worst exit code known so far. Streaming commands raise it as they go, so that a reader
   * closing the pipe early (| head) still gets the failure already reported on stderr.
   */
  exitSoFar?: number;
  /** --color (true) or --no-color (false); undefined leaves it to the environment and the terminal. */
  colorFlag?: boolean;
}

/** Whether this run's text output is coloured. */
export function colorOf(context: CliContext): boolean {
  return useColor(context.stdout as { isTTY?: boolean }, context.env, context.colorFlag);
}

/** Writes a text report, wrapped to the terminal's width when it goes to one. */
export function writeText(context: CliContext, text: string): void {
  context.stdout.write(wrapText(text, terminalWidth(context.stdout as { isTTY?: boolean; columns?: number })));
}

/** Records an exit code known before the command ends; the worst one wins. */
export function noteExit(context: CliContext, code: number): void {
  context.exitSoFar = Math.max(context.exitSoFar ?? 0, code);
}

let knowledge: KnowledgeBase | undefined;

export function knowledgeBase(context: CliContext): KnowledgeBase {
  knowledge ??= loadKnowledgeBase(context.packageRoot);
  return knowledge;
}

/** The --arch value as one of ours, or this machine's when none is given. */
export function resolveArch(given: string | undefined): Arch {
  if (given !== undefined) {
    const arch = normalizeArch(given);
    if (!arch) throw unknownArch(given);
    return arch;
  }
  const here = currentArch();
  if (!here) throw new UserError(`cannot tell this machine's architecture (${process.arch}); give --arch`);
  return here;
}

/** The error for an architecture name no table knows, with the closest one. */
export function unknownArch(given: string): UserError {
  return new UserError(`unknown architecture ${quote(given)}${didYouMean(given.toLowerCase(), ARCHES)} (expected one of: ${ARCHES.join(', ')}, or an alias such as amd64, aarch64, i686, ppc64le)`);
}

/** The error for feature ids the knowledge base does not have, with the closest one. */
export function unknownFeature(ids: string[], knowledge: KnowledgeBase): UserError {
  const known = [...knowledge.byId.keys()].sort();
  return new UserError(`unknown feature id ${ids.map((id) => quote(id)).join(', ')}${didYouMean(ids[0]!, known)} (valid ids: ${known.join(', ')})`);
}

/** Splits repeatable, comma-separated option values: --require a,b --require c. */
export function listOption(values: string | string[] | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
}
