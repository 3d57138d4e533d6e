import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditConfigBytes, chooseTargets, type AuditOptions, type AuditReport } from '../app/audit.js';
import { jsonLine, escapeText } from '../escape.js';
import { UserError } from '../errors.js';
import { auditToJson, formatAuditText, formatFragment } from '../format/audit.js';
import { formatAuditTable, type ConfigResult } from '../format/audit-table.js';
import { fsErrorWords } from '../fs-errors.js';
import { locateRunningConfig } from '../kconfig/locate.js';
import { readConfigFile, readConfigStream } from '../kconfig/read.js';
import { sniffKernelConfig } from '../kconfig/sniff.js';
import { showPath } from '../read-file.js';
import { normalizeArch } from '../arch.js';
import { unknownArch } from '../app/errors.js';
import { parseKernelVersion } from '../version/parse.js';
import { loadTargets, type Target } from '../rules/targets.js';
import { colorOf, listOption, noteExit, outputFormat, writeText, type CliContext } from './context.js';
import { VERSION } from './version.js';

export interface ConfigArgs {
  files?: string[];
  for?: string[];
  kernel?: string;
  arch?: string;
  json?: boolean;
  format?: string;
  fragment?: boolean;
  root?: string;
}

interface ConfigInput {
  file: string;
  shown: string;
  bytes: Buffer;
}

const FORMATS = ['text', 'json', 'prometheus', 'junit'] as const;

/** How metrics and reports name the config of the running kernel when it cannot be found. */
const RUNNING_CONFIG = "running kernel's config";
type Format = (typeof FORMATS)[number];

async function readStdin(context: CliContext): Promise<ConfigInput> {
  if (context.stdin.isTTY) throw new UserError('config -: standard input is a terminal; pipe a config in (zcat /proc/config.gz | virt-advisor config -)');
  return { file: '-', shown: 'standard input', bytes: await readConfigStream(context.stdin, 'standard input') };
}

async function readInput(file: string | undefined, args: ConfigArgs, context: CliContext): Promise<ConfigInput> {
  if (file === '') throw new UserError('an empty file name was given for the config (an unset variable in a script?); give a path, or - for standard input');
  if (file === '-') return readStdin(context);
  // Without FILE the running kernel's config is read; standard input is never waited on.
  const path = file ?? locateRunningConfig(args.root ?? '/').path;
  return { file: path, shown: showPath(path), bytes: readConfigFile(path) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One entry of a many-config run: a file to audit, or why it cannot be. */
type Planned = { file: string } | { file: string; error: string };

/**
 * The files a many-config run audits: those named, and every regular file in a named directory
 * that starts like a kernel config (sorted by name; subdirectories are not entered).
 */
function planFiles(given: string[], warn: (text: string) => void): Planned[] {
  const planned: Planned[] = [];
  for (const name of given) {
    if (name === '') {
      planned.push({ file: name, error: 'an empty file name was given (an unset variable in a script?)' });
      continue;
    }
    if (name === '-' || !isDirectory(name)) {
      planned.push({ file: name });
      continue;
    }
    let entries: string[];
    try {
      entries = readdirSync(name).sort();
    } catch (error) {
      planned.push({ file: name, error: `cannot read the directory ${showPath(name)}: ${fsErrorWords(error)}` });
      continue;
    }
    const skipped: string[] = [];
    const unreadable: string[] = [];
    let found = 0;
    for (const entry of entries) {
      const path = join(name, entry);
      try {
        if (!statSync(path).isFile()) continue;
        if (!sniffKernelConfig(path)) {
          skipped.push(entry);
          continue;
        }
      } catch (error) {
        // What cannot be read cannot be told a config. One named like a config is reported as one
        // that cannot be read; anything else (a root-only kernel image in /boot, a dangling
        // symbolic link) is skipped, and said.
        if (/config/i.test(entry)) planned.push({ file: path, error: `cannot read ${showPath(path)}: ${fsErrorWords(error)}` });
        else unreadable.push(`${entry} (${fsErrorWords(error)})`);
        continue;
      }
      found++;
      planned.push({ file: path });
    }
    const list = (names: string[]) => `${names.slice(0, 5).map((entry) => escapeText(entry)).join(', ')}${names.length > 5 ? ', ...' : ''}`;
    if (skipped.length > 0) warn(`${showPath(name)}: skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that ${skipped.length === 1 ? 'is' : 'are'} not a kernel config (${list(skipped)})`);
    if (unreadable.length > 0) warn(`${showPath(name)}: skipped ${unreadable.length} file${unreadable.length === 1 ? '' : 's'} that cannot be read, not named like a config (${list(unreadable)})`);
    if (found === 0 && !planned.some((entry) => entry.file.startsWith(`${name}/`))) planned.push({ file: name, error: `${showPath(name)} holds no kernel config` });
  }
  return planned;
}

/** `virt-advisor config`: audit kernel configs for chosen uses. Returns the exit code. */
export async function runConfig(args: ConfigArgs, context: CliContext): Promise<number> {
  const format: Format = outputFormat(args, FORMATS);
  if (args.fragment && format !== 'text') throw new UserError(`give --${args.format === undefined ? 'json' : `format ${format}`} or --fragment, not both`);
  const allTargets = loadTargets(context.packageRoot);
  const options: AuditOptions = { targets: listOption(args.for), ...(args.kernel === undefined ? {} : { kernel: String(args.kernel) }), ...(args.arch === undefined ? {} : { arch: String(args.arch) }) };
  // Usage mistakes are refused before any file is read (or standard input waited on), so that what
  // fails later is the file's own problem: an unknown target, a bad --kernel or --arch.
  chooseTargets(allTargets, options.targets!);
  if (options.kernel !== undefined) {
    try {
      parseKernelVersion(options.kernel);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`--kernel: ${error.message}`);
      throw error;
    }
  }
  if (options.arch !== undefined && !normalizeArch(options.arch)) throw unknownArch(options.arch);
  const given = context.positionals ?? args.files ?? [];
  if (given.filter((name) => name === '-').length > 1) throw new UserError('standard input (-) can be read only once');
  const many = given.length > 1 || (given.length === 1 && given[0] !== '-' && given[0] !== '' && isDirectory(given[0]!));
  if (!many) return auditOne(given[0], args, options, allTargets, format, context);

  if (args.fragment) throw new UserError('--fragment is for one config: give one file');
  if (args.kernel !== undefined) throw new UserError("--kernel is one config's version: with several, each config's header gives its own");
  return auditMany(given, options, allTargets, format, context);
}

async function auditOne(file: string | undefined, args: ConfigArgs, options: AuditOptions, allTargets: Target[], format: Format, context: CliContext): Promise<number> {
  let input: ConfigInput;
  let audited: { report: AuditReport; warnings: string[] };
  try {
    input = await readInput(file, args, context);
    audited = auditConfigBytes(input.bytes, { file: input.file, shown: input.shown, ...(input.file === '-' ? {} : { path: input.file }) }, options, allTargets);
  } catch (error) {
    // Monitoring keeps a series for a config it cannot read (or find), rather than none at all, and
    // a CI system gets a report with the error in it rather than an empty file.
    if (!(error instanceof UserError) || (format !== 'prometheus' && format !== 'junit')) throw error;
    context.stderr.write(`virt-advisor: ${escapeText(error.message)}\n`);
    const result = { file: file ?? RUNNING_CONFIG, error: error.message };
    if (format === 'junit') {
      context.stdout.write((await import('../format/junit.js')).configJunit([result]));
      return 2;
    }
    context.stdout.write((await import('../format/prometheus.js')).configMetrics([result], VERSION));
    return 0;
  }
  const { report, warnings } = audited;
  for (const warning of warnings) context.stderr.write(`virt-advisor: warning: ${warning}\n`);
  if (format === 'json') context.stdout.write(`${jsonLine(auditToJson(report), 2)}\n`);
  else if (format === 'prometheus') context.stdout.write((await import('../format/prometheus.js')).configMetrics([{ file: report.file, report }], VERSION));
  else if (format === 'junit') context.stdout.write((await import('../format/junit.js')).configJunit([{ file: report.file, report }]));
  else if (args.fragment) context.stdout.write(formatFragment(report));
  else writeText(context, formatAuditText(report, colorOf(context)));
  if (format === 'prometheus') return 0;
  return report.verdicts.every((verdict) => verdict.ok) ? 0 : 1;
}

async function auditMany(given: string[], options: AuditOptions, allTargets: Target[], format: Format, context: CliContext): Promise<number> {
  const say = (text: string) => context.stderr.write(`virt-advisor: ${escapeText(text)}\n`);
  const planned = planFiles(given, (text) => say(`warning: ${text}`));
  const results: ConfigResult[] = [];
  let worst = 0;
  for (const entry of planned) {
    let result: ConfigResult;
    if ('error' in entry) result = entry;
    else {
      try {
        const input = entry.file === '-' ? await readStdin(context) : { file: entry.file, shown: showPath(entry.file), bytes: readConfigFile(entry.file) };
        const { report, warnings } = auditConfigBytes(input.bytes, { file: input.file, shown: input.shown, ...(input.file === '-' ? {} : { path: input.file }) }, options, allTargets);
        for (const warning of warnings) say(`warning: ${warning}`);
        result = { file: entry.file, report };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        result = { file: entry.file, error: error.message };
      }
    }
    if ('error' in result) {
      say(result.error);
      worst = 2;
    } else if (!result.report.verdicts.every((verdict) => verdict.ok)) worst = Math.max(worst, 1);
    noteExit(context, worst);
    // JSON Lines go out as each config is audited; the other formats need them all.
    if (format === 'json') context.stdout.write(`${'error' in result ? jsonLine({ file: result.file, error: result.error }) : jsonLine(auditToJson(result.report))}\n`);
    else results.push(result);
  }
  if (format === 'prometheus') {
    context.stdout.write((await import('../format/prometheus.js')).configMetrics(results, VERSION));
    return 0;
  }
  if (format === 'junit') context.stdout.write((await import('../format/junit.js')).configJunit(results));
  else if (format === 'text') writeText(context, formatAuditTable(results, colorOf(context)));
  return worst;
}
