import { describe, expect, it } from 'vitest';
import { productSentence, productSupport } from '../../src/engine/product.js';
import { vendorKernelOf } from '../../src/engine/vendor.js';
import type { Product } from '../../src/rules/products.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { realKnowledge } from './real-knowledge.js';

// A small made-up product, so that each rule of the answer is shown on its own.
const source = 'https://example.org/changelog';
const product: Product = {
  id: 'hv',
  name: 'HV',
  hostArch: ['x86_64'],
  modules: ['hvdrv'],
  facts: [],
  branches: [
    {
      branch: '1.0',
      releases: [
        { version: '1.0.0', date: '2020-01-01', kernel: '5.4', evidence: 'kernel 5.4', source },
        { version: '1.0.2', date: '2020-03-01', source },
        { version: '1.0.4', date: '2020-06-01', kernel: '5.7', evidence: 'kernel 5.7', source, distributionKernels: [{ distribution: 'rhel', release: '8.2' }] },
        { version: '1.0.6', date: '2021-01-01', kernel: '5.10', evidence: 'kernel 5.10', source },
      ],
    },
    {
      branch: '2.0',
      releases: [
        { version: '2.0.0', date: '2020-09-01', source },
        { version: '2.0.2', date: '2021-02-01', kernel: '5.11', evidence: 'kernel 5.11', source },
      ],
    },
  ],
};
const reports: Product = {
  ...product,
  id: 'ws',
  name: 'WS',
  branches: [
    {
      branch: '9',
      releases: [
        { version: '9.0', breaksOn: '5.10', evidence: 'breaks on 5.10', strength: 'weak', source },
        { version: '9.1', source },
        { version: '9.2', breaksOn: '5.14', evidence: 'breaks on 5.14', strength: 'weak', source },
      ],
    },
  ],
};
const answer = (release: string, of = product) => productSupport(of, release);
const from = (release: string, of = product) => answer(release, of).branches.map((branch) => [branch.branch, branch.from?.version ?? null, branch.before?.version ?? null]);

describe('which releases support a kernel', () => {
  it('the first release whose changelog names it or a newer one; the one before is named only when that release adds this very kernel', () => {
    expect(from('5.6')).toEqual([
      ['1.0', '1.0.4', null],
      ['2.0', '2.0.0', null],
    ]);
    expect(from('5.7')[0]).toEqual(['1.0', '1.0.4', '1.0.2']);
    expect(answer('5.6').minimum?.version).toBe('1.0.4');
  });
  it('a release carries what its branch named before it', () => {
    expect(from('5.4')[0]).toEqual(['1.0', '1.0.0', null]);
    expect(from('5.5')[0]).toEqual(['1.0', '1.0.4', null]);
  });
  it('a branch starts with what earlier branches had named before its first release, not after', () => {
    // 2.0.0 (2020-09) comes after 1.0.4 (5.7) but before 1.0.6 (5.10).
    expect(from('5.7')[1]).toEqual(['2.0', '2.0.0', null]);
    expect(from('5.8')[1]).toEqual(['2.0', '2.0.2', null]);
    expect(from('5.11')[1]).toEqual(['2.0', '2.0.2', '2.0.0']);
  });
  it('newer than anything named: not yet supported as far as known', () => {
    const beyond = answer('5.12');
    expect(beyond.status).toBe('not-yet-known');
    expect(beyond.minimum).toBeNull();
    expect(beyond.note).toBe('kernel 5.12 is newer than any kernel HV releases are known to support (the newest: 5.11, from 2.0.2): not yet supported as far as known');
    expect(productSentence(answer('5.7'))).toBe('HV 1.0.4 or later (1.0.2 does not); 2.0.0 or later supports kernel 5.7');
  });
  it('older than any kernel the table names: not known', () => {
    expect([answer('5.3').status, answer('5.3').note]).toEqual(['unknown', 'kernel 5.3 is older than any kernel the HV releases here name (the oldest: 5.4): not known']);
  });
});

describe('community reports of where modules break', () => {
  it('a release supports the kernels before its breaking point; one with no report is not named as failing', () => {
    expect(from('5.12', reports)).toEqual([['9', '9.2', null]]);
    expect(answer('5.9', reports).status).toBe('unknown');
    expect(productSentence(answer('5.12', reports))).toMatch(/as far as community reports of its modules tell/);
    const withFailing: Product = { ...reports, branches: [{ branch: '9', releases: [reports.branches[0]!.releases[0]!, reports.branches[0]!.releases[2]!] }] };
    expect(from('5.11', withFailing)).toEqual([['9', '9.2', '9.0']]);
  });
  it('past every breaking point: not supported as far as known, or not known while later releases have no report', () => {
    const ended: Product = { ...reports, branches: [{ branch: '9', releases: [reports.branches[0]!.releases[0]!, reports.branches[0]!.releases[2]!] }] };
    expect(answer('5.14', ended).note).toBe('no WS release is reported to build its modules on kernel 5.14: the newest reported on, 9.2, fails from kernel 5.14 on (community reports): not supported as far as known');
    const later: Product = { ...ended, branches: [...ended.branches, { branch: '10', releases: [{ version: '10.0', source }] }] };
    expect([answer('5.14', later).status, answer('5.14', later).note]).toEqual([
      'unknown',
      'no WS release is reported to build its modules on kernel 5.14: 9.2 fails from kernel 5.14 on, and nothing is reported of 10.0 (community reports): not known',
    ]);
  });
});

describe('vendor kernels', () => {
  const rhel = (text: string) => {
    const version = parseKernelVersion(text);
    return productSupport(product, version.release, vendorKernelOf(realKnowledge, version));
  };
  it('a RHEL kernel is answered by the vendor releases the changelogs name, this one or a later one', () => {
    const answer82 = rhel('4.18.0-193.el8.x86_64');
    expect(answer82.vendorKernel).toBe('Red Hat Enterprise Linux 8.2');
    expect(answer82.branches.map((branch) => branch.from?.version ?? null)).toEqual(['1.0.4', '2.0.0']);
    expect(rhel('4.18.0-80.el8.x86_64').branches[0]!.from?.version).toBe('1.0.4');
    // Named exactly: the release before is known not to have it; an earlier vendor release is not.
    expect(answer82.branches[0]!.before?.version).toBe('1.0.2');
    expect(rhel('4.18.0-80.el8.x86_64').branches[0]!.before).toBeNull();
  });
  it('a release of another line is not covered: RHEL 8.2 named says nothing of RHEL 7', () => {
    expect(rhel('3.10.0-1160.el7.x86_64').status).toBe('unknown');
  });
  it('a RHEL release no changelog names is unknown, whatever its mainline number', () => {
    const later = rhel('4.18.0-513.el8.x86_64');
    expect(later.status).toBe('unknown');
    expect(later.note).toMatch(/no HV release names support for Red Hat Enterprise Linux 8\.9's kernel/);
  });
  it('an Ubuntu kernel is answered by its mainline number', () => {
    const version = parseKernelVersion('5.4.0-150-generic');
    const ubuntu = productSupport(product, version.release, vendorKernelOf(realKnowledge, version));
    expect([ubuntu.status, ubuntu.vendorKernel, ubuntu.minimum?.version]).toEqual(['supported', null, '1.0.0']);
  });
});
