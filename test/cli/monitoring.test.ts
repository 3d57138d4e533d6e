import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readReport } from '../format/junit-reader.js';
import { expectOneLineError, runCli } from './run.js';

/**
 * --format prometheus and --format junit through the real binary, checked by the tools that read
 * them: Prometheus' promtool, and xmllint against the JUnit schema Jenkins uses. Either tool
 * missing is a failure, not a skip (CI installs Debian's prometheus and libxml2-utils).
 */
const CONFIGS = fileURLToPath(new URL('../fixtures/corpus/configs/', import.meta.url));
const ROOTS = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));
const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));
const config = (name: string) => join(CONFIGS, name);

function promtool(text: string): void {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 15_000 });
  if (result.error) throw new Error(`promtool could not be run (${result.error.message}): install Debian's prometheus package`);
  expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
}

function validJunit(xml: string): ReturnType<typeof readReport> {
  const file = join(mkdtempSync(join(tmpdir(), 'virt-advisor-junit-')), 'report.xml');
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) throw new Error(`xmllint could not be run (${result.error.message}): install Debian's libxml2-utils package`);
  expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: `${file} validates` });
  return readReport(xml);
}

/** The value of one sample, found by its name and labels (in the order written). */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('--format prometheus', () => {
  const roots = readdirSync(ROOTS, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(ROOTS, entry.name));

  it.each(roots.map((root) => [root.split('/').pop()!, root]))('host on the %s fixture root passes promtool, exit 0', (_name, root) => {
    const result = runCli(['host', '--root', root, '--format', 'prometheus']);
    expect(result.status).toBe(0);
    promtool(result.stdout);
    expect(sample(result.stdout, 'virt_advisor_approach_eligible{approach="qemu-tcg"}')).toBe(1);
  });

  it('config: one series per config and target; an unreadable config is a value, not a failed run', () => {
    const result = runCli(['config', config('config-debian-6.1.192-amd64'), config('config-firecracker-guest-6.18.44-fc'), '/nonexistent/config', '--for', 'kvm-host', '--format', 'prometheus']);
    expect(result.status).toBe(0);
    promtool(result.stdout);
    expect(sample(result.stdout, `virt_advisor_config_target_ok{file="${config('config-debian-6.1.192-amd64')}",target="kvm-host"}`)).toBe(1);
    expect(sample(result.stdout, `virt_advisor_config_target_ok{file="${config('config-firecracker-guest-6.18.44-fc')}",target="kvm-host"}`)).toBe(0);
    expect(sample(result.stdout, 'virt_advisor_config_read_ok{file="/nonexistent/config"}')).toBe(0);
    expect(result.stderr).toMatch(/^virt-advisor: cannot read \/nonexistent\/config: no such file$/m);
    const one = runCli(['config', '/nonexistent/config', '--format', 'prometheus']);
    expect(one.status).toBe(0);
    promtool(one.stdout);
    expect(sample(one.stdout, 'virt_advisor_config_read_ok{file="/nonexistent/config"}')).toBe(0);
  });

  it('check: features per labelled version; an unmet requirement or a bad line is a value, exit 0', () => {
    const result = runCli(['check', '--stdin', '--format', 'prometheus', '--arch', 'x86_64', '--require', 'virtiofs'], { input: 'web1\t5.15\nweb2\t4.19\nweb3\tnope\n' });
    expect(result.status).toBe(0);
    promtool(result.stdout);
    expect(sample(result.stdout, 'virt_advisor_requirements_met{kernel="5.15",label="web1"}')).toBe(1);
    expect(sample(result.stdout, 'virt_advisor_requirements_met{kernel="4.19",label="web2"}')).toBe(0);
    expect(sample(result.stdout, 'virt_advisor_feature_supported{kernel="4.19",label="web2",arch="x86_64",feature="virtiofs"}')).toBe(0);
    expect(sample(result.stdout, 'virt_advisor_check_input_ok{kernel="nope",label="web3",line="3"}')).toBe(0);
    // The same problems still go to stderr, for a person reading the job's log.
    expect(result.stderr).toMatch(/line 3 \(web3\): not a kernel version/);
  });

  it('usage errors are still exit 2: the tool did not run', () => {
    expect(runCli(['check', '6.1', '--format', 'prometheus', '--require', 'kvm-bogus']).status).toBe(2);
  });
});

describe('--format junit', () => {
  it('config: a suite per config, a case per requirement, the fix in the failure; exit codes as without it', () => {
    const result = runCli(['config', config('config-debian-6.1.192-amd64'), config('config-firecracker-guest-6.18.44-fc'), '--for', 'kvm-host,containers', '--format', 'junit']);
    expect(result.status).toBe(1);
    const report = validJunit(result.stdout);
    expect(report.suites.map((suite) => suite.name)).toEqual([config('config-debian-6.1.192-amd64'), config('config-firecracker-guest-6.18.44-fc')]);
    expect(report.suites[0]!.cases.filter((testCase) => testCase.outcome === 'failure')).toEqual([]);
    const [failure, ...others] = report.suites[1]!.cases.filter((testCase) => testCase.outcome === 'failure');
    expect(others).toEqual([]);
    expect(failure).toMatchObject({ name: 'kvm-host: CONFIG_KVM_INTEL|CONFIG_KVM_AMD', classname: 'virt-advisor.config.kvm-host', type: 'off' });
    expect(failure!.details).toContain('CONFIG_KVM_INTEL=y');
    const broken = runCli(['config', '/nonexistent/config', config('config-debian-6.1.192-amd64'), '--for', 'kvm-host', '--format', 'junit']);
    expect(broken.status).toBe(2);
    expect(validJunit(broken.stdout).suites[0]!.cases.map((testCase) => testCase.outcome)).toEqual(['error']);
  });

  it('config: a check gated by what it serves is skipped with the same words as the text report', () => {
    const result = runCli(['config', config('config-firecracker-microvm-x86_64-4.14.174'), '--for', 'containers', '--format', 'junit']);
    const cases = validJunit(result.stdout).suites[0]!.cases;
    expect(cases.find((testCase) => testCase.name === 'containers: CONFIG_CGROUP_BPF')).toMatchObject({
      outcome: 'skipped',
      message: 'not required in mainline 4.14: what it is needed for (BPF_PROG_TYPE_CGROUP_DEVICE) arrived in 4.15',
    });
  });

  it('check --require: a suite per version, a case per required feature', () => {
    const result = runCli(['check', '5.15.0-91-generic', '4.19', '--arch', 'x86_64', '--require', 'virtiofs,kvm', '--format', 'junit']);
    expect(result.status).toBe(1);
    const report = validJunit(result.stdout);
    expect(report.suites.map((suite) => [suite.name, suite.cases.map((testCase) => `${testCase.name}:${testCase.outcome}`)])).toEqual([
      ['5.15.0-91-generic', ['virtiofs:passed', 'kvm:passed']],
      ['4.19', ['virtiofs:failure', 'kvm:passed']],
    ]);
    expect(report.suites[1]!.cases[0]!.message).toMatch(/5\.4/);
    expect(report.suites[1]!.cases[0]!.details).toContain('CONFIG_VIRTIO_FS=y');
    const bad = runCli(['check', '--stdin', '--require', 'kvm', '--format', 'junit'], { input: 'web1\t6.1\nweb2\tnope\n' });
    expect(bad.status).toBe(2);
    expect(validJunit(bad.stdout).suites.map((suite) => [suite.name, suite.cases.map((testCase) => testCase.outcome)])).toEqual([
      ['web1 6.1', ['passed']],
      ['web2 nope', ['error']],
    ]);
  });
});

describe('monitoring and CI output when an input fails', () => {
  it('prometheus: a fleet-sized stream is written whole', () => {
    const lines = Array.from({ length: 5000 }, (_, index) => `host${index}\t${['5.15.0-91-generic', '6.1.0-18-amd64', '4.18.0-513.el8.x86_64'][index % 3]}`);
    const result = runCli(['check', '--stdin', '--format', 'prometheus', '--require', 'kvm'], { input: lines.join('\n'), timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('virt_advisor_requirements_met{'))).toHaveLength(5000);
  });

  it('prometheus: a machine whose running kernel config cannot be found still gets its series, exit 0', () => {
    const result = runCli(['config', '--root', join(ROOTS, 'xen-dom0'), '--format', 'prometheus']);
    expect(result.status).toBe(0);
    promtool(result.stdout);
    expect(sample(result.stdout, `virt_advisor_config_read_ok{file="running kernel's config"}`)).toBe(0);
    expect(result.stderr).toMatch(/^virt-advisor: no kernel config found/);
    // A usage mistake is still one: nothing was measured.
    expect(runCli(['config', '--root', join(ROOTS, 'xen-dom0'), '--format', 'prometheus', '--kernel', 'banana']).status).toBe(2);
  });

  it('check of a running kernel that cannot be read: metrics (exit 0) and a JUnit error case (exit 2)', () => {
    const root = join(ROOTS, 'nothing-readable');
    const metrics = runCli(['check', '--root', root, '--format', 'prometheus']);
    expect(metrics.status).toBe(0);
    promtool(metrics.stdout);
    expect(sample(metrics.stdout, 'virt_advisor_check_input_ok{kernel="running kernel"}')).toBe(0);
    const junit = runCli(['check', '--root', root, '--format', 'junit', '--require', 'kvm']);
    expect(junit.status).toBe(2);
    expect(validJunit(junit.stdout).suites.map((suite) => [suite.name, suite.cases.map((testCase) => testCase.outcome)])).toEqual([['running kernel', ['error']]]);
    // A format that does not exist is refused before anything is read.
    expect(expectOneLineError(runCli(['check', '--root', root, '--format', 'xml']).stderr)).toMatch(/--format: "xml" is not one of/);
  });

  it('junit: one config that cannot be read is a report with the error in it, exit 2', () => {
    const result = runCli(['config', '/nonexistent/config', '--format', 'junit']);
    expect(result.status).toBe(2);
    expect(validJunit(result.stdout).suites).toEqual([{ name: '/nonexistent/config', cases: [expect.objectContaining({ outcome: 'error', message: expect.stringMatching(/no such file/) })] }]);
  });

  it('--allow-unknown counts what a vendor kernel cannot tell as met in metrics and JUnit too', () => {
    // RHEL 8.9: SEV-SNP is newer than 4.18 and Red Hat's record says nothing of it.
    const args = ['check', '4.18.0-513.el8.x86_64', '--require', 'amd-sev-snp'];
    expect(runCli([...args, '--format', 'junit']).status).toBe(1);
    const allowed = runCli([...args, '--allow-unknown', '--format', 'junit']);
    expect(allowed.status).toBe(0);
    expect(validJunit(allowed.stdout).suites[0]!.cases).toEqual([expect.objectContaining({ name: 'amd-sev-snp', outcome: 'skipped', message: expect.stringMatching(/--allow-unknown/) })]);
    const metrics = (extra: string[]) => sample(runCli([...args, ...extra, '--format', 'prometheus']).stdout, 'virt_advisor_requirements_met{kernel="4.18.0-513.el8.x86_64"}');
    expect(metrics([])).toBe(0);
    expect(metrics(['--allow-unknown'])).toBe(1);
  });
});
