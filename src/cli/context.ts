import type { Readable, Writable } from 'node:stream';
import { UserError } from '../errors.js';
import { quote } from '../escape.js';
import { didYouMean } from '../suggest.js';
import { normalizeArch, currentArch, type Arch } from '../arch.js';
import { unknownArch } from '../app/errors.js';

export { unknownArch, unknownFeature } from '../app/errors.js';
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
  /** The positional arguments after the command name, as given (strings, `--` honoured). */
  positionals?: string[];
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

export { listOption } from '../listing.js';

/**
 * The output format asked for: --format, or --json (the same as --format json), else text. A value
 * the command does not offer is a usage error.
 */
export function outputFormat<T extends string>(args: { json?: boolean; format?: string }, offered: readonly T[]): T {
  const format = args.format;
  if (format === undefined) return (args.json ? 'json' : 'text') as T;
  if (!(offered as readonly string[]).includes(format)) {
    throw new UserError(`--format: ${quote(format)} is not one of ${offered.join(', ')}${didYouMean(format, offered)}`);
  }
  if (args.json && format !== 'json') throw new UserError(`give --json or --format ${format}, not both`);
  return format as T;
}
