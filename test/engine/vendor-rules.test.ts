import { describe, expect, it } from 'vitest';
import { compileChecker } from '../../src/engine/check.js';
import { vendorFactFor, vendorKernelOf, vendorKey } from '../../src/engine/vendor.js';
import type { DistributionRules, VendorFact } from '../../src/rules/distributions.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import type { Feature } from '../../src/rules/types.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * How a vendor kernel is placed among its vendor's releases, and which record applies, on small
 * vendor files made for the test: every branch of the matching, each on both sides.
 */
const src = 'https://example.org';
const fact = (over: Partial<VendorFact>): VendorFact => ({ feature: 'later', since: '8.1', status: 'backported', source: src, strength: 'strong', note: 'n', ...over });
const rhel: DistributionRules = {
  id: 'rhel',
  name: 'Vendor Linux',
  recognise: 'build',
  backports: 'heavy',
  match: 'build',
  releases: [
    { release: '7.9', kernel: '3.10.0', build: 1160, pattern: 'x', source: `${src}/7.9` },
    { release: '8.0', kernel: '4.18.0', build: 80, pattern: 'x', source: `${src}/8.0` },
    { release: '8.1', kernel: '4.18.0', build: 147, pattern: 'x', source: `${src}/8.1` },
    { release: '8.2', kernel: '4.18.0', build: 193, pattern: 'x', source: `${src}/8.2` },
    // A release of another major on the same base: only the el tag tells them apart.
    { release: '9.0', kernel: '4.18.0', build: 100, pattern: 'x', source: `${src}/9.0` },
    { release: '8.3', kernel: '4.18.0', pattern: 'x', source: `${src}/8.3-no-build` },
  ],
  facts: [
    fact({ since: '8.1', until: '8.2' }),
    fact({ feature: 'gone', since: '8.1', status: 'absent' }),
    fact({ feature: 'armonly', since: '8.0', arch: ['arm64'] }),
    fact({ feature: 'flavour', since: '8.0', variant: '\\+debug$' }),
    fact({ feature: 'level', since: '8.0', support: 'technology-preview' }),
  ],
  sources: [src],
};
const ubuntu: DistributionRules = {
  id: 'ubuntu',
  name: 'Pattern Linux',
  recognise: 'pattern',
  backports: 'some',
  match: 'pattern',
  releases: [
    { release: '20.04 HWE', kernel: '5.15', pattern: '^5\\.15\\.0-(?:[0-9]|[1-9][0-9])-', source: `${src}/20.04` },
    { release: '22.04 GA', kernel: '5.15', pattern: '^5\\.15\\.0-\\d+-', source: `${src}/22.04` },
    { release: '24.04 GA', kernel: '6.8', pattern: '^6\\.8\\.0-\\d+-', source: `${src}/24.04` },
  ],
  facts: [fact({ feature: 'later', since: '22.04 GA' }), fact({ feature: 'both', since: '20.04 HWE' })],
  sources: [src],
};
const feature = (id: string, added: string): Feature => ({ id, name: id, description: id, kind: 'io', support: { x86_64: { added, addedSource: src }, arm64: { added, addedSource: src } }, kconfig: [] });
const knowledge = knowledgeBaseOf(
  [feature('later', '5.4'), feature('gone', '2.6.20'), feature('armonly', '5.4'), feature('flavour', '5.4'), feature('level', '5.4'), feature('both', '6.0'), feature('norecord', '5.4')],
  ['2.6.20', '3.10', '4.18', '5.4', '5.15', '6.0', '6.8'],
  [],
  [rhel, ubuntu],
);
const vendorOf = (text: string) => vendorKernelOf(knowledge, parseKernelVersion(text));

describe('by build number', () => {
  it('a GA build is its release, exactly, with its source', () => {
    expect(vendorOf('4.18.0-147.el8.x86_64')).toMatchObject({ label: '8.1', exact: true, position: 2, positions: [2], source: `${src}/8.1`, text: '4.18.0-147.el8.x86_64' });
    expect(vendorOf('3.10.0-1160.el7.x86_64')).toMatchObject({ label: '7.9', exact: true, position: 0 });
  });

  it('a later build of the same minor: between it and the next, or after the last', () => {
    expect(vendorOf('4.18.0-150.el8.x86_64')).toMatchObject({
      label: 'between 8.1 and 8.2 (build 150: a CentOS Stream or pre-release build of 8.2)',
      exact: false,
      position: 2,
    });
    expect(vendorOf('4.18.0-500.el8.x86_64')).toMatchObject({ label: "8.2 or later (build 500, after 8.2's GA build 193)", exact: false, position: 3 });
    expect(vendorOf('4.18.0-193.1.2.el8_2.x86_64')).toMatchObject({ label: '8.2', exact: true });
  });

  it('the el tag keeps majors apart on one base; a release without a build number is not a candidate', () => {
    expect(vendorOf('4.18.0-120.el9.x86_64')).toMatchObject({ label: "9.0 or later (build 120, after 9.0's GA build 100)", position: 4 });
    expect(vendorOf('4.18.0-120.el8.x86_64')).toMatchObject({ label: 'between 8.0 and 8.1 (build 120: a CentOS Stream or pre-release build of 8.1)' });
  });

  it('nothing fits: an older build, another base, or no build number', () => {
    expect(vendorOf('4.18.0-10.el8.x86_64')).toBeNull();
    expect(vendorOf('5.14.0-70.el9.x86_64')).toBeNull();
    expect(vendorOf('4.18.el8')).toBeNull();
    // Not a distribution with vendor data.
    expect(vendorOf('6.5.6-300.fc39.x86_64')).toBeNull();
    expect(vendorOf('6.1')).toBeNull();
  });

  it('an EL4-style tag counts as 4', () => {
    const el4: DistributionRules = { ...rhel, releases: [{ release: '4.8', kernel: '2.6.9', build: 89, pattern: 'x', source: src }], facts: [] };
    const base = knowledgeBaseOf([], [], [], [el4]);
    expect(vendorKernelOf(base, parseKernelVersion('2.6.9-89.ELsmp'))).toMatchObject({ label: '4.8', exact: true });
  });
});

describe('by pattern', () => {
  it('one pattern: exact; several: every release it fits, the earliest first', () => {
    expect(vendorOf('6.8.0-31-generic')).toMatchObject({ label: '24.04 GA', exact: true, positions: [2], source: `${src}/24.04` });
    expect(vendorOf('5.15.0-91-generic')).toMatchObject({ label: '20.04 HWE or 22.04 GA', exact: false, position: 0, positions: [0, 1], source: `${src}/20.04` });
    expect(vendorOf('5.15.0-100-generic')).toMatchObject({ label: '22.04 GA', exact: true, positions: [1] });
    expect(vendorOf('5.4.0-26-generic')).toBeNull();
  });
});

describe('which record applies', () => {
  const at = (text: string, id: string, arch: 'x86_64' | 'arm64' = 'x86_64') => vendorFactFor(vendorOf(text)!, id, arch);

  it('from since, up to (not including) until', () => {
    expect(at('4.18.0-80.el8.x86_64', 'later')).toBeNull();
    expect(at('4.18.0-147.el8.x86_64', 'later')).toMatchObject({ since: '8.1', until: '8.2' });
    expect(at('4.18.0-193.el8.x86_64', 'later')).toBeNull();
    expect(at('4.18.0-147.el8.x86_64', 'gone')).toMatchObject({ status: 'absent' });
    expect(at('4.18.0-147.el8.x86_64', 'norecord')).toBeNull();
  });

  it('only on its architectures, and only for its variant', () => {
    expect(at('4.18.0-147.el8.aarch64', 'armonly', 'arm64')).toMatchObject({ feature: 'armonly' });
    expect(at('4.18.0-147.el8.x86_64', 'armonly')).toBeNull();
    expect(at('4.18.0-147.el8.x86_64+debug', 'flavour')).toMatchObject({ feature: 'flavour' });
    expect(at('4.18.0-147.el8.x86_64', 'flavour')).toBeNull();
  });

  it('a string that fits several releases: the record if they agree, ambiguous if not', () => {
    expect(at('5.15.0-91-generic', 'both')).toMatchObject({ feature: 'both' });
    expect(at('5.15.0-91-generic', 'later')).toBe('ambiguous');
    expect(at('5.15.0-100-generic', 'later')).toMatchObject({ feature: 'later' });
  });
});

describe('vendorKey', () => {
  it('the same exactly when every record gives the same answer', () => {
    expect(vendorKey(null)).toBe('');
    // One character per record with a variant: whether this string is of it.
    expect(vendorKey(vendorOf('4.18.0-147.el8.x86_64'))).toBe('rhel:2:0');
    expect(vendorKey(vendorOf('4.18.0-147.el8.x86_64+debug'))).toBe('rhel:2:1');
    expect(vendorKey(vendorOf('4.18.0-148.el8.x86_64'))).toBe(vendorKey(vendorOf('4.18.0-149.el8.x86_64')));
    expect(vendorKey(vendorOf('5.15.0-91-generic'))).toBe('ubuntu:0,1:');
  });
});

describe('verdicts with the vendor', () => {
  const check = compileChecker(knowledge, 'x86_64');
  const verdict = (text: string, id: string, vendor?: null) => check(parseKernelVersion(text), vendor).find((entry) => entry.id === id)!;

  it('backported, vendor-absent, unknown, ambiguous: each with its words', () => {
    expect(verdict('4.18.0-147.el8.x86_64', 'later')).toMatchObject({ supported: true, status: 'backported', vendor: { since: '8.1', status: 'backported', support: null, source: src, strength: 'strong', note: 'n' } });
    expect(verdict('4.18.0-147.el8.x86_64', 'gone')).toMatchObject({ supported: false, status: 'vendor-absent', vendor: { status: 'absent' } });
    expect(verdict('4.18.0-147.el8.x86_64', 'level')).toMatchObject({ supported: true, status: 'backported', vendor: { support: 'technology-preview' } });
    expect(verdict('4.18.0-147.el8.x86_64', 'norecord')).toMatchObject({
      supported: false,
      status: 'unknown',
      note: 'Vendor Linux backports features into old release numbers as a rule, and no record here says whether 8.1 has it (mainline 5.4); its kernel config tells (virt-advisor check --config)',
    });
    expect(verdict('5.15.0-91-generic', 'later')).toMatchObject({
      supported: false,
      status: 'unknown',
      note: "the version string fits 20.04 HWE or 22.04 GA, and Pattern Linux's record of this feature differs between them; its kernel config tells (virt-advisor check --config)",
    });
    // A vendor that backports now and then, without a record: mainline's answer stands.
    expect(verdict('5.15.0-100-generic', 'norecord')).toMatchObject({ supported: true, status: 'supported', vendor: null });
    // A record that mainline already has: the record rides along, the answer stays mainline's.
    expect(verdict('6.8.0-31-generic', 'later')).toMatchObject({ supported: true, status: 'supported', vendor: { since: '22.04 GA' } });
  });

  it('an explicit null vendor means mainline only; undefined means: find it', () => {
    expect(verdict('4.18.0-147.el8.x86_64', 'later', null)).toMatchObject({ status: 'not-yet', vendor: null });
    expect(verdict('4.18.0-147.el8.x86_64', 'later')).toMatchObject({ status: 'backported' });
  });

  it('answers do not leak between kernels of one release (the memo keys on what differs)', () => {
    expect(verdict('4.18', 'later').status).toBe('not-yet');
    expect(verdict('4.18.0-147.el8.x86_64', 'later').status).toBe('backported');
    expect(verdict('4.18.0-193.el8.x86_64', 'later').status).toBe('unknown');
    expect(verdict('4.18.0-147.el8.x86_64+debug', 'flavour').status).toBe('backported');
    expect(verdict('4.18.0-147.el8.x86_64', 'flavour').status).toBe('unknown');
    expect(verdict('4.4.0-19041-Microsoft', 'gone')).toMatchObject({ status: 'not-linux', supported: false, uncertain: false, note: 'Windows Subsystem for Linux 1: WSL1 translates Linux system calls inside Windows: there is no Linux kernel, no KVM and no kernel modules' });
    expect(verdict('4.4', 'gone')).toMatchObject({ status: 'supported', note: null });
    // A merge-window snapshot (rc0) of the release that merged a feature is uncertain; rc1 is not.
    expect(verdict('5.4-rc0', 'later').uncertain).toBe(true);
    expect(verdict('5.4-rc1', 'later').uncertain).toBe(false);
    expect(verdict('5.4', 'later').uncertain).toBe(false);
    expect(verdict('5.15-rc0', 'later').uncertain).toBe(false);
  });
});
