import type { Arch } from '../arch.js';
import type { DistributionRules, VendorFact } from '../rules/distributions.js';
import type { Feature } from '../rules/types.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

/** `list`: one line per feature, with when it arrived on the architecture asked about. */
export function formatFeatureList(features: Feature[], arch: Arch | null, color: boolean): string {
  const style = styleFor(color);
  const width = Math.max(...features.map((feature) => feature.id.length));
  const lines = features.map((feature) => {
    let when = '';
    if (arch) {
      const statement = feature.support[arch];
      when = feature.mainline === false ? 'never in mainline' : statement ? `${statement.added}${statement.removed ? `-${statement.removed} (removed)` : ''}` : `never on ${arch}`;
      when = style.dim(`  ${when}`);
    }
    return `${feature.id.padEnd(width)}  ${feature.description}${when}`;
  });
  return `${lines.join('\n')}\n`;
}

/** `list --json`: { schemaVersion, arch, features }. */
export function featureListJson(features: Feature[], arch: Arch | null) {
  return { schemaVersion: SCHEMA_VERSIONS.list, arch, features: featureEntries(features, arch) };
}

/** A vendor's record about one feature, with the vendor named. */
export interface VendorRecord {
  distribution: string;
  name: string;
  fact: VendorFact;
}

/** Every vendor record about a feature, vendor by vendor. */
export function vendorRecordsOf(feature: Feature, distributions: Iterable<DistributionRules>): VendorRecord[] {
  return [...distributions].flatMap((distribution) =>
    distribution.facts.filter((fact) => fact.feature === feature.id).map((fact) => ({ distribution: distribution.id, name: distribution.name, fact })),
  );
}

/** `explain --json`: { schemaVersion, feature, vendors } with the rule as rules/ has it. */
export function featureJson(feature: Feature, vendors: VendorRecord[] = []) {
  return { schemaVersion: SCHEMA_VERSIONS.explain, feature, vendors: vendors.map(({ distribution, fact }) => ({ distribution, ...fact })) };
}

function featureEntries(features: Feature[], arch: Arch | null) {
  return features.map((feature) => {
    const statement = arch ? feature.support[arch] : undefined;
    return {
      id: feature.id,
      name: feature.name,
      kind: feature.kind,
      description: feature.description,
      ...(arch ? { arch, since: statement?.added ?? null, removedIn: statement?.removed ?? null } : {}),
    };
  });
}

/** `explain`: everything known about one feature, with the source of every version. */
export function formatFeatureExplanation(feature: Feature, color: boolean, vendors: VendorRecord[] = []): string {
  const style = styleFor(color);
  const lines = [style.bold(`${feature.id}: ${feature.name}`), feature.description, `kind: ${feature.kind}${feature.parent ? `; builds on ${feature.parent}` : ''}`];
  if (feature.mainline === false) lines.push(style.yellow('never merged into mainline Linux'));
  const arches = Object.entries(feature.support);
  if (arches.length > 0) {
    lines.push('', style.bold('Mainline support'));
    for (const [arch, statement] of arches) {
      if (!statement) continue;
      lines.push(`  ${arch}: since ${statement.added}${statement.removed ? `, removed in ${statement.removed}` : ''}`);
      lines.push(style.dim(`    source: ${statement.addedSource}`));
      if (statement.removedSource) lines.push(style.dim(`    removal source: ${statement.removedSource}`));
      if (statement.cpu) {
        const cpu = [statement.cpu.allOf ? `all of ${statement.cpu.allOf.join(', ')}` : '', statement.cpu.anyOf ? `any of ${statement.cpu.anyOf.join(', ')}` : '']
          .filter(Boolean)
          .join('; ');
        lines.push(`    CPU: ${cpu}${statement.cpu.note ? ` (${statement.cpu.note})` : ''}`);
      }
      if (statement.note) lines.push(`    note: ${statement.note}`);
    }
  }
  if (feature.kconfig.length > 0) {
    lines.push('', style.bold('Kconfig'));
    for (const entry of feature.kconfig) {
      const range = entry.until ? `${entry.since} to ${entry.until} (gone in ${entry.until})` : `since ${entry.since}`;
      lines.push(`  CONFIG_${entry.symbol}  ${range}${entry.arch ? ` [${entry.arch.join(', ')}]` : ''}`);
      if (entry.note) lines.push(`    note: ${entry.note}`);
      lines.push(style.dim(`    source: ${entry.source}`));
    }
  }
  if (feature.guests) lines.push('', `Guests: ${feature.guests.os.join(', ')}${feature.guests.note ? ` (${feature.guests.note})` : ''}`);
  if (feature.notes?.length) lines.push('', style.bold('Notes'), ...feature.notes.map((note) => `  - ${note}`));
  if (vendors.length > 0) {
    lines.push('', style.bold('Vendor kernels (where they differ from mainline, or state a support level)'));
    for (const { name, fact } of vendors) {
      const range = fact.until ? `${fact.since} to before ${fact.until}` : `${fact.since} and later`;
      const words = { backported: 'backported', absent: 'left out', present: 'present' }[fact.status];
      const level = fact.support ? `, ${fact.support.replace('-', ' ')}` : '';
      const where = [fact.arch ? fact.arch.join(', ') : null, fact.variant ? `flavour /${fact.variant}/` : null].filter(Boolean).join('; ');
      lines.push(`  ${name} ${range}: ${words}${level}${where ? ` [${where}]` : ''}${fact.strength === 'weak' ? style.yellow(' (weak source)') : ''}`);
      lines.push(`    note: ${fact.note}`);
      lines.push(style.dim(`    source: ${fact.source}`));
    }
  }
  if (feature.references?.length) lines.push('', style.bold('References'), ...feature.references.map((reference) => `  ${reference}`));
  return `${lines.join('\n')}\n`;
}
