import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseKernelVersion, parseRelease } from '../../src/version/parse.js';
import { compareVersions, toSemver } from '../../src/version/order.js';

/** The edges of the grammar, each on both sides: what is just accepted and what is just refused. */
const reason = (text: string): string => {
  try {
    parseKernelVersion(text);
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('version edges', () => {
  it.each([
    ['6.9xrc1', /unexpected "xrc1" after 6.9/],
    ['6.9x-1', /unexpected "x-1" after 6.9/],
    ['x6.1', /expected numbers like/],
    ['x Linux version 6.1.0', /without spaces|expected numbers/],
    ['0.1.5', /Linux has no major version 0/],
    ['100.1', /Linux has no major version 100/],
    ['6.1000', /no Linux release has a number that large/],
    ['2.6.1000', /no Linux release has a number that large/],
    ['6.9.', /it ends in "\." with nothing after it/],
    ['6.9--', /it ends in "--" with nothing after it/],
    ['6.9-rc', /the rc has no number, as in 6\.9-rc1/],
    ['6.9~rc', /the rc has no number/],
    ['6.01', /01 has a leading zero; kernel version numbers have none \(6\.1, not 6\.01\)/],
    ['6.1.1234567890123456', /the number 1234567890123456\.\.\. is too large/],
    ['2.6', /a 2\.6 kernel needs a third number, as in 2\.6\.32/],
  ])('refuses %s', (text, message) => {
    expect(reason(text)).toMatch(message);
  });

  it.each([
    ['6.9-abc-', { release: '6.9', local: '-abc-' }],
    ['6.9-abcrc', { release: '6.9', local: '-abcrc', rc: null }],
    ['6.9-rcx', { release: '6.9', local: '-rcx', rc: null }],
    ['1.0.5', { release: '1.0.5', major: 1, patch: 5 }],
    ['99.1', { release: '99.1', major: 99 }],
    ['6.999', { release: '6.999', minor: 999 }],
    ['2.6.999', { release: '2.6.999', patch: 999 }],
    ['3.1.1000', { release: '3.1', sublevel: 1000 }],
    ['6.1.123456789012345', { release: '6.1', sublevel: 123456789012345 }],
    ['Linux v6.1', { release: '6.1' }],
    ['linux-2.6.32.27', { release: '2.6.32', sublevel: 27 }],
    ['Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP', { release: '6.1', sublevel: 0, local: '-18-amd64' }],
    ['v6.9-rc1', { release: '6.9', rc: 1 }],
    ['6.9~rc3', { release: '6.9', rc: 3 }],
  ])('reads %s', (text, parts) => {
    expect(parseKernelVersion(text)).toMatchObject(parts);
  });

  it('takes 256 characters and refuses 257', () => {
    const base = '6.1.0-';
    expect(parseKernelVersion(base + 'x'.repeat(256 - base.length)).release).toBe('6.1');
    expect(reason(base + 'x'.repeat(257 - base.length))).toMatch(/257 characters; a kernel version has at most 256/);
  });

  it('a version without a suffix has no distribution; one with a suffix is looked up', () => {
    expect(parseKernelVersion('6.1').distribution).toBeNull();
    expect(parseKernelVersion('6.1.0').distribution).toBeNull();
    expect(parseKernelVersion('6.1-rc1').distribution).toBeNull();
    expect(parseKernelVersion('6.1.0-18-amd64').distribution?.id).toBe('debian');
  });
});

describe('mainline release names', () => {
  it.each(['2.6.20', '3.0', '6.9', '10.0'])('accepts %s', (name) => {
    expect(parseRelease(name).release).toBe(name);
  });
  it.each(['6.1.0', '6.1-rc1', '6.1-foo', 'v6.1', '2.6.20.1', 'Linux 6.1'])('refuses %s', (name) => {
    expect(() => parseRelease(name)).toThrow(new RegExp(`not a mainline release name: "${name.replace(/\./g, '\\.')}" \\(expected 2\\.6\\.N or X\\.Y\\)`));
  });
});

describe('ordering', () => {
  const sorted = ['2.6.9', '2.6.20', '2.6.20.1', '2.6.32-rc1', '2.6.32', '3.0-rc7', '3.0', '3.0.1', '6.9-rc1', '6.9-rc7', '6.9', '6.9.1', '6.10'];
  it('orders releases, release candidates and stable updates as the kernel does', () => {
    const versions = sorted.map((text) => parseKernelVersion(text));
    const shuffled = [...versions].reverse();
    expect(shuffled.sort(compareVersions).map((version) => version.input)).toEqual(sorted);
  });
  it('maps to semver with the rc as a pre-release', () => {
    expect(toSemver(parseKernelVersion('6.9-rc1'))).toBe('6.9.0-rc.1');
    expect(toSemver(parseKernelVersion('2.6.32.27'))).toBe('2.6032.27');
    expect(toSemver(parseKernelVersion('2.6.9'))).toBe('2.6009.0');
  });
});
