import { buildProfile, wishesFrom } from '../app/recommend.js';
import { recommend } from '../engine/recommend.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import { hostFactsOf, type CheckRecordJson, type ConfigRecordJson, type FleetRecord, type HostRecordJson } from './records.js';

/** A record with the host it belongs to and the file it was read from. */
export interface PlacedRecord {
  host: string;
  source: string;
  record: FleetRecord;
}

export interface ApproachCell {
  id: string;
  eligible: boolean;
  /** Eligible on known facts (the CPU and kernel shown to have what it needs). */
  confirmed: boolean;
  /** Why not, when not eligible: the first reason against. */
  reason: string | null;
}

export interface TargetCell {
  id: string;
  ok: boolean;
  file: string;
  kernel: string;
  /** The required options that fail, or why the target cannot exist on that kernel. */
  reason: string | null;
}

export interface FeatureCell {
  id: string;
  kernel: string;
  available: boolean | 'unknown';
  status: string;
  since: string | null;
}

export interface FleetHost {
  host: string;
  sources: string[];
  kernel: string | null;
  arch: string | null;
  virtual: boolean | null;
  hypervisor: string | null;
  kvmUsable: boolean | null;
  nested: boolean | null;
  iommu: boolean | null;
  /** null: no host record for this host, so nothing is known of its approaches. */
  approaches: ApproachCell[] | null;
  /** null: no config record. */
  targets: TargetCell[] | null;
  features: FeatureCell[];
  errors: string[];
}

export interface FleetSummaryRow {
  id: string;
  /** How many hosts this was told for. */
  of: number;
  can: string[];
  cannot: Array<{ host: string; reason: string }>;
  unknown: string[];
}

export interface Fleet {
  hosts: FleetHost[];
  approaches: FleetSummaryRow[];
  targets: FleetSummaryRow[];
  features: FleetSummaryRow[];
}

const knownValue = <T>(fact: { known: true; value: T } | { known: false }): T | null => (fact.known ? fact.value : null);

function nestedOf(json: HostRecordJson): boolean | null {
  const values = [json.nested.kvmIntel, json.nested.kvmAmd].map(knownValue);
  if (values.includes(true)) return true;
  return values.includes(false) ? false : null;
}

function approachesOf(knowledge: KnowledgeBase, json: HostRecordJson): ApproachCell[] {
  const facts = hostFactsOf(json);
  const candidates = recommend(knowledge, buildProfile({}, facts).profile, wishesFrom({}));
  return candidates.map((candidate) => ({
    id: candidate.id,
    eligible: candidate.eligible,
    confirmed: candidate.confirmed,
    reason: candidate.eligible ? null : (candidate.reasons.find((reason) => reason.kind === 'against')?.text ?? 'not eligible'),
  }));
}

function targetsOf(json: ConfigRecordJson): TargetCell[] {
  return json.targets.map((target) => {
    const failing = target.checks.filter((check) => !check.optional && (['missing', 'off', 'invalid'].includes(check.status) || (check.status === 'module' && check.expected === 'y')));
    const reason = target.ok ? null : target.unavailable ?? (failing.length > 0 ? `${failing.map((check) => `CONFIG_${check.symbol.split('|')[0]} ${check.status}`).join(', ')}` : 'not satisfied');
    return { id: target.id, ok: target.ok, file: json.file, kernel: json.kernel.input, reason };
  });
}

function featuresOf(json: CheckRecordJson): FeatureCell[] {
  return json.features.map((feature) => ({
    id: feature.id,
    kernel: json.input,
    available: feature.available ?? (feature.status === 'unknown' ? 'unknown' : feature.supported),
    status: feature.status,
    since: feature.since,
  }));
}

function featureReason(cell: FeatureCell): string {
  if (cell.status === 'not-yet') return `${cell.kernel}: merged in ${cell.since}`;
  if (cell.available === false && (cell.status === 'supported' || cell.status === 'backported')) return `${cell.kernel}: left out by its config`;
  return `${cell.kernel}: ${cell.status}`;
}

/** Gathers records from many hosts into one view: per host, and per approach, target and feature. */
export function buildFleet(knowledge: KnowledgeBase, records: readonly PlacedRecord[], problems: string[] = []): Fleet {
  const byHost = new Map<string, FleetHost>();
  const hostRecords = new Set<string>();
  const hostOf = (name: string): FleetHost => {
    let host = byHost.get(name);
    if (!host) {
      host = { host: name, sources: [], kernel: null, arch: null, virtual: null, hypervisor: null, kvmUsable: null, nested: null, iommu: null, approaches: null, targets: null, features: [], errors: [] };
      byHost.set(name, host);
    }
    return host;
  };
  for (const { host: name, source, record } of records) {
    const host = hostOf(name);
    if (!host.sources.includes(source)) host.sources.push(source);
    switch (record.kind) {
      case 'host': {
        if (hostRecords.has(name)) {
          // Two machines' facts under one name: the input does not keep its hosts apart.
          problems.push(`${source}: a second host record for ${name}, not used (one file or folder per host keeps hosts apart)`);
          break;
        }
        hostRecords.add(name);
        const json = record.json;
        host.kernel = knownValue(json.kernelRelease) ?? host.kernel;
        host.arch = knownValue(json.arch) ?? host.arch;
        const hypervisor = knownValue(json.hypervisor);
        // As host says it: a Xen dom0 runs under Xen too.
        host.virtual = hypervisor?.virtual ?? null;
        host.hypervisor = hypervisor?.vendor ?? null;
        const kvm = knownValue(json.kvm);
        host.kvmUsable = kvm === null ? null : kvm.present ? kvm.usable : false;
        host.nested = nestedOf(json);
        host.iommu = knownValue(json.iommu)?.enabled ?? null;
        host.approaches = approachesOf(knowledge, json);
        break;
      }
      case 'config':
        host.targets = [...(host.targets ?? []), ...targetsOf(record.json)];
        host.kernel ??= record.json.kernel.input;
        host.arch ??= record.json.arch;
        break;
      case 'check':
        host.features.push(...featuresOf(record.json));
        host.kernel ??= record.json.input;
        host.arch ??= record.json.arch;
        break;
      case 'error':
        host.errors.push(`${source}: ${record.of === 'config' ? 'config: ' : record.of === 'check' ? `check${record.input ? ` ${record.input}` : ''}: ` : ''}${record.error}`);
        break;
    }
  }
  const hosts = [...byHost.values()].sort((a, b) => a.host.localeCompare(b.host, 'en', { numeric: true }));
  return { hosts, approaches: summarize(hosts, (host) => host.approaches?.map((cell) => ({ id: cell.id, ok: cell.eligible ? (cell.confirmed ? true : ('unknown' as const)) : false, reason: cell.reason })) ?? null), targets: summarize(hosts, (host) => host.targets?.map((cell) => ({ id: cell.id, ok: cell.ok, reason: cell.reason })) ?? null), features: summarize(hosts, (host) => (host.features.length === 0 ? null : host.features.map((cell) => ({ id: cell.id, ok: cell.available, reason: featureReason(cell) })))) };
}

/**
 * One row per id over all hosts: those that can, those that cannot (with the reason), those it
 * cannot be told for. A host with several entries for an id (several configs, several kernels) can
 * only when all of them can.
 */
function summarize(hosts: readonly FleetHost[], cells: (host: FleetHost) => Array<{ id: string; ok: boolean | 'unknown'; reason: string | null }> | null): FleetSummaryRow[] {
  const rows = new Map<string, FleetSummaryRow>();
  for (const host of hosts) {
    const entries = cells(host);
    if (entries === null) continue;
    const perId = new Map<string, Array<{ ok: boolean | 'unknown'; reason: string | null }>>();
    for (const entry of entries) perId.set(entry.id, [...(perId.get(entry.id) ?? []), entry]);
    for (const [id, list] of perId) {
      let row = rows.get(id);
      if (!row) {
        row = { id, of: 0, can: [], cannot: [], unknown: [] };
        rows.set(id, row);
      }
      row.of++;
      const failing = list.find((entry) => entry.ok === false);
      if (failing) row.cannot.push({ host: host.host, reason: failing.reason ?? 'no' });
      else if (list.some((entry) => entry.ok === 'unknown')) row.unknown.push(host.host);
      else row.can.push(host.host);
    }
  }
  return [...rows.values()];
}
