import { describe, expect, it } from 'vitest';
import { expectOneLineError, jsonLines, runCli } from './run.js';

/**
 * The kernels people run, through the real binary: the examples that opened the vendor-kernel work,
 * each with the answer a user of that kernel needs.
 */
function check(args: string[]) {
  const result = runCli(['check', '--json', ...args]);
  const [record] = jsonLines(result.stdout);
  const feature = (id: string) => record.features.find((entry: any) => entry.id === id);
  return { result, record, feature };
}

describe('vendor kernels through the binary', () => {
  it('RHEL 8.9 (4.18.0-513.el8): virtio-fs is there, backported by Red Hat, not "no" as mainline 4.18 would say', () => {
    const { result, record, feature } = check(['4.18.0-513.el8.x86_64']);
    expect(result.status).toBe(0);
    expect(record.kernel.distribution).toMatchObject({ id: 'rhel', release: '8.9', exact: true });
    expect(feature('virtiofs')).toMatchObject({ supported: true, status: 'backported', since: '5.4', vendor: { since: '8.2', status: 'backported' } });
    const text = runCli(['check', '4.18.0-513.el8.x86_64']).stdout;
    expect(text).toContain('(mainline 4.18, Red Hat Enterprise Linux 8.9)');
    expect(text).toMatch(/Backported by Red Hat Enterprise Linux 8\.9 \(1\)\n {2}yes {2}virtiofs .*mainline 5\.4 \(vendor: since 8\.2\)/);
  });

  it('RHEL 5.4 (2.6.18-164.el5), which added KVM: KVM is there', () => {
    const { result, record, feature } = check(['2.6.18-164.el5', '--arch', 'x86_64', '--require', 'kvm']);
    expect(result.status).toBe(0);
    expect(record.kernel.distribution.release).toBe('5.4');
    expect(feature('kvm')).toMatchObject({ supported: true, status: 'backported', vendor: { since: '5.4' } });
    // One release earlier it is not.
    expect(check(['2.6.18-128.el5', '--arch', 'x86_64', '--require', 'kvm']).result.status).toBe(1);
  });

  it('a feature newer than the base release with no record is unknown, never a silent "no"; --allow-unknown counts it', () => {
    const { result, feature } = check(['4.18.0-513.el8.x86_64', '--require', 'amd-sev-snp']);
    expect(feature('amd-sev-snp')).toMatchObject({ supported: false, status: 'unknown' });
    expect(feature('amd-sev-snp').note).toMatch(/no record here says whether 8\.9 has it/);
    expect(result.status).toBe(1);
    expect(expectOneLineError(result.stderr)).toContain('unknown, counted as not met (--allow-unknown counts them as met): amd-sev-snp');
    expect(check(['4.18.0-513.el8.x86_64', '--require', 'amd-sev-snp', '--allow-unknown']).result.status).toBe(0);
  });
});

describe('the architecture in the version string', () => {
  it.each([
    ['6.1.0-18-armmp', 'arm', 'Debian flavour armmp', 1],
    ['4.18.0-513.24.1.el8_9.aarch64', 'arm64', '.aarch64', 0],
    ['5.14.0-362.8.1.el9_3.s390x', 's390x', '.s390x', 0],
    ['6.1.0-18-arm64', 'arm64', 'Debian flavour arm64', 0],
    ['6.6.31+rpt-rpi-v8', 'arm64', 'Raspberry Pi v8', 0],
  ])('%s --require kvm is answered for %s', (version, arch, evidence, status) => {
    const { result, record, feature } = check([version, '--require', 'kvm']);
    expect(record).toMatchObject({ arch, archFrom: 'version', archEvidence: evidence });
    expect(result.status).toBe(status);
    // 32-bit Arm KVM hosts were removed in 5.7: a 6.1 armmp kernel has none.
    if (arch === 'arm') expect(feature('kvm')).toMatchObject({ supported: false, status: 'removed', removedIn: '5.7' });
    // No Arm, s390 or Raspberry Pi kernel "has" AMD SEV.
    expect(feature('amd-sev')).toMatchObject({ supported: false, status: 'never' });
  });

  it('--arch wins, with a warning when it contradicts the string', () => {
    const run = runCli(['check', '6.1.0-18-arm64', '--arch', 'x86_64', '--json']);
    expect(run.status).toBe(0);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ arch: 'x86_64', archFrom: '--arch' });
    expect(expectOneLineError(run.stderr)).toBe('virt-advisor: warning: 6.1.0-18-arm64: the version string names arm64 (Debian flavour arm64), but --arch says x86_64');
  });

  it('a string that names none is answered for this machine, and says so', () => {
    const { record } = check(['6.1']);
    expect(record.archFrom).toBe('machine');
    expect(record.notes[0]).toMatch(/^the version string names no architecture: answered for this machine's/);
  });
});

describe('WSL', () => {
  it('WSL1 has no Linux kernel: every feature unsupported, --require fails', () => {
    const { result, record } = check(['4.4.0-19041-Microsoft', '--require', 'kvm']);
    expect(result.status).toBe(1);
    expect(record.features.every((feature: any) => feature.supported === false && feature.status === 'not-linux')).toBe(true);
    expect(expectOneLineError(result.stderr)).toMatch(/lacks required: kvm$/);
    expect(runCli(['check', '4.4.0-19041-Microsoft']).stdout).toMatch(/Not a Linux kernel \(\d+\)/);
  });

  it('WSL2 is a real kernel: answered for its release, with a note', () => {
    const { result, record, feature } = check(['5.15.153.1-microsoft-standard-WSL2', '--require', 'kvm']);
    expect(result.status).toBe(0);
    expect(record.kernel.release).toBe('5.15');
    expect(feature('kvm').status).toBe('supported');
    expect(record.notes.join(' ')).toContain('WSL2 runs a real Linux kernel built by Microsoft');
  });
});
