import { describe, expect, it } from 'vitest';
import type { Arch } from '../../src/arch.js';
import { auditConfig, checkPasses, defaultTargets, evaluateRequirement, type Check, type TargetVerdict } from '../../src/engine/audit.js';
import { releaseKey } from '../../src/version/compare.js';
import type { Requirement, Target } from '../../src/rules/targets.js';
import { parseKernelVersion } from '../../src/version/parse.js';

// Synthetic targets: the engine is tested on rules made for it, never on the real ones.
const source = 'https://example.org/source';
const req = (extra: Partial<Requirement>): Requirement => ({ source, note: 'why', ...extra });

const renamed: Target = {
  id: 'renamed',
  name: 'Renamed',
  description: 'a symbol renamed in 3.6',
  arch: ['x86_64', 'i386', 'arm64'],
  requirements: [
    req({ symbol: 'OLD_NAME', until: '3.6', untilSource: source }),
    req({ symbol: 'NEW_NAME', since: '3.6' }),
    req({ anyOf: ['VENDOR_A', 'VENDOR_B'], arch: ['x86_64', 'i386'] }),
    req({ symbol: 'BOOT_DISK', builtin: true }),
  ],
};
const gone: Target = {
  id: 'gone',
  name: 'Gone',
  description: 'merged in 2.6.23, removed in 4.14, 32-bit only',
  arch: ['i386'],
  available: [{ arch: ['i386'], since: '2.6.23', until: '4.14', source, reason: 'it lived from 2.6.23 to 4.13' }],
  requirements: [req({ symbol: 'GONE' })],
};
const late: Target = {
  id: 'late',
  name: 'Late',
  description: 'arrives in 3.0 on x86_64, 3.11 on arm64',
  arch: ['x86_64', 'arm64'],
  available: [
    { arch: ['x86_64'], since: '3.0', source, reason: 'x86_64 from 3.0' },
    { arch: ['arm64'], since: '3.11', source, reason: 'arm64 from 3.11' },
  ],
  requirements: [req({ symbol: 'LATE' })],
};

const v = (text: string) => parseKernelVersion(text);
const config = (values: Record<string, string>) => new Map(Object.entries(values));
const statusOf = (requirement: Requirement, values: Record<string, string>, version: string, arch: Arch = 'x86_64') =>
  evaluateRequirement(requirement, config(values), releaseKey(v(version)), arch).status;

describe('evaluateRequirement', () => {
  const [oldName, newName, vendor, bootDisk] = renamed.requirements as [Requirement, Requirement, Requirement, Requirement];
  const table: Array<[string, Requirement, Record<string, string>, string, Arch, Check['status']]> = [
    ['built in', newName, { NEW_NAME: 'y' }, '6.1', 'x86_64', 'ok'],
    ['a module', newName, { NEW_NAME: 'm' }, '6.1', 'x86_64', 'module'],
    ['is not set', newName, { NEW_NAME: 'n' }, '6.1', 'x86_64', 'off'],
    ['absent from a release that has it', newName, {}, '6.1', 'x86_64', 'missing'],
    ['absent before it existed', newName, {}, '3.5', 'x86_64', 'obsolete'],
    ['the old name after the rename', oldName, {}, '3.6', 'x86_64', 'obsolete'],
    ['the old name, is not set, after the rename', oldName, { OLD_NAME: 'n' }, '4.0', 'x86_64', 'obsolete'],
    ['the old name before the rename', oldName, { OLD_NAME: 'y' }, '3.5.7', 'x86_64', 'ok'],
    ['rc1 of the rename release already has the new name', newName, {}, '3.6-rc1', 'x86_64', 'missing'],
    ['either alternative will do', vendor, { VENDOR_A: 'n', VENDOR_B: 'm' }, '6.1', 'x86_64', 'module'],
    ['a built-in alternative beats a module', vendor, { VENDOR_A: 'm', VENDOR_B: 'y' }, '6.1', 'x86_64', 'ok'],
    ['every alternative off', vendor, { VENDOR_A: 'n', VENDOR_B: 'n' }, '6.1', 'x86_64', 'off'],
    ['one alternative off, one absent', vendor, { VENDOR_A: 'n' }, '6.1', 'x86_64', 'off'],
    ['no alternative present', vendor, {}, '6.1', 'x86_64', 'missing'],
    ['another architecture', vendor, {}, '6.1', 'arm64', 'not-applicable'],
    // Kconfig reads a bool or tristate by its first character; anything else it ignores.
    ['"yes" counts as built in, as Kconfig reads it', newName, { NEW_NAME: 'yes' }, '6.1', 'x86_64', 'ok'],
    ['"no" counts as off, not as set', newName, { NEW_NAME: 'no' }, '6.1', 'x86_64', 'off'],
    ['a quoted "y" is not a tristate value', newName, { NEW_NAME: '"y"' }, '6.1', 'x86_64', 'invalid'],
    ['an empty value is not a tristate value', newName, { NEW_NAME: '' }, '6.1', 'x86_64', 'invalid'],
    ['an invalid value does not hide a set alternative', vendor, { VENDOR_A: '"y"', VENDOR_B: 'y' }, '6.1', 'x86_64', 'ok'],
    ['a module where it must be built in', bootDisk, { BOOT_DISK: 'm' }, '6.1', 'x86_64', 'module'],
  ];
  it.each(table)('%s', (_, requirement, values, version, arch, expected) => {
    expect(statusOf(requirement, values, version, arch)).toBe(expected);
  });

  it('fails a module only where the requirement needs it built in', () => {
    const key = releaseKey(v('6.1'));
    const builtinModule = evaluateRequirement(bootDisk, config({ BOOT_DISK: 'm' }), key, 'x86_64');
    const plainModule = evaluateRequirement(newName, config({ NEW_NAME: 'm' }), key, 'x86_64');
    expect(builtinModule).toMatchObject({ status: 'module', builtinRequired: true });
    expect(checkPasses(builtinModule)).toBe(false);
    expect(checkPasses(plainModule)).toBe(true);
  });

  it('says which alternative satisfied, and what every symbol was', () => {
    const check = evaluateRequirement(vendor, config({ VENDOR_A: 'n', VENDOR_B: 'm' }), releaseKey(v('6.1')), 'x86_64');
    expect(check).toMatchObject({ status: 'module', symbol: 'VENDOR_B' });
    expect(check.found).toEqual([
      { symbol: 'VENDOR_A', value: 'n' },
      { symbol: 'VENDOR_B', value: 'm' },
    ]);
  });

  it('trusts a config that sets a symbol its mainline release lacks, and marks it a backport', () => {
    const check = evaluateRequirement(newName, config({ NEW_NAME: 'y' }), releaseKey(v('2.6.32')), 'x86_64');
    expect(check).toMatchObject({ status: 'ok', backport: true });
  });

  it('tells a symbol that came later from one that went away', () => {
    const key = releaseKey(v('2.6.32'));
    expect(evaluateRequirement(newName, config({}), key, 'x86_64')).toMatchObject({ status: 'obsolete', gone: 'not-yet' });
    expect(evaluateRequirement(oldName, config({}), releaseKey(v('5.4')), 'x86_64')).toMatchObject({ status: 'obsolete', gone: 'removed' });
  });
});

describe('auditConfig', () => {
  const verdictOf = (target: Target, values: Record<string, string>, version: string, arch: Arch): TargetVerdict =>
    auditConfig([target], config(values), v(version), arch)[0]!;

  it('satisfies a target when every check passes, obsolete and foreign ones included', () => {
    const verdict = verdictOf(renamed, { OLD_NAME: 'y', VENDOR_B: 'm', BOOT_DISK: 'y' }, '3.2', 'x86_64');
    expect(verdict.ok).toBe(true);
    expect(verdict.kind === 'audited' && verdict.checks.map((check) => check.status)).toEqual(['ok', 'obsolete', 'module', 'ok']);
  });

  it('fails a target on one missing, off, or must-be-built-in check', () => {
    expect(verdictOf(renamed, { NEW_NAME: 'y', VENDOR_A: 'y' }, '6.1', 'x86_64').ok).toBe(false);
    expect(verdictOf(renamed, { NEW_NAME: 'n', VENDOR_A: 'y', BOOT_DISK: 'y' }, '6.1', 'x86_64').ok).toBe(false);
    expect(verdictOf(renamed, { NEW_NAME: 'y', VENDOR_A: 'y', BOOT_DISK: 'm' }, '6.1', 'x86_64').ok).toBe(false);
    expect(verdictOf(renamed, { NEW_NAME: 'y', VENDOR_A: 'y', BOOT_DISK: 'y' }, '6.1', 'x86_64').ok).toBe(true);
  });

  const unavailable: Array<[string, Target, string, Arch, string]> = [
    ['removed', gone, '4.14', 'i386', 'removed'],
    ['removed, an rc of the removing release', gone, '4.14-rc1', 'i386', 'removed'],
    ['not yet merged', gone, '2.6.22', 'i386', 'not-yet'],
    ['another architecture', gone, '3.0', 'x86_64', 'arch'],
    ['not yet on this architecture', late, '3.10', 'arm64', 'not-yet'],
  ];
  it.each(unavailable)('gives one verdict when the target cannot exist: %s', (_, target, version, arch, why) => {
    const verdict = verdictOf(target, {}, version, arch);
    expect(verdict).toMatchObject({ kind: 'unavailable', ok: false, unavailable: { why } });
  });

  it('audits a target inside its window', () => {
    expect(verdictOf(gone, { GONE: 'm' }, '4.13.16', 'i386')).toMatchObject({ kind: 'audited', ok: true });
    expect(verdictOf(late, { LATE: 'y' }, '3.10', 'x86_64')).toMatchObject({ kind: 'audited', ok: true });
  });
});

describe('defaultTargets', () => {
  const ids = (version: string, arch: Arch) => defaultTargets([renamed, gone, late], v(version), arch).map((target) => target.id);
  it.each([
    ['4.13', 'i386', ['renamed', 'gone']],
    ['6.1', 'i386', ['renamed']],
    ['6.1', 'x86_64', ['renamed', 'late']],
    ['3.10', 'arm64', ['renamed']],
    ['3.11', 'arm64', ['renamed', 'late']],
    ['6.1', 's390x', []],
  ] as Array<[string, Arch, string[]]>)('%s on %s', (version, arch, expected) => {
    expect(ids(version, arch)).toEqual(expected);
  });
});
