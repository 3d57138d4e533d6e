import type { Argv } from 'yargs';
import yargs from 'yargs/yargs';
import { escapeText } from '../escape.js';
import { UserError } from '../errors.js';
import type { CliContext } from './context.js';
import { choicesOf } from './choices.js';
import { preflight } from './preflight.js';
import { COMMANDS, EXIT_CODES, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './spec.js';
import { BUGS_URL, VERSION } from './version.js';

type Handler = (args: any, context: CliContext) => number | Promise<number>;

// Each command's module is loaded only when that command runs.
const HANDLERS: Record<string, () => Promise<Handler>> = {
  recommend: async () => (await import('./recommend.js')).runRecommend,
  host: async () => (await import('./host.js')).runHost,
  check: async () => (await import('./check.js')).runCheck,
  list: async () => (await import('./features.js')).runList,
  explain: async () => (await import('./features.js')).runExplain,
  config: async () => (await import('./config.js')).runConfig,
  report: async () => (await import('./report.js')).runReport,
  timeline: async () => (await import('./timeline.js')).runTimeline,
  completion: async () => (await import('./completion.js')).runCompletion,
};

function describeOption(option: OptionSpec, context: CliContext, withChoices: boolean): string {
  const parts = [option.describe];
  if (withChoices && option.choices) parts.push(`[one of: ${choicesOf(option.choices, context).join(', ')}${option.choices === 'arches' ? '; aliases such as amd64, aarch64, i686, ppc64le work' : ''}]`);
  if (option.defaultText) parts.push(`[default: ${option.defaultText}]`);
  return parts.join(' ');
}

function configure(y: Argv, command: CommandSpec, context: CliContext, withChoices: boolean): Argv {
  for (const positional of command.positionals) {
    y = y.positional(positional.name, { type: 'string', describe: positional.describe });
  }
  for (const option of command.options) {
    y = y.option(option.name, { type: option.type, describe: describeOption(option, context, withChoices) });
  }
  for (const example of command.examples) y = y.example(example.command, example.meaning);
  return y;
}

const EPILOG = `Exit codes:\n${EXIT_CODES.map((exit) => `  ${String(exit.code).padEnd(4)}${exit.meaning}`).join('\n')}

Every version in the knowledge base cites its source (virt-advisor explain <id>). Bugs: ${BUGS_URL}`;

/**
 * Runs one command line and returns its exit code. User errors are thrown as UserError (one line,
 * exit 2 or their own code); anything else is a bug.
 */
export async function run(argv: string[], context: CliContext): Promise<number> {
  context.argv = argv;
  const plan = preflight(argv);
  // Handlers take positional arguments from here, not from yargs, which turns "-" into "" and
  // would read numbers after "--".
  context.positionals = plan.positionals;
  let exitCode = 0;
  const width = (context.stdout as { isTTY?: boolean; columns?: number }).isTTY ? (context.stdout as { columns?: number }).columns : undefined;
  let parser = yargs(plan.argv)
    .scriptName('virt-advisor')
    .usage('$0 [command] [options]\n\nWhich Linux virtualization approach fits a machine, which kernel it needs, and what a kernel version or config supports.')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .strict()
    .epilog(EPILOG)
    .wrap(width ? Math.min(width, 120) : null)
    .exitProcess(false)
    .fail((message, error) => {
      if (error && !(error instanceof UserError)) throw error;
      throw error ?? new UserError(message);
    });
  for (const command of COMMANDS) {
    const names = command.isDefault ? [command.name, '$0'] : [command.name];
    const usage = [command.name, ...command.positionals.map((positional) => positional.usage)].join(' ');
    // yargs is told every positional is optional: preflight has checked the counts already, and
    // yargs would not count those after "--".
    const yargsUsage = usage.replace(/<([^>]+)>/g, '[$1]');
    parser = parser.command(
      names.map((name, index) => (index === 0 ? yargsUsage : name)),
      command.summary,
      (y) => {
        const configured = configure(y, command, context, plan.wantsHelp && plan.command === command);
        // Help for a named command describes it; plain --help describes the program.
        return plan.named ? configured.usage(`$0 ${usage} [options]\n\n${command.description}`) : configured;
      },
      async (args) => {
        context.colorFlag = args.color as boolean | undefined;
        const handler = await HANDLERS[command.name]!();
        exitCode = await handler(args, context);
      },
    );
  }
  const color = GLOBAL_OPTIONS.find((option) => option.name === 'color')!;
  parser = parser.option('color', { type: 'boolean', describe: color.describe, global: true }).help('help', 'show help').alias('h', 'help').version('version', 'show the version', VERSION);
  skipHelpCaching(parser);
  await parser.parseAsync();
  return exitCode;
}

/**
 * yargs renders the whole help text after every command, in case the handler asks for it later; ours
 * never do, and the rendering is a tenth of start-up. Without the internal hook, nothing changes.
 */
function skipHelpCaching(parser: object): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * The exit code when standard output fails. A reader that stopped early (| head) is no error of
 * ours: exit with what was known by then. Anything else (a full disk) is one line and exit 2.
 */
function outputFailure(error: NodeJS.ErrnoException, context: CliContext): number {
  if (error.code === 'EPIPE') return context.exitSoFar ?? 0;
  writeError(`virt-advisor: cannot write the output: ${error.code ?? error.message}\n`);
  return 2;
}

/** Writes to stderr; a stderr that cannot be written to (closed, full) must not stop the work. */
export function writeError(text: string): void {
  try {
    process.stderr.write(text, () => {});
  } catch {
    // Nothing more can be said.
  }
}

export const INTERNAL_ERROR = 70;

/** One line for a bug, and its stack only when asked for: what a user can report. */
export function reportInternalError(error: unknown, env: NodeJS.ProcessEnv): number {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  writeError(
    `virt-advisor: internal error (a bug in virt-advisor ${VERSION}, not in your input): ${escapeText(message).slice(0, 300)}; please report it with the command line at ${BUGS_URL}${env.VIRT_ADVISOR_DEBUG === '1' ? '' : ' (VIRT_ADVISOR_DEBUG=1 shows the stack)'}\n`,
  );
  if (env.VIRT_ADVISOR_DEBUG === '1' && error instanceof Error && error.stack) writeError(`${error.stack}\n`);
  return INTERNAL_ERROR;
}

/** The binary's entry: real streams, one-line errors, exit codes. */
export async function main(argv: string[], packageRoot: string): Promise<number> {
  const context: CliContext = {
    packageRoot,
    // Touching process.stdin sets up a stream; only commands that read it pay for that.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(outputFailure(error, context)));
  // A failing stderr (closed, /dev/full) is not worth dying for: results still go to stdout.
  process.stderr.on('error', () => {});
  try {
    return await run(argv, context);
  } catch (error) {
    if (error instanceof UserError) {
      // One line whatever a message echoes: control and invisible characters are escaped.
      writeError(`virt-advisor: ${escapeText(error.message)}\n`);
      return error.exitCode;
    }
    if ((error as NodeJS.ErrnoException).syscall === 'write') return outputFailure(error as NodeJS.ErrnoException, context);
    return reportInternalError(error, context.env);
  }
}
