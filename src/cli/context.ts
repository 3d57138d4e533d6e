import type { Readable, Writable } from 'node:stream';
import { UserError } from '../errors.js';
import { ARCHES, normalizeArch, currentArch, type Arch } from '../arch.js';
import { loadKnowledgeBase, type KnowledgeBase } from '../rules/knowledge.js';

/** What a command needs from the outside world; the tests and the binary give the real ones. */
export interface CliContext {
  packageRoot: string;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

let knowledge: KnowledgeBase | undefined;

export function knowledgeBase(context: CliContext): KnowledgeBase {
  knowledge ??= loadKnowledgeBase(context.packageRoot);
  return knowledge;
}

/** The --arch value as one of ours, or this machine's when none is given. */
export function resolveArch(given: string | undefined): Arch {
  if (given !== undefined) {
    const arch = normalizeArch(given);
    if (!arch) throw new UserError(`unknown architecture "${given}" (expected one of: ${ARCHES.join(', ')}, or an alias such as amd64, aarch64, i686, ppc64le)`);
    return arch;
  }
  const here = currentArch();
  if (!here) throw new UserError(`cannot tell this machine's architecture (${process.arch}); give --arch`);
  return here;
}

/** Splits repeatable, comma-separated option values: --require a,b --require c. */
export function listOption(values: string | string[] | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
}
