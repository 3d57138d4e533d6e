import { spawn, spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/virt-advisor.cjs', import.meta.url));

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
      env: { ...withoutColorVariables(process.env, options.env), TERM: 'xterm-256color', ...options.env },
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
