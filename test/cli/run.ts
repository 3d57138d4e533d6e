import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/virt-advisor.cjs', import.meta.url));

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real binary as a process, with no terminal, and returns what it printed and its exit code. */
export function runCli(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Result {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 15_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
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
