/**
 * The Prometheus text exposition format, for node_exporter's textfile collector: every answer as a
 * gauge (booleans as 0 and 1). A fact that cannot be told has no sample at all, so that a query
 * never mistakes "unknown" for "no"; virt_advisor_fact_known and virt_advisor_feature_known say
 * which facts were told.
 */
import type { ConfigResult } from '../app/audit.js';
import { availability, type CheckResult } from '../app/check.js';

export type { CheckResult, ConfigResult };
import { checkPasses } from '../engine/audit.js';
import type { Candidate } from '../engine/recommend.js';
import { isKnown, type Fact, type HostFacts } from '../host/detect.js';

type Labels = Readonly<Record<string, string>>;

/** Label values may hold any text; these three characters are the ones the format escapes. */
function escapeLabelValue(value: string): string {
  // Lone surrogates cannot be written as UTF-8: replaced first, so that two names that would be
  // written the same are also seen as the same series.
  return value.replace(/[\uD800-\uDFFF]/gu, '\uFFFD').replace(/[\\"\n]/g, (char) => (char === '\\' ? '\\\\' : char === '"' ? '\\"' : '\\n'));
}

function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (char) => (char === '\\' ? '\\\\' : '\\n'));
}

/**
 * Collects samples per family and writes them grouped, families in the order defined, so the output
 * is stable whatever order the samples come in. A family with no sample is left out entirely.
 */
class Exposition {
  private readonly families = new Map<string, { help: string; samples: Map<string, string> }>();

  constructor(definitions: ReadonlyArray<readonly [name: string, help: string]>) {
    for (const [name, help] of definitions) this.families.set(name, { help, samples: new Map() });
  }

  add(name: string, labels: Labels, value: number | boolean): void {
    const family = this.families.get(name);
    if (!family) throw new Error(`metric family ${name} is not defined`);
    const pairs = Object.entries(labels).map(([label, text]) => `${label}="${escapeLabelValue(text)}"`);
    const series = pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
    // Keyed by series, as a series may appear once per exposition: the same kernel listed twice is
    // written once (with the same answers, as the same input gets the same ones).
    family.samples.set(series, `${series} ${typeof value === 'boolean' ? (value ? 1 : 0) : value}`);
  }

  render(): string {
    const lines: string[] = [];
    for (const [name, { help, samples }] of this.families) {
      if (samples.size === 0) continue;
      lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} gauge`);
      // One at a time: a fleet's samples are too many to pass as the arguments of one call.
      for (const sample of samples.values()) lines.push(sample);
    }
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }
}

// ---------------------------------------------------------------------------------------------
// host

const HOST_FAMILIES = [
  ['virt_advisor_host_info', 'The machine virt-advisor read: its kernel release, architecture and hypervisor vendor ("" when unknown); always 1'],
  ['virt_advisor_virtual_machine', 'Whether this machine is itself a virtual machine (absent when it cannot be told)'],
  ['virt_advisor_kvm_device_present', 'Whether /dev/kvm exists'],
  ['virt_advisor_kvm_usable', 'Whether this user can open /dev/kvm for reading and writing (absent when access could not be checked)'],
  ['virt_advisor_nested_enabled', 'Whether the KVM module has nested virtualization enabled (absent when the module is not loaded or it cannot be told)'],
  ['virt_advisor_iommu_enabled', 'Whether an IOMMU is registered in /sys/class/iommu'],
  ['virt_advisor_xen_role_info', 'The role of this system under Xen: dom0, domU or none; always 1'],
  ['virt_advisor_approach_eligible', 'Whether the virtualization approach can run on this machine as far as is known'],
  ['virt_advisor_approach_confirmed', 'Whether the approach is eligible on facts known for sure, not on assumptions'],
  ['virt_advisor_fact_known', 'Whether the fact could be read from the machine: 0 means the families that come from it have no sample, not that the answer is no'],
] as const;

/** The facts virt_advisor_fact_known reports, by the label value it gives each. */
function hostFactsKnown(facts: HostFacts): Array<[string, boolean]> {
  const known = (fact: Fact<unknown>) => isKnown(fact);
  return [
    ['cpu', known(facts.cpu)],
    ['kernel_release', known(facts.kernelRelease)],
    ['arch', known(facts.arch)],
    ['kernel_config', known(facts.kernelConfig)],
    ['kvm', known(facts.kvmDevice)],
    ['nested_kvm_intel', known(facts.nested.kvmIntel)],
    ['nested_kvm_amd', known(facts.nested.kvmAmd)],
    ['xen', known(facts.xen)],
    // The hypervisor fact may be read and still not settle whether this is a VM: that is unknown too.
    ['hypervisor', isKnown(facts.hypervisor) && facts.hypervisor.value.virtual !== null],
    ['container', known(facts.container)],
    ['iommu', known(facts.iommu)],
    ['cgroups', known(facts.cgroups)],
    ['modules', known(facts.modules)],
  ];
}

/** `host` as metrics: the facts read from the machine and the approaches it can run. */
export function hostMetrics(facts: HostFacts, candidates: readonly Candidate[], toolVersion: string): string {
  const out = new Exposition(HOST_FAMILIES);
  const valueOr = <T, U>(fact: Fact<T>, pick: (value: T) => U, fallback: U) => (isKnown(fact) ? pick(fact.value) : fallback);
  out.add(
    'virt_advisor_host_info',
    {
      version: toolVersion,
      kernel: valueOr(facts.kernelRelease, (release) => release, ''),
      arch: valueOr(facts.arch, (arch): string => arch, ''),
      hypervisor: valueOr(facts.hypervisor, (hypervisor) => hypervisor.vendor ?? '', ''),
    },
    1,
  );
  if (isKnown(facts.hypervisor) && facts.hypervisor.value.virtual !== null) out.add('virt_advisor_virtual_machine', {}, facts.hypervisor.value.virtual);
  if (isKnown(facts.kvmDevice)) {
    out.add('virt_advisor_kvm_device_present', {}, facts.kvmDevice.value.present);
    if (facts.kvmDevice.value.usable !== null) out.add('virt_advisor_kvm_usable', {}, facts.kvmDevice.value.usable);
  }
  if (isKnown(facts.nested.kvmIntel)) out.add('virt_advisor_nested_enabled', { module: 'kvm_intel' }, facts.nested.kvmIntel.value);
  if (isKnown(facts.nested.kvmAmd)) out.add('virt_advisor_nested_enabled', { module: 'kvm_amd' }, facts.nested.kvmAmd.value);
  if (isKnown(facts.iommu)) out.add('virt_advisor_iommu_enabled', {}, facts.iommu.value.enabled);
  if (isKnown(facts.xen)) out.add('virt_advisor_xen_role_info', { role: facts.xen.value }, 1);
  for (const candidate of candidates) {
    out.add('virt_advisor_approach_eligible', { approach: candidate.id }, candidate.eligible);
    out.add('virt_advisor_approach_confirmed', { approach: candidate.id }, candidate.confirmed);
  }
  for (const [fact, known] of hostFactsKnown(facts)) out.add('virt_advisor_fact_known', { fact }, known);
  return out.render();
}

// ---------------------------------------------------------------------------------------------
// config

/** One config file's audit, or why it could not be audited. */

const CONFIG_FAMILIES = [
  ['virt_advisor_config_info', 'A kernel config audited: the kernel version it is for and its architecture; always 1'],
  ['virt_advisor_config_read_ok', 'Whether the config could be read and audited (0: no other sample for it)'],
  ['virt_advisor_config_target_ok', 'Whether the config satisfies the target (a use of the kernel: kvm-host, containers...)'],
  ['virt_advisor_config_target_failed_checks', 'How many required checks of the target the config fails (0 for a target that cannot exist at this release and architecture)'],
] as const;

/** `config` as metrics: per file, whether each target is satisfied and how many checks fail. */
export function configMetrics(results: readonly ConfigResult[], toolVersion: string): string {
  const out = new Exposition(CONFIG_FAMILIES);
  for (const result of results) {
    const file = result.file;
    if ('error' in result) {
      out.add('virt_advisor_config_read_ok', { file }, 0);
      continue;
    }
    const report = result.report;
    out.add('virt_advisor_config_info', { file, kernel: report.version.input, arch: report.arch, version: toolVersion }, 1);
    out.add('virt_advisor_config_read_ok', { file }, 1);
    for (const verdict of report.verdicts) {
      const labels = { file, target: verdict.target.id };
      out.add('virt_advisor_config_target_ok', labels, verdict.ok);
      const failed = verdict.kind === 'audited' ? verdict.checks.filter((check) => !checkPasses(check) && check.requirement.optional !== true).length : 0;
      out.add('virt_advisor_config_target_failed_checks', labels, failed);
    }
  }
  return out.render();
}

// ---------------------------------------------------------------------------------------------
// check

/** One kernel version checked (from a line of input, when read from a list), or why it could not be. */

const CHECK_FAMILIES = [
  ['virt_advisor_check_info', 'A kernel version checked: its mainline release and the architecture answered for; always 1'],
  ['virt_advisor_check_input_ok', 'Whether the kernel version could be read and checked (0: no other sample for it)'],
  ['virt_advisor_feature_supported', 'Whether the kernel has the feature (absent when the version cannot tell: see virt_advisor_feature_known)'],
  ['virt_advisor_feature_known', 'Whether the version (or the kernel config) tells if the kernel has the feature'],
  ['virt_advisor_requirement_met', 'Whether the kernel has a feature asked for (0 when it cannot be told)'],
  ['virt_advisor_requirements_met', 'Whether the kernel has every feature asked for'],
] as const;

/** `check` as metrics: per kernel version, every feature's answer, and the ones asked for. */
export function checkMetrics(results: readonly CheckResult[], required: readonly string[], toolVersion: string, options: { allowUnknown?: boolean } = {}): string {
  const out = new Exposition(CHECK_FAMILIES);
  for (const result of results) {
    const base: Record<string, string> = { kernel: result.input };
    if (result.label !== null) base.label = result.label;
    if ('error' in result) {
      out.add('virt_advisor_check_input_ok', result.line === null ? base : { ...base, line: String(result.line) }, 0);
      continue;
    }
    const checked = result.checked;
    out.add('virt_advisor_check_info', { ...base, arch: checked.arch, release: checked.version.release, version: toolVersion }, 1);
    out.add('virt_advisor_check_input_ok', base, 1);
    const answers = new Map<string, boolean | 'unknown'>();
    checked.verdicts.forEach((verdict, index) => {
      const answer = availability(checked, index);
      answers.set(verdict.id, answer);
      const labels = { ...base, arch: checked.arch, feature: verdict.id };
      if (answer !== 'unknown') out.add('virt_advisor_feature_supported', labels, answer);
      out.add('virt_advisor_feature_known', labels, answer !== 'unknown');
    });
    if (required.length === 0) continue;
    // A feature the knowledge base does not have cannot be shown to be there: not met.
    // --allow-unknown counts what cannot be told as met, as the exit code does.
    const met = required.map((feature) => answers.get(feature) === true || (options.allowUnknown === true && answers.get(feature) === 'unknown'));
    required.forEach((feature, index) => out.add('virt_advisor_requirement_met', { ...base, feature }, met[index]!));
    out.add('virt_advisor_requirements_met', base, met.every(Boolean));
  }
  return out.render();
}
