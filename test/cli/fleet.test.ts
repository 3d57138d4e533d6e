import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, jsonLines, runCli, runUnprivileged, sharedTempDir } from './run.js';

/** Many hosts and many configs in one run: labelled version streams, config directories, fleet reports. */
const CONFIGS = fileURLToPath(new URL('../fixtures/corpus/configs/', import.meta.url));
const ROOTS = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));
const config = (name: string) => join(CONFIGS, name);

describe('check --stdin with labels', () => {
  const input = ['# inventory', 'web1\t5.15.0-91-generic', '', 'web2\t2.6.18', 'db1\tnot-a-version', 'db2\t5.4\textra', '6.1', '\t6.8', 'db3\t'].join('\n');

  it('labels every record with its line and host, and leaves an error record where a line is bad', () => {
    const result = runCli(['check', '--stdin', '--json', '--arch', 'x86_64', '--require', 'kvm-nested-vmx'], { input });
    const records = jsonLines(result.stdout);
    // One record per version line: comments and blank lines are not versions.
    expect(records.map((record) => [record.line, record.label, record.error === undefined ? record.kernel.release : 'error'])).toEqual([
      [2, 'web1', '5.15'],
      [4, 'web2', '2.6.18'],
      [5, 'db1', 'error'],
      [6, 'db2', 'error'],
      [7, undefined, '6.1'],
      [8, undefined, '6.8'],
      [9, 'db3', 'error'],
    ]);
    expect(records[2]).toEqual({ line: 5, label: 'db1', input: 'not-a-version', error: expect.stringMatching(/^not a kernel version: "not-a-version"/) });
    expect(records[3]).toEqual({ line: 6, label: 'db2', error: expect.stringMatching(/more than two tab-separated fields/) });
    expect(records[6].error).toBe('no kernel version after the label');
    // The label is beside the record, not inside the version: the kernel is read the same as bare.
    expect(records[0].input).toBe('5.15.0-91-generic');
    expect(records[0].kernel.distribution.id).toBe('ubuntu');
    // stderr names each problem with its line and label; a bad line wins over an unmet requirement.
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^virt-advisor: line 4 \(web2\): 2\.6\.18 \(x86_64\) lacks required: kvm-nested-vmx$/m);
    expect(result.stderr).toMatch(/^virt-advisor: line 5 \(db1\): not a kernel version/m);
  });

  it('answers a repeated version the same on every line', () => {
    const lines = Array.from({ length: 50 }, (_, index) => `host${index}\t${index % 2 === 0 ? '5.15.0-91-generic' : '6.8'}`).join('\n');
    const records = jsonLines(runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: lines }).stdout);
    expect(records).toHaveLength(50);
    expect(records[48]).toEqual({ ...records[0], line: 49, label: 'host48' });
    expect(records[49].kernel.release).toBe('6.8');
  });

  it('groups the text report under each label as it comes', () => {
    const result = runCli(['check', '--stdin', '--arch', 'x86_64'], { input: 'web1\t5.15\nweb1\t6.1\nweb2\t6.8\n' });
    expect(result.status).toBe(0);
    const headings = result.stdout.split('\n').filter((line) => line.startsWith('== ') || /^\d\.\d+ on /.test(line));
    expect(headings).toEqual(['== web1 ==', '5.15 on x86_64 (mainline 5.15)', '6.1 on x86_64 (mainline 6.1)', '== web2 ==', '6.8 on x86_64 (mainline 6.8)']);
  });

  it('reports a line too long to be a version in place too', () => {
    const result = runCli(['check', '--stdin', '--json'], { input: `6.1\n${'9'.repeat(300_000)}\n${'8'.repeat(1000)}\n3.0\n` });
    const records = jsonLines(result.stdout);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4]);
    expect(records[1]).toEqual({ line: 2, error: 'not a kernel version: the line is too long' });
    // A long bad line is not echoed back whole: the message quotes its start.
    expect(Object.keys(records[2])).toEqual(['line', 'error']);
    expect(records[2].error.length).toBeLessThan(200);
  });
});

describe('config over many files', () => {
  const dir = sharedTempDir('virt-advisor-configs-');
  mkdirSync(join(dir, 'boot'), { recursive: true });
  copyFileSync(config('config-debian-6.1.192-amd64'), join(dir, 'boot', 'config-6.1.0-amd64'));
  writeFileSync(join(dir, 'boot', 'config-4.14-gz'), gzipSync(readFileSync(config('config-firecracker-microvm-x86_64-4.14.174'))));
  // What else lives in /boot: neither is a config, and neither stops the run.
  writeFileSync(join(dir, 'boot', 'System.map-6.1.0-amd64'), 'ffffffff81000000 T _text\n');
  writeFileSync(join(dir, 'boot', 'vmlinuz-6.1.0-amd64'), Buffer.from([0x4d, 0x5a, 0, 0, 1, 2, 3]));
  mkdirSync(join(dir, 'boot', 'grub'));
  writeFileSync(join(dir, 'broken.config'), 'CONFIG_KVM=y\n');

  it('audits every config of a directory, skipping other files, as JSON Lines with the file named', () => {
    const result = runCli(['config', join(dir, 'boot'), '--for', 'kvm-host', '--json']);
    const records = jsonLines(result.stdout);
    expect(records.map((record) => [record.file, record.kernel.input, record.targets[0].ok])).toEqual([
      [join(dir, 'boot', 'config-4.14-gz'), '4.14.174', false],
      [join(dir, 'boot', 'config-6.1.0-amd64'), '6.1.192', true],
    ]);
    expect(result.status).toBe(1);
    expect(expectOneLineError(result.stderr)).toMatch(/skipped 2 files that are not a kernel config \(System\.map-6\.1\.0-amd64, vmlinuz-6\.1\.0-amd64\)/);
  });

  it('gives a bad file an error record and goes on; the exit code is the worst', () => {
    const good = config('config-debian-6.1.192-amd64');
    const result = runCli(['config', join(dir, 'broken.config'), good, join(dir, 'missing'), '--for', 'kvm-host', '--json']);
    const records = jsonLines(result.stdout);
    expect(records.map((record) => record.error ?? 'audited')).toEqual([
      expect.stringMatching(/names no kernel version in its header/),
      'audited',
      expect.stringMatching(/^cannot read .*missing: no such file$/),
    ]);
    expect(records[0].file).toBe(join(dir, 'broken.config'));
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(2);
    // Only the good one: satisfied, so 0.
    expect(runCli(['config', good, good, '--for', 'kvm-host', '--json']).status).toBe(0);
  });

  it('prints a table of config by target', () => {
    const result = runCli(['config', join(dir, 'boot'), config('config-upstream-i386_defconfig-2.6.30-rc2'), '--for', 'kvm-host,lguest,containers']);
    const rows = result.stdout.split('\n');
    expect(rows[0]!.split(/\s+/)).toEqual(['config', 'kernel', 'arch', 'kvm-host', 'lguest', 'containers']);
    const row = (name: string) => rows.find((line) => line.includes(name))!.split(/\s{2,}/).slice(1);
    expect(row('config-6.1.0-amd64')).toEqual(['6.1.192', 'x86_64', 'ok', 'cannot', 'ok']);
    expect(row('config-4.14-gz')).toEqual(['4.14.174', 'x86_64', '3 fail', 'cannot', 'ok']);
    expect(row('i386_defconfig')).toEqual(['2.6.30-rc2', 'i386', '2 fail', '2 fail', '7 fail']);
    expect(result.stdout).toMatch(/^3 configs: 0 satisfy every target audited, 3 do not$/m);
    expect(result.status).toBe(1);
  });

  it('refuses what only one config can take', () => {
    for (const [args, message] of [
      [['--fragment'], /--fragment is for one config/],
      [['--kernel', '6.1'], /--kernel is one config's version/],
    ] as const) {
      const result = runCli(['config', join(dir, 'boot'), ...args]);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(message);
    }
    const empty = mkdtempSync(join(tmpdir(), 'virt-advisor-empty-'));
    const result = runCli(['config', empty, '--json']);
    expect(result.status).toBe(2);
    expect(jsonLines(result.stdout)).toEqual([{ file: empty, error: `${empty} holds no kernel config` }]);
  });

  it('skips what this user may not read when it is not named like a config, as in /boot', () => {
    const boot = sharedTempDir('virt-advisor-boot-');
    copyFileSync(config('config-debian-6.1.192-amd64'), join(boot, 'config-6.1.0-amd64'));
    writeFileSync(join(boot, 'vmlinuz-6.1.0-amd64'), Buffer.from([0x4d, 0x5a, 0, 1]));
    writeFileSync(join(boot, 'config-6.1.0-secret'), readFileSync(config('config-debian-6.1.192-amd64')));
    chmodSync(join(boot, 'config-6.1.0-amd64'), 0o644);
    chmodSync(join(boot, 'vmlinuz-6.1.0-amd64'), 0o600);
    chmodSync(join(boot, 'config-6.1.0-secret'), 0o600);
    symlinkSync(join(boot, 'gone'), join(boot, 'dangling'));
    const result = runUnprivileged(['config', boot, '--for', 'kvm-host', '--json']);
    if (result.uid === 0) throw new Error('not dropped to an unprivileged user');
    // The config it cannot read is an error; the kernel image and the dangling link are skipped.
    expect(jsonLines(result.stdout).map((record) => [record.file.split('/').pop(), record.error === undefined])).toEqual([
      ['config-6.1.0-amd64', true],
      ['config-6.1.0-secret', false],
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/skipped 2 files that cannot be read, not named like a config \(dangling \(no such file\), vmlinuz-6\.1\.0-amd64 \(permission denied\)\)/);
  });

  it('reports a config this user may not read and audits the rest', () => {
    const shared = sharedTempDir('virt-advisor-private-');
    copyFileSync(config('config-debian-6.1.192-amd64'), join(shared, 'a-config'));
    copyFileSync(config('config-debian-6.1.192-amd64'), join(shared, 'b-config'));
    chmodSync(join(shared, 'a-config'), 0o600);
    chmodSync(join(shared, 'b-config'), 0o644);
    const result = runUnprivileged(['config', join(shared, 'a-config'), join(shared, 'b-config'), '--for', 'kvm-host', '--json']);
    const records = jsonLines(result.stdout);
    if (result.uid === 0) throw new Error('not dropped to an unprivileged user');
    expect(records.map((record) => record.error ?? 'audited')).toEqual([expect.stringMatching(/a-config: permission denied$/), 'audited']);
    expect(result.status).toBe(2);
  });
});

describe('report', () => {
  const results = mkdtempSync(join(tmpdir(), 'virt-advisor-fleet-'));
  const roots = readdirSync(ROOTS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const kvmHost = roots.find((name) => /kvm/.test(name) && !/guest|container|denied/.test(name)) ?? roots[0]!;
  mkdirSync(join(results, 'alpha'));
  mkdirSync(join(results, 'beta'));
  writeFileSync(join(results, 'alpha', 'host.json'), runCli(['host', '--json', '--root', join(ROOTS, kvmHost)]).stdout);
  writeFileSync(join(results, 'alpha', 'config.json'), runCli(['config', config('config-debian-6.1.192-amd64'), '--json', '--for', 'kvm-host']).stdout);
  writeFileSync(join(results, 'beta', 'config.json'), runCli(['config', config('config-firecracker-microvm-x86_64-4.14.174'), '--json', '--for', 'kvm-host']).stdout);
  writeFileSync(join(results, 'inventory.jsonl'), runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: 'alpha\t6.1.0-18-amd64\ngamma\t4.4\n' }).stdout);

  it('puts each host on a row, and counts per approach, target and feature', () => {
    const result = runCli(['report', results, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const fleet = JSON.parse(result.stdout);
    expect(fleet.schemaVersion).toBe(1);
    expect(fleet.hosts.map((host: any) => host.host)).toEqual(['alpha', 'beta', 'gamma']);
    const [alpha, beta, gamma] = fleet.hosts;
    expect(alpha.approaches.length).toBeGreaterThan(0);
    expect(beta.approaches).toBeNull();
    expect(gamma.targets).toBeNull();
    const kvmHostRow = fleet.targets.find((row: any) => row.id === 'kvm-host');
    expect(kvmHostRow).toMatchObject({ of: 2, can: ['alpha'], cannot: [{ host: 'beta', reason: expect.stringContaining('CONFIG_') }] });
    // vhost-vsock... a feature 4.4 lacks and 6.1 has: the check records are counted per host.
    const virtiofs = fleet.features.find((row: any) => row.id === 'virtiofs');
    expect(virtiofs).toMatchObject({ of: 2, can: ['alpha'], cannot: [{ host: 'gamma', reason: '4.4: merged in 5.4' }] });
  });

  it('writes CSV a spreadsheet cannot take for formulas', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-csv-'));
    writeFileSync(join(dir, 'x.jsonl'), runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: '=cmd|calc,"x"\t6.1\n' }).stdout);
    const result = runCli(['report', dir, '--format', 'csv']);
    expect(result.status).toBe(0);
    const [header, row] = result.stdout.split('\r\n');
    expect(header!.split(',').slice(0, 3)).toEqual(['host', 'kernel', 'arch']);
    expect(row!.startsWith(`"'=cmd|calc,""x""",6.1,x86_64,`)).toBe(true);
  });

  it('reports what it cannot read, and still reports the rest (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-bad-'));
    writeFileSync(join(dir, 'ok.json'), readFileSync(join(results, 'alpha', 'config.json')));
    writeFileSync(join(dir, 'cut.json'), '{"schemaVersion": 2, "file": ');
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ schemaVersion: 1, file: 'x', kernel: { input: '6.1' }, arch: 'x86_64', targets: [] }));
    writeFileSync(join(dir, 'notes.txt'), 'not read');
    writeFileSync(join(dir, 'empty.json'), '\n');
    const result = runCli(['report', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n').sort()).toEqual([
      expect.stringMatching(/cut\.json: line 1: the JSON value is cut off$/),
      expect.stringMatching(/empty\.json: empty: no virt-advisor output in it$/),
      expect.stringMatching(/old\.json: record 1: a config record of schemaVersion 1: this virt-advisor reads 2/),
    ]);
    expect(result.stdout).toMatch(/^ok\s+6\.1\.192\s+x86_64/m);
    const nothing = runCli(['report', join(dir, 'notes.txt')]);
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toMatch(/nothing to report/);
  });

  it('needs an input, and never waits for one', () => {
    const result = runCli(['report']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/give the results to read/);
    const piped = runCli(['report', '-'], { input: readFileSync(join(results, 'inventory.jsonl')) });
    expect(piped.status).toBe(0);
    expect(piped.stdout).toMatch(/^2 hosts: 0 with host facts, 0 with a config audit, 2 with version checks$/m);
  });
});

describe('--format', () => {
  it('refuses a format a command does not offer, or one that contradicts --json', () => {
    const cases: Array<[string[], RegExp]> = [
      [['host', '--format', 'csv'], /--format: "csv" is not one of text, json, prometheus/],
      [['check', '6.1', '--format', 'junt', '--require', 'kvm'], /did you mean "junit"/],
      [['check', '6.1', '--json', '--format', 'prometheus'], /give --json or --format prometheus, not both/],
      [['check', '6.1', '--format', 'junit'], /--format junit reports each --require feature as a test case: give --require/],
      [['config', config('config-debian-6.1.192-amd64'), '--fragment', '--format', 'junit'], /give --format junit or --fragment, not both/],
    ];
    for (const [args, message] of cases) {
      const result = runCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(message);
    }
  });
});

describe('report: which host a record is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-hosts-'));
  for (const [host, root] of [['alpha', 'debian12-kvm-host'], ['beta', 'xen-dom0'], ['gamma', 'nothing-readable']] as const) {
    mkdirSync(join(dir, 'results', 'site1', host), { recursive: true });
    writeFileSync(join(dir, 'results', 'site1', host, 'host.json'), runCli(['host', '--json', '--root', join(ROOTS, root)]).stdout);
  }

  it('a file named for its output stands for the host its folder is named after, at any depth', () => {
    const hosts = (args: string[]) => JSON.parse(runCli(['report', ...args, '--json']).stdout).hosts.map((host: any) => host.host);
    expect(hosts([join(dir, 'results')])).toEqual(['alpha', 'beta', 'gamma']);
    expect(hosts([dir])).toEqual(['alpha', 'beta', 'gamma']);
    expect(hosts([join(dir, 'results/site1/alpha/host.json'), join(dir, 'results/site1/beta/host.json')])).toEqual(['alpha', 'beta']);
    // The same file twice is read once.
    expect(runCli(['report', join(dir, 'results'), join(dir, 'results/site1/alpha')]).status).toBe(0);
  });

  it('host records that lose their names are a problem, not one host', () => {
    const all = ['alpha', 'beta'].map((host) => readFileSync(join(dir, 'results/site1', host, 'host.json'), 'utf8')).join('');
    const result = runCli(['report', '-', '--json'], { input: all });
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/standard input: a second host record for standard input, not used/);
  });

  it('does not follow a link back up the tree', () => {
    const looped = mkdtempSync(join(tmpdir(), 'virt-advisor-loop-'));
    for (let index = 0; index < 6; index++) {
      mkdirSync(join(looped, `h${index}`));
      writeFileSync(join(looped, `h${index}`, 'host.json'), readFileSync(join(dir, 'results/site1/alpha/host.json')));
      symlinkSync('..', join(looped, `h${index}`, 'up'));
    }
    const result = runCli(['report', looped, '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).hosts).toHaveLength(6);
  });

  it('an approach eligible only for want of evidence is not counted as one a host can use', () => {
    const fleet = JSON.parse(runCli(['report', join(dir, 'results'), '--json']).stdout);
    const kvm = fleet.approaches.find((row: any) => row.id === 'kvm');
    // Nothing could be read of gamma: whether it can run KVM cannot be told.
    expect(kvm.unknown).toContain('gamma');
    expect(kvm.can).not.toContain('gamma');
    expect(runCli(['report', join(dir, 'results')]).stdout).toMatch(/^gamma .*kvm\?/m);
  });
});
