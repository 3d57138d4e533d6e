import { Ajv } from 'ajv';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS } from '../../src/format/schema-versions.js';
import { jsonLines, runCli } from './run.js';

/**
 * Every --json output, from the corpus and the fixtures, against the schemas shipped in schemas/:
 * the contract scripts rely on is what the program really prints.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMAS = join(REPO, 'schemas');
const CORPUS = join(REPO, 'test/fixtures/corpus');
const ROOTS = join(REPO, 'test/fixtures/roots');

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
for (const name of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')), name);

function expectValid(schema: string, value: unknown, what: string): void {
  const validate = ajv.getSchema(schema)!;
  const ok = validate(value);
  if (!ok) throw new Error(`${what} does not match ${schema}: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

const versions = readFileSync(join(CORPUS, 'versions.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const configs = readdirSync(join(CORPUS, 'configs')).map((name) => join(CORPUS, 'configs', name));
const roots = readdirSync(ROOTS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(ROOTS, entry.name));
const cpuinfos = readdirSync(join(CORPUS, 'cpuinfo')).map((name) => join(CORPUS, 'cpuinfo', name));

describe('JSON outputs match schemas/', () => {
  it('every schema pins the schemaVersion the program writes', () => {
    for (const [name, version] of Object.entries(SCHEMA_VERSIONS)) {
      const schema = JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), 'utf8'));
      expect(schema.properties.schemaVersion, name).toEqual({ const: version });
    }
  });

  it('schemas/feature.schema.json is the knowledge base schema (rules/schema.json)', () => {
    const shipped = JSON.parse(readFileSync(join(SCHEMAS, 'feature.schema.json'), 'utf8'));
    const rules = JSON.parse(readFileSync(join(REPO, 'rules/schema.json'), 'utf8'));
    expect({ ...shipped, $id: null }).toEqual({ ...rules, $id: null });
  });

  it.each(['x86_64', 'i386', 'arm64', 's390x'])('check: every corpus version on %s', (arch) => {
    const result = runCli(['check', '--stdin', '--json', '--arch', arch], { input: versions.join('\n') });
    const records = jsonLines(result.stdout);
    expect(records.length).toBe(versions.length);
    for (const record of records) expectValid('check.schema.json', record, `check ${record.input}`);
  });

  it.each(configs.map((file) => [file.split('/').pop()!, file]))('config: %s', (_name, file) => {
    const result = runCli(['config', file, '--json', '--for', 'kvm-host,kvm-guest,xen-dom0,xen-domu,containers,vfio-passthrough,lguest']);
    expectValid('config.schema.json', JSON.parse(result.stdout), file);
    const defaults = runCli(['config', file, '--json']);
    expectValid('config.schema.json', JSON.parse(defaults.stdout), `${file} (default targets)`);
    const [checked] = jsonLines(runCli(['check', '--config', file, '--json']).stdout);
    expect(checked.config.known).toBe(true);
    expectValid('check.schema.json', checked, `check --config ${file}`);
  });

  it.each(roots.map((root) => [root.split('/').pop()!, root]))('host and recommend on the %s fixture root', (_name, root) => {
    expectValid('host.schema.json', JSON.parse(runCli(['host', '--root', root, '--json']).stdout), `host ${root}`);
    const check = runCli(['check', '--root', root, '--json']);
    // A root whose kernel release cannot be read is refused (exit 2); every other is checked.
    if (check.status !== 2) expectValid('check.schema.json', jsonLines(check.stdout)[0], `check --root ${root}`);
    const recommend = runCli(['recommend', '--root', root, '--json', '--guest', 'linux', '--goal', 'performance']);
    expectValid('recommend.schema.json', JSON.parse(recommend.stdout), `recommend ${root}`);
  });

  it('host and recommend on this machine', () => {
    expectValid('host.schema.json', JSON.parse(runCli(['host', '--json']).stdout), 'host');
    expectValid('recommend.schema.json', JSON.parse(runCli(['recommend', '--json']).stdout), 'recommend');
  });

  // One test per capture: 34 captures run twice each take longer than one test may on a loaded machine.
  it.each(cpuinfos.map((file) => [file.split('/').pop()!, file]))('recommend for the corpus cpuinfo %s, with and without a kernel', (_name, file) => {
    for (const extra of [[], ['--kernel', '4.18.0-240.el8.x86_64', '--keep-kernel']]) {
      const result = runCli(['recommend', '--cpuinfo', file, '--json', '--guest', 'windows', ...extra]);
      expectValid('recommend.schema.json', JSON.parse(result.stdout), `recommend --cpuinfo ${file} ${extra.join(' ')}`);
    }
  });

  it('list, with and without --arch, and explain of every feature', { timeout: 120_000 }, () => {
    const list = JSON.parse(runCli(['list', '--json']).stdout);
    expectValid('list.schema.json', list, 'list');
    expectValid('list.schema.json', JSON.parse(runCli(['list', '--json', '--arch', 'arm64']).stdout), 'list --arch arm64');
    for (const { id } of list.features) expectValid('explain.schema.json', JSON.parse(runCli(['explain', id, '--json']).stdout), `explain ${id}`);
  });

  it('labelled streams, their error records, many-config runs and the fleet report', () => {
    const stream = jsonLines(runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: `web1\t5.15.0-91-generic\nweb2\tnope\n6.1\n${'1'.repeat(300)}\n` }).stdout);
    expect(stream.map((record) => 'error' in record)).toEqual([false, true, false, true]);
    for (const record of stream) expectValid('error' in record ? 'stream-error.schema.json' : 'check.schema.json', record, `check --stdin ${record.line}`);
    const many = jsonLines(runCli(['config', ...configs.slice(0, 3), join(CORPUS, 'versions.txt'), '--json']).stdout);
    expect(many.map((record) => 'error' in record)).toEqual([false, false, false, true]);
    for (const record of many) expectValid('error' in record ? 'stream-error.schema.json' : 'config.schema.json', record, `config ${record.file}`);
    const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-schema-'));
    writeFileSync(join(dir, 'a.json'), runCli(['host', '--json', '--root', roots[0]!]).stdout + runCli(['config', configs[0]!, '--json']).stdout);
    writeFileSync(join(dir, 'b.jsonl'), stream.map((record) => JSON.stringify(record)).join('\n'));
    expectValid('report.schema.json', JSON.parse(runCli(['report', dir, '--json']).stdout), 'report');
  });

  it('check --approach records, for a hosted hypervisor, a vendor kernel and a feature approach', () => {
    const records = jsonLines(runCli(['check', '6.9.0', '5.14.0-427.13.1.el9_4.x86_64', '99.0', '--approach', 'virtualbox', '--json', '--arch', 'x86_64']).stdout);
    expect(records.map((record) => record.supported)).toEqual([true, true, false]);
    records.push(...jsonLines(runCli(['check', '2.6.19', '6.1', '--approach', 'kvm', '--json', '--arch', 'x86_64']).stdout));
    expect(records).toHaveLength(5);
    for (const record of records) expectValid('check-approach.schema.json', record, `check --approach ${record.input}`);
  });

  it.each(['virtualbox', 'vmware-workstation'])('explain %s --json', (id) => {
    expectValid('explain-product.schema.json', JSON.parse(runCli(['explain', id, '--json']).stdout), `explain ${id}`);
  });

  it.each(['x86_64', 'i386', 'arm64', 'riscv64'])('timeline on %s', (arch) => {
    expectValid('timeline.schema.json', JSON.parse(runCli(['timeline', '--arch', arch, '--json']).stdout), `timeline ${arch}`);
  });

  it('a schema refuses what the contract does not allow (the check is not vacuous)', () => {
    const [record] = jsonLines(runCli(['check', '6.1', '--arch', 'x86_64', '--json']).stdout);
    expect(() => expectValid('check.schema.json', { ...record, extra: 1 }, 'extra field')).toThrow(/additional/);
    expect(() => expectValid('check.schema.json', { ...record, schemaVersion: 99 }, 'other version')).toThrow(/constant/);
    const host = JSON.parse(runCli(['host', '--json']).stdout);
    expect(() => expectValid('host.schema.json', { ...host, xen: { known: true, value: 'dom1', source: 'x' } }, 'bad xen')).toThrow();
  });
});
