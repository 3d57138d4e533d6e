import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, withoutColorVariables } from './run.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PTY_RUN = fileURLToPath(new URL('../fixtures/questionnaire/pty_run.py', import.meta.url));
const KVM_HOST = 'test/fixtures/roots/kvm-host-nested';
const ENTER = '\r';
const BACKSPACE = '\x7f';
const CTRL_C = '\x03';
/** Not typed: pty_run.py sends SIGTERM to the terminal's processes, or hangs the terminal up. */
const SIGTERM_BYTE = '\x1e';
const HANG_UP_BYTE = '\x1d';
/** However a run goes wrong, its terminal is closed after this long, so no test can hang. */
const KILL_AFTER_MS = 20_000;

/**
 * The real binary on a pseudo-terminal (through Python's pty module: the machine has no node-pty),
 * driven like a person: wait until the question is on screen, then type.
 */
class TerminalSession {
  private raw = '';
  private matchedUpTo = 0;
  private readonly child: ChildProcess;
  private readonly killer: NodeJS.Timeout;
  readonly exitCode: Promise<number | null>;

  constructor(args: string[], command: string[] = [process.execPath, BIN, ...args]) {
    this.child = spawn('python3', [PTY_RUN, '100', '40', ...command], {
      cwd: REPO,
      env: { ...withoutColorVariables(process.env), TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.raw += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.raw += chunk));
    this.killer = setTimeout(() => this.kill(), KILL_AFTER_MS);
    this.exitCode = new Promise((resolve) => {
      this.child.on('close', (code) => {
        clearTimeout(this.killer);
        resolve(code);
      });
    });
  }

  /**
   * What the terminal showed, without escape codes and with line breaks as spaces: prompts are
   * redrawn with cursor moves and wrap at the terminal's width, wherever a long path falls.
   */
  screen(): string {
    return stripVTControlCharacters(this.raw).replace(/\s+/g, ' ');
  }

  /** Everything the terminal received, escape codes included. */
  rawText(): string {
    return this.raw;
  }

  /** The lines as the terminal shows them once everything is drawn (redrawn ones repeat). */
  lines(): string[] {
    return stripVTControlCharacters(this.raw).split(/\r?\n/);
  }

  /** Waits until `text` is shown after what earlier waits matched; fails with the screen if it never is. */
  async waitFor(text: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.screen().indexOf(text, this.matchedUpTo);
      if (at !== -1) {
        this.matchedUpTo = at + text.length;
        return;
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`not shown: ${JSON.stringify(text)}\n--- screen ---\n${stripVTControlCharacters(this.raw)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** The terminal closes with it, and the binary gets the hang-up a closed terminal sends. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

const sessions: TerminalSession[] = [];
function open(args: string[], command?: string[]): TerminalSession {
  const session = new TerminalSession(args, command);
  sessions.push(session);
  return session;
}
afterEach(() => {
  for (const session of sessions.splice(0)) session.kill();
});

describe.skipIf(process.platform === 'win32')('virt-advisor recommend on a terminal', () => {
  it('asks whether the VMs run here, re-asks a bad kernel with the reason, then reports', { timeout: 30_000 }, async () => {
    const term = open(['recommend', '--root', KVM_HOST]);
    await term.waitFor('Will the virtual machines run on this machine (Intel(R) Core(TM) i5 CPU M 560 @ 2.67GHz, hardware virtualization: vmx found, x86_64, kernel 6.1.0-18-amd64)? (Y/n)');
    term.type(ENTER);
    await term.waitFor('Which systems will the guests run?');
    term.type(ENTER);
    await term.waitFor('What matters most?');
    term.type(ENTER);
    await term.waitFor('Can the kernel of this machine be changed');
    term.type(ENTER);
    await term.waitFor('(6.1.0-18-amd64)');
    term.type('abc' + ENTER);
    await term.waitFor('> not a kernel version: "abc" (expected numbers like 6.9, 2.6.23 or 5.15.0-91-generic)');
    term.type(BACKSPACE.repeat(3) + '6.1' + ENTER);
    await term.waitFor('Machine: arch x86_64');
    await term.waitFor('kernel 6.1 (answered)');
    await term.waitFor('Wanted: guests linux; goals none given; kernel can be changed');
    await term.waitFor('Recommended:');
    expect(await term.exitCode).toBe(0);
  });

  it('for another machine, asks its CPU in words and reports the answer as answered', { timeout: 30_000 }, async () => {
    const term = open(['recommend', '--root', KVM_HOST, '--guest', 'linux', '--goal', 'performance', '--kernel', '6.1']);
    await term.waitFor('Will the virtual machines run on this machine');
    term.type('n' + ENTER);
    await term.waitFor('Architecture of the machine the VMs will run on');
    term.type(ENTER);
    await term.waitFor('Who made its CPU?');
    term.type('\u001b[B' + ENTER);
    await term.waitFor('Does its CPU have hardware virtualization (Intel VT-x or AMD-V), turned on in the firmware?');
    term.type(ENTER);
    await term.waitFor('Can the kernel of that machine be changed');
    term.type(ENTER);
    await term.waitFor('Machine: arch x86_64 (answered)');
    await term.waitFor('CPU answered: AMD CPU, hardware virtualization yes; virtual machine: unknown');
    await term.waitFor('Recommended: KVM');
    await term.waitFor('CONFIG_KVM_AMD');
    expect(await term.exitCode).toBe(0);
  });

  it('ends on Ctrl-C with exit code 130 and one line, no stack trace (plain virt-advisor)', { timeout: 30_000 }, async () => {
    const term = open(['--root', KVM_HOST]);
    await term.waitFor('Will the virtual machines run on this machine');
    term.type(CTRL_C);
    expect(await term.exitCode).toBe(130);
    const lines = term.lines();
    expect(lines.filter((line) => line.includes('virt-advisor:'))).toEqual(['virt-advisor: cancelled']);
    expect(lines.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(term.screen()).not.toMatch(/ExitPromptError|Error:/);
  });

  it('on SIGTERM restores the terminal (cooked mode, cursor shown) and exits 143 without a trace', { timeout: 30_000 }, async () => {
    // The shell ignores SIGTERM, so it lives on to report the terminal's mode after the binary ends.
    const shell = `trap '' TERM; "${process.execPath}" "${BIN}" --root ${KVM_HOST}; echo "exit=$?"; stty -a`;
    const term = open([], ['sh', '-c', shell]);
    await term.waitFor('Will the virtual machines run on this machine');
    term.type(SIGTERM_BYTE);
    await term.waitFor('exit=143');
    await term.waitFor('speed');
    expect(await term.exitCode).toBe(0);
    const stty = term.screen().slice(term.screen().indexOf('exit=143'));
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(term.rawText()).toContain('\u001b[?25h');
    expect(term.screen()).not.toMatch(/\bat \S+ \(|Error:|virt-advisor: internal error/);
  });

  it('on a hang-up ends quietly with 129 instead of crashing', { timeout: 30_000 }, async () => {
    const term = open(['--root', KVM_HOST]);
    await term.waitFor('Will the virtual machines run on this machine');
    term.type(HANG_UP_BYTE);
    // 129: SIGHUP handled (128 + 1), not 134 (SIGABRT) or an uncaught error's 1 or 70.
    expect(await term.exitCode).toBe(129);
  });

  it('check --stdin at a terminal answers each typed line at once, and ends on Ctrl-D', { timeout: 30_000 }, async () => {
    const term = open(['check', '--stdin', '--arch', 'x86_64']);
    term.type('6.1' + ENTER);
    await term.waitFor('6.1 on x86_64 (mainline 6.1)');
    term.type('2.6.20' + ENTER);
    await term.waitFor('2.6.20 on x86_64 (mainline 2.6.20)');
    term.type('\x04');
    expect(await term.exitCode).toBe(0);
  });
});
