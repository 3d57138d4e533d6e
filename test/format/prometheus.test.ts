import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { auditConfigBytes } from '../../src/app/audit.js';
import { createKernelChecker } from '../../src/app/check.js';
import { buildProfile, wishesFrom } from '../../src/app/recommend.js';
import { recommend } from '../../src/engine/recommend.js';
import { checkMetrics, configMetrics, hostMetrics, type CheckResult, type ConfigResult } from '../../src/format/prometheus.js';
import { detectHost, known, type HostFacts } from '../../src/host/detect.js';
import { loadTargets } from '../../src/rules/targets.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { realKnowledge } from '../engine/real-knowledge.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const targets = loadTargets(REPO_ROOT);
const VERSION = '9.8.7-test';
const configBytes = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/corpus/configs/${name}`, import.meta.url)));
const rootOf = (name: string) => fileURLToPath(new URL(`../fixtures/roots/${name}`, import.meta.url));

/**
 * promtool's own parser and linter (Debian package prometheus). Missing promtool is a failure, not
 * a skip: this is the check that the output is what Prometheus reads.
 */
function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync(process.env.PROMTOOL ?? 'promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 15_000 });
  if (result.error) throw new Error(`promtool could not be run (${result.error.message}): install it (Debian package "prometheus") or set PROMTOOL`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectPromtoolClean(text: string) {
  expect(promtool(text)).toEqual({ status: 0, output: '' });
}

interface Sample {
  labels: Record<string, string>;
  value: number;
}
interface Family {
  help: string;
  type: string;
  samples: Sample[];
}

/**
 * A strict reader of the text format as the exporters must write it: HELP, then TYPE gauge, then
 * the family's samples, each family once; no blank lines; only \\, \" and \n escapes; no series twice.
 */
function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Family>();
  const lines = text.slice(0, -1).split('\n');
  let current: string | null = null;
  const series = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (help) {
      const name = help[1]!;
      if (families.has(name)) throw new Error(`family ${name} appears twice`);
      const type = lines[++index];
      if (type !== `# TYPE ${name} gauge`) throw new Error(`HELP of ${name} is not followed by its TYPE gauge line: ${type}`);
      families.set(name, { help: help[2]!, type: 'gauge', samples: [] });
      current = name;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (-?[0-9]+(?:\.[0-9]+)?)$/.exec(line);
    if (!sample) throw new Error(`not a HELP line or a sample: ${JSON.stringify(line)}`);
    if (sample[1] !== current) throw new Error(`sample of ${sample[1]} outside its family (in ${current})`);
    const key = `${sample[1]}${sample[2] ?? ''}`;
    if (series.has(key)) throw new Error(`series written twice: ${key}`);
    series.add(key);
    families.get(current)!.samples.push({ labels: parseLabels(sample[2] ?? ''), value: Number(sample[3]) });
  }
  return families;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text === '') return labels;
  let at = 1;
  while (at < text.length - 1) {
    const name = /^[a-zA-Z_][a-zA-Z0-9_]*="/.exec(text.slice(at));
    if (!name) throw new Error(`bad label at ${at} in ${text}`);
    const label = name[0].slice(0, -2);
    at += name[0].length;
    let value = '';
    for (;;) {
      const char = text[at++];
      if (char === undefined) throw new Error(`unterminated label value in ${text}`);
      if (char === '"') break;
      if (char === '\n') throw new Error('raw newline in a label value');
      if (char === '\\') {
        const escaped = text[at++];
        if (escaped === '\\') value += '\\';
        else if (escaped === '"') value += '"';
        else if (escaped === 'n') value += '\n';
        else throw new Error(`unknown escape \\${escaped} in ${text}`);
      } else value += char;
    }
    if (label in labels) throw new Error(`label ${label} twice in ${text}`);
    labels[label] = value;
    if (text[at] === ',') at++;
    else if (at !== text.length - 1) throw new Error(`expected , or } at ${at} in ${text}`);
  }
  return labels;
}

/** The value of the one sample with exactly these labels; undefined when there is none. */
function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = (families.get(name)?.samples ?? []).filter((sample) => JSON.stringify(Object.entries(sample.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  expect(matches.length).toBeLessThanOrEqual(1);
  return matches[0]?.value;
}

function hostOf(root: string, facts: HostFacts = detectHost(rootOf(root))) {
  const candidates = recommend(realKnowledge, buildProfile({}, facts).profile, wishesFrom({}));
  const text = hostMetrics(facts, candidates, VERSION);
  return { text, families: parseExposition(text), candidates, facts };
}

describe('hostMetrics', () => {
  it('writes the facts of a KVM host with nested VMX, and passes promtool', () => {
    const { text, families, candidates } = hostOf('kvm-host-nested');
    expectPromtoolClean(text);
    expect(families.get('virt_advisor_host_info')!.samples).toEqual([{ labels: { version: VERSION, kernel: '6.1.0-18-amd64', arch: 'x86_64', hypervisor: '' }, value: 1 }]);
    expect(valueOf(families, 'virt_advisor_virtual_machine')).toBe(0);
    expect(valueOf(families, 'virt_advisor_kvm_device_present')).toBe(1);
    expect(valueOf(families, 'virt_advisor_nested_enabled', { module: 'kvm_intel' })).toBe(1);
    // kvm_amd is not loaded: no sample, and the fact says it is unknown rather than off.
    expect(valueOf(families, 'virt_advisor_nested_enabled', { module: 'kvm_amd' })).toBeUndefined();
    expect(valueOf(families, 'virt_advisor_fact_known', { fact: 'nested_kvm_amd' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_fact_known', { fact: 'nested_kvm_intel' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_iommu_enabled')).toBe(1);
    expect(families.get('virt_advisor_xen_role_info')!.samples).toEqual([{ labels: { role: 'none' }, value: 1 }]);
    expect(valueOf(families, 'virt_advisor_approach_eligible', { approach: 'kvm' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_approach_confirmed', { approach: 'kvm' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_approach_eligible', { approach: 'lguest' })).toBe(0);
    // One sample per candidate, with its own answer.
    expect(families.get('virt_advisor_approach_eligible')!.samples).toEqual(candidates.map((c) => ({ labels: { approach: c.id }, value: c.eligible ? 1 : 0 })));
    expect(families.get('virt_advisor_approach_confirmed')!.samples).toEqual(candidates.map((c) => ({ labels: { approach: c.id }, value: c.confirmed ? 1 : 0 })));
    expect(families.get('virt_advisor_fact_known')!.samples.map((sample) => sample.labels.fact)).toEqual([
      'cpu',
      'kernel_release',
      'arch',
      'kernel_config',
      'kvm',
      'nested_kvm_intel',
      'nested_kvm_amd',
      'xen',
      'hypervisor',
      'container',
      'iommu',
      'cgroups',
      'modules',
    ]);
  });

  it('writes no sample and no family for facts a bare root cannot tell', () => {
    const { text, families } = hostOf('nothing-readable');
    expectPromtoolClean(text);
    expect(families.get('virt_advisor_host_info')!.samples).toEqual([{ labels: { version: VERSION, kernel: '', arch: '', hypervisor: '' }, value: 1 }]);
    for (const name of ['virt_advisor_virtual_machine', 'virt_advisor_kvm_device_present', 'virt_advisor_kvm_usable', 'virt_advisor_nested_enabled', 'virt_advisor_iommu_enabled', 'virt_advisor_xen_role_info']) {
      expect(families.has(name), name).toBe(false);
      expect(text).not.toContain(name + ' ');
    }
    expect(families.get('virt_advisor_fact_known')!.samples.every((sample) => sample.value === 0)).toBe(true);
    expect(families.get('virt_advisor_fact_known')!.samples).toHaveLength(13);
  });

  it('a Xen guest: its role, the hypervisor vendor, and /dev/kvm absent (so not usable)', () => {
    const { text, families } = hostOf('xen-domu');
    expectPromtoolClean(text);
    expect(valueOf(families, 'virt_advisor_host_info', { version: VERSION, kernel: '3.10.0-1160.el7.x86_64', arch: 'x86_64', hypervisor: 'Xen' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_virtual_machine')).toBe(1);
    expect(valueOf(families, 'virt_advisor_xen_role_info', { role: 'domU' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_kvm_device_present')).toBe(0);
    expect(valueOf(families, 'virt_advisor_kvm_usable')).toBe(0);
    expect(families.has('virt_advisor_iommu_enabled')).toBe(false);
    expect(valueOf(families, 'virt_advisor_fact_known', { fact: 'iommu' })).toBe(0);
  });

  it('a fact read that still cannot tell (VM or not, /dev/kvm access) has no sample', () => {
    const base = detectHost(rootOf('kvm-host-nested'));
    const facts: HostFacts = {
      ...base,
      hypervisor: known({ virtual: null, vendor: null, evidence: [] }, 'test'),
      kvmDevice: known({ present: true, usable: null, modules: ['kvm'] }, 'test'),
      kernelRelease: known('6.1 "quoted" \\ back\nslash', 'test'),
    };
    const { text, families } = hostOf('kvm-host-nested', facts);
    expectPromtoolClean(text);
    expect(families.has('virt_advisor_virtual_machine')).toBe(false);
    expect(valueOf(families, 'virt_advisor_fact_known', { fact: 'hypervisor' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_kvm_device_present')).toBe(1);
    expect(families.has('virt_advisor_kvm_usable')).toBe(false);
    expect(text).toContain('kernel="6.1 \\"quoted\\" \\\\ back\\nslash"');
    expect(families.get('virt_advisor_host_info')!.samples[0]!.labels.kernel).toBe('6.1 "quoted" \\ back\nslash');
  });
});

describe('configMetrics', () => {
  const weirdName = 'configs/a "quoted"\\name\nline.config';
  const audit = (name: string, options: { targets?: string[] } = {}) => auditConfigBytes(configBytes(name), { file: name, shown: name }, options, targets).report;
  const results: ConfigResult[] = [
    { file: weirdName, report: audit('config-firecracker-microvm-ci-x86_64-5.10.252-amzn2') },
    { file: 'debian.config', report: audit('config-debian-6.1.192-amd64') },
    { file: 'lguest.config', report: audit('config-debian-6.1.192-amd64', { targets: ['lguest', 'kvm-host'] }) },
    { file: 'missing.config', error: 'not found: missing.config' },
  ];
  const text = configMetrics(results, VERSION);
  const families = parseExposition(text);

  it('passes promtool', () => {
    expectPromtoolClean(text);
  });

  it('a Firecracker guest config without KVM does not serve kvm-host: three required checks fail', () => {
    expect(valueOf(families, 'virt_advisor_config_target_ok', { file: weirdName, target: 'kvm-host' })).toBe(0);
    // VIRTUALIZATION is not set, KVM and KVM_INTEL|KVM_AMD are absent.
    expect(valueOf(families, 'virt_advisor_config_target_failed_checks', { file: weirdName, target: 'kvm-host' })).toBe(3);
    expect(valueOf(families, 'virt_advisor_config_target_ok', { file: weirdName, target: 'kvm-guest' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_config_target_failed_checks', { file: weirdName, target: 'kvm-guest' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_config_target_failed_checks', { file: weirdName, target: 'xen-dom0' })).toBe(9);
    expect(valueOf(families, 'virt_advisor_config_info', { file: weirdName, kernel: '5.10.252-285.992.amzn2.x86_64', arch: 'x86_64', version: VERSION })).toBe(1);
    expect(valueOf(families, 'virt_advisor_config_read_ok', { file: weirdName })).toBe(1);
  });

  it("Debian's amd64 config serves every target", () => {
    const ok = families.get('virt_advisor_config_target_ok')!.samples.filter((sample) => sample.labels.file === 'debian.config');
    expect(ok.map((sample) => [sample.labels.target, sample.value])).toEqual([
      ['containers', 1],
      ['kvm-guest', 1],
      ['kvm-host', 1],
      ['vfio-passthrough', 1],
      ['xen-dom0', 1],
      ['xen-domu', 1],
    ]);
  });

  it('a target that cannot exist on x86_64 (lguest) is not ok, with no check counted', () => {
    expect(valueOf(families, 'virt_advisor_config_target_ok', { file: 'lguest.config', target: 'lguest' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_config_target_failed_checks', { file: 'lguest.config', target: 'lguest' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_config_target_ok', { file: 'lguest.config', target: 'kvm-host' })).toBe(1);
  });

  it('an optional check that fails is not counted, and leaves the target ok', () => {
    // Debian's config without user namespaces still serves rootful containers.
    const text = configBytes('config-debian-6.1.192-amd64').toString('utf8').replace('CONFIG_USER_NS=y', '# CONFIG_USER_NS is not set');
    const report = auditConfigBytes(Buffer.from(text), { file: 'x', shown: 'x' }, { targets: ['containers'] }, targets).report;
    const noUserNs = parseExposition(configMetrics([{ file: 'no-userns', report }], VERSION));
    expect(valueOf(noUserNs, 'virt_advisor_config_target_ok', { file: 'no-userns', target: 'containers' })).toBe(1);
    expect(valueOf(noUserNs, 'virt_advisor_config_target_failed_checks', { file: 'no-userns', target: 'containers' })).toBe(0);
  });

  it('a file that could not be read has read_ok 0 and nothing else', () => {
    expect(valueOf(families, 'virt_advisor_config_read_ok', { file: 'missing.config' })).toBe(0);
    for (const [name, family] of families) {
      if (name !== 'virt_advisor_config_read_ok') expect(family.samples.some((sample) => sample.labels.file === 'missing.config'), name).toBe(false);
    }
  });

  it('escapes backslash, double quote and newline in label values', () => {
    expect(text).toContain('{file="configs/a \\"quoted\\"\\\\name\\nline.config",target="kvm-host"} 0\n');
    expect(families.get('virt_advisor_config_read_ok')!.samples[0]!.labels.file).toBe(weirdName);
  });

  it('a name that is not valid Unicode (a lone surrogate) is written as U+FFFD, never as broken UTF-8', () => {
    const exposition = configMetrics([{ file: 'bad\uD800name', error: 'unreadable' }], VERSION);
    expectPromtoolClean(exposition);
    expect(Buffer.from(exposition, 'utf8').toString('utf8')).toBe(exposition);
    expect(valueOf(parseExposition(exposition), 'virt_advisor_config_read_ok', { file: 'bad\uFFFDname' })).toBe(0);
  });

  it('nothing to report is an empty exposition', () => {
    expect(configMetrics([], VERSION)).toBe('');
  });
});

describe('checkMetrics', () => {
  const checker = createKernelChecker(realKnowledge, { arch: null, fallback: 'x86_64' });
  const resultOf = (input: string, line: number | null = null, label: string | null = null): CheckResult => {
    try {
      const checked = checker(parseKernelVersion(input));
      return 'error' in checked ? { line, label, input, error: checked.error } : { line, label, input, checked };
    } catch (error) {
      return { line, label, input, error: (error as Error).message };
    }
  };
  const results = [resultOf('5.15', 1), resultOf('4.18.0-477.10.1.el8_8.x86_64', 2, 'db "primary"'), resultOf('not a kernel', 3, 'broken'), resultOf('5.15', 4)];
  const text = checkMetrics(results, ['kvm', 'amd-sev-snp'], VERSION);
  const families = parseExposition(text);
  const at515 = { kernel: '5.15', arch: 'x86_64' };
  const rhel = { kernel: '4.18.0-477.10.1.el8_8.x86_64', label: 'db "primary"', arch: 'x86_64' };

  it('passes promtool', () => {
    expectPromtoolClean(text);
  });

  it('mainline 5.15 on x86_64 has KVM, not SEV-SNP (merged in 6.11) nor TDX (6.16)', () => {
    expect(valueOf(families, 'virt_advisor_check_info', { ...at515, release: '5.15', version: VERSION })).toBe(1);
    expect(valueOf(families, 'virt_advisor_feature_supported', { ...at515, feature: 'kvm' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_feature_supported', { ...at515, feature: 'amd-sev-snp' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_feature_supported', { ...at515, feature: 'intel-tdx' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_feature_known', { ...at515, feature: 'intel-tdx' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_requirement_met', { kernel: '5.15', feature: 'kvm' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_requirement_met', { kernel: '5.15', feature: 'amd-sev-snp' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_requirements_met', { kernel: '5.15' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_check_input_ok', { kernel: '5.15' })).toBe(1);
    // One sample per feature of the knowledge base.
    expect(families.get('virt_advisor_feature_known')!.samples.filter((sample) => sample.labels.kernel === '5.15')).toHaveLength(realKnowledge.features.length);
  });

  it('a RHEL 8 kernel: a newer feature without a vendor record is unknown, so it has no supported sample', () => {
    expect(valueOf(families, 'virt_advisor_feature_supported', { ...rhel, feature: 'amd-sev-snp' })).toBeUndefined();
    expect(valueOf(families, 'virt_advisor_feature_known', { ...rhel, feature: 'amd-sev-snp' })).toBe(0);
    // virtiofs (5.4) is backported by Red Hat into 4.18.
    expect(valueOf(families, 'virt_advisor_feature_supported', { ...rhel, feature: 'virtiofs' })).toBe(1);
    expect(valueOf(families, 'virt_advisor_feature_known', { ...rhel, feature: 'virtiofs' })).toBe(1);
    // Unknown counts as not met.
    expect(valueOf(families, 'virt_advisor_requirement_met', { kernel: rhel.kernel, label: rhel.label, feature: 'amd-sev-snp' })).toBe(0);
    expect(valueOf(families, 'virt_advisor_requirement_met', { kernel: rhel.kernel, label: rhel.label, feature: 'kvm' })).toBe(1);
    expect(text).toContain('label="db \\"primary\\""');
  });

  it('a line that is not a kernel version: input_ok 0 with its line, and nothing else', () => {
    expect(valueOf(families, 'virt_advisor_check_input_ok', { kernel: 'not a kernel', label: 'broken', line: '3' })).toBe(0);
    for (const [name, family] of families) {
      if (name !== 'virt_advisor_check_input_ok') expect(family.samples.some((sample) => sample.labels.kernel === 'not a kernel'), name).toBe(false);
    }
  });

  it('a kernel listed twice is written once (parseExposition refuses a repeated series)', () => {
    expect(families.get('virt_advisor_check_info')!.samples.filter((sample) => sample.labels.kernel === '5.15')).toHaveLength(1);
  });

  it('with no features asked for, the requirement families are left out', () => {
    const plain = parseExposition(checkMetrics([resultOf('6.1')], [], VERSION));
    expect(plain.has('virt_advisor_requirement_met')).toBe(false);
    expect(plain.has('virt_advisor_requirements_met')).toBe(false);
    expect(valueOf(plain, 'virt_advisor_feature_supported', { kernel: '6.1', arch: 'x86_64', feature: 'kvm' })).toBe(1);
  });

  it('every feature asked for present makes requirements_met 1', () => {
    const met = parseExposition(checkMetrics([resultOf('6.12', 7, 'web')], ['kvm', 'amd-sev-snp', 'vhost-net'], VERSION));
    expect(valueOf(met, 'virt_advisor_requirements_met', { kernel: '6.12', label: 'web' })).toBe(1);
    expect(valueOf(met, 'virt_advisor_requirement_met', { kernel: '6.12', label: 'web', feature: 'amd-sev-snp' })).toBe(1);
  });
});
