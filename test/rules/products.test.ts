import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { lintRules } from '../../src/rules/lint.js';
import { productsAreSound } from '../../src/rules/products-lint.js';
import type { Product } from '../../src/rules/products.js';

/**
 * The hosted hypervisors' tables (rules/products) against test/evidence/products.tsv, written from
 * the vendor's changelog lines and the community reports: every release, its kernel and where its
 * modules break, both ways; and the lint's checks, each shown to catch what it is for.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const { rules } = loadRulesDirectory(join(REPO, 'rules'));
const evidence = readFileSync(join(REPO, 'test/evidence/products.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('product\t'))
  .map((line) => line.split('\t') as [string, string, string, string, string, string]);

describe('rules/products against the evidence', () => {
  const stated = rules.products.flatMap((product) =>
    product.branches.flatMap((branch) => branch.releases.map((release) => [product.id, release.version, release.kernel ?? '', release.breaksOn ?? ''].join(' '))),
  );
  it('every release, with its kernel and where its modules break, and no more', () => {
    expect(stated).toEqual(evidence.map(([product, version, kernel, breaksOn]) => [product, version, kernel, breaksOn].join(' ')));
  });
  it('VirtualBox: at least 15 releases that add a kernel, each from the changelog', () => {
    const withKernel = evidence.filter(([product, , kernel]) => product === 'virtualbox' && kernel !== '');
    expect(withKernel.length).toBeGreaterThanOrEqual(15);
    for (const [, version, kernel, , said] of withKernel) expect(said, `${version}`).toContain(kernel);
  });
  it('a release whose changelog line is about guests only names no vendor kernel for the host', () => {
    const guestOnly = rules.products.flatMap((product) =>
      product.branches.flatMap((branch) => branch.releases.filter((release) => release.distributionKernels && /guest(?: additions)? only|^guest additions:|guest build fix|(?<!and )guest: rhel/i.test(release.evidence ?? '')).map((release) => release.version)),
    );
    expect(guestOnly).toEqual([]);
  });
  it('the knowledge base passes its own lint', () => {
    expect(lintRules(rules, [productsAreSound])).toEqual([]);
  });
});

describe('the lint of rules/products', () => {
  const base = rules.products.find((product) => product.id === 'virtualbox')!;
  const withProduct = (product: Product) => lintRules({ ...rules, products: rules.products.map((entry) => (entry.id === product.id ? product : entry)) }, [productsAreSound]);
  const edit = (change: (release: Product['branches'][number]['releases'][number]) => void, index = 1) => {
    const product = structuredClone(base);
    change(product.branches[0]!.releases[index]!);
    return product;
  };
  it.each([
    ['a kernel that is not a release', edit((release) => (release.kernel = '5.99')), /kernel 5\.99 is not a mainline release/],
    ['a release out of order', edit((release) => (release.version = '6.0.9')), /does not come after 6\.1\.0/],
    ['a release dated before the one before it', edit((release) => (release.date = '2001-01-01')), /dated 2001-01-01, before 6\.1\.0/],
    ['a vendor release its file does not know', edit((release) => (release.distributionKernels = [{ distribution: 'rhel', release: '99.9' }])), /rhel 99\.9 is not a release of its file/],
    ['a distribution that does not exist', edit((release) => (release.distributionKernels = [{ distribution: 'nope', release: '1' }])), /"nope" is not a distribution/],
  ])('%s', (_name, product, message) => {
    expect(withProduct(product).map((problem) => problem.message).join('\n')).toMatch(message);
  });
  it('an approach that names a product rules/products lacks', () => {
    const approaches = rules.approaches.map((approach) => (approach.id === 'virtualbox' ? { ...approach, product: 'virtualbox-old' } : approach));
    expect(lintRules({ ...rules, approaches }, [productsAreSound]).map((problem) => problem.message)).toEqual(
      expect.arrayContaining(['product "virtualbox-old" is not in rules/products', 'no approach "virtualbox" uses it']),
    );
  });
});
