import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, expectOneLineError, jsonLines, runCli, runUnprivileged, sharedTempDir } from './run.js';

/** Regression tests through the real binary for each class of hostile input. */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const KVM_HOST = join(REPO, 'test/fixtures/roots/kvm-host-nested');
const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A machine root with the given files (text, or a symlink target after '->'). */
function makeRoot(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [inside, content] of Object.entries(files)) {
    const at = join(root, inside);
    mkdirSync(join(at, '..'), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), at);
    else writeFileSync(at, content);
  }
  return root;
}

const X86_CPUINFO = 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 142\nmodel name\t: Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz\nflags\t\t: fpu pae lm vmx\n';

function mkfifo(path: string): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
}

describe('keys that are Object.prototype members find nothing', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('--arch %s is an unknown architecture, not a function', (arch) => {
    const result = runCli(['check', '6.1', '--arch', arch, '--json']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(new RegExp(`unknown architecture "${arch}"`));
    expect(result.stdout).toBe('');
  });
  it('recommend and list --arch constructor', () => {
    expect(runCli(['recommend', '--arch', 'constructor', '--json']).status).toBe(2);
    expect(runCli(['list', '--arch', '__proto__']).status).toBe(2);
    expect(runCli(['recommend', '--arch', 'x86_64', '--goal', 'constructor', '--json']).status).toBe(2);
  });
  it('a root whose files say "constructor" is read as unknown, never as code', () => {
    const root = makeRoot('proto-keys', {
      'proc/sys/kernel/arch': 'constructor\n',
      'proc/sys/kernel/osrelease': '6.1.0\n',
      'proc/cpuinfo': 'processor\t: 0\nCPU implementer\t: constructor\nCPU architecture: 8\nFeatures\t: fp asimd\n',
      'sys/devices/system/clocksource/clocksource0/available_clocksource': 'constructor __proto__ toString\n',
      'sys/firmware/acpi/tables/DSDT': 'DSDT\0\0\0\0\0\0constr\0\0\0\0',
    });
    const host = runCli(['host', '--root', root, '--json']);
    expect(host.stderr).toBe('');
    expect(host.status).toBe(0);
    const json = JSON.parse(host.stdout);
    expect(json.cpu.value.vendor).toBeNull();
    expect(JSON.stringify(json)).not.toMatch(/native code|function/);
    expect(runCli(['host', '--root', root]).status).toBe(0);
    const recommend = runCli(['recommend', '--root', root, '--json']);
    expect(recommend.status).toBe(0);
    expect(recommend.stdout).not.toMatch(/native code/);
  });
});

describe('FIFOs, devices and huge files are never read', () => {
  const fifo = join(scratch, 'fifo');
  mkfifo(fifo);

  it.each([
    ['config FIFO', ['config', fifo], /cannot read .*fifo: is a FIFO \(named pipe\), not a kernel config$/],
    ['recommend --cpuinfo FIFO', ['recommend', '--cpuinfo', fifo, '--json'], /cannot read .*fifo: is a FIFO \(named pipe\), not a \/proc\/cpuinfo$/],
    ['config /dev/zero', ['config', '/dev/zero'], /cannot read \/dev\/zero: is a device, not a kernel config$/],
    ['recommend --cpuinfo /dev/zero', ['recommend', '--cpuinfo', '/dev/zero', '--json'], /is a device/],
  ])('%s: one line, exit 2, at once', (_name, args, message) => {
    const result = runCli(args, { timeout: 5_000 });
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });

  it('an oversized config is refused before it is read', () => {
    const huge = join(scratch, 'huge.config');
    writeFileSync(huge, '# Linux/x86 6.1.0 Kernel Configuration\n');
    truncateSync(huge, 3 * 1024 ** 3);
    const started = Date.now();
    const result = spawnSync('/usr/bin/env', ['time', '-f', '%M', process.execPath, BIN, 'config', huge], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/huge\.config: 3221225472 bytes is too large for a kernel config \(at most 67108864\)$/);
    // Maximum resident set size in KB: well under what reading 3 GB would take.
    expect(Number(result.stderr.trim().split('\n').pop())).toBeLessThan(200_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('under --root: FIFOs, devices, huge files and links out of the root become unknown facts', () => {
    const outside = join(scratch, 'secret-outside.txt');
    writeFileSync(outside, 'TOP-SECRET-FROM-OUTSIDE\n');
    const root = makeRoot('hostile-root', {
      'proc/cpuinfo': '->/dev/zero',
      'sys/class/dmi/id/product_name': `->../../../../../../../..${outside}`,
      'sys/class/dmi/id/sys_vendor': `->${outside}`,
      'proc/1/environ': `->/proc/self/environ`,
    });
    mkfifo(join(root, 'proc/sys-osrelease-fifo'));
    mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
    mkfifo(join(root, 'proc/sys/kernel/osrelease'));
    writeFileSync(join(root, 'proc/cmdline'), '');
    truncateSync(join(root, 'proc/cmdline'), 3 * 1024 ** 3);
    const started = Date.now();
    const host = runCli(['host', '--root', root, '--json'], { timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(host.status).toBe(0);
    const json = JSON.parse(host.stdout);
    expect(json.cpu).toEqual({ known: false, reason: expect.stringMatching(/^(not found|not a regular file \(a device\)): .*proc\/cpuinfo$/) });
    expect(json.kernelRelease).toEqual({ known: false, reason: `not a regular file (a FIFO (named pipe)): ${join(root, 'proc/sys/kernel/osrelease')}` });
    for (const args of [['host', '--root', root, '--json'], ['host', '--root', root], ['recommend', '--root', root, '--json']]) {
      const result = runCli(args, { timeout: 10_000 });
      expect(result.stdout + result.stderr).not.toContain('TOP-SECRET');
    }
  });

  it('a link to /etc/shadow under --root is read as the root\'s own /etc/shadow, as a chroot would', () => {
    const root = makeRoot('shadow-link', {
      'proc/sys/kernel/osrelease': '->/etc/shadow',
      'etc/shadow': '6.1.0-inside-the-root\n',
    });
    const json = JSON.parse(runCli(['host', '--root', root, '--json']).stdout);
    expect(json.kernelRelease).toEqual({ known: true, value: '6.1.0-inside-the-root', source: join(root, 'proc/sys/kernel/osrelease') });
    const relative = makeRoot('dotdot-link', { 'proc/sys/kernel/osrelease': '->../../../../../../../../../../etc/hostname' });
    expect(JSON.parse(runCli(['host', '--root', relative, '--json']).stdout).kernelRelease).toEqual({
      known: false,
      reason: `not found: ${join(relative, 'proc/sys/kernel/osrelease')}`,
    });
  });

  it('a FIFO as proc/cpuinfo under --root is a fact, not a hang', () => {
    const root = makeRoot('cpuinfo-fifo', { 'proc/sys/kernel/osrelease': '6.1.0\n' });
    mkfifo(join(root, 'proc/cpuinfo'));
    const result = runCli(['recommend', '--root', root, '--json'], { timeout: 5_000 });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).host.detected.cpu).toEqual({ known: false, reason: `not a regular file (a FIFO (named pipe)): ${join(root, 'proc/cpuinfo')}` });
  });

  it('--root without a value is a usage error, not the live system', () => {
    for (const command of ['recommend', 'host', 'config']) {
      const result = runCli([command, '--root']);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/--root needs a value \(DIR\)/);
    }
  });

  it('a loop of links is reported, not followed forever', () => {
    const root = makeRoot('link-loop', { 'proc/cpuinfo': '->/proc/loop-a', 'proc/loop-a': '->/proc/loop-b', 'proc/loop-b': '->/proc/loop-a' });
    const json = JSON.parse(runCli(['host', '--root', root, '--json']).stdout);
    expect(json.cpu).toEqual({ known: false, reason: `cannot read ${join(root, 'proc/cpuinfo')}: too many levels of symbolic links` });
  });

  it('config without FILE under --root finds the config only inside the root', () => {
    const outside = join(scratch, 'outside.config');
    writeFileSync(outside, '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=y\n');
    const root = makeRoot('config-link', { 'proc/sys/kernel/osrelease': '6.1.0\n', 'boot/config-6.1.0': `->${outside}` });
    const result = runCli(['config', '--root', root]);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/no kernel config found for the running kernel/);
  });
});

describe('config values are read as Kconfig reads them', () => {
  const header = '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_VIRTUALIZATION=y\n';
  it('CONFIG_KVM="y" is invalid (with its line), not built in', () => {
    const result = runCli(['config', '-', '--for', 'kvm-host', '--json'], { input: `${header}CONFIG_KVM="y"\nCONFIG_KVM_INTEL=y\n` });
    expect(result.status).toBe(1);
    const kvm = JSON.parse(result.stdout).targets[0].checks.find((check: any) => check.symbol === 'KVM');
    expect(kvm).toMatchObject({ status: 'invalid', actual: '"y"' });
    expect(kvm.note).toMatch(/CONFIG_KVM="y" \(line 4\) is not a value Kconfig accepts/);
    const text = runCli(['config', '-', '--for', 'kvm-host'], { input: `${header}CONFIG_KVM="y"\nCONFIG_KVM_INTEL=y\n` });
    expect(text.stdout).toMatch(/invalid\s+KVM\s+y\/m\s+"y"/);
  });
  it('CONFIG_KVM_INTEL=no is off, CONFIG_KVM=yes is on', () => {
    const result = runCli(['config', '-', '--for', 'kvm-host', '--json'], { input: `${header}CONFIG_KVM=yes\nCONFIG_KVM_INTEL=no\nCONFIG_KVM_AMD=no\n` });
    expect(result.status).toBe(1);
    const checks = JSON.parse(result.stdout).targets[0].checks;
    expect(checks.find((check: any) => check.symbol === 'KVM')).toMatchObject({ status: 'ok' });
    expect(checks.find((check: any) => check.symbol === 'KVM_INTEL|KVM_AMD')).toMatchObject({ status: 'off' });
  });
  it('a byte-order mark does not hide the first line', () => {
    const result = runCli(['config', '-', '--json', '--for', 'kvm-host'], { input: `\ufeff${header}CONFIG_KVM=y\nCONFIG_KVM_INTEL=y\n` });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).kernel).toMatchObject({ release: '6.1', from: 'header' });
  });
  it('a UTF-16 config says so', () => {
    const file = join(scratch, 'utf16.config');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}CONFIG_KVM=y\n`, 'utf16le')]));
    const result = runCli(['config', file]);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/is UTF-16 text, not the UTF-8 a kernel config is; convert it first \(iconv -f UTF-16 -t UTF-8 .*utf16\.config \| virt-advisor config -\)$/);
  });
});

describe('arguments are strings', () => {
  it('config -- FILE audits FILE', () => {
    const file = join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64');
    const result = runCli(['config', '--for', 'kvm-host', '--json', '--', file]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).file).toBe(file);
  });
  it.each(['6.01', '06.1', '6.1.01', '2.06.32'])('%s has a leading zero: not a kernel version', (version) => {
    const result = runCli(['check', version, '--arch', 'x86_64']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/has a leading zero/);
  });
});

describe('a failing stderr never stops stdout', () => {
  const input = ['6.1', 'garbage', '5.10', 'x y', '4.19'].join('\n');
  it.each([
    ['stderr on /dev/full', '2>/dev/full'],
    ['stderr closed', '2>&-'],
  ])('%s: every answer still comes, the exit code is as documented', (_name, redirect) => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check --stdin --json --arch x86_64 ${redirect}`], { input, encoding: 'utf8' });
    expect(jsonLines(result.stdout).filter((line) => line.error === undefined).map((line) => line.input)).toEqual(['6.1', '5.10', '4.19']);
    expect(result.status).toBe(2);
  });
});

describe('many errors among many answers', () => {
  it('stderr holds only our lines (no warning from listeners piling up on a full pipe)', () => {
    const lines = Array.from({ length: 3000 }, (_, index) => (index % 2 === 0 ? '6.1.0-18-amd64' : `bad version ${index}`));
    const result = runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: lines.join('\n') });
    expect(result.status).toBe(2);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(3000);
    expect(records.filter((record) => record.error !== undefined)).toHaveLength(1500);
    const errors = result.stderr.trimEnd().split('\n');
    expect(errors).toHaveLength(1500);
    expect(errors.filter((line) => !/^virt-advisor: line \d+: not a kernel version/.test(line))).toEqual([]);
  });
});

describe('answers are not held back', () => {
  it('each line from a slow producer is answered before the next arrives', async () => {
    const child = spawn(process.execPath, [BIN, 'check', '--stdin', '--json', '--arch', 'x86_64'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const waitForLines = async (count: number) => {
      const deadline = Date.now() + 5_000;
      while (output.split('\n').filter(Boolean).length < count) {
        if (Date.now() > deadline) throw new Error(`only ${output.split('\n').filter(Boolean).length} of ${count} answers after 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    try {
      child.stdin.write('6.1\n');
      await waitForLines(1);
      child.stdin.write('garbage\n5.10\n');
      await waitForLines(3);
      expect(jsonLines(output).map((line) => line.input)).toEqual(['6.1', 'garbage', '5.10']);
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.on('close', resolve));
    }
  });
  it('errors and answers keep the input order when both go to one stream', () => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check --stdin --json --arch x86_64 2>&1`], { input: '6.1\ngarbage\n5.10\n', encoding: 'utf8' });
    const lines = result.stdout.split('\n').filter(Boolean);
    // The message about a bad line, then its error record, both before the next answer.
    expect(lines.map((line) => (line.startsWith('{') ? JSON.parse(line).input : line.slice(0, 25)))).toEqual(['6.1', 'virt-advisor: line 2: not', 'garbage', '5.10']);
  });
});

describe('nothing from outside reaches the terminal raw', () => {
  const ESC = '\u001b';
  it('control sequences in config values are escaped in the text output', () => {
    const input = `# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=${ESC}[2J\u202e\nCONFIG_KVM_INTEL=y\n`;
    const result = runCli(['config', '-', '--for', 'kvm-host'], { input });
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).not.toContain('\u202e');
    expect(result.stdout).toContain('\\u001b[2J\\u202e');
  });
  it('files under --root are escaped in text output; JSON escapes U+2028', () => {
    const root = makeRoot('control-chars', {
      'proc/cpuinfo': X86_CPUINFO.replace('i7-8650U', `i7${ESC}]0;pwned\u0007\u200b`),
      'sys/class/dmi/id/product_name': `Evil\u2028Product${ESC}[31m\n`,
      'sys/class/dmi/id/sys_vendor': 'Vendor\u202eXYZ\n',
      'proc/sys/kernel/osrelease': '6.1.0\n',
    });
    for (const command of ['host', 'recommend']) {
      const text = runCli([command, '--root', root, '--non-interactive'].filter((arg) => command === 'recommend' || arg !== '--non-interactive'));
      expect(text.stdout, command).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u2028\u202e]/);
      const json = runCli([command, '--root', root, '--json']);
      expect(json.stdout).not.toMatch(/[\u2028\u2029]/);
      expect(JSON.stringify(JSON.parse(json.stdout))).toContain('Evil\u2028Product');
    }
  });
  it('version strings with invisible or bidi characters are refused', () => {
    for (const bad of ['6.1-\u202egeneric', '6.1\u200b', '6.1-\u2028x', `6.1-${ESC}[31m`]) {
      const result = runCli(['check', bad, '--arch', 'x86_64']);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).not.toMatch(/[\u200b\u2028\u202e\u001b]/);
    }
  });
});

describe('errors stay one line whatever they echo', () => {
  it.each([
    [['check', '6.1', '--arch', 'x86\nvirt-advisor: all good']],
    [['config', 'a\nfile.config']],
    [['config', join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64'), '--for', 'kvm-host\nfake']],
    [['check', '6.1', '--require', 'kvm\nfake']],
    [['recommend', '--guest', 'linux\nfake', '--json']],
    [['recommend', '--goal', 'speed\nfake', '--json']],
    [['explain', 'kvm\nfake']],
    [['check', '6.1\nfake']],
    [['frobnicate\nfake']],
    [['check', '6.1', '--jsn\nfake']],
  ])('%j', (args) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toContain('\\n');
  });
});

describe('permission denied is reported as such, not as absence (run unprivileged)', () => {
  it('an unreadable /sys/module is not "module not loaded"', () => {
    const root = sharedTempDir('virt-advisor-sysmodule-');
    try {
      mkdirSync(join(root, 'sys/module/kvm_intel/parameters'), { recursive: true });
      writeFileSync(join(root, 'sys/module/kvm_intel/parameters/nested'), 'Y\n');
      mkdirSync(join(root, 'proc'), { recursive: true });
      chmodSync(join(root, 'sys'), 0o755);
      chmodSync(join(root, 'sys/module'), 0o000);
      const result = runUnprivileged(['host', '--root', root, '--json']);
      expect(result.status).toBe(0);
      const nested = JSON.parse(result.stdout).nested;
      expect(nested.kvmIntel).toEqual({ known: false, reason: `not readable (permission denied): ${join(root, 'sys/module/kvm_intel/parameters/nested')}` });
      expect(nested.kvmAmd.reason).not.toMatch(/module not loaded/);
      chmodSync(join(root, 'sys/module'), 0o755);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
  it('a fixture root where everything is readable gives the values (the contrast)', () => {
    // A copy in a world-readable place: the clone itself may sit in a directory only its owner enters.
    const root = sharedTempDir('virt-advisor-readable-');
    try {
      cpSync(KVM_HOST, root, { recursive: true });
      spawnSync('chmod', ['-R', 'a+rX', root]);
      const result = runUnprivileged(['host', '--root', root, '--json']);
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout).nested.kvmIntel).toMatchObject({ known: true, value: true });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
