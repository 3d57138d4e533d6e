import type { Product } from '../rules/products.js';
import { SCHEMA_VERSIONS } from './schema-versions.js';
import { styleFor } from './style.js';

/** `explain virtualbox`: a hosted hypervisor's releases and what each says of Linux kernels, with sources. */
export function formatProductExplanation(product: Product, color: boolean): string {
  const style = styleFor(color);
  const lines = [
    style.bold(`${product.id}: ${product.name}`),
    `a hosted hypervisor: its modules (${product.modules.join(', ')}) are not in mainline Linux and are built against each kernel`,
    `Linux hosts: ${product.hostArch.join(', ')}`,
  ];
  for (const branch of product.branches) {
    lines.push('', style.bold(`${branch.branch}`));
    if (branch.note) lines.push(`  note: ${branch.note}`);
    for (const release of branch.releases) {
      const kernel = release.kernel ? `adds kernel ${release.kernel}` : release.breaksOn ? `modules reported to break from kernel ${release.breaksOn}` : 'no kernel named';
      const vendors = (release.distributionKernels ?? []).map((entry) => `${entry.distribution} ${entry.release}`);
      lines.push(`  ${release.version}${release.date ? ` (${release.date})` : ''}: ${kernel}${vendors.length > 0 ? `; vendor kernels: ${vendors.join(', ')}` : ''}${release.strength === 'weak' ? style.yellow(' (weak source)') : ''}`);
      if (release.evidence) lines.push(`    ${release.evidence}`);
      lines.push(style.dim(`    source: ${release.source}`));
    }
  }
  if (product.facts.length > 0) {
    lines.push('', style.bold('What else to know'));
    for (const fact of product.facts) {
      lines.push(`  ${fact.topic}${fact.since ? ` (from ${fact.since})` : ''}: ${fact.text}${fact.strength === 'weak' ? style.yellow(' (weak source)') : ''}`);
      lines.push(style.dim(`    source: ${fact.source}`));
    }
  }
  if (product.notes?.length) lines.push('', style.bold('Notes'), ...product.notes.map((note) => `  - ${note}`));
  return `${lines.join('\n')}\n`;
}

/** `explain virtualbox --json`, as schemas/explain-product.schema.json describes it. */
export function productJson(product: Product) {
  return { schemaVersion: SCHEMA_VERSIONS['explain-product'], product };
}
