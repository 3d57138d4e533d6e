import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createKernelChecker } from '../../src/app/check.js';
import { archOfSuffix } from '../../src/version/arch-hint.js';
import { knowledgeBaseOf } from '../../src/rules/knowledge.js';
import { loadRulesDirectory } from '../../src/rules/load.js';
import { parseKernelVersion } from '../../src/version/parse.js';

/**
 * Vendor kernel strings as people have them: the vendor release each names (from the vendors' own
 * tables: Red Hat's kernel table, SUSE's, Canonical's, Debian's, AWS's, Oracle's), and a feature
 * each answers from the vendor's record rather than mainline's.
 */
const { rules } = loadRulesDirectory(fileURLToPath(new URL('../../rules', import.meta.url)));
const knowledge = knowledgeBaseOf(rules.features, rules.releases.releases.map((release) => release.name), rules.approaches, rules.distributions);
const check = createKernelChecker(knowledge, { arch: null, fallback: 'x86_64' });

function checked(text: string) {
  const result = check(parseKernelVersion(text));
  if ('error' in result) throw new Error(result.error);
  return result;
}
const verdict = (text: string, id: string) => checked(text).verdicts.find((entry) => entry.id === id)!;

type Row = [text: string, release: string, exact: boolean, feature: string | null, status: string | null];
const rows: Row[] = [
  // RHEL: the minor from the build number; z-streams and EUS keep it.
  ['2.6.18-164.el5', '5.4', true, 'kvm', 'backported'],
  ['2.6.18-128.el5', '5.3', true, 'virtio', 'backported'],
  ['2.6.18-398.el5xen', '5.11', true, 'xen-dom0', 'backported'],
  ['2.6.18-194.32.1.el5', '5.5', true, 'kvm-guest', 'backported'],
  ['2.6.32-71.el6.x86_64', '6.0', true, 'vhost-net', 'backported'],
  ['2.6.32-279.11.1.el6.x86_64', '6.3', true, 'hyperv-guest', 'vendor-absent'],
  ['2.6.32-358.el6.x86_64', '6.4', true, 'hyperv-guest', 'supported'],
  ['2.6.32-754.27.1.el6.i686', '6.10', true, 'kvm', 'vendor-absent'],
  ['3.10.0-693.11.6.el7.x86_64', '7.4', true, 'vsock', 'backported'],
  ['3.10.0-1160.71.1.el7.x86_64', '7.9', true, 'xen-dom0', 'vendor-absent'],
  ['3.10.0-1160.el7.s390x', '7.9', true, 'kvm', 'vendor-absent'],
  ['4.18.0-80.1.2.el8_0.x86_64', '8.0', true, 'xen-domu', 'vendor-absent'],
  ['4.18.0-193.el8.x86_64', '8.2', true, 'virtiofs', 'backported'],
  ['4.18.0-305.10.2.el8_4.aarch64', '8.4', true, 'virtiofs', 'backported'],
  ['4.18.0-513.24.1.el8_9.x86_64', '8.9', true, 'virtiofs', 'backported'],
  ['4.18.0-553.el8_10.x86_64', '8.10', true, 'kvm-nested-vmx', 'supported'],
  ['5.14.0-70.30.1.el9_0.x86_64', '9.0', true, 'amd-sev-es', 'supported'],
  ['5.14.0-427.13.1.el9_4.x86_64', '9.4', true, 'amd-sev-snp', 'unknown'],
  ['5.14.0-503.11.1.el9_5.x86_64', '9.5', true, 'amd-sev-snp', 'backported'],
  ['5.14.0-427.13.1.el9_4.ppc64le', '9.4', true, 'kvm', 'vendor-absent'],
  ['6.12.0-55.el10.x86_64', '10.0', true, 'xen-domu', 'vendor-absent'],
  // CentOS Stream builds lie between two GA builds.
  ['5.14.0-522.el9.x86_64', 'between 9.5 and 9.6', false, 'amd-sev-snp', 'backported'],
  // SUSE: the service pack from the release family.
  ['4.12.14-95.3-default', '12 SP4', true, 'amd-sev', 'backported'],
  ['4.12.14-122.37-default', '12 SP5', true, 'amd-sev', 'backported'],
  ['4.12.14-197.37-default', '15 SP1', true, 'amd-sev', 'backported'],
  // SUSE states virtio-fs on 15 SP3 for IBM Z only: elsewhere it cannot be told.
  ['5.3.18-59.37-default', '15 SP3', true, 'virtiofs', 'unknown'],
  ['5.14.21-150400.24.18-default', '15 SP4', true, 'amd-sev-es', 'supported'],
  ['5.14.21-150500.55.39-default', '15 SP5', true, 'amd-sev-snp', 'unknown'],
  ['6.4.0-150600.23.25-default', '15 SP6', true, 'kvm', 'supported'],
  // Ubuntu: an HWE kernel and the next LTS's GA kernel share their strings.
  ['5.15.0-91-generic', '20.04 HWE 5.15 or 22.04 GA 5.15', false, null, null],
  ['5.4.0-26-generic', '18.04 HWE 5.4 or 20.04 GA 5.4', false, null, null],
  // Canonical's TDX preview kernel was for 24.04; the same string on 22.04 (HWE) had none: cannot tell.
  ['6.8.0-1008-intel', '22.04 HWE 6.8 or 24.04 GA 6.8', false, 'intel-tdx', 'unknown'],
  ['6.8.0-31-generic', '22.04 HWE 6.8 or 24.04 GA 6.8', false, 'intel-tdx', 'not-yet'],
  // Debian.
  ['6.1.0-18-amd64', '12 (bookworm)', true, 'kvm', 'supported'],
  ['4.19.0-6-amd64', '10 (buster)', true, 'virtiofs', 'not-yet'],
  ['6.12.38+deb13-amd64', '13 (trixie)', true, 'amd-sev-snp', 'supported'],
  // Amazon Linux: the amzn tag.
  ['4.14.186-146.268.amzn2.x86_64', 'Amazon Linux 2', true, 'virtiofs', 'not-yet'],
  ['6.1.167-27.319.amzn2023.x86_64', 'Amazon Linux 2023', true, 'virtiofs', 'supported'],
  // Oracle UEK.
  ['4.14.35-2047.510.5.2.el7uek.x86_64', 'UEK R5', true, 'amd-sev', 'backported'],
  ['5.4.17-2136.310.7.el8uek.x86_64', 'UEK R6', true, 'virtiofs', 'supported'],
];

describe('vendor kernels', () => {
  it('covers at least 30 strings', () => expect(rows.length).toBeGreaterThanOrEqual(30));

  it.each(rows)('%s is %s', (text, release, exact, feature, status) => {
    const result = checked(text);
    expect(result.vendor?.label.startsWith(release) ? release : result.vendor?.label).toBe(release);
    expect(result.vendor?.exact).toBe(exact);
    if (feature) expect(verdict(text, feature).status).toBe(status);
  });

  it('a vendor fact names its release, support level and source', () => {
    expect(verdict('4.12.14-95.3-default', 'amd-sev')).toMatchObject({
      supported: true,
      status: 'backported',
      vendor: { since: '12 SP4', status: 'backported', support: 'technology-preview', strength: 'strong', source: expect.stringMatching(/^https:\/\//) },
    });
    expect(verdict('4.18.0-193.el8.x86_64', 'virtiofs')).toMatchObject({ supported: true, status: 'backported', since: '5.4', vendor: { since: '8.2' } });
  });

  it('a fact for one architecture holds there only', () => {
    const s390 = createKernelChecker(knowledge, { arch: 's390x', fallback: null })(parseKernelVersion('5.3.18-59.37-default'));
    if ('error' in s390) throw new Error(s390.error);
    expect(s390.verdicts.find((entry) => entry.id === 'virtiofs')).toMatchObject({ supported: true, status: 'backported', vendor: { since: '15 SP3' } });
  });

  it('a feature newer than the base, on a vendor that backports as a rule, is unknown with the reason', () => {
    const unknown = verdict('4.18.0-513.24.1.el8_9.x86_64', 'intel-tdx');
    expect(unknown).toMatchObject({ supported: false, status: 'unknown' });
    expect(unknown.note).toMatch(/Red Hat Enterprise Linux backports features .* no record here says whether 8\.9 has it \(mainline 6\.16\)/);
  });

  it('a vendor that backports only now and then keeps the mainline answer', () => {
    expect(verdict('5.4.0-26-generic', 'intel-tdx').status).toBe('not-yet');
    expect(verdict('6.1.0-18-amd64', 'intel-tdx').status).toBe('not-yet');
  });

  it("RHEL 5's Xen facts hold for the kernel-xen flavour only", () => {
    expect(verdict('2.6.18-398.el5xen', 'xen-dom0').status).toBe('backported');
    expect(verdict('2.6.18-398.el5', 'xen-dom0').status).toBe('unknown');
  });

  it('WSL1 has no Linux kernel feature; WSL2 is a real kernel', () => {
    const wsl1 = checked('4.4.0-19041-Microsoft');
    expect(new Set(wsl1.verdicts.map((entry) => entry.status))).toEqual(new Set(['not-linux']));
    expect(wsl1.verdicts.every((entry) => !entry.supported && /no KVM/.test(entry.note ?? ''))).toBe(true);
    const wsl2 = checked('5.15.90.1-microsoft-standard-WSL2');
    expect(wsl2.verdicts.find((entry) => entry.id === 'kvm')).toMatchObject({ supported: true, status: 'supported' });
  });
});

describe('the architecture a version string names', () => {
  it.each([
    ['4.18.0-513.el8.x86_64', 'x86_64'],
    ['4.18.0-513.el8_9.aarch64', 'arm64'],
    ['5.14.0-427.13.1.el9_4.ppc64le', 'powerpc'],
    ['5.14.0-427.13.1.el9_4.s390x', 's390x'],
    ['2.6.32-754.27.1.el6.i686', 'i386'],
    ['5.14.0-427.13.1.el9_4.x86_64+rt', 'x86_64'],
    ['6.18.39-79.141.amzn2023.aarch64.microvm', 'arm64'],
    ['6.8.0-0.rc7.20240308git3aaa8ce7a335.60.fc41.x86_64', 'x86_64'],
    ['6.1.0-18-amd64', 'x86_64'],
    ['6.1.0-18-cloud-amd64', 'x86_64'],
    ['6.1.0-18-rt-amd64', 'x86_64'],
    ['6.1.0-18-686', 'i386'],
    ['6.1.0-18-686-pae', 'i386'],
    ['6.1.0-18-arm64', 'arm64'],
    ['6.12.117+deb12-arm64-16k', 'arm64'],
    ['6.1.0-18-armmp', 'arm'],
    ['6.1.0-18-armmp-lpae', 'arm'],
    ['6.1.0-18-powerpc64le', 'powerpc'],
    ['6.1.0-18-s390x', 's390x'],
    ['6.12.38+deb13-riscv64', 'riscv64'],
    ['6.12.38+deb13-loong64', 'loongarch64'],
    ['6.1.0-18-octeon', 'mips'],
    ['6.6.31+rpt-rpi-v8', 'arm64'],
    ['6.6.31+rpt-rpi-2712', 'arm64'],
    ['6.6.31+rpt-rpi-v7l', 'arm'],
    ['6.6.31+rpt-rpi-v6', 'arm'],
    ['4.19.50-v7+', 'arm'],
    ['6.1.21-v8+', 'arm64'],
    ['5.15.0-91-generic-64k', 'arm64'],
    ['5.15.0-91-generic-lpae', 'arm'],
    ['5.14.21-150400.24.18-64kb', 'arm64'],
    ['2.6.18-53.el5PAE', 'i386'],
  ])('%s names %s', (text, arch) => {
    expect(parseKernelVersion(text).archHint?.arch).toBe(arch);
  });

  it.each(['5.15.0-91-generic', '6.8.0-1024-raspi', '4.4.180-195.ga25f9fb-default', '5.15.90.1-microsoft-standard-WSL2', '6.1', '3.12.26+', '2.6.18-398.el5xen'])('%s names none', (text) => {
    expect(parseKernelVersion(text).archHint).toBeNull();
  });

  it('names the words that told it', () => {
    expect(archOfSuffix('-18-armmp')).toEqual({ arch: 'arm', evidence: 'Debian flavour armmp' });
    expect(archOfSuffix('-513.el8_9.aarch64')).toEqual({ arch: 'arm64', evidence: '.aarch64' });
    expect(archOfSuffix('+rpt-rpi-v8')).toEqual({ arch: 'arm64', evidence: 'Raspberry Pi v8' });
  });
});
