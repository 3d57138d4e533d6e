import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, jsonLines, runCli } from './run.js';

/**
 * VirtualBox and VMware Workstation through the real binary: check --approach and recommend, with
 * the expected releases worked out from test/evidence/products.tsv (the vendor's changelog lines),
 * not from rules/.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const evidence = readFileSync(join(REPO, 'test/evidence/products.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('product\t'))
  .map((line) => {
    const [product, version, kernel, breaksOn] = line.split('\t') as [string, string, string, string];
    return { product, version, kernel, breaksOn };
  });
const key = (release: string) => release.split('.').reduce((sum, part) => sum * 1000 + Number(part), 0);
const branchOf = (version: string) => version.split('.').slice(0, 2).join('.');

/** From the evidence alone: the first release of a branch whose changelog (or an earlier one's in it) names the kernel or a newer one. */
function firstSupporting(branch: string, kernel: string): { from: string; before: string | null } {
  const rows = evidence.filter((row) => row.product === 'virtualbox' && branchOf(row.version) === branch);
  let best = 0;
  for (const [index, row] of rows.entries()) {
    if (row.kernel) best = Math.max(best, key(row.kernel));
    if (best >= key(kernel)) return { from: row.version, before: index > 0 ? rows[index - 1]!.version : null };
  }
  throw new Error(`no ${branch} release supports ${kernel}`);
}

const check = (args: string[]) => runCli(['check', ...args, '--arch', 'x86_64']);

describe('check --approach virtualbox', () => {
  it.each(['6.3', '6.5', '6.9'])('kernel %s: the first 7.0 release whose changelog names it, and the one before', (kernel) => {
    const result = check([`${kernel}.2`, '--approach', 'virtualbox', '--json']);
    expect(result.status).toBe(0);
    const [record] = jsonLines(result.stdout);
    const expected = firstSupporting('7.0', kernel);
    expect(record).toMatchObject({ approach: 'virtualbox', supported: true, release: kernel, arch: 'x86_64' });
    const branch = record.product.branches.find((entry: any) => entry.branch === '7.0');
    expect([branch.from.version, branch.before?.version ?? null]).toEqual([expected.from, expected.before]);
    expect(record.product.minimum.version).toBe(expected.from);
  });

  it('says it in words: "7.0.16 or later (7.0.14 does not)", with the changelog line and its source', () => {
    const expected = firstSupporting('7.0', '6.9');
    const result = check(['6.9.0-1-generic', '--approach', 'virtualbox']);
    expect(result.stdout).toContain(`Oracle VirtualBox: yes: ${expected.from} or later (${expected.before} does not)`);
    expect(result.stdout).toMatch(new RegExp(`\\n  ${expected.from.replace(/\./g, '\\.')} \\(\\d{4}-\\d\\d-\\d\\d\\): .*6\\.9.*https://`));
  });

  it('a kernel newer than any release is known to support: not yet supported as far as known, exit 1', () => {
    const newest = Math.max(...evidence.filter((row) => row.product === 'virtualbox' && row.kernel).map((row) => key(row.kernel)));
    const beyond = `${Math.floor(newest / 1000) + 1}.0.1`;
    const result = check([beyond, '--approach', 'virtualbox', '--json']);
    expect(result.status).toBe(1);
    const [record] = jsonLines(result.stdout);
    expect(record.supported).toBe(false);
    expect(record.product.status).toBe('not-yet-known');
    expect(record.text).toMatch(/not yet supported as far as known/);
    expect(result.stderr).toMatch(/not yet supported as far as known/);
  });

  it('a RHEL kernel is matched by its own release where the changelog names it', () => {
    const result = check(['5.14.0-427.13.1.el9_4.x86_64', '--approach', 'virtualbox', '--json']);
    const [record] = jsonLines(result.stdout);
    expect(record.product.vendorKernel).toBe('Red Hat Enterprise Linux 9.4');
    expect(record.product.branches.find((entry: any) => entry.branch === '7.0').from.version).toBe('7.0.14');
  });

  it('a SLES release no changelog names is unknown: exit 1, or 0 with --allow-unknown', () => {
    const result = check(['6.4.0-150600.21-default', '--approach', 'virtualbox']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/unknown: no Oracle VirtualBox release names support for SUSE Linux Enterprise Server 15 SP6's kernel/);
    expect(check(['6.4.0-150600.21-default', '--approach', 'virtualbox', '--allow-unknown']).status).toBe(0);
  });

  it('an arm64 host: no, exit 1', () => {
    const result = runCli(['check', '6.9.0', '--approach', 'virtualbox', '--arch', 'arm64']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('runs on x86_64 Linux hosts only, not arm64');
  });
});

describe('check --approach for the other approaches and VMware', () => {
  it('kvm: the features it needs, from the version', () => {
    const old = check(['2.6.19', '--approach', 'kvm']);
    expect(old.status).toBe(1);
    expect(old.stdout).toMatch(/KVM with a user-space VMM: no: lacks kvm \(from 2\.6\.20\)/);
    expect(check(['2.6.20', '--approach', 'kvm']).status).toBe(0);
  });
  it('VMware Workstation: from community reports, said as such', () => {
    // The first 17.x release whose modules are reported to break only on a kernel after 6.4.
    const row = evidence.find((entry) => entry.product === 'vmware-workstation' && entry.version.startsWith('17.') && entry.breaksOn !== '' && key(entry.breaksOn) > key('6.4'))!;
    const result = check(['6.4.3', '--approach', 'vmware-workstation']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('community reports');
    expect(JSON.parse(check(['6.4.3', '--approach', 'vmware-workstation', '--json']).stdout).product.branches[1].from.version).toBe(row.version);
    const beyond = check(['6.16', '--approach', 'vmware-workstation']);
    expect(beyond.status).toBe(1);
    expect(beyond.stdout).toMatch(/no VMware Workstation release is reported to build its modules on kernel 6\.16/);
  });
  it.each([
    [['6.8', '--approach', 'nope'], /unknown approach "nope" \(valid ids: .*virtualbox/],
    [['6.8', '--approach', 'virtualbox', '--require', 'kvm'], /--approach and --require ask different questions/],
    [['6.8', '--approach', 'virtualbox', '--format', 'junit'], /--approach answers in text or JSON/],
  ])('bad use: %j is one line and exit 2', (args, message) => {
    const result = runCli(['check', ...args]);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(message);
  });
});

describe('recommend on a desktop: a VT-x laptop, Windows guests, simplicity first', () => {
  const args = ['recommend', '--cpu-flags', 'vmx lm', '--kernel', '6.8.0-45-generic', '--guest', 'windows', '--goal', 'simplicity', '--arch', 'x86_64', '--non-interactive'];
  it('ranks the hosted hypervisors first, with the release to install and why', () => {
    const result = runCli([...args, '--json']);
    expect(result.status).toBe(0);
    const { candidates } = JSON.parse(result.stdout);
    expect(candidates.slice(0, 2).map((candidate: any) => [candidate.id, candidate.eligible])).toEqual([
      ['virtualbox', true],
      ['vmware-workstation', true],
    ]);
    const virtualbox = candidates[0];
    expect(virtualbox.product.minimum.version).toBe(firstSupporting('7.0', '6.8').from);
    const reasons = virtualbox.reasons.map((reason: any) => `${reason.kind}: ${reason.text}`);
    expect(reasons).toEqual(expect.arrayContaining(['for: runs windows guests', 'for: the CPU has vmx', 'for: strong on simplicity']));
    expect(reasons.join('\n')).toMatch(/caveat: its modules \(vboxdrv, vboxnetflt, vboxnetadp\) are not in mainline/);
    // KVM stays the answer when performance comes first.
    const performance = JSON.parse(runCli([...args.map((arg) => (arg === 'simplicity' ? 'performance' : arg)), '--json']).stdout);
    expect(performance.candidates[0].id).toBe('kvm');
  });
  it('names the minimum release for the kernel in the text', () => {
    const result = runCli(args);
    expect(result.stdout).toContain('Recommended: Oracle VirtualBox (virtualbox)');
    expect(result.stdout).toContain(`Oracle VirtualBox for kernel 6.8: ${firstSupporting('7.0', '6.8').from} or later`);
  });
  it('its notes say what the changelogs say of KVM beside it (kernel 6.12 takes VT-x when KVM loads)', () => {
    const result = runCli(['recommend', '--cpu-flags', 'vmx lm', '--kernel', '6.12.1', '--guest', 'windows', '--goal', 'simplicity', '--arch', 'x86_64', '--non-interactive', '--json']);
    const virtualbox = JSON.parse(result.stdout).candidates.find((candidate: any) => candidate.id === 'virtualbox');
    expect(virtualbox.notes.join('\n')).toMatch(/kvm\.enable_virt_at_load=0/);
  });
});

describe('recommend --detect on a host with VirtualBox and KVM both loaded', () => {
  it('reads both from /proc/modules and says what the vendor says of KVM beside it', () => {
    // The Debian 12 KVM host fixture, with VirtualBox's modules loaded beside kvm_intel.
    const root = join(mkdtempSync(join(tmpdir(), 'virt-advisor-vbox-')), 'root');
    cpSync(join(REPO, 'test/fixtures/roots/debian12-kvm-host'), root, { recursive: true });
    const modules = readFileSync(join(root, 'proc/modules'), 'utf8');
    writeFileSync(
      join(root, 'proc/modules'),
      `vboxnetadp 28672 0 - Live 0x0000000000000000 (OE)\nvboxnetflt 32768 0 - Live 0x0000000000000000 (OE)\nvboxdrv 696320 2 vboxnetadp,vboxnetflt, Live 0x0000000000000000 (OE)\n${modules}`,
    );
    const host = JSON.parse(runCli(['host', '--root', root, '--json']).stdout);
    expect(host.modules.value).toEqual(expect.arrayContaining(['kvm_intel', 'vboxdrv', 'vboxnetflt', 'vboxnetadp']));
    const result = runCli(['recommend', '--detect', '--root', root, '--guest', 'windows', '--goal', 'simplicity', '--non-interactive', '--json']);
    const candidates = JSON.parse(result.stdout).candidates;
    const reasons = (id: string) => candidates.find((candidate: any) => candidate.id === id).reasons.map((reason: any) => `${reason.kind}: ${reason.text}`);
    expect(reasons('virtualbox')).toEqual(
      expect.arrayContaining(['for: vboxdrv, vboxnetflt, vboxnetadp is loaded', expect.stringMatching(/^caveat: kvm_intel is loaded: When VT-x is already held by another hypervisor, VMs fail with VERR_VMX_IN_VMX_ROOT_MODE/)]),
    );
    expect(reasons('vmware-workstation')).toContain('caveat: kvm_intel is loaded: whether VMware Workstation runs beside KVM was not found in any source');
    // Eligible, but not confirmed while KVM holds VT-x, and below an equal approach.
    expect(candidates.find((candidate: any) => candidate.id === 'virtualbox')).toMatchObject({ eligible: true, confirmed: false });
  });

  it('on a Xen dom0, neither can run: Xen keeps VT-x to itself', () => {
    const result = runCli(['recommend', '--detect', '--root', join(REPO, 'test/fixtures/roots/xen-dom0'), '--guest', 'windows', '--non-interactive', '--json']);
    for (const id of ['virtualbox', 'vmware-workstation']) {
      const candidate = JSON.parse(result.stdout).candidates.find((entry: any) => entry.id === id);
      expect(candidate.eligible).toBe(false);
      expect(candidate.reasons.map((reason: any) => reason.text).join('\n')).toMatch(/Xen is running beneath this dom0 and keeps VT-x\/AMD-V to itself/);
    }
  });
});

describe('explain virtualbox and vmware-workstation', () => {
  it('every release with what its changelog says of kernels, and the source', () => {
    const result = runCli(['explain', 'virtualbox', '--no-color']);
    expect(result.status).toBe(0);
    const rows = evidence.filter((row) => row.product === 'virtualbox');
    for (const row of rows) expect(result.stdout).toMatch(new RegExp(`\\n  ${row.version.replace(/\./g, '\\.')}( \\(\\d{4}-\\d\\d-\\d\\d\\))?: ${row.kernel ? `adds kernel ${row.kernel.replace('.', '\\.')}` : ''}`));
    expect(result.stdout).toMatch(/hardware-virtualization \(from 6\.1\.0\): .*VT-x/);
  });
  it('--json is the table as data, with its schema version', () => {
    const data = JSON.parse(runCli(['explain', 'vmware-workstation', '--json']).stdout);
    expect(data.schemaVersion).toBe(1);
    const breaks = data.product.branches.flatMap((branch: any) => branch.releases.filter((release: any) => release.breaksOn).map((release: any) => `${release.version} ${release.breaksOn}`));
    expect(breaks).toEqual(evidence.filter((row) => row.product === 'vmware-workstation' && row.breaksOn).map((row) => `${row.version} ${row.breaksOn}`));
  });
});

describe('what the tables cannot tell is not known, not yes', () => {
  it.each([
    ['3.10.0-1160.el7.x86_64', /Red Hat Enterprise Linux 7\.9's kernel \(or a later one of its line\).*not known/],
    ['2.6.32', /kernel 2\.6\.32 is older than any kernel the Oracle VirtualBox releases here name \(the oldest: 5\.4\): not known/],
  ])('%s: unknown, exit 1', (version, words) => {
    const result = check([version, '--approach', 'virtualbox']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/Oracle VirtualBox: unknown: /);
    expect(result.stdout).toMatch(words);
  });
  it('a kernel whose support came with a newer one named: no release is said not to have it', () => {
    const json = JSON.parse(check(['6.1.0-18-amd64', '--approach', 'virtualbox', '--json']).stdout);
    expect(json.product.branches.every((branch: any) => branch.before === null)).toBe(true);
  });
  it('recommend with no kernel known: the newest kernel supported, and nothing claimed', () => {
    const { candidates } = JSON.parse(runCli(['recommend', '--cpu-flags', 'vmx lm', '--arch', 'x86_64', '--guest', 'windows', '--non-interactive', '--json']).stdout);
    const virtualbox = candidates.find((candidate: any) => candidate.id === 'virtualbox');
    expect(virtualbox.product).toMatchObject({ kernel: null, status: 'unknown', minimum: null });
    const newest = evidence.filter((row) => row.product === 'virtualbox' && row.kernel).sort((a, b) => key(b.kernel) - key(a.kernel))[0]!;
    expect(virtualbox.product.note).toBe(`kernel unknown: the newest kernel Oracle VirtualBox releases are known to support is ${newest.kernel} (${newest.version} or later)`);
  });
  it('recommend on arm64: no product answer, and the reason', () => {
    const { candidates } = JSON.parse(runCli(['recommend', '--arch', 'arm64', '--kernel', '6.9.0', '--guest', 'windows', '--non-interactive', '--json']).stdout);
    const virtualbox = candidates.find((candidate: any) => candidate.id === 'virtualbox');
    expect(virtualbox.product).toBeNull();
    expect(virtualbox.eligible).toBe(false);
    expect(virtualbox.reasons.map((reason: any) => reason.text)).toContain('Oracle VirtualBox runs on x86_64 Linux hosts only');
  });
  it('--stdin keeps the labels in text', () => {
    const result = runCli(['check', '--stdin', '--approach', 'virtualbox', '--arch', 'x86_64'], { input: 'web1\t6.9\nweb2\t6.9\n' });
    expect(result.stdout).toMatch(/^== web1 ==\n6\.9 \(x86_64\): Oracle VirtualBox: yes: [\s\S]*\n== web2 ==\n6\.9 /);
  });
  it('kvm on arm64 needs no kvm-intel or kvm-amd; Xen PV there has no guests', () => {
    expect(runCli(['check', '6.9', '--approach', 'kvm', '--arch', 'arm64']).stdout).toMatch(/KVM with a user-space VMM: yes: has what it needs: kvm \(since 3\.11\)/);
    const xen = runCli(['check', '6.9', '--approach', 'xen-pv', '--arch', 'arm64']);
    expect(xen.status).toBe(1);
    expect(xen.stdout).toMatch(/no: Linux guests need xen-domu, which mainline does not have on arm64/);
  });
});

it('report refuses check --approach records by name, not as another version of check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-approach-report-'));
  writeFileSync(join(dir, 'web1.json'), runCli(['check', '6.9', '--approach', 'virtualbox', '--json', '--arch', 'x86_64']).stdout);
  const result = runCli(['report', dir]);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('record 1: a check --approach record: report reads host --json, config --json and check --json (without --approach)');
});
