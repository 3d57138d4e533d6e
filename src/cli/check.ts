import { UserError } from '../errors.js';
import { availability, createKernelChecker, withConfig as addConfig, type CheckedKernel } from '../app/check.js';
import type { KernelConfigInput } from '../app/kernel-config.js';
import { currentArch, type Arch } from '../arch.js';
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
  config?: string;
  root?: string;
}

/** One kernel to check with its config: this machine's (no version given), or --config FILE's. */
interface WithConfig {
  version: string;
  config: KernelConfigInput | { reason: string };
  /** The architecture when the version string names none: the config's, or the machine's at the root. */
  fallback: { arch: Arch; from: 'machine' | 'config'; evidence: string | null } | null;
  warnings: string[];
}

async function readConfigArgument(args: CheckArgs, versions: string[], context: CliContext): Promise<WithConfig> {
  const { readNamedConfig, kernelConfigFromBytes } = await import('../app/kernel-config.js');
  const knowledge = knowledgeBase(context);
  const file = args.config!;
  let config: KernelConfigInput;
  if (file === '-') {
    if (context.stdin.isTTY) throw new UserError('--config -: standard input is a terminal; pipe a config in (zcat /proc/config.gz | virt-advisor check --config -)');
    const { readConfigStream } = await import('../kconfig/read.js');
    const bytes = await readConfigStream(context.stdin, 'standard input');
    config = kernelConfigFromBytes(knowledge, bytes, 'standard input', undefined, { loaded: null, reason: 'not the running kernel\'s config' });
  } else {
    config = readNamedConfig(knowledge, file);
  }
  const warnings: string[] = [];
  let version = versions[0];
  if (version === undefined) {
    if (config.headerVersion === null) throw new UserError(`${config.shown} names no kernel version in its header; give the version: virt-advisor check VERSION --config FILE`);
    version = config.headerVersion;
  } else if (config.headerVersion !== null) {
    const given = tryParse(version);
    const header = tryParse(config.headerVersion);
    if (given && header && given.release !== header.release) {
      warnings.push(`${config.shown}: its header is for ${config.headerVersion}, not ${given.release}; its config states are read for ${version} as given`);
    }
  }
  const fallback = config.arch ? { arch: config.arch.arch, from: 'config' as const, evidence: config.arch.from } : null;
  return { version, config, fallback, warnings };
}

function tryParse(text: string) {
  try {
    return parseKernelVersion(text);
  } catch {
    return null;
  }
}

async function readRunning(args: CheckArgs, context: CliContext): Promise<WithConfig> {
  const { readRunningKernel } = await import('../app/kernel-config.js');
  const { isKnown, unknown } = await import('../host/fact.js');
  const root = args.root ?? '/';
  if (root === '') throw new UserError('--root: an empty directory name was given (an unset variable in a script?)');
  const running = readRunningKernel(knowledgeBase(context), root);
  if (!isKnown(running.release)) {
    throw new UserError(`cannot tell the running kernel's release (${running.release.unknown}); give a version: virt-advisor check VERSION`);
  }
  let fallback: WithConfig['fallback'] = null;
  const config = running.config;
  // Another root may hold another architecture's system: its config says best what it was built for.
  if (!running.reader.live && 'arch' in config && config.arch) fallback = { arch: config.arch.arch, from: 'config', evidence: config.arch.from };
  else {
    const { detectArch, readCpu } = await import('../host/detect.js');
    const arch = detectArch(running.reader, running.reader.live ? unknown('not needed') : readCpu(running.reader));
    if (isKnown(arch)) fallback = { arch: arch.value, from: 'machine', evidence: arch.source };
  }
  return { version: running.release.value, config: running.config, fallback, warnings: [] };
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
  if (args.stdin && (args.config !== undefined || args.root !== undefined)) throw new UserError('--config and --root check one kernel with its config; they do not go with --stdin');
  if (args.config === '') throw new UserError('--config: an empty file name was given (an unset variable in a script?); give a path, or - for standard input');
  if (args.config !== undefined && versions.length > 1) throw new UserError('--config is one kernel\'s config: give at most one version with it');
  if (args.root !== undefined && (versions.length > 0 || args.config !== undefined)) {
    throw new UserError("--root checks the kernel running at that root, found there; give no version with it (for another kernel's config, use --config FILE)");
  }
  // No version: this machine's running kernel, with its config when it can be found.
  const withConfig: WithConfig | null = args.config !== undefined ? await readConfigArgument(args, versions, context) : !args.stdin && versions.length === 0 ? await readRunning(args, context) : null;

  const check = createKernelChecker(knowledge, {
    arch: given,
    fallback: withConfig?.fallback?.arch ?? (withConfig ? null : machine),
    ...(withConfig?.fallback ? { fallbackFrom: { from: withConfig.fallback.from, evidence: withConfig.fallback.evidence } } : {}),
  });
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
    let checked = check(version);
    if (!('error' in checked) && withConfig) checked = withConfigOf(checked);
    if ('error' in checked) {
      badInput = true;
      noteExit(context, 2);
      report(`${where ? `${where}: ` : ''}${checked.error}`);
      return undefined;
    }
    const { verdicts, arch } = checked;
    const known = checked;
    const unknowns = requiredIndexes.filter((index) => availability(known, index) === 'unknown').map((index) => verdicts[index]!.id);
    const missing = requiredIndexes
      .filter((index) => {
        const available = availability(known, index);
        return available === 'unknown' ? !args.allowUnknown : !available;
      })
      .map((index) => verdicts[index]!.id);
    const leftOut = requiredIndexes.filter((index) => verdicts[index]!.supported && availability(known, index) === false).map((index) => verdicts[index]!.id);
    if (missing.length > 0) {
      unmet = true;
      noteExit(context, 1);
      const unknownWords = unknowns.length > 0 && !args.allowUnknown ? `; unknown, counted as not met (--allow-unknown counts them as met): ${unknowns.join(', ')}` : '';
      // For a vendor or patched kernel the mainline answer may be wrong: say how to know for sure.
      const backports = version.distribution?.backports;
      // Only a feature a vendor could have added (merged later, no record, out of tree) is worth the config's look.
      const couldBackport = missing.some((id) => ['not-yet', 'unknown', 'out-of-tree'].includes(verdicts.find((verdict) => verdict.id === id)!.status));
      const hint =
        (backports === 'vendor' || backports === 'patched') && checked.config === null && couldBackport
          ? ` (this ${vendorName(version, checked.vendor)} kernel's own config tells for sure: virt-advisor check --config)`
          : '';
      const configWords = leftOut.length > 0 ? `; the version has them, but this kernel's config leaves out: ${leftOut.join(', ')}` : '';
      report(`${version.input} (${arch}) lacks required: ${missing.join(', ')}${configWords}${unknownWords}${hint}`);
    }
    if (checked.archConflict) report(`warning: ${version.input}: ${checked.archConflict}`);
    return out.write(toJson ? toJson(checked) : wrapText(formatCheckText(knowledge, checked, color, releases), width) + (args.stdin || versions.length > 1 ? '\n' : ''));
  };

  for (const warning of withConfig?.warnings ?? []) report(`warning: ${warning}`);
  const withConfigOf = (checked: CheckedKernel) => addConfig(knowledge, checked, withConfig!.config);

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
  } else if (withConfig) {
    await handle(withConfig.version, null);
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
