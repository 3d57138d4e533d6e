import { normalizeArch, type Arch } from '../arch.js';
import { UserError } from '../errors.js';
import { auditConfig, defaultTargets } from '../engine/audit.js';
import { auditToJson, formatAuditText, formatFragment, type AuditReport } from '../format/audit.js';
import { ARCH_SYMBOL_NAMES, archOfConfig } from '../kconfig/arch.js';
import { locateRunningConfig } from '../kconfig/locate.js';
import { looksLikeConfig, parseKconfig } from '../kconfig/parse.js';
import { decodeConfigBytes, readConfigFile, readConfigStream } from '../kconfig/read.js';
import { loadTargets, symbolsOfTargets, type Target } from '../rules/targets.js';
import { parseKernelVersion, type KernelVersion } from '../version/parse.js';
import { colorOf, listOption, unknownArch, writeText, type CliContext } from './context.js';
import { quote, jsonLine } from '../escape.js';
import { didYouMean } from './suggest.js';

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
  let file = args.file === undefined ? undefined : String(args.file);
  // yargs hands a lone "-" positional to the handler as an empty string, as it does "": only the
  // command line tells "-" (standard input) from an empty name (an unset variable in a script).
  if (file === '' && context.argv?.includes('-')) file = '-';
  if (file === '-') {
    if (context.stdin.isTTY) throw new UserError('config -: standard input is a terminal; pipe a config in (zcat /proc/config.gz | virt-advisor config -)');
    return { file: '-', shown: 'standard input', bytes: await readConfigStream(context.stdin, 'standard input') };
  }
  // Without FILE the running kernel's config is read; standard input is never waited on.
  const path = file ?? locateRunningConfig(args.root ?? '/').path;
  return { file: path, shown: path, bytes: readConfigFile(path) };
}

function versionOf(args: ConfigArgs, headerVersion: string | null, shown: string): { version: KernelVersion; from: 'header' | '--kernel' } {
  if (args.kernel !== undefined) {
    try {
      return { version: parseKernelVersion(String(args.kernel)), from: '--kernel' };
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`--kernel: ${error.message}`);
      throw error;
    }
  }
  if (headerVersion === null) {
    throw new UserError(`${shown} names no kernel version in its header; give the version it is for with --kernel VERSION`);
  }
  try {
    return { version: parseKernelVersion(headerVersion), from: 'header' };
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`${shown}: the header's version cannot be read (${error.message}); give --kernel VERSION`);
    throw error;
  }
}

function archOf(args: ConfigArgs, detected: { arch: Arch; from: string } | null, shown: string): { arch: Arch; from: string } {
  if (args.arch !== undefined) {
    const arch = normalizeArch(String(args.arch));
    if (!arch) throw unknownArch(String(args.arch));
    if (detected && detected.arch !== arch) return { arch, from: `--arch, though the config itself says ${detected.arch} (${detected.from})` };
    return { arch, from: '--arch' };
  }
  if (!detected) throw new UserError(`cannot tell the architecture of ${shown} from its header or symbols; give --arch`);
  return detected;
}

function chooseTargets(all: Target[], requested: string[]): Target[] {
  const byId = new Map(all.map((target) => [target.id, target]));
  const unknown = requested.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const ids = all.map((target) => target.id);
    throw new UserError(`unknown target ${unknown.map((id) => quote(id)).join(', ')}${didYouMean(unknown[0]!, ids)} (valid targets: ${ids.join(', ')})`);
  }
  return [...new Set(requested)].map((id) => byId.get(id)!);
}

/** `virt-advisor config`: audit a kernel .config for chosen uses. Returns the exit code. */
export async function runConfig(args: ConfigArgs, context: CliContext): Promise<number> {
  if (args.json && args.fragment) throw new UserError('give --json or --fragment, not both');
  const allTargets = loadTargets(context.packageRoot);
  const requested = listOption(args.for);
  // Unknown ids are a usage error whatever the file holds, so they are caught before reading it.
  const chosen = requested.length > 0 ? chooseTargets(allTargets, requested) : null;

  const input = await readInput(args, context);
  const compressed = input.bytes[0] === 0x1f && input.bytes[1] === 0x8b;
  const config = parseKconfig(decodeConfigBytes(input.bytes, input.shown), [...symbolsOfTargets(allTargets), ...ARCH_SYMBOL_NAMES]);
  if (!looksLikeConfig(config)) throw new UserError(`${input.shown} is not a kernel config (no CONFIG_ lines and no config header)`);

  const { version, from: versionFrom } = versionOf(args, config.header.version, input.shown);
  const { arch, from: archFrom } = archOf(args, archOfConfig(config), input.shown);
  // Auditing a config as another architecture's is allowed (--arch wins) but never silent.
  if (archFrom.startsWith('--arch, though')) context.stderr.write(`virt-advisor: warning: ${input.shown}: auditing as ${arch} by ${archFrom}\n`);
  const targets = chosen ?? defaultTargets(allTargets, version, arch);
  const report: AuditReport = {
    file: input.file,
    fileShown: input.shown,
    compressed,
    version,
    versionFrom,
    arch,
    archFrom,
    defaultTargets: chosen === null,
    verdicts: auditConfig(targets, config.values, version, arch),
  };

  if (args.json) context.stdout.write(`${jsonLine(auditToJson(report), 2)}\n`);
  else if (args.fragment) context.stdout.write(formatFragment(report));
  else writeText(context, formatAuditText(report, colorOf(context)));
  return report.verdicts.every((verdict) => verdict.ok) ? 0 : 1;
}
