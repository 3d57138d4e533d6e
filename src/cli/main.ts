import yargs from 'yargs/yargs';
import { UserError } from '../errors.js';
import { checkOptions, runCheck, type CheckArgs } from './check.js';
import { configOptions, runConfig, type ConfigArgs } from './config.js';
import type { CliContext } from './context.js';
import { runExplain, runList } from './features.js';
import { runHost } from './host.js';
import { recommendOptions, runRecommend, type RecommendArgs } from './recommend.js';

const EPILOG = `Exit codes:
  0  done; every requirement met; recommend: an approach is eligible
  1  a requirement is not met (check --require, a config target); recommend: none is eligible
  2  bad input or usage (the message says which); with several versions, at least one was bad
  130  the questionnaire was interrupted (Ctrl-C)

Docs and sources: every version in the knowledge base cites its source (virt-advisor explain <id>).`;

/**
 * Runs one command line and returns its exit code. User errors print one line; any other error
 * escapes with its stack, because it is a bug.
 */
export async function run(argv: string[], context: CliContext): Promise<number> {
  context.argv = argv;
  let exitCode = 0;
  const stdoutWidth = (context.stdout as { columns?: number }).columns;
  const parser = yargs(argv)
    .scriptName('virt-advisor')
    .usage('$0 [command] [options]\n\nWhich Linux virtualization approach fits a machine, which kernel it needs, and what a kernel version or config supports.')
    .command(
      ['recommend', '$0'],
      'recommend an approach and a minimum kernel for this machine (asks on a terminal; the default command)',
      (y) =>
        recommendOptions(y)
          .example('$0 recommend --detect', 'read this machine and answer')
          .example('$0 recommend --arch x86_64 --cpu-flags "vmx lm" --guest windows --goal performance --json', ''),
      async (args) => {
        exitCode = await runRecommend(args as RecommendArgs, context);
      },
    )
    .command(
      'host',
      'what can be read of this machine, and where each fact came from',
      (y) => y.option('root', { type: 'string', default: '/', describe: 'read the machine whose filesystem is mounted here' }).option('json', { type: 'boolean' }),
      (args) => {
        exitCode = runHost(args, context);
      },
    )
    .command(
      'check [versions..]',
      'what a kernel version can do, feature by feature',
      (y) => checkOptions(y).example('$0 check "$(uname -r)"', '').example('$0 check 2.6.23 3.0 --arch i386 --require lguest', '').example('cat versions.txt | $0 check --stdin --json', ''),
      async (args) => {
        exitCode = await runCheck(args as CheckArgs, context);
      },
    )
    .command(
      'list',
      'the features the knowledge base knows',
      (y) => y.option('arch', { type: 'string', describe: 'only features mainline has had on this architecture' }).option('json', { type: 'boolean' }),
      (args) => {
        exitCode = runList(args, context);
      },
    )
    .command(
      'explain <id>',
      'everything known about one feature, with sources',
      (y) => y.positional('id', { type: 'string', demandOption: true }).option('json', { type: 'boolean' }),
      (args) => {
        exitCode = runExplain(args as { id: string; json?: boolean }, context);
      },
    )
    .command(
      'config [file]',
      'audit a kernel .config for a use: KVM host or guest, Xen, containers, VFIO',
      (y) => configOptions(y).example('$0 config /boot/config-$(uname -r) --for kvm-host', '').example('$0 config .config --for containers --fragment > fix.config', ''),
      async (args) => {
        exitCode = await runConfig(args as ConfigArgs, context);
      },
    )
    .strict()
    .epilog(EPILOG)
    .wrap(Math.min(100, stdoutWidth ?? 100))
    .middleware(refuseRepeatedOptions)
    .exitProcess(false)
    .fail((message, error) => {
      if (error && !(error instanceof UserError)) throw error;
      throw error ?? new UserError(message);
    })
    .help()
    .version();
  skipHelpCaching(parser);
  await parser.parseAsync();
  return exitCode;
}

/** Options that take one value: yargs makes an array of a repeated one, which would be misread. */
const SINGLE_VALUED = ['arch', 'kernel', 'root', 'cpu-flags', 'cpuinfo', 'file', 'id'];

function refuseRepeatedOptions(argv: Record<string, unknown>): void {
  for (const name of SINGLE_VALUED) {
    if (Array.isArray(argv[name])) throw new UserError(`--${name} given more than once (${(argv[name] as unknown[]).map(String).join(', ')}); give it once`);
  }
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
  process.stderr.write(`virt-advisor: cannot write the output: ${error.code ?? error.message}\n`);
  return 2;
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
  try {
    return await run(argv, context);
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`virt-advisor: ${error.message}\n`);
      return error.exitCode;
    }
    if ((error as NodeJS.ErrnoException).syscall === 'write') return outputFailure(error as NodeJS.ErrnoException, context);
    throw error;
  }
}
