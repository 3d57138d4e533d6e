/**
 * JUnit XML, the report format CI systems (Jenkins, GitLab, GitHub test reporters) show as test
 * results: one suite per config file or kernel version, one test case per check, so that what a
 * kernel lacks appears as a failing test with the CONFIG_ lines that would fix it.
 */
import type { Arch } from '../arch.js';
import { availability, type CheckedKernel } from '../app/check.js';
import { checkPasses, type Check } from '../engine/audit.js';
import { symbolsInRange, type FeatureConfig } from '../engine/config-state.js';
import type { FeatureVerdict } from '../engine/check.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import { symbolsOf } from '../rules/targets.js';
import type { Feature } from '../rules/types.js';
import { releaseNameKey } from '../version/compare.js';
// The text report's words and fixes, so that both say the same of a check.
import { actualOf, statusNote, toEnable, unavailableReason } from './audit.js';
import { configWords, describeKernel, vendorName } from './check.js';
import type { CheckResult, ConfigResult } from './prometheus.js';

export type { CheckResult, ConfigResult };

// ---------------------------------------------------------------------------------------------
// XML

// XML 1.0 allows tab, line feed and carriage return, and everything from U+0020 except lone
// surrogates, U+FFFE and U+FFFF: anything else makes the whole file unreadable, so it is written
// out as \uXXXX text instead.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // In an attribute a parser would turn these into spaces; in text a CR would be dropped.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const readable = (text: string) => text.replace(FORBIDDEN, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

function escapeAttribute(text: string): string {
  return readable(text).replace(/[&<>"'\t\n\r]/g, (char) => ENTITIES[char]!);
}

function escapeContent(text: string): string {
  return readable(text).replace(/[&<>"'\r]/g, (char) => ENTITIES[char]!);
}

type Outcome =
  | { kind: 'passed' }
  | { kind: 'failure' | 'error'; type: string; message: string; details: string }
  | { kind: 'skipped'; message: string };

interface TestCase {
  name: string;
  classname: string;
  outcome: Outcome;
}

interface TestSuite {
  name: string;
  cases: TestCase[];
}

function counts(cases: readonly TestCase[]) {
  const of = (kind: Outcome['kind']) => cases.filter((testCase) => testCase.outcome.kind === kind).length;
  return { tests: cases.length, failures: of('failure'), errors: of('error'), skipped: of('skipped') };
}

function countAttributes({ tests, failures, errors, skipped }: ReturnType<typeof counts>): string {
  return `tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
}

function renderCase({ name, classname, outcome }: TestCase): string[] {
  const open = `    <testcase name="${escapeAttribute(name)}" classname="${escapeAttribute(classname)}"`;
  switch (outcome.kind) {
    case 'passed':
      return [`${open}/>`];
    case 'skipped':
      return [`${open}>`, `      <skipped message="${escapeAttribute(outcome.message)}"/>`, '    </testcase>'];
    case 'failure':
    case 'error':
      return [
        `${open}>`,
        `      <${outcome.kind} message="${escapeAttribute(outcome.message)}" type="${escapeAttribute(outcome.type)}">${escapeContent(outcome.details)}</${outcome.kind}>`,
        '    </testcase>',
      ];
  }
}

/** The document: every count is computed from the cases, so the totals always add up. */
function renderSuites(name: string, suites: readonly TestSuite[]): string {
  // The Jenkins JUnit schema (junit-10.xsd) allows skipped on a testsuite but not on testsuites.
  const total = countAttributes(counts(suites.flatMap((suite) => suite.cases))).replace(/ skipped="\d+"/, '');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${escapeAttribute(name)}" ${total}>`];
  for (const suite of suites) {
    lines.push(`  <testsuite name="${escapeAttribute(suite.name)}" ${countAttributes(counts(suite.cases))}>`);
    for (const testCase of suite.cases) lines.push(...renderCase(testCase));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

const fixLines = (symbols: readonly string[]) => symbols.map((symbol) => `CONFIG_${symbol}=y`);

// ---------------------------------------------------------------------------------------------
// config

const symbolNames = (check: Check) => symbolsOf(check.requirement).map((symbol) => `CONFIG_${symbol}`).join('|');

/** What the status means for this check, in the words of the text report (which says nothing for off). */
function statusWords(check: Check, release: string): string | null {
  return check.status === 'off' ? 'the config says it is not set' : statusNote(check, release);
}

/** "missing: <what the status means>. <why the target needs it>" */
function failureMessage(check: Check, release: string): string {
  const words = statusWords(check, release);
  return `${check.status}: ${words ? `${words}. ` : ''}${check.requirement.note}`;
}

function failureDetails(check: Check): string {
  const symbols = toEnable(check);
  return [
    `expected: ${check.requirement.builtin ? 'y' : 'y or m'}; actual: ${actualOf(check) ?? '(absent)'}`,
    symbols.length > 1 ? 'to fix, set any one of these:' : 'to fix, set:',
    ...fixLines(symbols),
  ].join('\n');
}

function checkOutcome(check: Check, release: string): Outcome {
  if (check.status === 'obsolete' || check.status === 'not-applicable') return { kind: 'skipped', message: statusWords(check, release)! };
  if (checkPasses(check)) return { kind: 'passed' };
  if (check.requirement.optional) return { kind: 'skipped', message: `optional: ${failureMessage(check, release)}` };
  return { kind: 'failure', type: check.status, message: failureMessage(check, release), details: failureDetails(check) };
}

/**
 * The test case names of a target's checks: "kvm-host: CONFIG_KVM". A symbol a target requires on
 * two sets of architectures would give two cases the same name; their architectures tell them apart.
 */
function checkNames(targetId: string, checks: readonly Check[]): string[] {
  const base = checks.map((check) => `${targetId}: ${symbolNames(check)}`);
  const qualified = base.map((name, index) => {
    if (base.indexOf(name) === base.lastIndexOf(name)) return name;
    const requirement = checks[index]!.requirement;
    const where = [requirement.arch ? requirement.arch.join(', ') : null, requirement.since ? `from ${requirement.since}` : null, requirement.until ? `before ${requirement.until}` : null];
    const words = where.filter((part) => part !== null).join(', ');
    return words ? `${name} (${words})` : name;
  });
  // Whatever is still the same gets a number: reporters merge cases of the same name.
  return qualified.map((name, index) => (qualified.indexOf(name) === index ? name : `${name} #${qualified.slice(0, index + 1).filter((other) => other === name).length}`));
}

function configSuite(result: ConfigResult): TestSuite {
  if ('error' in result) {
    return { name: result.file, cases: [{ name: 'read', classname: 'virt-advisor.config', outcome: { kind: 'error', type: 'input', message: result.error, details: result.error } }] };
  }
  const report = result.report;
  const release = report.version.release;
  const cases: TestCase[] = [];
  for (const verdict of report.verdicts) {
    const classname = `virt-advisor.config.${verdict.target.id}`;
    if (verdict.kind === 'unavailable') {
      const reason = unavailableReason(verdict.unavailable, report.version, report.arch);
      cases.push({ name: verdict.target.id, classname, outcome: { kind: 'failure', type: 'unavailable', message: `not satisfied: ${reason}`, details: `${verdict.target.name}: ${reason}` } });
      continue;
    }
    const names = checkNames(verdict.target.id, verdict.checks);
    verdict.checks.forEach((check, index) => cases.push({ name: names[index]!, classname, outcome: checkOutcome(check, release) }));
  }
  if (report.verdicts.length === 0) {
    // An empty suite would read as a pass: say that nothing was checked.
    cases.push({ name: 'targets', classname: 'virt-advisor.config', outcome: { kind: 'skipped', message: `no target applies to ${report.arch} at ${release}; name one with --for` } });
  }
  return { name: result.file, cases };
}

/** `config` as JUnit XML: a suite per config file, a case per check of each target. */
export function configJunit(results: readonly ConfigResult[]): string {
  return renderSuites('virt-advisor config', results.map(configSuite));
}

// ---------------------------------------------------------------------------------------------
// check

/** The Kconfig symbols that give the feature on this architecture at a release. */
function featureSymbols(feature: Feature, arch: Arch, release: string): string[] {
  return symbolsInRange(feature, arch, releaseNameKey(release));
}

/** The release whose symbols to name: the newest one that still has the feature. */
function releaseToAim(knowledge: KnowledgeBase, verdict: FeatureVerdict): string | null {
  if (verdict.since === null) return null;
  if (verdict.removedIn !== null) return verdict.since;
  const newest = knowledge.releases[knowledge.releases.length - 1];
  return newest !== undefined && releaseNameKey(newest) > releaseNameKey(verdict.since) ? newest : verdict.since;
}

/** Why a feature asked for is not in the kernel, and what would give it. */
function missingFeature(knowledge: KnowledgeBase, checked: CheckedKernel, feature: Feature, verdict: FeatureVerdict, config: FeatureConfig | null, answer: false | 'unknown'): Outcome {
  const kernel = `this kernel is ${describeKernel(checked.version, checked.vendor)}`;
  const vendor = vendorName(checked.version, checked.vendor) ?? 'the vendor';
  const arch = checked.arch;
  const failure = (type: string, message: string, details: string[]): Outcome => ({ kind: 'failure', type, message: `${type}: ${message}`, details: details.join('\n') });
  const setLines = (symbols: readonly string[]) => (symbols.length > 0 ? [`set in the kernel config:`, ...fixLines(symbols)] : []);

  if (answer === 'unknown') {
    // The verdict's note says why and that the config tells; the fallback says the same.
    const why = verdict.note ?? `${vendor} backports features into old release numbers and no record says whether this kernel has it; its kernel config tells (virt-advisor check --config)`;
    const symbols = verdict.since ? featureSymbols(feature, arch, verdict.since) : [];
    return failure('unknown', `cannot be told from the version (${vendor} kernel): ${why}`, [
      `mainline merged it in ${verdict.since ?? 'no release'}; ${kernel}`,
      ...(symbols.length > 0 ? ["the kernel's config has it when it sets:", ...fixLines(symbols)] : []),
    ]);
  }
  // The config's word overrules a version that has the feature (or cannot tell).
  if (config !== null && config.available === false && (verdict.supported || verdict.status === 'unknown')) {
    const off = config.symbols.filter(({ value }) => value === null || !/^[ym]/.test(value)).map(({ symbol }) => symbol);
    return failure('config-off', `this kernel's config leaves it out: ${configWords(config)}; ${kernel}`, setLines(off));
  }
  const aim = releaseToAim(knowledge, verdict);
  const symbols = aim ? featureSymbols(feature, arch, aim) : [];
  switch (verdict.status) {
    case 'not-yet':
      return failure('not-yet', `merged in ${verdict.since}, ${kernel}`, [`needs mainline ${verdict.since} or later`, ...setLines(symbols)]);
    case 'removed':
      return failure('removed', `merged in ${verdict.since} and removed in ${verdict.removedIn}, ${kernel}`, [`needs a kernel from mainline ${verdict.since} up to (not including) ${verdict.removedIn}`, ...setLines(symbols)]);
    case 'never':
      return failure('never', `never merged into mainline on ${arch}`, [`no mainline kernel for ${arch} has it`]);
    case 'out-of-tree':
      return failure('out-of-tree', 'never merged into mainline: it needs a patched kernel', ['no mainline kernel has it']);
    case 'vendor-absent': {
      const note = verdict.vendor?.note;
      return failure('vendor-absent', `${vendor} leaves it out, although mainline has it since ${verdict.since}`, [...(note ? [note] : []), ...setLines(verdict.since ? featureSymbols(feature, arch, verdict.since) : [])]);
    }
    case 'not-linux':
      return failure('not-linux', verdict.note ?? 'not a Linux kernel', ['no Linux kernel feature is there']);
    default:
      // Supported by the version yet not available: only the config can say that, handled above.
      return failure(verdict.status, `not available in this kernel; ${kernel}`, setLines(symbols));
  }
}

function requirementCase(knowledge: KnowledgeBase, checked: CheckedKernel, id: string, allowUnknown: boolean): TestCase {
  const classname = 'virt-advisor.check';
  const index = checked.verdicts.findIndex((verdict) => verdict.id === id);
  const feature = knowledge.byId.get(id);
  if (index < 0 || !feature) {
    const message = `no feature ${JSON.stringify(id)} in the knowledge base`;
    return { name: id, classname, outcome: { kind: 'error', type: 'unknown-feature', message, details: message } };
  }
  const answer = availability(checked, index);
  if (answer === true) return { name: id, classname, outcome: { kind: 'passed' } };
  // --allow-unknown counts it as met: not a failure, but not shown as a pass either.
  if (answer === 'unknown' && allowUnknown) return { name: id, classname, outcome: { kind: 'skipped', message: 'cannot be told from the version (a vendor kernel without a record); counted as met (--allow-unknown); the kernel\'s own config tells for sure' } };
  const config = checked.config?.known ? (checked.config.features[index] ?? null) : null;
  return { name: id, classname, outcome: missingFeature(knowledge, checked, feature, checked.verdicts[index]!, config, answer) };
}

function checkSuite(result: CheckResult, required: readonly string[], knowledge: KnowledgeBase, allowUnknown: boolean): TestSuite {
  const name = result.label === null ? result.input : `${result.label} ${result.input}`;
  if ('error' in result) {
    const where = result.line === null ? '' : `line ${result.line}: `;
    return { name, cases: [{ name: 'kernel version', classname: 'virt-advisor.check', outcome: { kind: 'error', type: 'input', message: `${where}${result.error}`, details: `${where}${result.error}` } }] };
  }
  return { name, cases: required.map((id) => requirementCase(knowledge, result.checked, id, allowUnknown)) };
}

/** `check` as JUnit XML: a suite per kernel version, a case per feature asked for. */
export function checkJunit(results: readonly CheckResult[], required: readonly string[], knowledge: KnowledgeBase, options: { allowUnknown?: boolean } = {}): string {
  return renderSuites('virt-advisor check', results.map((result) => checkSuite(result, required, knowledge, options.allowUnknown === true)));
}
