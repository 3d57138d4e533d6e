import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import semver from 'semver';
import { runCli } from '../cli/run.js';

/**
 * examples/github-actions/kernel-config.yml: its jobs fit together, and every virt-advisor command
 * in it is run here, exactly as written, on real configs in place of the build's .config. The YAML
 * is read with Python's yaml module (python3-yaml, which ansible-core brings); the test fails,
 * never skips, without it.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW = join(REPO, 'examples/github-actions/kernel-config.yml');
const CONFIGS = join(REPO, 'test/fixtures/corpus/configs');
/** A config that satisfies kvm-host, and one (a Firecracker guest kernel) that does not. */
const KVM_HOST_OK = join(CONFIGS, 'config-debian-6.1.192-amd64');
const KVM_HOST_MISSING = join(CONFIGS, 'config-firecracker-guest-6.18.44-fc');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}
interface Job {
  needs?: string | string[];
  steps: Step[];
  permissions?: Record<string, string>;
}

function readWorkflow(): { jobs: Record<string, Job> } {
  const script = 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8"))))';
  const result = spawnSync('python3', ['-c', script, WORKFLOW], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`cannot read the workflow with python3 and its yaml module (Debian: python3-yaml): ${result.error?.message ?? result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** A shell command line cut into words, as far as these examples need: quotes, backslashes, operators. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) text += line[j] === '\\' ? line[++j] : line[j];
      if (j >= line.length) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') word = (word ?? '') + (line[++i] ?? '');
    else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else if ('<>|;&'.includes(c)) {
      if (word !== null) words.push(word);
      word = null;
      let operator = c;
      while (i + 1 < line.length && '<>|&'.includes(line[i + 1]!)) operator += line[++i];
      words.push(operator);
    } else if (c === '#' && word === null) break;
    else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** Whether a virt-advisor command prints JUnit XML. */
const isJunit = (words: string[]) => words.some((word, i) => word === '--format=junit' || (word === 'junit' && words[i - 1] === '--format'));

const OPERATORS = new Set(['|', '||', '&&', ';', '&']);

/** The commands of a run: script, each as its words and where its standard output goes. */
function commands(script: string): Array<{ words: string[]; stdout?: string }> {
  const found: Array<{ words: string[]; stdout?: string }> = [];
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    let current: { words: string[]; stdout?: string } = { words: [] };
    const words = shellWords(line);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (OPERATORS.has(word)) {
        if (current.words.length > 0) found.push(current);
        current = { words: [] };
      } else if (word === '>' || word === '>>') current.stdout = words[++i];
      else if (/^[<>]|^\d>/.test(word)) i++;
      else current.words.push(word);
    }
    if (current.words.length > 0) found.push(current);
  }
  return found;
}

let jobs: Record<string, Job>;
let audit: Job;
let build: Job;
let virtAdvisor: Array<{ job: string; step: Step; words: string[]; stdout?: string }>;

beforeAll(() => {
  jobs = readWorkflow().jobs;
  build = jobs.build!;
  audit = jobs.audit!;
  virtAdvisor = [];
  for (const [job, { steps }] of Object.entries(jobs)) {
    for (const step of steps) {
      if (typeof step.run !== 'string') continue;
      for (const command of commands(step.run)) if (command.words[0] === 'virt-advisor') virtAdvisor.push({ job, step, ...command });
    }
  }
});

describe('the workflow', () => {
  it('has a build job that uploads .config and an audit job after it that downloads it', () => {
    expect(build, 'a job named build').toBeDefined();
    expect(audit, 'a job named audit').toBeDefined();
    expect([audit.needs].flat()).toContain('build');
    const upload = build.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    const download = audit.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    expect(upload?.with).toMatchObject({ path: '.config', 'include-hidden-files': true });
    expect(download?.with?.name).toBe(upload?.with?.name);
    expect(build.steps.some((step) => /make (olddefconfig|defconfig)/.test(step.run ?? ''))).toBe(true);
  });

  it('pins every action to a major version', () => {
    for (const { steps } of Object.values(jobs)) {
      for (const step of steps) if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it('sets up a Node.js the package accepts and installs this package', () => {
    const node = audit.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    const major = String(node?.with?.['node-version']);
    expect(major).toMatch(/^\d+$/);
    const { name, engines } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    // The newest release of that major line is what setup-node installs.
    expect(semver.satisfies(`${major}.99.0`, engines.node)).toBe(true);
    const installs = audit.steps.flatMap((step) => commands(step.run ?? '')).filter(({ words }) => words[0] === 'npm' && words[1] === 'install');
    expect(installs.map(({ words }) => words.slice(2).filter((word) => !word.startsWith('-')))).toEqual([[name]]);
  });

  it('audits with virt-advisor, then publishes the JUnit file even when the audit fails', () => {
    const junit = virtAdvisor.filter(({ job, words }) => job === 'audit' && isJunit(words));
    expect(junit).toHaveLength(1);
    const { step, stdout } = junit[0]!;
    // The audit's exit code must fail the job: nothing may swallow it.
    expect(step['continue-on-error']).toBeUndefined();
    const publish = audit.steps.find((candidate) => candidate.uses?.startsWith('mikepenz/action-junit-report@'));
    expect(publish?.if).toBe('always()');
    expect(audit.steps.indexOf(publish!)).toBeGreaterThan(audit.steps.indexOf(step));
    expect(publish?.with?.report_paths).toBe(stdout);
    expect(audit.permissions?.checks).toBe('write');
  });
});

describe('every virt-advisor command in it, run as written on a real config', () => {
  it('there is at least one', () => {
    expect(virtAdvisor.length).toBeGreaterThan(0);
  });

  // .config is the build's artifact; a corpus config stands in for it.
  const run = (words: string[], config: string) => runCli(words.slice(1).map((word) => (word === '.config' ? config : word)));

  it('accepts every option (exit 0 or 1, never 2) and prints what it says it prints', () => {
    for (const { words } of virtAdvisor) {
      for (const config of [KVM_HOST_OK, KVM_HOST_MISSING]) {
        const result = run(words, config);
        expect([0, 1], `${words.join(' ')} on ${config}: ${result.stderr}`).toContain(result.status);
        expect(result.stderr).toBe('');
        if (isJunit(words)) expect(result.stdout).toMatch(/^<\?xml [^>]*\?>\n<testsuites[\s>]/);
      }
    }
  });

  it('exits 0 on a config with what a KVM host needs, and 1 with a failed test case on one without', () => {
    for (const { words } of virtAdvisor.filter((command) => command.words.includes('--for'))) {
      expect(run(words, KVM_HOST_OK).status).toBe(0);
      const missing = run(words, KVM_HOST_MISSING);
      expect(missing.status).toBe(1);
      if (isJunit(words)) expect(missing.stdout).toMatch(/<failure [^>]*>[\s\S]*CONFIG_KVM_INTEL=y/);
    }
  });
});
