import { describe, expect, it } from 'vitest';
import { auditConfig, availabilityOf, checkPasses, evaluateRequirement, type Check } from '../../src/engine/audit.js';
import { parseKconfig } from '../../src/kconfig/parse.js';
import type { AvailabilityWindow, Requirement, Target } from '../../src/rules/targets.js';
import { releaseNameKey } from '../../src/version/compare.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * The audit's rules on small made-up targets (the real targets are tested against real configs in
 * audit.test.ts): availability windows at their edges, every check status, what passes a target.
 */
const window = (over: Partial<AvailabilityWindow>): AvailabilityWindow => ({ arch: ['x86_64'], source: 's', reason: 'r', ...over });
const target = (over: Partial<Target>): Target => ({ id: 't', name: 'T', description: 'd', arch: ['x86_64', 'arm64'], requirements: [], ...over });
const key = releaseNameKey;

describe('availabilityOf', () => {
  const twoWindows = target({ available: [window({ since: '4.0', until: '4.10' }), window({ since: '2.6.30', until: '3.5' })] });
  it('the wrong architecture first; no window for this architecture means always', () => {
    expect(availabilityOf(target({ arch: ['arm64'] }), key('6.1'), 'x86_64')).toEqual({ why: 'arch', arches: ['arm64'] });
    expect(availabilityOf(target({ available: [window({ arch: ['arm64'], since: '5.0' })] }), key('2.6.0'), 'x86_64')).toBeNull();
  });
  it('inside any window, from its first release to before its end', () => {
    for (const release of ['2.6.30', '3.4', '4.0', '4.9']) expect(availabilityOf(twoWindows, key(release), 'x86_64'), release).toBeNull();
  });
  it('before the earliest window (whatever the order written): not yet, with that window', () => {
    expect(availabilityOf(twoWindows, key('2.6.29'), 'x86_64')).toEqual({ why: 'not-yet', window: twoWindows.available![1] });
  });
  it('after a window ended: removed, with the last window that had begun', () => {
    expect(availabilityOf(twoWindows, key('3.5'), 'x86_64')).toEqual({ why: 'removed', window: twoWindows.available![1] });
    expect(availabilityOf(twoWindows, key('3.19'), 'x86_64')).toEqual({ why: 'removed', window: twoWindows.available![1] });
    expect(availabilityOf(twoWindows, key('4.10'), 'x86_64')).toEqual({ why: 'removed', window: twoWindows.available![0] });
    const open = target({ available: [window({ until: '3.0' })] });
    expect(availabilityOf(open, key('3.0'), 'x86_64')).toEqual({ why: 'removed', window: open.available![0] });
    expect(availabilityOf(open, key('2.6.39'), 'x86_64')).toBeNull();
  });
});

describe('evaluateRequirement', () => {
  const requirement = (over: Partial<Requirement>): Requirement => ({ symbol: 'KVM', source: 's', ...over }) as Requirement;
  const evaluate = (text: string, over: Partial<Requirement>, release = '6.1', arch: 'x86_64' | 'arm64' = 'x86_64') => {
    const config = parseKconfig(text);
    return evaluateRequirement(requirement(over), config.values, key(release), arch);
  };
  it('built in, a module, off, missing, invalid, with the symbol and value that decided', () => {
    expect(evaluate('CONFIG_KVM=y\n', {})).toMatchObject({ status: 'ok', symbol: 'KVM', value: 'y', backport: false });
    expect(evaluate('CONFIG_KVM=m\n', {})).toMatchObject({ status: 'module', symbol: 'KVM', builtinRequired: false, backport: false });
    expect(evaluate('CONFIG_KVM=m\n', { builtin: true })).toMatchObject({ status: 'module', builtinRequired: true });
    expect(evaluate('# CONFIG_KVM is not set\n', {})).toMatchObject({ status: 'off' });
    expect(evaluate('CONFIG_OTHER=y\n', {})).toMatchObject({ status: 'missing', found: [{ symbol: 'KVM', value: null }] });
    const invalid = evaluate('#\n#\nCONFIG_KVM="y"\n', {});
    expect(invalid).toMatchObject({ status: 'invalid', symbol: 'KVM', value: '"y"', line: 3 });
  });
  it('any one of several symbols: built in wins over a module, a module over an invalid value', () => {
    const anyOf = { symbol: undefined, anyOf: ['A', 'B', 'C'] };
    expect(evaluate('CONFIG_A=m\nCONFIG_B=y\nCONFIG_C=x\n', anyOf)).toMatchObject({ status: 'ok', symbol: 'B' });
    expect(evaluate('CONFIG_A=x\nCONFIG_B=m\n', anyOf)).toMatchObject({ status: 'module', symbol: 'B' });
    expect(evaluate('# CONFIG_A is not set\nCONFIG_C=x\n', anyOf)).toMatchObject({ status: 'invalid', symbol: 'C' });
    expect(evaluate('# CONFIG_A is not set\n', anyOf)).toMatchObject({ status: 'off' });
    expect(evaluate('', anyOf).found).toEqual([
      { symbol: 'A', value: null },
      { symbol: 'B', value: null },
      { symbol: 'C', value: null },
    ]);
  });
  it('outside its releases: a set symbol is a backport; an unset one is obsolete (not yet, or removed)', () => {
    expect(evaluate('CONFIG_KVM=y\n', { since: '6.2' })).toMatchObject({ status: 'ok', backport: true });
    expect(evaluate('CONFIG_KVM=m\n', { until: '6.1' })).toMatchObject({ status: 'module', backport: true });
    expect(evaluate('', { since: '6.2' })).toMatchObject({ status: 'obsolete', gone: 'not-yet' });
    expect(evaluate('', { since: '6.1' })).toMatchObject({ status: 'missing' });
    expect(evaluate('', { since: '5.0', until: '6.1' })).toMatchObject({ status: 'obsolete', gone: 'removed' });
    expect(evaluate('', { since: '5.0', until: '6.2' })).toMatchObject({ status: 'missing' });
  });
  it('for other architectures: not applicable, whatever the config says', () => {
    expect(evaluate('# CONFIG_KVM is not set\n', { arch: ['arm64'] })).toMatchObject({ status: 'not-applicable', arches: ['arm64'] });
    expect(evaluate('# CONFIG_KVM is not set\n', { arch: ['arm64'] }, '6.1', 'arm64')).toMatchObject({ status: 'off' });
  });
  it('a plain value map (no line numbers) works too', () => {
    const check = evaluateRequirement(requirement({}), { get: (symbol) => (symbol === 'KVM' ? 'true' : undefined) }, key('6.1'), 'x86_64');
    expect(check).toMatchObject({ status: 'invalid', value: 'true', line: null });
  });
});

describe('what passes', () => {
  const base = { requirement: { symbol: 'X', source: 's' }, found: [] };
  it.each([
    [{ ...base, status: 'ok', symbol: 'X', value: 'y', backport: false }, true],
    [{ ...base, status: 'obsolete', gone: 'removed' }, true],
    [{ ...base, status: 'not-applicable', arches: ['arm64'] }, true],
    [{ ...base, status: 'module', symbol: 'X', builtinRequired: false, backport: false }, true],
    [{ ...base, status: 'module', symbol: 'X', builtinRequired: true, backport: false }, false],
    [{ ...base, status: 'missing' }, false],
    [{ ...base, status: 'off' }, false],
    [{ ...base, status: 'invalid', symbol: 'X', value: '"y"', line: 1 }, false],
  ] as unknown as Array<[Check, boolean]>)('%j passes: %s', (check, passes) => {
    expect(checkPasses(check)).toBe(passes);
  });
  it('a target passes when every required check passes; optional ones never fail it', () => {
    const t = target({
      requirements: [
        { symbol: 'A', source: 's', note: 'n' },
        { symbol: 'B', source: 's', note: 'n', optional: true },
      ],
    });
    const audit = (text: string) => auditConfig([t], parseKconfig(text).values, parseKernelVersion('6.1'), 'x86_64')[0]!;
    expect(audit('CONFIG_A=y\n# CONFIG_B is not set\n').ok).toBe(true);
    expect(audit('# CONFIG_A is not set\nCONFIG_B=y\n').ok).toBe(false);
    expect(audit('CONFIG_A=y\nCONFIG_B=y\n')).toMatchObject({ kind: 'audited', ok: true });
    const gone = target({ available: [window({ until: '5.0' })] });
    expect(auditConfig([gone], parseKconfig('').values, parseKernelVersion('6.1'), 'x86_64')[0]).toMatchObject({ kind: 'unavailable', ok: false, unavailable: { why: 'removed' } });
  });
});
