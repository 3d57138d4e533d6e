import { UserError } from '../errors.js';
import { createKernelChecker } from '../app/check.js';
import { currentArch } from '../arch.js';
import { createCheckJsonFormatter, formatCheckText, knownReleases, vendorName } from '../format/check.js';
import { parseKernelVersion } from '../version/parse.js';
import { colorOf, knowledgeBase, listOption, noteExit, resolveArch, unknownFeature, type CliContext } from './context.js';
import { BufferedWriter, readLineBatches, terminalWidth } from './io.js';
import { wrapText } from '../format/wrap.js';
import { escapeText } from '../escape.js';

export interface CheckArgs {
  versions?: string[];
  /** What yargs did not take as options: the command, then whatever followed `--`. */
  _?: Array<string | number>;
  arch?: string;
  json?: boolean;
  require?: string[];
  allowUnknown?: boolean;
  stdin?: boolean;
}

/** `virt-advisor check`: what each kernel version can do. Returns the exit code. */
export async function runCheck(args: CheckArgs, context: CliContext): Promise<number> {
  const knowledge = knowledgeBase(context);
  // --arch, else what each version string names, else this machine's.
  const given = args.arch === undefined ? null : resolveArch(args.arch);
  const machine = currentArch() ?? null;
  const required = listOption(args.require);
  const unknown = required.filter((id) => !knowledge.byId.has(id));
  if (unknown.length > 0) throw unknownFeature(unknown, knowledge);
  // Scripts put `--` before values that may start with a dash; those arrive after the command name.
  const versions = context.positionals ?? [...(args.versions ?? []), ...(args._ ?? []).slice(1).map(String)];
  if (args.stdin && versions.length > 0) throw new UserError('give versions as arguments or with --stdin, not both');
  if (!args.stdin && versions.length === 0) throw new UserError('no kernel version given (try: virt-advisor check "$(uname -r)", or --stdin)');

  const check = createKernelChecker(knowledge, { arch: given, fallback: machine });
  const requiredIndexes = required.map((id) => knowledge.features.findIndex((feature) => feature.id === id));
  const releases = knownReleases(knowledge.releases);
  const toJson = args.json ? createCheckJsonFormatter(releases) : null;
  const color = colorOf(context);
  const width = terminalWidth(context.stdout);
  // On a terminal each answer shows at once; into a pipe output is gathered into large writes.
  const out = new BufferedWriter(context.stdout, context.stdout.isTTY ? 0 : undefined);
  let badInput = false;
  let unmet = false;
  /** A message on stderr, after the answers before it: the two streams keep the input's order. */
  const report = (text: string) => {
    out.flush();
    context.stderr.write(`virt-advisor: ${escapeText(text)}\n`);
  };

  const handle = (text: string, where: string | null): Promise<void> | undefined => {
    let version;
    try {
      version = parseKernelVersion(text);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      badInput = true;
      noteExit(context, 2);
      report(`${where ? `${where}: ` : ''}${error.message}`);
      return undefined;
    }
    const checked = check(version);
    if ('error' in checked) {
      badInput = true;
      noteExit(context, 2);
      report(`${where ? `${where}: ` : ''}${checked.error}`);
      return undefined;
    }
    const { verdicts, arch } = checked;
    const unknowns = requiredIndexes.filter((index) => verdicts[index]!.status === 'unknown').map((index) => verdicts[index]!.id);
    const missing = requiredIndexes
      .filter((index) => !verdicts[index]!.supported && !(args.allowUnknown && verdicts[index]!.status === 'unknown'))
      .map((index) => verdicts[index]!.id);
    if (missing.length > 0) {
      unmet = true;
      noteExit(context, 1);
      const unknownWords = unknowns.length > 0 && !args.allowUnknown ? `; unknown, counted as not met (--allow-unknown counts them as met): ${unknowns.join(', ')}` : '';
      // For a vendor or patched kernel the mainline answer may be wrong: say how to know for sure.
      const backports = version.distribution?.backports;
      const hint = backports === 'vendor' || backports === 'patched' ? ` (this ${vendorName(version, checked.vendor)} kernel's own config tells for sure: virt-advisor check --config)` : '';
      report(`${version.input} (${arch}) lacks required: ${missing.join(', ')}${unknownWords}${hint}`);
    }
    if (checked.archConflict) report(`warning: ${version.input}: ${checked.archConflict}`);
    return out.write(toJson ? toJson(checked) : wrapText(formatCheckText(knowledge, checked, color, releases), width) + (args.stdin || versions.length > 1 ? '\n' : ''));
  };

  let linesRead = 0;
  if (args.stdin) {
    for await (const batch of readLineBatches(context.stdin)) {
      for (const [lineNumber, line] of batch) {
        if (line === null) {
          badInput = true;
          noteExit(context, 2);
          report(`line ${lineNumber}: not a kernel version: the line is too long`);
          continue;
        }
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        linesRead++;
        const waiting = handle(line, `line ${lineNumber}`);
        if (waiting) await waiting;
      }
      // The input has nothing more for now: what is answered goes out before waiting for more,
      // so a slow producer (or a person typing) sees each answer.
      const waiting = out.flush();
      if (waiting) await waiting;
    }
  } else {
    for (const text of versions) {
      const waiting = handle(String(text), null);
      if (waiting) await waiting;
    }
  }
  await out.flush();
  // An empty inventory is most likely a broken command before us: it must not pass --require.
  if (args.stdin && linesRead === 0 && !badInput) throw new UserError('no kernel versions on standard input');
  return badInput ? 2 : unmet ? 1 : 0;
}
