import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/spec.js';
import { BIN, runCli } from './run.js';

/**
 * The exit-code contract, command by command, through the real binary: 0 done, 1 a requirement
 * not met, 2 bad input (which wins over 1), 70 a bug, 130 interrupted (here without a terminal;
 * test/cli/pty.test.ts drives it on one). A bug is made by breaking a copy of the package: a
 * function of the built bundle throws, or the knowledge base holds a rule the code cannot handle.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64');
const GUEST_ONLY = join(REPO, 'test/fixtures/corpus/configs/config-firecracker-microvm-x86_64-4.14.174');
const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-exit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of the package with its bundle or knowledge base changed; returns its binary. */
function brokenCopy(change: { bundle?: [string, string]; knowledge?: (knowledge: any) => void }): string {
  const copy = join(scratch, `copy-${copies++}`);
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
  if (change.bundle) {
    const file = join(copy, 'dist/virt-advisor.cjs');
    const source = readFileSync(file, 'utf8');
    if (!source.includes(change.bundle[0])) throw new Error(`the bundle has no ${change.bundle[0]}`);
    writeFileSync(file, source.replace(change.bundle[0], change.bundle[1]));
  }
  if (change.knowledge) {
    const file = join(copy, 'dist/knowledge.json');
    const knowledge = JSON.parse(readFileSync(file, 'utf8'));
    change.knowledge(knowledge);
    writeFileSync(file, JSON.stringify(knowledge));
  }
  return join(copy, 'bin/virt-advisor.cjs');
}

const throwIn = (name: string) => brokenCopy({ bundle: [`function ${name}(`, `function ${name}(){throw new TypeError("injected fault in ${name}")}function ${name}_unused(`] });

type Row = [command: string, args: string[], code: number, options?: { input?: string; bin?: () => string }];
const NOTHING_ELIGIBLE = () =>
  brokenCopy({
    knowledge: (knowledge) => {
      for (const approach of knowledge.approaches) approach.guests = ['other'];
    },
  });

const table: Row[] = [
  ['check', ['6.1', '--arch', 'x86_64', '--require', 'kvm'], 0],
  ['check', ['2.6.19', '--arch', 'x86_64', '--require', 'kvm'], 1],
  ['check', ['banana', '--arch', 'x86_64'], 2],
  ['check', ['banana', '2.6.19', '--arch', 'x86_64', '--require', 'kvm'], 2],
  ['check', ['--stdin', '--arch', 'x86_64', '--require', 'kvm'], 2, { input: '2.6.19\nbanana\n' }],
  ['check', ['6.1', '--arch', 'x86_64'], 70, { bin: () => throwIn('compileChecker') }],
  ['config', [CONFIG, '--for', 'kvm-host'], 0],
  ['config', [GUEST_ONLY, '--for', 'kvm-host'], 1],
  ['config', [join(REPO, 'test/fixtures/configs/not-a-config.txt')], 2],
  ['config', [CONFIG], 70, { bin: () => throwIn('auditConfigBytes') }],
  ['recommend', ['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--json'], 0],
  ['recommend', ['--arch', 'x86_64', '--cpu-flags', 'vmx lm', '--guest', 'linux', '--json'], 1, { bin: NOTHING_ELIGIBLE }],
  ['recommend', ['--arch', 'vax'], 2],
  ['recommend', ['--arch', 'x86_64', '--json'], 70, { bin: () => throwIn('recommend') }],
  ['host', ['--json'], 0],
  ['host', ['--root', join(scratch, 'no-such-root')], 2],
  ['host', ['--json'], 70, { bin: () => throwIn('detectHost') }],
  ['list', ['--arch', 'arm64'], 0],
  ['list', ['--arch', 'vax'], 2],
  ['list', [], 70, { bin: () => throwIn('formatFeatureList') }],
  ['explain', ['kvm'], 0],
  ['explain', ['warp-drive'], 2],
  ['explain', ['kvm'], 70, { bin: () => throwIn('formatFeatureExplanation') }],
  ['completion', ['bash'], 0],
  ['completion', ['fish'], 2],
  ['completion', ['bash'], 70, { bin: () => throwIn('bashCompletion') }],
];

describe('exit codes', () => {
  it('the documented table is the one --help and the man page show', () => {
    expect(EXIT_CODES.map((exit) => exit.code)).toEqual([0, 1, 2, 70, 130]);
    const help = runCli(['--help']).stdout;
    for (const exit of EXIT_CODES) expect(help).toContain(`${String(exit.code).padEnd(4)}${exit.meaning}`);
  });

  it.each(table)('%s %j exits %i', (command, args, code, options) => {
    const result = runCli([command, ...args], { input: options?.input, ...(options?.bin ? { bin: options.bin() } : {}) });
    expect(result.status, result.stderr).toBe(code);
    if (code === 70) expect(result.stderr).toMatch(/^virt-advisor: internal error \(a bug in virt-advisor/);
    if (code === 2) expect(result.stderr).toMatch(/^virt-advisor: /);
  });

  it('every command has a row for 0, 2 and 70', () => {
    const commands = new Set(table.map(([command]) => command));
    for (const command of commands) {
      const codes = new Set(table.filter(([name]) => name === command).map(([, , code]) => code));
      for (const code of [0, 2, 70]) expect(codes.has(code), `${command} ${code}`).toBe(true);
    }
  });

  it('a reader that stops early (EPIPE) gets the code known by then: 1 after an unmet requirement', () => {
    const input = Array.from({ length: 20_000 }, () => '2.6.19').join('\n');
    const script = `"${process.execPath}" "${BIN}" check --stdin --json --arch x86_64 --require kvm 2>/dev/null | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], { input, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('1');
  });

  it('interrupted without a terminal (Ctrl-C in a script): ends by SIGINT, which a shell reports as 130, with the answers given so far intact', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [BIN, 'check', '--stdin', '--arch', 'x86_64', '--json'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const answered = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.endsWith('\n')) resolve();
      }),
    );
    child.stdin.write('6.1\n');
    await answered;
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
    child.kill('SIGINT');
    expect(await ended).toEqual([null, 'SIGINT']);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout).input).toBe('6.1');
    // As a shell with job control sees it.
    const script = `set -m; "${process.execPath}" "${BIN}" check --stdin --arch x86_64 < <(sleep 20) >/dev/null 2>&1 & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo "$?"`;
    expect(spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 15_000 }).stdout.trim()).toBe('130');
  });

  it('a reader that stops early after nothing was unmet gets 0', () => {
    const input = Array.from({ length: 20_000 }, () => '6.1').join('\n');
    const script = `"${process.execPath}" "${BIN}" check --stdin --json --arch x86_64 --require kvm | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    expect(spawnSync('bash', ['-c', script], { input, encoding: 'utf8' }).stdout.trim()).toBe('0');
  });
});
