import { readFileSync } from 'node:fs';
import { auditConfig } from '../engine/audit.js';
import { ARCH_SYMBOL_NAMES, archOfConfig } from '../kconfig/arch.js';
import { parseKconfig } from '../kconfig/parse.js';
import { decodeConfigBytes } from '../kconfig/read.js';
import { symbolsOfTargets, type Target, type TargetsFile } from '../rules/targets.js';
import { parseKernelVersion } from '../version/parse.js';

/** The result of timing one config: its size and the median processing time of the runs. */
export interface ConfigBenchResult {
  bytes: number;
  medianMs: number;
  /** The outcome of the last run, so a reader can see the audit did its work. */
  targets: number;
  checks: number;
}

let cachedTargets: Target[] | undefined;

function targets(): Target[] {
  // Bundled into dist/tools/, next to the build's dist/targets.json.
  cachedTargets ??= (JSON.parse(readFileSync(new URL('../targets.json', import.meta.url), 'utf8')) as TargetsFile).targets;
  return cachedTargets;
}

/** One audit as `virt-advisor config --for <every target>` does it, from the file's bytes on. */
export function auditBytes(bytes: Buffer, shown: string, all: readonly Target[] = targets()) {
  const config = parseKconfig(decodeConfigBytes(bytes, shown), [...symbolsOfTargets(all), ...ARCH_SYMBOL_NAMES]);
  if (config.header.version === null) throw new Error(`${shown}: no kernel version in the header`);
  const arch = archOfConfig(config)?.arch;
  if (!arch) throw new Error(`${shown}: the architecture cannot be told`);
  const version = parseKernelVersion(config.header.version);
  return auditConfig(all, config.values, version, arch);
}

/**
 * Times the processing of one config file for all targets: decompression when gzip'd, parsing and
 * the audit; the file is read once, before timing, so disk speed does not count.
 */
export function benchConfigs(path: string, runs = 20, all: readonly Target[] = targets()): ConfigBenchResult {
  const bytes = readFileSync(path);
  auditBytes(bytes, path, all);
  const times: number[] = [];
  let last = auditBytes(bytes, path, all);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    last = auditBytes(bytes, path, all);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return {
    bytes: bytes.length,
    medianMs: times[Math.floor(times.length / 2)]!,
    targets: last.length,
    checks: last.reduce((sum, verdict) => sum + (verdict.kind === 'audited' ? verdict.checks.length : 0), 0),
  };
}

/**
 * The cold path a CLI run pays: one audit in a process that has run none before, timed from the
 * bytes on. Call it once per fresh process.
 */
export function coldAuditMs(path: string, all: readonly Target[] = targets()): number {
  const bytes = readFileSync(path);
  const start = process.hrtime.bigint();
  auditBytes(bytes, path, all);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
