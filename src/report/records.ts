import type { HostFacts } from '../host/detect.js';
import type { Fact } from '../host/fact.js';
import { SCHEMA_VERSIONS } from '../format/schema-versions.js';
import { normalizeArch } from '../arch.js';

/**
 * The JSON values of one file or stream, in order: one pretty-printed object, JSON Lines, or objects
 * simply written one after another (`host --json; config --json`). A value that is not JSON ends
 * the reading with the line it starts on.
 */
export function splitJsonValues(text: string): { values: unknown[]; error: string | null } {
  const values: unknown[] = [];
  let index = 0;
  const length = text.length;
  while (index < length) {
    // Skip whitespace between values.
    while (index < length && /\s/.test(text[index]!)) index++;
    if (index >= length) break;
    const start = index;
    const first = text[index];
    if (first !== '{' && first !== '[') return { values, error: `line ${lineOf(text, start)}: not JSON (a record starts with {)` };
    let depth = 0;
    let inString = false;
    for (; index < length; index++) {
      const char = text[index];
      if (inString) {
        if (char === '\\') index++;
        else if (char === '"') inString = false;
        continue;
      }
      if (char === '"') inString = true;
      else if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth === 0) {
          index++;
          break;
        }
      }
    }
    if (depth !== 0) return { values, error: `line ${lineOf(text, start)}: the JSON value is cut off` };
    try {
      values.push(JSON.parse(text.slice(start, index)));
    } catch (error) {
      return { values, error: `line ${lineOf(text, start)}: not valid JSON (${(error as Error).message})` };
    }
  }
  return { values, error: null };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A record of one of the outputs report reads, by its shape. */
export type FleetRecord =
  | { kind: 'host'; json: HostRecordJson }
  | { kind: 'config'; json: ConfigRecordJson }
  | { kind: 'check'; json: CheckRecordJson }
  | { kind: 'error'; of: 'config' | 'check' | 'unknown'; error: string; file: string | null; label: string | null; input: string | null };

type FactJson<T> = { known: true; value: T; source: string } | { known: false; reason: string };

export interface HostRecordJson {
  schemaVersion: number;
  root: string;
  cpu: FactJson<{ architecture: string | null; vendor: string | null; model: string | null; logicalCpus: number; flags: string[]; vmxFlags: string[]; virtual: { value: boolean | null; reason: string } }>;
  kernelRelease: FactJson<string>;
  arch: FactJson<string>;
  kernelConfig: FactJson<{ path: string; tried: string[] }>;
  kvm: FactJson<{ present: boolean; usable: boolean | null; modules: string[] }>;
  nested: { kvmIntel: FactJson<boolean>; kvmAmd: FactJson<boolean> };
  xen: FactJson<string>;
  hypervisor: FactJson<{ virtual: boolean | null; vendor: string | null; evidence: string[] }>;
  container: FactJson<{ inContainer: boolean | null; kind: string | null; evidence: string[] }>;
  iommu: FactJson<{ enabled: boolean; devices: string[] }>;
  cgroups: FactJson<{ hierarchy: string; v2MountPoint: string | null; v1Controllers: string[] }>;
  devices: { vhostNet: FactJson<boolean>; tun: FactJson<boolean> };
  modules: FactJson<string[]>;
}

export interface ConfigRecordJson {
  schemaVersion: number;
  file: string;
  kernel: { input: string; release: string };
  arch: string;
  targets: Array<{ id: string; ok: boolean; unavailable: string | null; checks: Array<{ symbol: string; status: string; expected: string | null; actual: string | null; note: string; optional: boolean }> }>;
}

export interface CheckRecordJson {
  schemaVersion: number;
  line?: number;
  label?: string;
  input: string;
  kernel: { release: string };
  arch: string;
  features: Array<{ id: string; supported: boolean; status: string; since: string | null; removedIn: string | null; available?: boolean | 'unknown' }>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a JSON value is, or why report cannot read it. */
export function classifyRecord(value: unknown, fileName: string): FleetRecord | { problem: string } {
  if (!isObject(value)) return { problem: 'a record is a JSON object' };
  if ('error' in value) {
    if (typeof value.error !== 'string' || !['file', 'label', 'input'].every((name) => value[name] === undefined || value[name] === null || typeof value[name] === 'string')) {
      return { problem: 'an error record with fields that are not text' };
    }
    const of = 'file' in value ? 'config' : 'line' in value || 'input' in value ? 'check' : /config/i.test(fileName) ? 'config' : 'unknown';
    return {
      kind: 'error',
      of,
      // A message kept as the command printed it on stderr carries the program's name: said once is enough.
      error: value.error.replace(/^virt-advisor: /, ''),
      file: typeof value.file === 'string' ? value.file : null,
      label: typeof value.label === 'string' ? value.label : null,
      input: typeof value.input === 'string' ? value.input : null,
    };
  }
  // check --approach answers one approach, not every feature: not a record the fleet table reads.
  if ('approach' in value && 'input' in value && 'supported' in value) return { problem: 'a check --approach record: report reads host --json, config --json and check --json (without --approach)' };
  const kind = 'cpu' in value && 'kernelRelease' in value ? 'host' : 'targets' in value && 'file' in value ? 'config' : 'features' in value && 'input' in value ? 'check' : null;
  if (kind === null) return { problem: 'not a record of host --json, config --json or check --json' };
  const expected = SCHEMA_VERSIONS[kind];
  if (value.schemaVersion !== expected) {
    return { problem: `a ${kind} record of schemaVersion ${JSON.stringify(value.schemaVersion)}: this virt-advisor reads ${expected} (run the same version on the hosts and here)` };
  }
  const problem = kind === 'host' ? hostProblem(value) : kind === 'config' ? configProblem(value) : checkProblem(value);
  if (problem) return { problem: `a ${kind} record with ${problem}` };
  return { kind, json: value } as unknown as FleetRecord;
}

// The shapes report relies on, checked to the leaf: a record from another hand (or cut and spliced)
// must be refused with a message, never reach the code that reads it.
type Check = (value: unknown) => boolean;
const str: Check = (value) => typeof value === 'string';
const bool: Check = (value) => typeof value === 'boolean';
const orNull = (check: Check): Check => (value) => value === null || check(value);
const strings: Check = (value) => Array.isArray(value) && value.every(str);
const oneOf = (...choices: unknown[]): Check => (value) => choices.includes(value);
const shape = (fields: Record<string, Check>): Check => (value) => isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));
const fact = (check: Check): Check => (value) => isObject(value) && (value.known === false ? str(value.reason) : value.known === true && str(value.source) && check(value.value));

const HOST_FIELDS: Record<string, Check> = {
  root: str,
  cpu: fact(
    shape({
      architecture: orNull(str),
      vendor: orNull(str),
      model: orNull(str),
      logicalCpus: (value) => typeof value === 'number' && Number.isInteger(value) && value >= 0,
      flags: strings,
      vmxFlags: strings,
      virtual: shape({ value: orNull(bool), reason: str }),
    }),
  ),
  kernelRelease: fact(str),
  arch: fact((value) => str(value) && normalizeArch(value as string) === value),
  kernelConfig: fact(shape({ path: str, tried: strings })),
  kvm: fact(shape({ present: bool, usable: orNull(bool), modules: strings })),
  nested: shape({ kvmIntel: fact(bool), kvmAmd: fact(bool) }),
  xen: fact(oneOf('dom0', 'domU', 'none')),
  hypervisor: fact(shape({ virtual: orNull(bool), vendor: orNull(str), evidence: strings })),
  container: fact(shape({ inContainer: orNull(bool), kind: orNull(str), evidence: strings })),
  iommu: fact(shape({ enabled: bool, devices: strings })),
  cgroups: fact(shape({ hierarchy: oneOf('v1', 'v2', 'hybrid', 'none'), v2MountPoint: orNull(str), v1Controllers: strings })),
  devices: shape({ vhostNet: fact(bool), tun: fact(bool) }),
  modules: fact(strings),
};

function problemOf(value: Record<string, unknown>, fields: Record<string, Check>): string | null {
  for (const [name, check] of Object.entries(fields)) if (!check(value[name])) return `no readable "${name}"`;
  return null;
}

function hostProblem(value: Record<string, unknown>): string | null {
  return problemOf(value, HOST_FIELDS);
}

const CONFIG_FIELDS: Record<string, Check> = {
  file: str,
  arch: str,
  kernel: shape({ input: str }),
  targets: (value) =>
    Array.isArray(value) &&
    value.every(shape({
      id: str,
      ok: bool,
      unavailable: orNull(str),
      checks: (checks) => Array.isArray(checks) && checks.every(shape({ symbol: str, status: str, expected: orNull(str), actual: orNull(str), note: str, optional: bool })),
    })),
};

function configProblem(value: Record<string, unknown>): string | null {
  return problemOf(value, CONFIG_FIELDS);
}

const CHECK_FIELDS: Record<string, Check> = {
  input: str,
  arch: str,
  label: (value) => value === undefined || str(value),
  line: (value) => value === undefined || (typeof value === 'number' && Number.isInteger(value) && value > 0),
  kernel: shape({ release: str }),
  features: (value) =>
    Array.isArray(value) &&
    value.every(shape({ id: str, supported: bool, status: str, since: orNull(str), available: (available) => available === undefined || bool(available) || available === 'unknown' })),
};

function checkProblem(value: Record<string, unknown>): string | null {
  return problemOf(value, CHECK_FIELDS);
}

function factOf<T, U>(json: FactJson<T>, shape: (value: T) => U): Fact<U> {
  return json.known ? { value: shape(json.value), source: json.source } : { value: null, unknown: json.reason };
}
const same = <T>(value: T) => value;

/** The facts of a host record, as detection found them on that host. */
export function hostFactsOf(json: HostRecordJson): HostFacts {
  return {
    root: json.root,
    cpu: factOf(json.cpu, (cpu) => ({
      archHint: cpu.architecture as never,
      vendor: cpu.vendor,
      modelName: cpu.model,
      logicalCpus: cpu.logicalCpus,
      flags: cpu.flags,
      vmxFlags: cpu.vmxFlags,
      virtual: { value: cpu.virtual.value, reason: cpu.virtual.reason },
    })),
    kernelRelease: factOf(json.kernelRelease, same),
    arch: factOf(json.arch, same) as HostFacts['arch'],
    kernelConfig: factOf(json.kernelConfig, same),
    kvmDevice: factOf(json.kvm, same),
    nested: { kvmIntel: factOf(json.nested.kvmIntel, same), kvmAmd: factOf(json.nested.kvmAmd, same) },
    xen: factOf(json.xen, same) as HostFacts['xen'],
    hypervisor: factOf(json.hypervisor, same),
    container: factOf(json.container, same),
    iommu: factOf(json.iommu, same),
    cgroups: factOf(json.cgroups, same) as HostFacts['cgroups'],
    devices: { vhostNet: factOf(json.devices.vhostNet, same), tun: factOf(json.devices.tun, same) },
    modules: factOf(json.modules, same),
  };
}
