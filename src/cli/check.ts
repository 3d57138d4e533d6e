import { UserError } from '../errors.js';
import { availability, createKernelChecker, withConfig as addConfig, type CheckedKernel, type CheckResult } from '../app/check.js';
import type { KernelConfigInput } from '../app/kernel-config.js';
import { currentArch, type Arch } from '../arch.js';
import { createCheckJsonFormatter, formatCheckText, knownReleases, vendorName, type CheckJsonParts } from '../format/check.js';
import { parseKernelVersion } from '../version/parse.js';
import { colorOf, knowledgeBase, listOption, noteExit, outputFormat, resolveArch, unknownFeature, type CliContext } from './context.js';
import { BufferedWriter, readLineBatches, terminalWidth } from './io.js';
import { wrapText } from '../format/wrap.js';
import { escapeText, jsonString } from '../escape.js';
import { styleFor } from '../format/style.js';
import { VERSION } from './version.js';
import { checkApproach, type ApproachVerdict } from '../app/approach-check.js';
import { unknownApproach } from '../app/errors.js';
import { SCHEMA_VERSIONS } from '../format/schema-versions.js';

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
  format?: string;
  approach?: string;
}

/** One distinct version text's answer, kept while the same text comes again. */
type Answer = { error: string } | { checked: CheckedKernel; lacks: string | null; rendered: string | null; parts: CheckJsonParts | null; approach?: ApproachVerdict };

const ANSWER_CACHE_SIZE = 1024;

/** `LABEL<TAB>VERSION` or a bare version. */
export function splitLabel(line: string): { label: string | null; version: string; problem?: string } {
  const tab = line.indexOf('\t');
  if (tab === -1) return { label: null, version: line };
  const label = line.slice(0, tab).trim();
  const version = line.slice(tab + 1);
  const shownLabel = label === '' ? null : label;
  if (version.includes('\t')) return { label: shownLabel, version, problem: 'expected LABEL<TAB>VERSION, but the line has more than two tab-separated fields (cut -f1,2 keeps two)' };
  if (version.trim() === '') return { label: shownLabel, version, problem: 'no kernel version after the label' };
  return { label: shownLabel, version };
}

/** Where a --stdin record came from, as its first fields: `"line":N,` and `"label":"...",` when given. */
function placeJson(at: { line: number; label: string | null }): string {
  return `"line":${at.line},${at.label === null ? '' : `"label":${jsonString(at.label)},`}`;
}

/** The record a bad line leaves in place, so that stdout has one record per version line. */
function errorRecord(at: { line: number; label: string | null } | null, input: string | null, error: string): string {
  const place = at ? placeJson(at) : '';
  // No version is longer: a longer line is not repeated back (the error message quotes its start).
  const shown = input === null || input.trim().length > 256 ? '' : `"input":${jsonString(input.trim())},`;
  return `{${place}${shown}"error":${jsonString(error)}}\n`;
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
  const format = outputFormat(args, ['text', 'json', 'prometheus', 'junit']);
  const approach = args.approach === undefined ? null : (knowledge.approaches.find((entry) => entry.id === args.approach) ?? null);
  if (args.approach !== undefined) {
    if (approach === null) throw unknownApproach(args.approach, knowledge);
    if (required.length > 0) throw new UserError('--approach and --require ask different questions of a kernel: give one of them');
    if (format === 'prometheus' || format === 'junit') throw new UserError(`--approach answers in text or JSON, not --format ${format}`);
    if (args.config !== undefined) throw new UserError('--approach answers from the version: it does not go with --config');
  }
  if (format === 'junit' && required.length === 0) throw new UserError('--format junit reports each --require feature as a test case: give --require');
  // No version: this machine's running kernel, with its config when it can be found.
  let withConfig: WithConfig | null;
  try {
    withConfig = args.config !== undefined ? await readConfigArgument(args, versions, context) : !args.stdin && versions.length === 0 ? await readRunning(args, context) : null;
  } catch (error) {
    // Metrics and CI reports still say what could not be read: a cron job or a pipeline keeps a
    // document with the failure in it rather than none.
    if (!(error instanceof UserError) || (format !== 'prometheus' && format !== 'junit')) throw error;
    context.stderr.write(`virt-advisor: ${escapeText(error.message)}\n`);
    const failed: CheckResult = { line: null, label: null, input: args.config !== undefined ? (versions[0] ?? args.config) : 'running kernel', error: error.message };
    if (format === 'prometheus') {
      context.stdout.write((await import('../format/prometheus.js')).checkMetrics([failed], required, VERSION));
      return 0;
    }
    context.stdout.write((await import('../format/junit.js')).checkJunit([failed], required, knowledge));
    return 2;
  }

  const check = createKernelChecker(knowledge, {
    arch: given,
    fallback: withConfig?.fallback?.arch ?? (withConfig ? null : machine),
    ...(withConfig?.fallback ? { fallbackFrom: { from: withConfig.fallback.from, evidence: withConfig.fallback.evidence } } : {}),
  });
  const requiredIndexes = required.map((id) => knowledge.features.findIndex((feature) => feature.id === id));
  const releases = knownReleases(knowledge.releases);
  const toJson = format === 'json' ? createCheckJsonFormatter(releases) : null;
  // Metrics and JUnit are whole documents: the answers are gathered and written at the end.
  const gathered: CheckResult[] | null = format === 'prometheus' || format === 'junit' ? [] : null;
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
  const withConfigOf = (checked: CheckedKernel) => addConfig(knowledge, checked, withConfig!.config);

  /** Everything one version's answer says, whatever line it is on: worked out once per distinct text. */
  const evaluate = (text: string): Answer => {
    let version;
    try {
      version = parseKernelVersion(text);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { error: error.message };
    }
    let checked = check(version);
    if (!('error' in checked) && withConfig) checked = withConfigOf(checked);
    if ('error' in checked) return { error: checked.error };
    const { verdicts, arch } = checked;
    if (approach) {
      const verdict = checkApproach(knowledge, approach, checked);
      const fails = verdict.supported === false || (verdict.supported === null && !args.allowUnknown);
      const unknownWords = verdict.supported === null ? ' (unknown, counted as not met; --allow-unknown counts it as met)' : '';
      return { checked, lacks: fails ? `${version.input} (${arch}): ${approach.name}: ${verdict.text}${unknownWords}` : null, rendered: null, parts: null, approach: verdict };
    }
    const known = checked;
    const unknowns = requiredIndexes.filter((index) => availability(known, index) === 'unknown').map((index) => verdicts[index]!.id);
    const missing = requiredIndexes
      .filter((index) => {
        const available = availability(known, index);
        return available === 'unknown' ? !args.allowUnknown : !available;
      })
      .map((index) => verdicts[index]!.id);
    const leftOut = requiredIndexes.filter((index) => verdicts[index]!.supported && availability(known, index) === false).map((index) => verdicts[index]!.id);
    let lacks: string | null = null;
    if (missing.length > 0) {
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
      lacks = `${version.input} (${arch}) lacks required: ${missing.join(', ')}${configWords}${unknownWords}${hint}`;
    }
    return { checked, lacks, rendered: null, parts: null };
  };

  // A fleet inventory repeats the same few kernels: a text seen before is answered once and kept.
  // Only texts that come again are kept, so an inventory of all-different builds does not fill
  // memory with answers never used again; both sets are emptied when full, so memory stays bounded.
  const answers = new Map<string, Answer>();
  const seen = new Set<string>();
  const answer = (text: string): Answer => {
    let found = answers.get(text);
    if (found === undefined) {
      found = evaluate(text);
      if (seen.has(text)) {
        if (answers.size >= ANSWER_CACHE_SIZE) answers.clear();
        answers.set(text, found);
      } else {
        if (seen.size >= 4 * ANSWER_CACHE_SIZE) seen.clear();
        seen.add(text);
      }
    }
    return found;
  };

  let shownLabel: string | null = null;
  let blocks = 0;
  /** Writes the answer for one version; `at` is where it came from on standard input. */
  const handle = (text: string, at: { line: number; label: string | null } | null): Promise<void> | undefined => {
    const where = at ? `line ${at.line}${at.label === null ? '' : ` (${at.label})`}: ` : '';
    const found = at ? answer(text) : evaluate(text);
    if ('error' in found) {
      badInput = true;
      noteExit(context, 2);
      report(`${where}${found.error}`);
      if (gathered) gathered.push({ line: at?.line ?? null, label: at?.label ?? null, input: text.trim(), error: found.error });
      return toJson ? out.write(errorRecord(at, text, found.error)) : undefined;
    }
    const { checked } = found;
    if (found.lacks !== null) {
      unmet = true;
      noteExit(context, 1);
      report(`${where}${found.lacks}`);
    }
    if (checked.archConflict) report(`warning: ${where}${checked.version.input}: ${checked.archConflict}`);
    if (gathered) {
      gathered.push({ line: at?.line ?? null, label: at?.label ?? null, input: checked.version.input, checked });
      return undefined;
    }
    if (toJson && found.approach) return out.write(approachRecord(checked, found.approach, at));
    if (toJson) {
      // The version's own part, then the bytes it shares with kernels of its release.
      found.parts ??= toJson.parts(checked);
      const head = out.write(toJson.start + (at ? placeJson(at) : '') + found.parts.head);
      return out.writeBytes(found.parts.tail) ?? head;
    }
    found.rendered ??= wrapText(found.approach ? approachText(checked, found.approach, color) : formatCheckText(knowledge, checked, color, releases), width);
    // With labels, the answers are grouped under each label as it comes (sort the input by label
    // to have each once).
    let heading = '';
    if (at && at.label !== shownLabel) {
      shownLabel = at.label;
      heading = `${blocks > 0 ? '\n' : ''}${styleFor(color).bold(`== ${escapeText(at.label ?? '(no label)')} ==`)}\n`;
    }
    blocks++;
    return out.write(heading + found.rendered + (args.stdin || versions.length > 1 ? '\n' : ''));
  };

  for (const warning of withConfig?.warnings ?? []) report(`warning: ${warning}`);

  let linesRead = 0;
  if (args.stdin) {
    for await (const batch of readLineBatches(context.stdin)) {
      for (const [lineNumber, line] of batch) {
        if (line === null) {
          badInput = true;
          noteExit(context, 2);
          const message = 'not a kernel version: the line is too long';
          report(`line ${lineNumber}: ${message}`);
          if (gathered) gathered.push({ line: lineNumber, label: null, input: '', error: message });
          if (toJson) await out.write(errorRecord({ line: lineNumber, label: null }, null, message));
          continue;
        }
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        linesRead++;
        const { label, version, problem } = splitLabel(line);
        if (problem) {
          badInput = true;
          noteExit(context, 2);
          report(`line ${lineNumber}${label === null ? '' : ` (${label})`}: ${problem}`);
          if (gathered) gathered.push({ line: lineNumber, label, input: trimmed, error: problem });
          if (toJson) await out.write(errorRecord({ line: lineNumber, label }, null, problem));
          continue;
        }
        const waiting = handle(version, { line: lineNumber, label });
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
  if (gathered && gathered.length > 0) {
    if (format === 'prometheus') {
      const { checkMetrics } = await import('../format/prometheus.js');
      await out.write(checkMetrics(gathered, required, VERSION, { allowUnknown: args.allowUnknown === true }));
    } else {
      const { checkJunit } = await import('../format/junit.js');
      await out.write(checkJunit(gathered, required, knowledge, { allowUnknown: args.allowUnknown === true }));
    }
  }
  await out.flush();
  // An empty inventory is most likely a broken command before us: it must not pass --require.
  if (args.stdin && linesRead === 0 && !badInput) throw new UserError('no kernel versions on standard input');
  // Monitoring reads the values, not the exit code: only a failure of the tool itself is one.
  if (format === 'prometheus') return 0;
  return badInput ? 2 : unmet ? 1 : 0;
}

/** `check --approach --json`: one record per version, as schemas/check-approach.schema.json describes it. */
function approachRecord(checked: CheckedKernel, verdict: ApproachVerdict, at: { line: number; label: string | null } | null): string {
  const { approach, name, supported, text, product, features } = verdict;
  const record = {
    schemaVersion: SCHEMA_VERSIONS['check-approach'],
    ...(at ? { line: at.line, ...(at.label === null ? {} : { label: at.label }) } : {}),
    input: checked.version.input,
    release: checked.version.release,
    arch: checked.arch,
    archFrom: checked.archFrom,
    approach,
    name,
    supported,
    text,
    product,
    features,
  };
  return `${JSON.stringify(record)}\n`;
}

/** One line per version: the approach's answer, then for a hosted hypervisor where it comes from. */
function approachText(checked: CheckedKernel, verdict: ApproachVerdict, color: boolean): string {
  const style = styleFor(color);
  const mark = verdict.supported === true ? style.green('yes') : verdict.supported === false ? style.red('no') : style.yellow('unknown');
  const lines = [`${escapeText(checked.version.input)} (${checked.arch}): ${escapeText(verdict.name)}: ${mark}: ${escapeText(verdict.text)}`];
  const answer = verdict.product;
  if (answer) {
    for (const branch of answer.branches) {
      const step = branch.from;
      if (!step) continue;
      const said = step.evidence ? `: ${step.evidence}` : '';
      lines.push(style.dim(`  ${step.version}${step.date ? ` (${step.date})` : ''}${said}${step.strength === 'weak' ? ' [weak source]' : ''}; ${step.source}`));
    }
    if (answer.status === 'not-yet-known' && answer.newest) lines.push(style.dim(`  newest known: ${answer.newest.version} for kernel ${answer.newest.kernel}; ${answer.newest.source}`));
  }
  return `${lines.join('\n')}\n`;
}
