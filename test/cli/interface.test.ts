import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/spec.js';
import { expectOneLineError, jsonLines, runCli, runInTerminal } from './run.js';

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64');
const ANSI = /\u001b\[[0-9;]*m/;

describe('options before positional arguments', () => {
  it('config --for TARGET FILE reads FILE as the config', () => {
    const result = runCli(['config', '--for', 'kvm-host', CONFIG, '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).targets.map((target: any) => target.id)).toEqual(['kvm-host']);
  });
  it('config --for a,b --for c FILE takes every target and the file', () => {
    const result = runCli(['config', '--for', 'kvm-host,kvm-guest', '--for', 'containers', CONFIG, '--json']);
    expect(JSON.parse(result.stdout).targets.map((target: any) => target.id)).toEqual(['kvm-host', 'kvm-guest', 'containers']);
  });
  it('check --require ID VERSION reads VERSION as a version', () => {
    const result = runCli(['check', '--require', 'kvm', '6.1', '--arch', 'x86_64', '--json']);
    expect(result.status).toBe(0);
    expect(jsonLines(result.stdout).map((line) => line.input)).toEqual(['6.1']);
  });
  it('check --require ID VERSION fails on a version without it', () => {
    const result = runCli(['check', '--require', 'xen-dom0', '2.6.37', '3.0', '--arch', 'x86_64', '--json']);
    expect(result.status).toBe(1);
    expect(jsonLines(result.stdout).map((line) => line.input)).toEqual(['2.6.37', '3.0']);
  });
  it('explain --json ID', () => {
    const result = runCli(['explain', '--json', 'kvm']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 2, feature: { id: 'kvm' } });
  });
  it('options before the command name', () => {
    const result = runCli(['--arch', 'i386', 'check', '2.6.23', '--json']);
    expect(jsonLines(result.stdout)[0].arch).toBe('i386');
  });
});

describe('help', () => {
  it.each(COMMANDS.map((command) => command.name))('%s -h and --help describe every option and give an example', (name) => {
    const short = runCli([name, '-h']);
    const long = runCli([name, '--help']);
    expect(short.status).toBe(0);
    expect(short.stdout).toBe(long.stdout);
    const command = COMMANDS.find((candidate) => candidate.name === name)!;
    for (const option of command.options) {
      const line = short.stdout.split('\n').find((text) => text.trimStart().startsWith(`--${option.name} `));
      expect(line, `--${option.name} in ${name} --help`).toBeDefined();
      expect(line!.replace(`--${option.name}`, '').trim().length).toBeGreaterThan(10);
    }
    expect(short.stdout).toMatch(/Examples:\n {2}[^\n]*virt-advisor /);
  });
  it('lists the choices of enumerated options', () => {
    const help = runCli(['config', '--help']).stdout;
    expect(help).toMatch(/--for .*\[one of: .*kvm-host.*xen-dom0/);
    expect(runCli(['check', '--help']).stdout).toMatch(/--require .*\[one of: acrn-guest, .*xen-pvhvm\]/);
    expect(runCli(['recommend', '--help']).stdout).toMatch(/--guest .*\[one of: linux, windows, bsd, other\]/);
  });
  it('plain -h lists the commands', () => {
    const result = runCli(['-h']);
    expect(result.status).toBe(0);
    for (const command of COMMANDS) expect(result.stdout).toContain(`virt-advisor ${command.name}`);
    expect(result.stdout).toMatch(/Exit codes:[\s\S]*70 /);
  });
});

describe('did you mean', () => {
  it.each([
    [['chek', '6.1'], /unknown command "chek" \(did you mean "check"\?\)/],
    [['recomend'], /unknown command "recomend" \(did you mean "recommend"\?\)/],
    [['confg', 'x'], /unknown command "confg" \(did you mean "config"\?\)/],
    [['check', '6.1', '--jsno'], /unknown option "--jsno" for check \(did you mean --json\?\)/],
    [['config', '--fro', 'kvm-host'], /unknown option "--fro" for config \(did you mean --for\?\)/],
    [['check', '6.1', '--require', 'kvmm'], /unknown feature id "kvmm" \(did you mean "kvm"\?\)/],
    [['config', CONFIG, '--for', 'kvm-hots'], /unknown target "kvm-hots" \(did you mean "kvm-host"\?\)/],
    [['check', '6.1', '--arch', 'x86-46'], /unknown architecture "x86-46" \(did you mean "x86_64"\?\)/],
    [['list', '--fragment'], /unknown option "--fragment" for list \(it belongs to: config\)/],
  ])('%j', (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });
  it('suggests nothing for a word that is nothing like a command', () => {
    expect(expectOneLineError(runCli(['frobnicate']).stderr)).not.toMatch(/did you mean/);
  });
});

describe('empty and missing values are usage errors', () => {
  it.each([
    [['check', '6.1', '--require', '']],
    [['check', '6.1', '--require=']],
    [['check', '6.1', '--require']],
    [['check', '6.1', '--require', ' ']],
    [['config', CONFIG, '--for', '']],
    [['recommend', '--guest', '', '--non-interactive']],
    [['host', '--root', '']],
    [['config', CONFIG, '--root', '']],
    [['check', '6.1', '--arch', '']],
  ])('%j exits 2', (args) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/--\w+ (needs a value|was given an empty value)/);
    expect(result.stdout).toBe('');
  });
  it('a flag given a value is refused', () => {
    const result = runCli(['check', '6.1', '--json=maybe']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/--json takes no value \(given "maybe"\)/);
    expect(runCli(['check', '6.1', '--stdin=foo']).status).toBe(2);
    expect(runCli(['check', '6.1', '--arch', 'x86_64', '--json=true']).status).toBe(0);
  });
  it('arguments a command does not take are refused', () => {
    expect(expectOneLineError(runCli(['list', 'extra']).stderr)).toMatch(/list takes no arguments; unexpected "extra"/);
    expect(expectOneLineError(runCli(['host', 'extra']).stderr)).toMatch(/host takes no arguments/);
    expect(expectOneLineError(runCli(['explain', 'kvm', 'vfio']).stderr)).toMatch(/explain takes <id>; unexpected "vfio"/);
  });
  it('arguments are strings: -- does not turn versions into numbers', () => {
    const [tenth, hundred] = jsonLines(runCli(['check', '--arch', 'x86_64', '--json', '--', '6.10', '6.1']).stdout);
    expect(tenth.kernel.release).toBe('6.10');
    expect(hundred.kernel.release).toBe('6.1');
    const result = runCli(['check', '--', '1e2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/"1e2"/);
  });
});

describe('an internal error (a bug) exits 70 with one line', () => {
  // A copy of the package whose knowledge base has the right format but a broken feature: the
  // code then fails as a bug would, not as bad input does.
  const copy = mkdtempSync(join(tmpdir(), 'virt-advisor-broken-'));
  cpSync(join(REPO, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(REPO, 'dist'), join(copy, 'dist'), { recursive: true });
  cpSync(join(REPO, 'package.json'), join(copy, 'package.json'));
  const knowledge = JSON.parse(readFileSync(join(copy, 'dist/knowledge.json'), 'utf8'));
  knowledge.features[0] = { id: knowledge.features[0].id };
  writeFileSync(join(copy, 'dist/knowledge.json'), JSON.stringify(knowledge));
  const broken = join(copy, 'bin/virt-advisor.cjs');
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('says it is a bug and where to report it, without a stack', () => {
    const result = runCli(['check', '6.1', '--arch', 'x86_64'], { bin: broken });
    expect(result.status).toBe(70);
    const line = expectOneLineError(result.stderr);
    expect(line).toMatch(/^virt-advisor: internal error \(a bug in virt-advisor \d+\.\d+\.\d+, not in your input\): TypeError: .*please report it .*https:\/\/\S+\/issues \(VIRT_ADVISOR_DEBUG=1 shows the stack\)$/);
    expect(result.stdout).toBe('');
  });
  it('prints the stack with VIRT_ADVISOR_DEBUG=1', () => {
    const result = runCli(['check', '6.1', '--arch', 'x86_64'], { bin: broken, env: { VIRT_ADVISOR_DEBUG: '1' } });
    expect(result.status).toBe(70);
    expect(result.stderr).toMatch(/^virt-advisor: internal error/m);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
  it('is not mistaken for an unmet requirement (exit 1) or bad input (exit 2)', () => {
    expect(runCli(['check', '6.1', '--arch', 'x86_64', '--require', 'kvm'], { bin: broken }).status).toBe(70);
  });
});

describe('colour', () => {
  it('FORCE_COLOR=1 colours output into a pipe; --no-color wins over it', () => {
    expect(runCli(['check', '6.1', '--arch', 'x86_64'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(runCli(['check', '6.1', '--arch', 'x86_64', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  });
  it('--color colours output into a pipe even with NO_COLOR', () => {
    expect(runCli(['check', '6.1', '--arch', 'x86_64', '--color'], { env: { NO_COLOR: '1' } }).stdout).toMatch(ANSI);
  });
  it('on a terminal: colour by default, none with FORCE_COLOR=0, NO_COLOR, TERM=dumb or --no-color', async () => {
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'])).output).toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'], { env: { FORCE_COLOR: '0' } })).output).not.toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'], { env: { NO_COLOR: '1' } })).output).not.toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'], { env: { TERM: 'dumb' } })).output).not.toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64', '--no-color'])).output).not.toMatch(ANSI);
  });
  it('on a terminal under CI: as Node judges it (a generic CI=true terminal has two colours, GitHub Actions more)', async () => {
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'], { env: { CI: 'true' } })).output).not.toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64'], { env: { CI: 'true', GITHUB_ACTIONS: 'true' } })).output).toMatch(ANSI);
    expect((await runInTerminal(['check', '6.1', '--arch', 'x86_64', '--color'], { env: { CI: 'true' } })).output).toMatch(ANSI);
  });
  it('JSON is never coloured', () => {
    expect(runCli(['check', '6.1', '--arch', 'x86_64', '--json', '--color']).stdout).not.toMatch(ANSI);
  });
});

describe('wrapping', () => {
  const words = (text: string) => text.replace(/\s+/g, ' ').trim();
  it('wraps to the terminal width at spaces, with hanging indents', async () => {
    const piped = runCli(['explain', 'kvm']).stdout;
    expect(Math.max(...piped.split('\n').map((line) => line.length))).toBeGreaterThan(1000);
    const { output, status } = await runInTerminal(['explain', 'kvm', '--no-color'], { columns: 120 });
    expect(status).toBe(0);
    const lines = output.replace(/\r/g, '').trimEnd().split('\n');
    // Only a single word longer than the terminal (a long URL) may exceed it.
    expect(lines.filter((line) => line.length > 120 && /\S\s+\S/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.length > 120).length).toBeLessThan(3);
    // Nothing lost and no word cut: the same words in the same order as the unwrapped text.
    expect(words(output)).toBe(words(piped));
    const note = lines.findIndex((line) => line.startsWith('    note: Merged in 2.6.20'));
    expect(lines[note + 1]).toMatch(/^ {10}\S/);
  });
  it('keeps lines whole into a pipe', () => {
    const rule = JSON.parse(readFileSync(join(REPO, 'rules/features/kvm.json'), 'utf8'));
    expect(runCli(['explain', 'kvm']).stdout.split('\n')).toContain(`    note: ${rule.support.x86_64.note}`);
  });
});

describe('start-up code cache', () => {
  const hasCompileCache = typeof (require('node:module') as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  const flags = { NODE_OPTIONS: '--max-old-space-size=4096' };

  it('with flags that the shipped cache does not fit, builds one in XDG_CACHE_HOME and uses it from the next run', () => {
    const home = mkdtempSync(join(tmpdir(), 'virt-advisor-cache-'));
    try {
      const env = { ...flags, XDG_CACHE_HOME: home, VIRT_ADVISOR_DEBUG: '1' };
      const first = runCli(['check', '6.1', '--arch', 'x86_64', '--json'], { env });
      const second = runCli(['check', '6.1', '--arch', 'x86_64', '--json'], { env });
      expect(first.status).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      if (hasCompileCache) {
        // Node 22.1+ keeps its own compile cache; nothing is written here.
        expect(readdirSync(home)).toEqual([]);
      } else {
        expect(first.stderr).toMatch(/code cache .*dist\/virt-advisor\.cjs\.cache: rejected/);
        expect(readdirSync(join(home, 'virt-advisor'))).toHaveLength(1);
        expect(second.stderr).toMatch(new RegExp(`code cache ${home}/virt-advisor/code-v[\\d.]+-[0-9a-f]{8}\\.cache: accepted`));
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('runs as usual, silently, when the cache directory cannot be written', () => {
    const result = runCli(['check', '6.1', '--arch', 'x86_64', '--json'], { env: { ...flags, XDG_CACHE_HOME: '/proc/version/not-a-dir' } });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('the shipped cache fits the Node that built it', () => {
    if (hasCompileCache) return expect(runCli(['check', '6.1', '--arch', 'x86_64']).status).toBe(0);
    expect(runCli(['check', '6.1', '--arch', 'x86_64'], { env: { VIRT_ADVISOR_DEBUG: '1' } }).stderr).toMatch(/dist\/virt-advisor\.cjs\.cache: accepted/);
  });
});
