import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/virt-advisor.cjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real binary as a process, with no terminal, and returns what it printed and its exit code. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeout?: number; bin?: string; cwd?: string } = {}): Result {
  const result = spawnSync(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    env: withoutColorVariables({ ...process.env, ...options.env }, options.env),
    encoding: 'utf8',
    timeout: options.timeout ?? 15_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The test's own colour settings only: none inherited from the shell that runs the tests. */
export function withoutColorVariables(env: NodeJS.ProcessEnv, given?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS']) if (!given || !(name in given)) delete copy[name];
  return copy;
}

/**
 * Without the variables Node reads to judge a terminal's colours (a CI run sets CI, which Node
 * takes as a two-colour terminal), unless the test sets them itself.
 */
function withoutTerminalVariables(env: NodeJS.ProcessEnv, given?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of ['CI', 'TMUX', 'TEAMCITY_VERSION', 'COLORTERM', 'TERM_PROGRAM']) if (!given || !(name in given)) delete copy[name];
  return copy;
}

/** The JSON Lines of a run, parsed. */
export function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A user error is one line, prefixed, with no stack trace. */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('virt-advisor: ') || /\n\s+at /.test(stderr)) {
    throw new Error(`expected one error line, got:\n${stderr}`);
  }
  return lines[0]!;
}

const PTY_RUN = fileURLToPath(new URL('../fixtures/questionnaire/pty_run.py', import.meta.url));

/**
 * Runs the real binary on a pseudo-terminal of the given size (through Python's pty module; the
 * tests need python3 and fail, not skip, without it). Returns what the terminal showed.
 */
export function runInTerminal(args: string[], options: { columns?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ output: string; plain: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [PTY_RUN, String(options.columns ?? 100), '40', process.execPath, BIN, ...args], {
      env: { ...withoutTerminalVariables(withoutColorVariables(process.env, options.env), options.env), TERM: 'xterm-256color', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (error) => reject(new Error(`cannot run python3 for the terminal tests: ${error.message}`)));
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ output, plain: stripVTControlCharacters(output), status });
    });
    child.stdin.end(options.input ?? '');
  });
}

let unprivilegedCopy: string | undefined;

/**
 * Runs the real binary as an unprivileged user, so that "permission denied" is really met: as
 * root (CI), through setpriv as nobody (65534), from a world-readable copy of the package; as
 * another user, directly. Fails, never skips, when it cannot drop privileges.
 */
export function runUnprivileged(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Result & { uid: number } {
  const env = withoutColorVariables({ ...process.env, ...options.env }, options.env);
  if (process.getuid?.() !== 0) {
    const result = spawnSync(process.execPath, [BIN, ...args], { input: options.input ?? '', env, encoding: 'utf8', timeout: 15_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, uid: process.getuid!() };
  }
  if (unprivilegedCopy === undefined) {
    const copy = mkdtempSync(join(tmpdir(), 'virt-advisor-unprivileged-'));
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO_ROOT, part), join(copy, part), { recursive: true });
    chmodSync(copy, 0o755);
    unprivilegedCopy = copy;
  }
  const setpriv = spawnSync('sh', ['-c', 'command -v setpriv']);
  if (setpriv.status !== 0) throw new Error('setpriv (util-linux) is needed to run a test as an unprivileged user');
  const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, join(unprivilegedCopy, 'bin', 'virt-advisor.cjs'), ...args], {
    input: options.input ?? '',
    env: { ...env, HOME: '/nonexistent' },
    encoding: 'utf8',
    timeout: 15_000,
    cwd: tmpdir(),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, uid: 65534 };
}

/** A directory the unprivileged user can enter and read (temporary directories are 0700 by default). */
export function sharedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
