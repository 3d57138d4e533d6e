import type { HostFacts } from '../host/detect.js';
import type { Fact } from '../host/fact.js';
import { SCHEMA_VERSIONS } from '../format/schema-versions.js';

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
  if (typeof value.error === 'string') {
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

const isFact = (value: unknown) => isObject(value) && (value.known === false ? typeof value.reason === 'string' : value.known === true && typeof value.source === 'string' && 'value' in value);

function hostProblem(value: Record<string, unknown>): string | null {
  for (const name of ['cpu', 'kernelRelease', 'arch', 'kernelConfig', 'kvm', 'xen', 'hypervisor', 'container', 'iommu', 'cgroups', 'modules']) {
    if (!isFact(value[name])) return `no readable "${name}"`;
  }
  const nested = value.nested;
  if (!isObject(nested) || !isFact(nested.kvmIntel) || !isFact(nested.kvmAmd)) return 'no readable "nested"';
  const devices = value.devices;
  if (!isObject(devices) || !isFact(devices.vhostNet) || !isFact(devices.tun)) return 'no readable "devices"';
  const cpu = value.cpu as { known: boolean; value?: Record<string, unknown> };
  if (cpu.known && (!isObject(cpu.value) || !Array.isArray(cpu.value.flags) || !Array.isArray(cpu.value.vmxFlags) || !isObject(cpu.value.virtual))) return 'a "cpu" without flags';
  return null;
}

function configProblem(value: Record<string, unknown>): string | null {
  if (typeof value.file !== 'string' || typeof value.arch !== 'string' || !isObject(value.kernel) || typeof value.kernel.input !== 'string') return 'no file, kernel or arch';
  if (!Array.isArray(value.targets) || !value.targets.every((target) => isObject(target) && typeof target.id === 'string' && typeof target.ok === 'boolean' && Array.isArray(target.checks))) return 'unreadable targets';
  return null;
}

function checkProblem(value: Record<string, unknown>): string | null {
  if (typeof value.input !== 'string' || typeof value.arch !== 'string' || !isObject(value.kernel) || typeof value.kernel.release !== 'string') return 'no input, kernel or arch';
  if (!Array.isArray(value.features) || !value.features.every((feature) => isObject(feature) && typeof feature.id === 'string' && typeof feature.supported === 'boolean' && typeof feature.status === 'string')) return 'unreadable features';
  return null;
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
