import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { archOfConfig } from '../../src/kconfig/arch.js';
import { parseKconfig } from '../../src/kconfig/parse.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { releaseKey, releaseNameKey } from '../../src/version/compare.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * Real configs as witnesses for the facts: a symbol a config mentions (set or "is not set")
 * existed in that config's release, so one of the symbol's Kconfig entries for that architecture
 * must cover the release. Only configs of mainline-based kernels count: vendor kernels (RHEL's
 * 2.6.32 has vhost-net from 2.6.34, Amazon Linux) carry backports and prove nothing about mainline.
 */
const MAINLINE_BASED = [
  'config-boot2docker-3.12.1',
  'config-boot2docker-3.18.4',
  'config-debian-6.1.176-686',
  'config-debian-6.1.176-686-pae',
  'config-debian-6.1.176-s390x',
  'config-debian-6.1.192-amd64',
  'config-debian-6.1.192-arm64',
  'config-debian-6.1.192-cloud-amd64',
  'config-debian-6.1.192-rt-amd64',
  'config-debian-6.1.192-rt-arm64',
  'config-firecracker-guest-6.18.44-fc',
  'config-upstream-i386_defconfig-2.6.30-rc2',
];

const { rules } = loadRulesDirectory(fileURLToPath(new URL('../../rules', import.meta.url)));

describe.each(MAINLINE_BASED)('%s', (name) => {
  it('mentions no Kconfig symbol outside the releases the knowledge base gives it', () => {
    const config = parseKconfig(readFileSync(new URL(`../fixtures/corpus/configs/${name}`, import.meta.url), 'utf8'));
    const version = parseKernelVersion(config.header.version!);
    const arch = archOfConfig(config)!.arch;
    const key = releaseKey(version);
    const contradictions: string[] = [];
    for (const feature of rules.features) {
      const bySymbol = new Map<string, typeof feature.kconfig>();
      for (const entry of feature.kconfig) {
        if (entry.arch && !entry.arch.includes(arch)) continue;
        bySymbol.set(entry.symbol, [...(bySymbol.get(entry.symbol) ?? []), entry]);
      }
      for (const [symbol, entries] of bySymbol) {
        if (config.values.get(symbol) === undefined) continue;
        const covered = entries.some((entry) => releaseNameKey(entry.since) <= key && (!entry.until || key < releaseNameKey(entry.until)));
        if (!covered) contradictions.push(`${feature.id}: ${symbol} is in a ${version.release} config, outside ${entries.map((e) => `${e.since}..${e.until ?? ''}`).join(', ')}`);
      }
    }
    expect(contradictions).toEqual([]);
  });
});
