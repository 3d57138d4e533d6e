import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/spec.js';
import { BIN, expectOneLineError, runCli } from './run.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const bashScript = runCli(['completion', 'bash']).stdout;
const zshScript = runCli(['completion', 'zsh']).stdout;

function requireTool(tool: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  // .ci/run installs it; a machine without it must fail here, not pass by skipping.
  if (!found) throw new Error(`${tool} is needed for this test and is not installed (apt-get install ${tool})`);
}

/** What the completion offers for a command line whose last word is being typed. */
function complete(shell: 'bash' | 'zsh', words: string[]): string[] {
  requireTool(shell);
  const script = shell === 'bash' ? bashScript : zshScript;
  const array = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  // zsh runs the function through its bash emulation, where arrays count from 0 as in bash.
  const call = `${script}\nCOMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; ${shell === 'zsh' ? 'setopt ksharrays; ' : ''}_virt_advisor; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync(shell, shell === 'bash' ? ['--norc', '-c', call] : ['-f', '-c', call], { encoding: 'utf8', cwd: REPO, env: { ...process.env, HOME: '/nonexistent' } });
  if (result.status !== 0) throw new Error(`${shell} failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

describe.each(['bash', 'zsh'] as const)('%s completion', (shell) => {
  it('completes commands', () => {
    expect(complete(shell, ['virt-advisor', ''])).toEqual(COMMANDS.map((command) => command.name));
    expect(complete(shell, ['virt-advisor', 'co'])).toEqual(['config', 'completion']);
  });
  it("completes a command's options, and only its own", () => {
    const options = complete(shell, ['virt-advisor', 'config', '--']);
    expect(options).toEqual(expect.arrayContaining(['--for', '--kernel', '--arch', '--json', '--fragment', '--root', '--help', '--color', '--no-color']));
    expect(options).not.toContain('--require');
    expect(complete(shell, ['virt-advisor', 'check', '--re'])).toEqual(['--require']);
  });
  it('completes the values of enumerated options', () => {
    expect(complete(shell, ['virt-advisor', 'check', '6.1', '--arch', 'ar'])).toEqual(['arm64', 'arm']);
    expect(complete(shell, ['virt-advisor', 'config', '--for', 'kvm-'])).toEqual(['kvm-guest', 'kvm-host']);
    expect(complete(shell, ['virt-advisor', 'check', '--require', 'amd-sev-'])).toEqual(['amd-sev-es', 'amd-sev-es-guest', 'amd-sev-guest', 'amd-sev-snp', 'amd-sev-snp-guest']);
    expect(complete(shell, ['virt-advisor', 'recommend', '--guest', 'w'])).toEqual(['windows']);
    expect(complete(shell, ['virt-advisor', 'recommend', '--goal', 'p'])).toEqual(['performance', 'passthrough']);
    expect(complete(shell, ['virt-advisor', 'explain', 'xen-p'])).toEqual(['xen-pvh', 'xen-pvh-dom0', 'xen-pvhvm']);
  });
  it("completes an option's values as the command in use takes them", () => {
    expect(complete(shell, ['virt-advisor', 'config', 'x.config', '--format', ''])).toEqual(['text', 'json', 'prometheus', 'junit']);
    expect(complete(shell, ['virt-advisor', 'report', '--format', ''])).toEqual(['text', 'json', 'csv']);
    expect(complete(shell, ['virt-advisor', 'host', '--format', ''])).toEqual(['text', 'json', 'prometheus']);
  });
  it('completes the last item of a comma-separated list', () => {
    expect(complete(shell, ['virt-advisor', 'config', '--for', 'kvm-host,cont'])).toEqual(['kvm-host,containers']);
  });
  it('offers nothing for a free-form value', () => {
    expect(complete(shell, ['virt-advisor', 'check', '--arch', 'x86_64', '--require', 'kvm', '6.'])).toEqual([]);
  });
});

describe('completion command', () => {
  it('takes the shell from $SHELL when none is given', () => {
    expect(runCli(['completion'], { env: { SHELL: '/usr/bin/zsh' } }).stdout).toBe(zshScript);
    expect(runCli(['completion'], { env: { SHELL: '/bin/bash' } }).stdout).toBe(bashScript);
  });
  it('refuses a shell it has no script for', () => {
    const result = runCli(['completion', 'fish']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/no completion for "fish": give bash or zsh/);
    expect(runCli(['completion'], { env: { SHELL: '/usr/bin/fish' } }).status).toBe(2);
  });
  it('bash reads the script without errors', () => {
    requireTool('bash');
    const result = spawnSync('bash', ['--norc', '-n'], { input: bashScript, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('man page', () => {
  const page = readFileSync(`${REPO}/dist/man/virt-advisor.1`, 'utf8');
  it('has every command and option that --help has, from the same spec', () => {
    for (const command of COMMANDS) {
      const help = runCli([command.name, '--help']).stdout;
      expect(page, command.name).toContain(`.SS "${command.name}`);
      for (const option of command.options) {
        expect(help).toMatch(new RegExp(`--${option.name}\\b`));
        expect(page).toContain(`\\fB\\-\\-${option.name.replace(/-/g, '\\-')}\\fR`);
      }
      for (const example of command.examples) expect(page).toContain(example.command.replace(/\\/g, '\\e').replace(/-/g, '\\-'));
    }
    expect(page).toMatch(/\.SH EXIT STATUS\n\.TP\n\.B 0\n[\s\S]*\.B 70\n/);
  });
  it('renders without warnings', () => {
    requireTool('groff');
    const result = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', `${REPO}/dist/man/virt-advisor.1`], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('zsh completion in a real interactive shell', () => {
  it('completes a target on TAB through the completion system', () => {
    requireTool('zsh');
    const home = mkdtempSync(join(tmpdir(), 'virt-advisor-zsh-'));
    // zsh's own pseudo-terminal module types the line and a TAB into an interactive shell.
    const script = `zmodload zsh/zpty
zpty z 'HOME=${home} PS1="> " zsh -f -i'
zpty -w z 'autoload -Uz compinit && compinit -D -u'
zpty -w z 'virt-advisor() { :; }'
zpty -w z 'eval "$(${process.execPath} ${BIN} completion zsh)"'
sleep 2
zpty -w -n z $'virt-advisor config --for kvm-h\\t'
sleep 2
zpty -w -n z $'\\n'
zpty -w z 'print -r -- "DONE: $(fc -ln -1)"'
sleep 1
all=""
while zpty -r -t z chunk; do all+=$chunk; done
print -r -- "$all"
zpty -d z`;
    try {
      const result = spawnSync('zsh', ['-f', '-c', script], { encoding: 'utf8', timeout: 30_000 });
      const screen = result.stdout.replace(/\u001b\[[0-9;?]*[a-zA-Z]/g, '');
      expect(screen).toMatch(/DONE: virt-advisor config --for kvm-host/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 40_000);
});
