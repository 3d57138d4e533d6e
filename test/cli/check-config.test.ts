import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, jsonLines, runCli, runUnprivileged, sharedTempDir } from './run.js';

/**
 * `check` with a kernel's own config: this machine's (no version; --root for a fixture tree) and
 * another kernel's (--config FILE). The expectations come from the fixture files themselves (the
 * config's lines, the /proc/modules listing), not from rules/.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const DEBIAN_ROOT = join(FIXTURES, 'roots/debian12-kvm-host');
const CONFIGS = join(FIXTURES, 'corpus/configs');
const DEBIAN_CONFIG = join(DEBIAN_ROOT, 'boot/config-6.1.0-40-amd64');
const RT_ARM64 = join(CONFIGS, 'config-debian-6.1.192-rt-arm64');

/** What the fixture config itself says of a symbol: its raw value, 'n' for "is not set", null when absent. */
function configLine(file: string, symbol: string): string | null {
  const text = readFileSync(file, 'utf8');
  const set = new RegExp(`^CONFIG_${symbol}=(.*)$`, 'm').exec(text);
  if (set) return set[1]!;
  return new RegExp(`^# CONFIG_${symbol} is not set$`, 'm').test(text) ? 'n' : null;
}

const loadedInFixture = (name: string) =>
  readFileSync(join(DEBIAN_ROOT, 'proc/modules'), 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[0] === name);

const feature = (record: any, id: string) => record.features.find((entry: any) => entry.id === id);

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('check with no version: this machine', () => {
  it("checks the running kernel's release, as the kernel tells it", () => {
    const run = runCli(['check', '--json']);
    expect(run.status).toBe(0);
    const [record] = jsonLines(run.stdout);
    expect(record.input).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    expect(record.input).toBe(release());
    // Found or not, the config is reported: never silently left out.
    expect(record.config).not.toBeNull();
  });
});

describe('check with no version: the kernel running at a root', () => {
  const result = runCli(['check', '--root', DEBIAN_ROOT, '--json']);
  const [record] = jsonLines(result.stdout);

  it('reads the release, the config and /proc/modules there', () => {
    expect(result.status).toBe(0);
    expect(record.input).toBe(readFileSync(join(DEBIAN_ROOT, 'proc/sys/kernel/osrelease'), 'utf8').trim());
    expect(record.kernel.distribution.release).toBe('12 (bookworm)');
    expect(record.config).toEqual({ known: true, source: DEBIAN_CONFIG, modules: { known: true, source: join(DEBIAN_ROOT, 'proc/modules') } });
  });

  it("gives each feature the config's state, with its modules loaded or not", () => {
    // The fixture config sets these as modules, and the fixture /proc/modules lists some of them.
    expect(configLine(DEBIAN_CONFIG, 'VHOST_NET')).toBe('m');
    expect(configLine(DEBIAN_CONFIG, 'KVM_AMD')).toBe('m');
    expect(loadedInFixture('vhost_net')).toBe(true);
    expect(loadedInFixture('kvm_amd')).toBe(false);
    expect(feature(record, 'vhost-net').config).toEqual({ state: 'module', symbols: [{ symbol: 'VHOST_NET', value: 'm' }], modules: [{ name: 'vhost_net', loaded: true }], available: true });
    expect(feature(record, 'kvm-amd').config.modules).toEqual([{ name: 'kvm_amd', loaded: false }]);
    // Not loaded is still there: a module can be loaded.
    expect(feature(record, 'kvm-amd').available).toBe(true);
    expect(configLine(DEBIAN_CONFIG, 'AMD_IOMMU')).toBe('y');
    expect(feature(record, 'amd-iommu').config.state).toBe('built-in');
  });

  it('reads no config for a feature the version rules out', () => {
    expect(feature(record, 'amd-sev-snp').status).toBe('not-yet');
    expect(feature(record, 'amd-sev-snp').config).toBeNull();
  });

  it('says it in text: the config read, and "this kernel: ..." per feature', () => {
    const text = runCli(['check', '--root', DEBIAN_ROOT]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`config: ${DEBIAN_CONFIG}; loaded modules from ${join(DEBIAN_ROOT, 'proc/modules')}`);
    expect(text.stdout).toMatch(/yes {2}vhost-net +vhost-net \(in-kernel virtio-net backend\) {2}since 2\.6\.34; this kernel: module \(vhost_net\), loaded\n/);
    expect(text.stdout).toMatch(/yes {2}kvm-amd .*this kernel: module \(kvm_amd\), not loaded\n/);
    // The note that points at the config is not given when the config has been read.
    expect(text.stdout).not.toContain('check --config');
  });

  it('--require passes for a module that is not loaded (loading it is the admin\'s step)', () => {
    expect(runCli(['check', '--root', DEBIAN_ROOT, '--require', 'kvm-amd,vhost-net']).status).toBe(0);
  });

  it('a root with no config answers from the version and says why, without failing', () => {
    const root = sharedTempDir('virt-advisor-noconfig-');
    temporary.push(root);
    mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
    writeFileSync(join(root, 'proc/sys/kernel/osrelease'), '6.1.0-40-arm64\n');
    const run = runCli(['check', '--root', root, '--json']);
    expect(run.status).toBe(0);
    const [only] = jsonLines(run.stdout);
    expect(only.arch).toBe('arm64');
    expect(only.config.known).toBe(false);
    expect(only.config.reason).toContain(`not found: ${join(root, 'proc/config.gz')}`);
    expect(only.config.reason).toContain(`not found: ${join(root, 'boot/config-6.1.0-40-arm64')}`);
    expect(feature(only, 'kvm')).not.toHaveProperty('config');
    expect(runCli(['check', '--root', root]).stdout).toContain('note: no config read, so the answers are the version\'s alone');
  });

  it('a root whose release cannot be read is an error (exit 2), not a guess', () => {
    const run = runCli(['check', '--root', join(FIXTURES, 'roots/nothing-readable')]);
    expect(run.status).toBe(2);
    expect(expectOneLineError(run.stderr)).toMatch(/cannot tell the running kernel's release \(not found: .*osrelease\); give a version/);
  });

  it('the architecture of a root comes from its config when the release names none', () => {
    const root = sharedTempDir('virt-advisor-arch-');
    temporary.push(root);
    mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
    mkdirSync(join(root, 'boot'));
    writeFileSync(join(root, 'proc/sys/kernel/osrelease'), '6.1.192\n');
    cpSync(RT_ARM64, join(root, 'boot/config-6.1.192'));
    const [only] = jsonLines(runCli(['check', '--root', root, '--json']).stdout);
    expect(only).toMatchObject({ arch: 'arm64', archFrom: 'config', archEvidence: 'the header (Linux/arm64)' });
  });

  it('reads /proc/config.gz first, as the kernel exposes it', () => {
    const root = sharedTempDir('virt-advisor-procgz-');
    temporary.push(root);
    mkdirSync(join(root, 'proc/sys/kernel'), { recursive: true });
    writeFileSync(join(root, 'proc/sys/kernel/osrelease'), '6.6.0\n');
    writeFileSync(join(root, 'proc/config.gz'), gzipSync('# Linux/x86 6.6.0 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=y\n# CONFIG_VHOST_NET is not set\n'));
    writeFileSync(join(root, 'proc/modules'), '');
    const run = runCli(['check', '--root', root, '--json', '--require', 'vhost-net']);
    expect(run.status).toBe(1);
    const [only] = jsonLines(run.stdout);
    expect(only.config.source).toBe(join(root, 'proc/config.gz'));
    expect(feature(only, 'vhost-net')).toMatchObject({ supported: true, available: false, config: { state: 'off', symbols: [{ symbol: 'VHOST_NET', value: 'n' }] } });
    expect(expectOneLineError(run.stderr)).toContain("lacks required: vhost-net; the version has them, but this kernel's config leaves out: vhost-net");
  });
});

describe('check VERSION --config FILE: another kernel with its config', () => {
  it('a feature the version has but the config leaves out is not available (exit 1)', () => {
    // Debian's PREEMPT_RT arm64 kernel is built without KVM: the file says so.
    expect(configLine(RT_ARM64, 'KVM')).toBe('n');
    const run = runCli(['check', '--config', RT_ARM64, '--require', 'kvm']);
    expect(run.status).toBe(1);
    expect(expectOneLineError(run.stderr)).toBe("virt-advisor: 6.1.192 (arm64) lacks required: kvm; the version has them, but this kernel's config leaves out: kvm");
    // kvm first among what the config leaves out (pkvm, which needs CONFIG_KVM too, with it).
    expect(run.stdout).toMatch(/Left out by this kernel's config \(\d+\)\n {3}no {2}kvm {2,}KVM \(Kernel-based Virtual Machine\) {2}since 3\.11; this kernel: not set \(CONFIG_KVM\)\n {3}no {2}pkvm /);
    expect(run.stdout).toMatch(/ no {2}kvm .*this kernel: not set \(CONFIG_KVM\)/);
  });

  it("the same version with Debian's generic arm64 config has it", () => {
    expect(configLine(join(CONFIGS, 'config-debian-6.1.192-arm64'), 'KVM')).toBe('y');
    const run = runCli(['check', '--config', join(CONFIGS, 'config-debian-6.1.192-arm64'), '--require', 'kvm', '--json']);
    expect(run.status).toBe(0);
    const [record] = jsonLines(run.stdout);
    expect(record).toMatchObject({ input: '6.1.192', arch: 'arm64', archFrom: 'config' });
    expect(feature(record, 'kvm')).toMatchObject({ available: true, config: { state: 'built-in' } });
    // Whether modules are loaded is known only for the running kernel.
    expect(record.config.modules).toEqual({ known: false, reason: "not the running kernel's config" });
    expect(feature(record, 'vhost-net').config.modules).toEqual([{ name: 'vhost_net', loaded: null }]);
  });

  it('the version given wins over the header, with a warning when their releases differ', () => {
    const run = runCli(['check', '6.6', '--config', RT_ARM64, '--json']);
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)[0].input).toBe('6.6');
    expect(expectOneLineError(run.stderr)).toBe(`virt-advisor: warning: ${RT_ARM64}: its header is for 6.1.192, not 6.6; its config states are read for 6.6 as given`);
    // A Debian release string and its config's header name the same release: no warning.
    expect(runCli(['check', '6.1.0-18-arm64', '--config', RT_ARM64]).stderr).toBe('');
  });

  it('settles what a vendor kernel\'s version cannot tell', () => {
    const dir = sharedTempDir('virt-advisor-vendor-');
    temporary.push(dir);
    const file = join(dir, 'config');
    // RHEL 8's version says nothing of AMD SEV-ES (mainline 5.11) without a record; the config does not prove it either, as
    // SEV-ES shares KVM_AMD_SEV with SEV: it stays unknown, but an unset symbol proves it absent.
    writeFileSync(file, '# Linux/x86 4.18.0-513.el8.x86_64 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=m\nCONFIG_KVM_AMD=m\nCONFIG_KVM_AMD_SEV=y\n');
    const [set] = jsonLines(runCli(['check', '--config', file, '--json']).stdout);
    expect(feature(set, 'amd-sev-es')).toMatchObject({ status: 'unknown', available: 'unknown', config: { state: 'built-in', available: null } });
    writeFileSync(file, '# Linux/x86 4.18.0-513.el8.x86_64 Kernel Configuration\nCONFIG_X86_64=y\nCONFIG_KVM=m\nCONFIG_KVM_AMD=m\n# CONFIG_KVM_AMD_SEV is not set\n');
    const run = runCli(['check', '--config', file, '--json', '--require', 'amd-sev-es']);
    const [unset] = jsonLines(run.stdout);
    expect(feature(unset, 'amd-sev-es')).toMatchObject({ status: 'unknown', available: false, config: { state: 'off' } });
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('unknown, counted as not met');
  });

  it('reads a config from standard input with --config -', () => {
    const run = runCli(['check', '--config', '-', '--json'], { input: readFileSync(RT_ARM64) });
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)[0].config.source).toBe('standard input');
  });

  it.each([
    ['a config with no version in its header and none given', ['check', '--config', 'NOHEADER'], /names no kernel version in its header; give the version: virt-advisor check VERSION --config FILE/],
    ['two versions with one config', ['check', '6.1', '6.2', '--config', RT_ARM64], /--config is one kernel's config: give at most one version with it/],
    ['--config with --stdin', ['check', '--stdin', '--config', RT_ARM64], /--config and --root check one kernel with its config; they do not go with --stdin/],
    ['--root with a version', ['check', '6.1', '--root', DEBIAN_ROOT], /--root checks the kernel running at that root, found there; give no version with it/],
    ['a missing config', ['check', '6.1', '--config', '/nonexistent/config'], /cannot read \/nonexistent\/config: no such file$/],
    ['a file that is not a config', ['check', '6.1', '--config', fileURLToPath(import.meta.url)], /is not a kernel config/],
  ])('refuses %s (exit 2, one line)', (_what, args, message) => {
    const dir = sharedTempDir('virt-advisor-noheader-');
    temporary.push(dir);
    writeFileSync(join(dir, 'config'), 'CONFIG_X86_64=y\nCONFIG_KVM=y\n');
    const run = runCli(args.map((arg) => (arg === 'NOHEADER' ? join(dir, 'config') : arg)));
    expect(run.status).toBe(2);
    expect(expectOneLineError(run.stderr)).toMatch(message);
    expect(run.stdout).toBe('');
  });
});

describe('check on a root it may not fully read (as an unprivileged user)', () => {
  it('an unreadable config and /proc/modules are said so; the version still answers', () => {
    const root = sharedTempDir('virt-advisor-denied-');
    temporary.push(root);
    cpSync(DEBIAN_ROOT, root, { recursive: true });
    for (const dir of ['', 'proc', 'proc/sys', 'proc/sys/kernel', 'boot']) chmodSync(join(root, dir), 0o755);
    chmodSync(join(root, 'proc/sys/kernel/osrelease'), 0o644);
    chmodSync(join(root, 'boot/config-6.1.0-40-amd64'), 0o600);
    chmodSync(join(root, 'proc/modules'), 0o600);
    const run = runUnprivileged(['check', '--root', root, '--json']);
    expect(run.status).toBe(0);
    const [record] = jsonLines(run.stdout);
    expect(record.config.known).toBe(false);
    expect(record.config.reason).toContain(`not readable (permission denied): ${join(root, 'boot/config-6.1.0-40-amd64')}`);

    // The config readable, the module list not.
    chmodSync(join(root, 'boot/config-6.1.0-40-amd64'), 0o644);
    const second = jsonLines(runUnprivileged(['check', '--root', root, '--json']).stdout)[0];
    expect(second.config.modules).toEqual({ known: false, reason: `not readable (permission denied): ${join(root, 'proc/modules')}` });
    expect(feature(second, 'vhost-net').config.modules).toEqual([{ name: 'vhost_net', loaded: null }]);
    const text = runUnprivileged(['check', '--root', root]).stdout;
    expect(text).toContain(`loaded modules not known: not readable (permission denied): ${join(root, 'proc/modules')}`);
    expect(text).toMatch(/vhost-net .*this kernel: module \(vhost_net\), loaded or not cannot be told/);
  });
});
