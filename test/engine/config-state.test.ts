import { describe, expect, it } from 'vitest';
import { createKernelChecker, withConfig } from '../../src/app/check.js';
import type { FeatureVerdict } from '../../src/engine/check.js';
import { availabilityOf, configStateOf, moduleOf, specificSymbols, symbolsInRange } from '../../src/engine/config-state.js';
import { releaseNameKey } from '../../src/version/compare.js';
import { parseKconfig } from '../../src/kconfig/parse.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import type { Feature } from '../../src/rules/types.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * A feature's state in a kernel config, on a small knowledge base made for the test: what each
 * combination of values gives, which symbols prove a feature, and which release's symbols are read.
 */
const feature = (id: string, kconfig: Array<{ symbol: string; since: string; until?: string }>): Feature =>
  ({
    id,
    name: id,
    description: id,
    kind: 'io',
    support: { x86_64: { added: '2.6.20', addedSource: 'test' } },
    kconfig: kconfig.map((entry) => ({ ...entry, source: 'test' })),
  }) as Feature;

const features = [
  feature('alpha', [{ symbol: 'SHARED', since: '2.6.20' }, { symbol: 'ALPHA_ONLY', since: '2.6.20' }]),
  feature('beta', [{ symbol: 'SHARED', since: '2.6.20' }]),
  feature('gamma', [{ symbol: 'OLD_NAME', since: '2.6.20', until: '3.0' }, { symbol: 'NEW_NAME', since: '3.0' }]),
];
const knowledge = knowledgeBaseOf(features, ['2.6.20', '3.0', '6.1']);
const owners = specificSymbols(knowledge);
const check = createKernelChecker(knowledge, { arch: 'x86_64', fallback: null });

function stateOf(id: string, version: string, text: string, loaded: Set<string> | null = null) {
  const checked = check(parseKernelVersion(version));
  if ('error' in checked) throw new Error(checked.error);
  const index = knowledge.features.findIndex((entry) => entry.id === id);
  return configStateOf(knowledge.features[index]!, 'x86_64', checked.version, parseKconfig(text).values, owners, loaded, checked.verdicts[index]!);
}

describe('configStateOf', () => {
  it('y everywhere is built in; one m makes a module; one unset or absent symbol is off', () => {
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY=y\n')!.state).toBe('built-in');
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY=m\n')!.state).toBe('module');
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\n# CONFIG_ALPHA_ONLY is not set\n')!.state).toBe('off');
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\n')!.state).toBe('off');
    // Kconfig ignores a quoted value: the symbol is not set.
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY="y"\n')!.state).toBe('off');
  });

  it('a symbol only one feature names proves it; a shared one leaves it to the version', () => {
    expect(owners.get('ALPHA_ONLY')).toBe('alpha');
    expect(owners.get('SHARED')).toBeNull();
    expect(owners.get('OLD_NAME')).toBe('gamma');
    expect(owners.get('NEW_NAME')).toBe('gamma');
    expect(owners.has('OTHER')).toBe(false);
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY=y\n')!.available).toBe(true);
    expect(stateOf('beta', '6.1', 'CONFIG_SHARED=y\n')!.available).toBeNull();
    expect(stateOf('beta', '6.1', '# CONFIG_SHARED is not set\n')!.available).toBe(false);
  });

  it("reads the symbols of the kernel's own release", () => {
    expect(stateOf('gamma', '2.6.30', 'CONFIG_OLD_NAME=y\n')!.symbols).toEqual([{ symbol: 'OLD_NAME', value: 'y' }]);
    expect(stateOf('gamma', '6.1', 'CONFIG_OLD_NAME=y\n')!).toMatchObject({ state: 'off', symbols: [{ symbol: 'NEW_NAME', value: null }] });
  });

  it('names the modules of =m symbols, loaded or not, or null when that cannot be told', () => {
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=m\nCONFIG_ALPHA_ONLY=y\n', new Set(['shared']))!.modules).toEqual([{ name: 'shared', loaded: true }]);
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=m\nCONFIG_ALPHA_ONLY=m\n', new Set(['shared']))!.modules).toEqual([
      { name: 'shared', loaded: true },
      { name: 'alpha_only', loaded: false },
    ]);
    expect(stateOf('alpha', '6.1', 'CONFIG_SHARED=m\nCONFIG_ALPHA_ONLY=y\n', null)!.modules).toEqual([{ name: 'shared', loaded: null }]);
    expect(moduleOf('VIRTIO_FS')).toBe('virtiofs');
    expect(moduleOf('KVM_INTEL')).toBe('kvm_intel');
  });

  it('reads nothing for a feature the version rules out', () => {
    expect(stateOf('alpha', '2.6.19', 'CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY=y\n')).toBeNull();
  });

  it('a symbol counts from its since release, and no longer at its until release', () => {
    expect(symbolsInRange(knowledge.byId.get('gamma')!, 'x86_64', releaseNameKey('2.6.20'))).toEqual(['OLD_NAME']);
    expect(symbolsInRange(knowledge.byId.get('gamma')!, 'x86_64', releaseNameKey('3.0'))).toEqual(['NEW_NAME']);
    expect(symbolsInRange(knowledge.byId.get('gamma')!, 'x86_64', releaseNameKey('2.6.19'))).toEqual([]);
    expect(symbolsInRange(knowledge.byId.get('alpha')!, 'arm64', releaseNameKey('6.1'))).toEqual(['SHARED', 'ALPHA_ONLY']);
  });

  it('on the vendor\'s word, the symbols of the mainline release that merged the feature', () => {
    const verdict = (status: FeatureVerdict['status']): FeatureVerdict => ({ id: 'gamma', supported: status === 'backported', status, since: '3.0', removedIn: null, uncertain: false, vendor: null, note: null });
    const gamma = knowledge.byId.get('gamma')!;
    const values = parseKconfig('CONFIG_NEW_NAME=m\n').values;
    const old = parseKernelVersion('2.6.32');
    for (const status of ['backported', 'unknown', 'vendor-absent'] as const) {
      expect(configStateOf(gamma, 'x86_64', old, values, owners, null, verdict(status)), status).toMatchObject({ state: 'module', symbols: [{ symbol: 'NEW_NAME', value: 'm' }] });
    }
    // The version's own word: the symbols of its own release.
    expect(configStateOf(gamma, 'x86_64', old, values, owners, null, verdict('supported'))).toMatchObject({ state: 'off', symbols: [{ symbol: 'OLD_NAME', value: null }] });
    for (const status of ['not-yet', 'removed', 'never', 'out-of-tree', 'not-linux'] as const) {
      expect(configStateOf(gamma, 'x86_64', old, values, owners, null, verdict(status)), status).toBeNull();
    }
    // No release known to key on: the kernel's own.
    expect(configStateOf(gamma, 'x86_64', old, values, owners, null, { ...verdict('unknown'), since: null })).toMatchObject({ symbols: [{ symbol: 'OLD_NAME' }] });
  });

  it('a feature with no symbol at all has no config state', () => {
    const bare = feature('bare', []);
    const base = knowledgeBaseOf([bare], ['6.1']);
    const checked = createKernelChecker(base, { arch: 'x86_64', fallback: null })(parseKernelVersion('6.1'));
    if ('error' in checked) throw new Error(checked.error);
    expect(configStateOf(bare, 'x86_64', checked.version, parseKconfig('CONFIG_X=y\n').values, specificSymbols(base), null, checked.verdicts[0]!)).toBeNull();
  });
});

describe('availability', () => {
  const checked = check(parseKernelVersion('6.1'));
  if ('error' in checked) throw new Error(checked.error);
  const config = (text: string) => {
    const values = parseKconfig(text).values;
    return withConfig(knowledge, checked, { values, shown: 'test', headerVersion: null, arch: null, modules: { loaded: null, reason: 'test' } });
  };

  it("is the config's word where it settles it, else the version's", () => {
    const on = config('CONFIG_SHARED=y\nCONFIG_ALPHA_ONLY=y\nCONFIG_NEW_NAME=y\n');
    const off = config('# CONFIG_SHARED is not set\n');
    if (!on.config?.known || !off.config?.known) throw new Error('config expected');
    expect(on.config.features.map((state, index) => availabilityOf(on.verdicts[index]!, state))).toEqual([true, true, true]);
    expect(off.config.features.map((state, index) => availabilityOf(off.verdicts[index]!, state))).toEqual([false, false, false]);
    expect(availabilityOf({ ...checked.verdicts[1]!, status: 'unknown', supported: false }, null)).toBe('unknown');
    expect(availabilityOf({ ...checked.verdicts[1]!, status: 'unknown', supported: false }, { state: 'off', symbols: [], modules: [], available: false })).toBe(false);
  });

  it('a config that could not be read leaves the versions answer, with the reason', () => {
    expect(withConfig(knowledge, checked, { reason: 'permission denied' }).config).toEqual({ known: false, reason: 'permission denied' });
  });
});

describe('which symbols prove a feature, and on which architecture', () => {
  it('a symbol named by one feature is that feature\'s; one named by two proves neither', () => {
    // Computed here, not only at load: a change to specificSymbols must show in this test.
    expect(specificSymbols(knowledge)).toEqual(
      new Map([
        ['SHARED', null],
        ['ALPHA_ONLY', 'alpha'],
        ['OLD_NAME', 'gamma'],
        ['NEW_NAME', 'gamma'],
      ]),
    );
  });
  it('a symbol of another architecture is not read', () => {
    const armOnly = { ...feature('delta', [{ symbol: 'X86_SYM', since: '2.6.20' }]), kconfig: [{ symbol: 'X86_SYM', since: '2.6.20', source: 'test' }, { symbol: 'ARM_SYM', since: '2.6.20', source: 'test', arch: ['arm64'] }] } as Feature;
    expect(symbolsInRange(armOnly, 'x86_64', releaseNameKey('6.1'))).toEqual(['X86_SYM']);
    expect(symbolsInRange(armOnly, 'arm64', releaseNameKey('6.1'))).toEqual(['X86_SYM', 'ARM_SYM']);
  });
});
