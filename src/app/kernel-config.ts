import type { Arch } from '../arch.js';
import { UserError } from '../errors.js';
import { isKnown, RootReader, trimmed, type Fact } from '../host/fact.js';
import { findKernelConfig } from '../host/kernel-config.js';
import { readLoadedModules } from '../host/live.js';
import { ARCH_SYMBOL_NAMES, archOfConfig } from '../kconfig/arch.js';
import { looksLikeConfig, parseKconfig, type ConfigValues } from '../kconfig/parse.js';
import { decodeConfigBytes, readConfigFile } from '../kconfig/read.js';
import { showPath } from '../read-file.js';
import type { KnowledgeBase } from '../rules/knowledge.js';

/** Loaded module names from /proc/modules, or why they cannot be told. */
export type LoadedModules = { loaded: ReadonlySet<string>; source: string } | { loaded: null; reason: string };

/** A kernel config read for `check`: its values, and what its header and symbols say. */
export interface KernelConfigInput {
  values: ConfigValues;
  /** How messages name it: a path, or "standard input". */
  shown: string;
  /** The release its header names ("6.1.192"), when it names one. */
  headerVersion: string | null;
  /** The architecture it was built for, and what told it. */
  arch: { arch: Arch; from: string } | null;
  modules: LoadedModules;
}

/** Loaded modules for check, from /proc/modules under the root. */
export function loadedModulesAt(reader: RootReader): LoadedModules {
  const loaded = readLoadedModules(reader);
  return isKnown(loaded) ? { loaded: loaded.value, source: loaded.source } : { loaded: null, reason: loaded.unknown };
}

/** Parses the bytes of a config for the symbols the knowledge base names; refuses what is not a config. */
export function kernelConfigFromBytes(knowledge: KnowledgeBase, bytes: Buffer, shown: string, path: string | undefined, modules: LoadedModules): KernelConfigInput {
  const symbols = knowledge.features.flatMap((feature) => feature.kconfig.map((entry) => entry.symbol));
  const config = parseKconfig(decodeConfigBytes(bytes, shown, path), [...symbols, ...ARCH_SYMBOL_NAMES]);
  if (!looksLikeConfig(config)) throw new UserError(`${shown} is not a kernel config (no CONFIG_ lines and no config header)`);
  return { values: config.values, shown, headerVersion: config.header.version, arch: archOfConfig(config), modules };
}

/** A config file the user named (`check --config FILE`): the modules of another kernel are not known. */
export function readNamedConfig(knowledge: KnowledgeBase, path: string): KernelConfigInput {
  const shown = showPath(path);
  return kernelConfigFromBytes(knowledge, readConfigFile(path), shown, path, {
    loaded: null,
    reason: 'not the running kernel\'s config',
  });
}

/** What `check` with no version learns of the machine at a root: its release, its config, its modules. */
export interface RunningKernel {
  release: Fact<string>;
  /** The config, or why none was read. */
  config: KernelConfigInput | { reason: string };
  reader: RootReader;
}

/** Reads the running kernel's release and, when it can be found, its config (as `host` and `config` find it). */
export function readRunningKernel(knowledge: KnowledgeBase, root: string): RunningKernel {
  const reader = new RootReader(root);
  const release = trimmed(reader.read('/proc/sys/kernel/osrelease', 4096));
  const located = findKernelConfig(reader, release);
  if (!isKnown(located)) return { release, config: { reason: located.unknown }, reader };
  const path = located.value.path;
  const shown = located.source;
  let config: KernelConfigInput | { reason: string };
  try {
    config = kernelConfigFromBytes(knowledge, readConfigFile(path), shown, path, loadedModulesAt(reader));
  } catch (error) {
    // A config that cannot be read leaves the version's answer standing, said so; it is not bad input.
    if (!(error instanceof UserError)) throw error;
    config = { reason: error.message };
  }
  return { release, config, reader };
}
