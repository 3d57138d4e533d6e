import { auditConfigBytes, chooseTargets, type AuditOptions } from '../app/audit.js';
import { jsonLine } from '../escape.js';
import { UserError } from '../errors.js';
import { auditToJson, formatAuditText, formatFragment } from '../format/audit.js';
import { locateRunningConfig } from '../kconfig/locate.js';
import { readConfigFile, readConfigStream } from '../kconfig/read.js';
import { showPath } from '../read-file.js';
import { loadTargets } from '../rules/targets.js';
import { colorOf, listOption, writeText, type CliContext } from './context.js';

export interface ConfigArgs {
  file?: string;
  for?: string[];
  kernel?: string;
  arch?: string;
  json?: boolean;
  fragment?: boolean;
  root?: string;
}

interface ConfigInput {
  file: string;
  shown: string;
  bytes: Buffer;
}

async function readInput(args: ConfigArgs, context: CliContext): Promise<ConfigInput> {
  const file = context.positionals ? context.positionals[0] : args.file;
  if (file === '') throw new UserError('an empty file name was given for the config (an unset variable in a script?); give a path, or - for standard input');
  if (file === '-') {
    if (context.stdin.isTTY) throw new UserError('config -: standard input is a terminal; pipe a config in (zcat /proc/config.gz | virt-advisor config -)');
    return { file: '-', shown: 'standard input', bytes: await readConfigStream(context.stdin, 'standard input') };
  }
  // Without FILE the running kernel's config is read; standard input is never waited on.
  const path = file ?? locateRunningConfig(args.root ?? '/').path;
  return { file: path, shown: showPath(path), bytes: readConfigFile(path) };
}

/** `virt-advisor config`: audit a kernel .config for chosen uses. Returns the exit code. */
export async function runConfig(args: ConfigArgs, context: CliContext): Promise<number> {
  if (args.json && args.fragment) throw new UserError('give --json or --fragment, not both');
  const allTargets = loadTargets(context.packageRoot);
  const options: AuditOptions = { targets: listOption(args.for), ...(args.kernel === undefined ? {} : { kernel: String(args.kernel) }), ...(args.arch === undefined ? {} : { arch: String(args.arch) }) };
  // Unknown targets are refused before the file is read (or standard input waited on).
  chooseTargets(allTargets, options.targets!);
  const input = await readInput(args, context);
  const { report, warnings } = auditConfigBytes(input.bytes, { file: input.file, shown: input.shown, ...(input.file === '-' ? {} : { path: input.file }) }, options, allTargets);
  for (const warning of warnings) context.stderr.write(`virt-advisor: warning: ${warning}\n`);
  if (args.json) context.stdout.write(`${jsonLine(auditToJson(report), 2)}\n`);
  else if (args.fragment) context.stdout.write(formatFragment(report));
  else writeText(context, formatAuditText(report, colorOf(context)));
  return report.verdicts.every((verdict) => verdict.ok) ? 0 : 1;
}
