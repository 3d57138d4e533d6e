import { normalizeArch, type Arch } from '../arch.js';
import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import { auditConfig, defaultTargets, type TargetVerdict } from '../engine/audit.js';
import { ARCH_SYMBOL_NAMES, archOfConfig } from '../kconfig/arch.js';
import { looksLikeConfig, parseKconfig } from '../kconfig/parse.js';
import { decodeConfigBytes } from '../kconfig/read.js';
import { symbolsOfTargets, type Target } from '../rules/targets.js';
import { didYouMean } from '../suggest.js';
import { parseKernelVersion, type KernelVersion } from '../version/parse.js';
import { unknownArch } from './errors.js';

/** Everything one `config` run found, for any of the three renderings. */
export interface AuditReport {
  /** The path as given, "-" for standard input. */
  file: string;
  /** How the text report names it: the path, or "standard input". */
  fileShown: string;
  compressed: boolean;
  version: KernelVersion;
  versionFrom: 'header' | '--kernel';
  arch: Arch;
  /** What told the architecture: "--arch", "the header (Linux/arm64)", "CONFIG_X86_64=y". */
  archFrom: string;
  /** Whether the targets were picked for the config's architecture and release rather than asked for. */
  defaultTargets: boolean;
  verdicts: TargetVerdict[];
}

/** One config of a run over many: its audit, or why it could not be audited. */
export type ConfigResult = { file: string; report: AuditReport } | { file: string; error: string };

/** What a config audit is asked: everything but the config itself is optional. */
export interface AuditOptions {
  /** Target ids; default: those for the config's architecture and release. */
  targets?: string[];
  /** The kernel version the config is for; default: from its header. */
  kernel?: string;
  /** The architecture; default: from the header or the config's symbols. */
  arch?: string;
}

function versionOf(args: AuditOptions, headerVersion: string | null, shown: string): { version: KernelVersion; from: 'header' | '--kernel' } {
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

function archOf(args: AuditOptions, detected: { arch: Arch; from: string } | null, shown: string): { arch: Arch; from: string } {
  if (args.arch !== undefined) {
    const arch = normalizeArch(String(args.arch));
    if (!arch) throw unknownArch(String(args.arch));
    if (detected && detected.arch !== arch) return { arch, from: `--arch, though the config itself says ${detected.arch} (${detected.from})` };
    return { arch, from: '--arch' };
  }
  if (!detected) throw new UserError(`cannot tell the architecture of ${shown} from its header or symbols; give --arch`);
  return detected;
}

/** The targets asked for, by id; an unknown id is a usage error that names the closest. */
export function chooseTargets(all: Target[], requested: string[]): Target[] {
  const byId = new Map(all.map((target) => [target.id, target]));
  const unknown = requested.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    const ids = all.map((target) => target.id);
    throw new UserError(`unknown target ${unknown.map((id) => quote(id)).join(', ')}${didYouMean(unknown[0]!, ids)} (valid targets: ${ids.join(', ')})`);
  }
  return [...new Set(requested)].map((id) => byId.get(id)!);
}

/**
 * Audits the bytes of a kernel config (plain or gzip) against the targets. `file` is how the report
 * names it, `shown` how messages do. Warnings (an --arch that contradicts the config) are returned
 * for the caller to show.
 */
export function auditConfigBytes(
  bytes: Buffer,
  where: { file: string; shown: string; path?: string },
  options: AuditOptions,
  allTargets: Target[],
): { report: AuditReport; warnings: string[] } {
  // Unknown ids are a usage error whatever the file holds, so they are caught before reading it.
  const chosen = options.targets && options.targets.length > 0 ? chooseTargets(allTargets, options.targets) : null;
  const compressed = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const config = parseKconfig(decodeConfigBytes(bytes, where.shown, where.path), [...symbolsOfTargets(allTargets), ...ARCH_SYMBOL_NAMES]);
  if (!looksLikeConfig(config)) throw new UserError(`${where.shown} is not a kernel config (no CONFIG_ lines and no config header)`);
  const { version, from: versionFrom } = versionOf(options, config.header.version, where.shown);
  const { arch, from: archFrom } = archOf(options, archOfConfig(config), where.shown);
  const warnings: string[] = [];
  // Auditing a config as another architecture's is allowed (--arch wins) but never silent.
  if (archFrom.startsWith('--arch, though')) warnings.push(`${where.shown}: auditing as ${arch} by ${archFrom}`);
  const targets = chosen ?? defaultTargets(allTargets, version, arch);
  return {
    report: {
      file: where.file,
      fileShown: where.shown,
      compressed,
      version,
      versionFrom,
      arch,
      archFrom,
      defaultTargets: chosen === null,
      verdicts: auditConfig(targets, config.values, version, arch),
    },
    warnings,
  };
}
