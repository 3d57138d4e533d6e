import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { releaseNameKey } from '../../src/version/compare.js';
import { compareVersions } from '../../src/version/order.js';

const corpus = readFileSync(new URL('../fixtures/corpus/versions.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('parseKernelVersion over the corpus', () => {
  it('reads the whole corpus file', () => {
    expect(corpus.length).toBeGreaterThan(300);
  });

  const expected = new Map(
    readFileSync(new URL('../fixtures/corpus/versions.expected.tsv', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('input\t'))
      .map((line) => {
        const [input, release, sublevel, rc, local, distribution, backports] = line.split('\t') as string[];
        const orNull = (text: string | undefined) => (text === undefined || text === '' ? null : text);
        const number = (text: string | undefined) => (orNull(text) === null ? null : Number(text));
        return [input!, { release, sublevel: number(sublevel), rc: number(rc), local: orNull(local), distribution: orNull(distribution), backports: orNull(backports) }];
      }),
  );

  it('has an expectation for every corpus line, and a line for every expectation', () => {
    expect([...expected.keys()].sort()).toEqual([...corpus].sort());
  });

  it.each(corpus)('reads %s in full', (line) => {
    const version = parseKernelVersion(line);
    expect({
      release: version.release,
      sublevel: version.sublevel,
      rc: version.rc,
      local: version.local,
      distribution: version.distribution?.id ?? null,
      backports: version.distribution?.backports ?? null,
    }).toEqual(expected.get(line));
    // The release is always a prefix of what was written: nothing is invented.
    expect(line.startsWith(version.release) || line.startsWith(`v${version.release}`)).toBe(true);
  });
});

describe('cases that tests once let slip', () => {
  it.each([
    ['6.9rc1', { release: '6.9', rc: 1, local: null, sublevel: null }],
    ['6.9-rc1-rc', { release: '6.9', rc: 1, local: '-rc', sublevel: null }],
    ['6.9-rc1', { release: '6.9', rc: 1, local: null }],
    ['6.9.0-rc1', { release: '6.9', rc: 1, sublevel: 0, local: null }],
    ['6.12.0-55.el10.x86_64', { release: '6.12', sublevel: 0, local: '-55.el10.x86_64', distribution: { id: 'rhel', version: '10', backports: 'vendor' } }],
    ['5.14.0-427.13.1.el9_4.x86_64', { distribution: { id: 'rhel', version: '9', backports: 'vendor' } }],
    ['2.6.9-67.ELxenU', { release: '2.6.9', distribution: { id: 'rhel', version: '4' } }],
  ] as const)('%s', (text, parts) => {
    expect(parseKernelVersion(text)).toMatchObject(parts);
  });

  it.each([
    ['5.15.0-91-generic', 'vendor'],
    ['6.1.0-18-amd64', 'vendor'],
    ['4.18.0-513.el8.x86_64', 'vendor'],
    ['5.10.252-285.992.amzn2.x86_64', 'vendor'],
    ['5.4.17-2136.310.7.el8uek.x86_64', 'vendor'],
    ['4.4.180-195.ga25f9fb-default', 'vendor'],
    ['6.2.16-3-pve', 'vendor'],
    ['5.4.72-microsoft-standard-WSL2', 'vendor'],
    ['4.4.0-19041-Microsoft', 'not-linux'],
    ['5.13.7-arch1-1', 'mainline'],
    ['5.6.0-050600rc3-generic', 'mainline'],
    ['2.6.32-042stab134.3', 'patched'],
    ['4.10.13-1-zen', 'patched'],
    ['6.8.0-xanmod1-dist', 'patched'],
  ])('%s: backports class %s', (text, backports) => {
    expect(parseKernelVersion(text).distribution?.backports).toBe(backports);
  });
});

type Expected = {
  release: string;
  sublevel?: number | null;
  rc?: number | null;
  local?: string | null;
  distribution?: string | null;
  distVersion?: string | null;
};

const cases: Array<[string, Expected]> = [
  ['2.6.20.1', { release: '2.6.20', sublevel: 1, rc: null, local: null, distribution: null }],
  ['2.6.23-rc3', { release: '2.6.23', sublevel: null, rc: 3, local: null }],
  ['v6.9-rc1', { release: '6.9', sublevel: null, rc: 1, local: null }],
  ['6.12.0-rc6', { release: '6.12', sublevel: 0, rc: 6, local: null }],
  ['5.15.0-91-generic', { release: '5.15', sublevel: 0, rc: null, local: '-91-generic', distribution: 'ubuntu' }],
  ['3.10.0-1160.el7.x86_64', { release: '3.10', sublevel: 0, rc: null, distribution: 'rhel', distVersion: '7' }],
  ['2.6.18-194.el5xen', { release: '2.6.18', sublevel: null, rc: null, local: '-194.el5xen', distribution: 'rhel', distVersion: '5' }],
  ['4.19.0-0.bpo.9-amd64', { release: '4.19', sublevel: 0, rc: null, distribution: 'debian' }],
  ['5.10.102.1-microsoft-standard-WSL2', { release: '5.10', sublevel: 102, rc: null, local: '.1-microsoft-standard-WSL2', distribution: 'wsl2' }],
  ['6.8.0-rc7+', { release: '6.8', sublevel: 0, rc: 7, local: '+' }],
  ['5.6.0-050600rc3-generic', { release: '5.6', sublevel: 0, rc: 3, local: '-generic', distribution: 'ubuntu-mainline' }],
  ['3.0', { release: '3.0', sublevel: null, rc: null, local: null }],
  ['3.0.0', { release: '3.0', sublevel: 0, rc: null, local: null }],
  ['7.1', { release: '7.1', sublevel: null, rc: null }],
  ['2.4.21-27.ELsmp', { release: '2.4.21', rc: null, distribution: 'rhel', distVersion: '3' }],
  ['2.6.9-67.ELxenU', { release: '2.6.9', distribution: 'rhel', distVersion: '4' }],
  ['2.6.24.7-101.el5rt.x86_64', { release: '2.6.24', sublevel: 7, distribution: 'rhel', distVersion: '5' }],
  ['6.8.0-0.rc7.20240308git3aaa8ce7a335.60.fc41.x86_64', { release: '6.8', rc: 7, distribution: 'fedora', distVersion: '41' }],
  ['6.10.0-0.rc0.20240523gitc760b3725e52.12.fc41.x86_64', { release: '6.10', rc: 0, distribution: 'fedora' }],
  ['6.1.0-47-686-pae', { release: '6.1', sublevel: 0, distribution: 'debian' }],
  ['6.12.117+deb12-arm64-16k', { release: '6.12', sublevel: 117, distribution: 'debian', distVersion: '12' }],
  ['6.1.167-27.319.amzn2023.aarch64', { release: '6.1', sublevel: 167, distribution: 'amazon', distVersion: '2023' }],
  ['4.14.35-2047.510.5.2.el7uek.x86_64', { release: '4.14', distribution: 'oracle-uek', distVersion: '7' }],
  ['4.4.0-19041-Microsoft', { release: '4.4', distribution: 'wsl1' }],
  ['6.2.16-3-pve', { release: '6.2', sublevel: 16, distribution: 'proxmox' }],
  ['2.6.32-042stab134.3', { release: '2.6.32', distribution: 'openvz' }],
  ['4.4.50-v7+', { release: '4.4', sublevel: 50, distribution: 'raspberrypi' }],
  ['5.3.8-arch1-1', { release: '5.3', sublevel: 8, distribution: 'arch' }],
  ['4.4.180-195.ga25f9fb-default', { release: '4.4', distribution: 'suse' }],
  ['6.18.44-fc-v595', { release: '6.18', sublevel: 44, local: '-fc-v595', distribution: null }],
  ['Linux version 5.15.0-91-generic (buildd@lcy02) (gcc 11.4.0) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023', { release: '5.15', sublevel: 0, local: '-91-generic', distribution: 'ubuntu' }],
  ['Linux 6.9', { release: '6.9', sublevel: null }],
  ['linux-2.6.32.27', { release: '2.6.32', sublevel: 27 }],
  ['6.9~rc1', { release: '6.9', rc: 1 }],
  ['  6.1  ', { release: '6.1' }],
  ['6.1.0-0.deb11.17-amd64', { release: '6.1', sublevel: 0, distribution: 'debian', distVersion: '11' }],
  ['5.15.0-1001-aws+', { release: '5.15', sublevel: 0, distribution: 'ubuntu' }],
];

describe('parseKernelVersion: the parts', () => {
  it.each(cases)('%s', (input, expected) => {
    const version = parseKernelVersion(input);
    expect(version.release).toBe(expected.release);
    if ('sublevel' in expected) expect(version.sublevel).toBe(expected.sublevel);
    if ('rc' in expected) expect(version.rc).toBe(expected.rc);
    if ('local' in expected) expect(version.local).toBe(expected.local);
    if ('distribution' in expected) expect(version.distribution?.id ?? null).toBe(expected.distribution);
    if ('distVersion' in expected) expect(version.distribution?.version ?? null).toBe(expected.distVersion);
  });

  it('marks WSL1 as not a Linux kernel', () => {
    expect(parseKernelVersion('4.4.0-18362-Microsoft').distribution?.backports).toBe('not-linux');
  });

  it('tells vendor kernels from mainline builds', () => {
    expect(parseKernelVersion('3.10.0-1160.el7.x86_64').distribution?.backports).toBe('vendor');
    expect(parseKernelVersion('5.6.0-050600rc3-generic').distribution?.backports).toBe('mainline');
  });
});

const bad: Array<[string, string, RegExp]> = [
  ['empty', '', /empty/],
  ['blank', '   ', /empty/],
  ['letters', 'abc', /expected numbers/],
  ['one number', '2', /expected numbers/],
  ['2.6 with a placeholder', '2.6.x', /needs a third number/],
  ['2.6 alone', '2.6', /needs a third number/],
  ['a 10 MB line', '6.'.repeat(5_000_000), /characters/],
  ['beyond safe integers', '6.99999999999999999999', /too large/],
  ['a huge number, quoted short', '99999999999999999999999.1', /\(the number 99999999999999999999\.\.\. is too large\)$/],
  ['binary bytes', '6.1\u0000\u0001\u00ff', /binary/],
  ['garbage after the numbers', '6.1foo', /unexpected "foo"/],
  ['major zero', '0.1', /no major version 0/],
  ['two versions', '6.1 6.2', /without spaces/],
  ['a minor number no release has', '3.1000', /no Linux release has a number that large/],
  ['a trailing dot', '6.9.', /ends in "\." with nothing after it/],
  ['an rc without its number', '6.9-rc', /the rc has no number/],
  ['non-ASCII, shown escaped', '6.1\u00e9x', /"6\.1\\u00e9x"/],
  ['a 2.6 number no release has', '2.6.1000', /no Linux release has a number that large/],
];

describe('parseKernelVersion: bad input', () => {
  it.each(bad)('rejects %s with a one-line UserError', (_name, input, message) => {
    let error: unknown;
    try {
      parseKernelVersion(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    const text = (error as UserError).message;
    expect(text).toMatch(message);
    expect(text).toMatch(/^not a kernel version: /);
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThan(200);
  });
});

describe('ordering', () => {
  const ordered = ['2.4.37', '2.6.0', '2.6.20-rc1', '2.6.20', '2.6.20.1', '2.6.39', '3.0-rc1', '3.0', '3.0.1', '3.19', '4.0', '5.15.0-91-generic', '6.9-rc1', '6.9', '6.10', '7.1'];
  it('orders releases, rcs and stable updates', () => {
    const parsed = ordered.map(parseKernelVersion);
    for (let i = 1; i < parsed.length; i++) {
      expect(compareVersions(parsed[i - 1]!, parsed[i]!), `${ordered[i - 1]} < ${ordered[i]}`).toBeLessThan(0);
    }
  });
  it('orders release names numerically, not as text', () => {
    expect(releaseNameKey('2.6.39')).toBeLessThan(releaseNameKey('3.0'));
    expect(releaseNameKey('3.9')).toBeLessThan(releaseNameKey('3.10'));
    expect(releaseNameKey('6.19')).toBeLessThan(releaseNameKey('7.0'));
  });
});
