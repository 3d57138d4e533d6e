import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, expectOneLineError, jsonLines, runCli } from './run.js';

const feature = (line: any, id: string) => line.features.find((entry: any) => entry.id === id);

describe('virt-advisor check', () => {
  it('answers for 2.6.23 on i386: Xen guest and lguest arrived, dom0 did not', () => {
    const result = runCli(['check', '2.6.23', '--arch', 'i386', '--json']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const [line] = jsonLines(result.stdout);
    expect(line.input).toBe('2.6.23');
    expect(line.kernel).toMatchObject({ release: '2.6.23', rc: null, sublevel: null });
    expect(line.arch).toBe('i386');
    expect(feature(line, 'lguest')).toMatchObject({ supported: true, since: '2.6.23' });
    expect(feature(line, 'xen-domu')).toMatchObject({ supported: true, since: '2.6.23' });
    expect(feature(line, 'kvm')).toMatchObject({ supported: true, since: '2.6.20', removedIn: null });
    expect(feature(line, 'xen-dom0').supported).toBe(false);
    expect(feature(line, 'openvz')).toMatchObject({ supported: false, since: null, removedIn: null });
  });

  it('reports every feature of the knowledge base with the contract fields', () => {
    const list = JSON.parse(runCli(['list', '--json']).stdout).features;
    const [line] = jsonLines(runCli(['check', '6.1', '--arch', 'x86_64', '--json']).stdout);
    expect(line.features.map((entry: any) => entry.id).sort()).toEqual(list.map((entry: any) => entry.id).sort());
    for (const entry of line.features) {
      expect(typeof entry.supported).toBe('boolean');
      expect(entry.since === null || /^\d+\.\d+(\.\d+)?$/.test(entry.since)).toBe(true);
      expect(entry.removedIn === null || /^\d+\.\d+(\.\d+)?$/.test(entry.removedIn)).toBe(true);
    }
  });

  it('reads a distribution uname and says the answer is for mainline', () => {
    const [line] = jsonLines(runCli(['check', '3.10.0-1160.el7.x86_64', '--arch', 'x86_64', '--json']).stdout);
    expect(line.kernel).toMatchObject({ release: '3.10', sublevel: 0, local: '-1160.el7.x86_64' });
    expect(line.kernel.distribution).toMatchObject({ id: 'rhel', version: '7', backports: 'vendor' });
    expect(line.notes.join(' ')).toMatch(/backport.*mainline 3\.10/);
  });

  it('says when a release is not one the knowledge base knows', () => {
    const [future, fedora, known] = jsonLines(runCli(['check', '99.0', '2.6.40', '6.1', '--arch', 'x86_64', '--json']).stdout);
    expect(future.notes.join(' ')).toMatch(/99\.0 is newer than the newest release the knowledge base knows \(\d+\.\d+\)/);
    expect(fedora.notes.join(' ')).toMatch(/2\.6\.40 is not a mainline release/);
    expect(known.notes).toEqual([]);
  });

  it('treats an rc as its release: lguest is gone from 4.14-rc1', () => {
    const [rc, before] = jsonLines(runCli(['check', '4.14-rc1', '4.13', '--arch', 'i386', '--json']).stdout);
    expect(feature(rc, 'lguest')).toMatchObject({ supported: false, removedIn: '4.14' });
    expect(feature(before, 'lguest').supported).toBe(true);
  });

  it('prints a readable text report without colour when not on a terminal', () => {
    const result = runCli(['check', '2.6.20', '--arch', 'x86_64']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^2\.6\.20 on x86_64 \(mainline 2\.6\.20\)/);
    expect(result.stdout).toMatch(/Supported in 2\.6\.20/);
    expect(result.stdout).toMatch(/Not yet: merged after 2\.6\.20/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  describe('--require', () => {
    it('exits 0 when every required feature is there', () => {
      const result = runCli(['check', '3.0', '--arch', 'x86_64', '--require', 'kvm,xen-dom0']);
      expect(result.status).toBe(0);
    });
    it('exits 1 and names what is missing', () => {
      const result = runCli(['check', '2.6.37', '--arch', 'x86_64', '--require', 'kvm', '--require', 'xen-dom0']);
      expect(result.status).toBe(1);
      expect(expectOneLineError(result.stderr)).toMatch(/2\.6\.37 \(x86_64\) lacks required: xen-dom0$/);
    });
    it('says how to know for sure when a vendor kernel lacks a requirement in mainline', () => {
      const result = runCli(['check', '2.6.32-042stab134.3', '--arch', 'x86_64', '--require', 'openvz']);
      expect(result.status).toBe(1);
      expect(expectOneLineError(result.stderr)).toMatch(/lacks required: openvz \(this OpenVZ kernel's own config tells for sure: virt-advisor check --config\)$/);
    });

    it('exits 2 on an unknown id and lists the valid ones', () => {
      const result = runCli(['check', '6.1', '--require', 'kvm,warp-drive']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      const line = expectOneLineError(result.stderr);
      expect(line).toMatch(/unknown feature id "warp-drive"/);
      expect(line).toMatch(/valid ids: .*kvm-intel.*xen-dom0/);
    });
  });

  describe('bad input', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['letters', ['check', 'abc'], /not a kernel version: "abc"/],
      ['a bare number', ['check', '2'], /not a kernel version: "2"/],
      ['2.6.x', ['check', '2.6.x'], /needs a third number/],
      ['empty', ['check', ''], /empty/],
      ['huge numbers', ['check', '99999999999999999999.1'], /too large/],
      ['an unknown architecture', ['check', '6.1', '--arch', 'sparc'], /unknown architecture "sparc"/],
      ['no version on a root without a kernel release', ['check', '--root', '/nonexistent'], /cannot tell the running kernel's release \(not found: \/nonexistent\/proc\/sys\/kernel\/osrelease\)/],
      ['an unknown option', ['check', '6.1', '--frobnicate'], /unknown option "--frobnicate" for check/],
      ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ];
    it.each(cases)('%s: one line, exit 2', (_name, args, message) => {
      const result = runCli(args);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(message);
    });

    it('a 10 MB argument is refused quickly', () => {
      const result = runCli(['check', '6.'.repeat(5_000_000).slice(0, 100_000)]);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/100000 characters/);
    });

    it('takes versions after --, as scripts guard values with it', () => {
      const result = runCli(['check', '--arch', 'x86_64', '--json', '--', '6.1', '-6.1']);
      expect(result.status).toBe(2);
      expect(jsonLines(result.stdout).map((line) => line.input)).toEqual(['6.1', '-6.1']);
      expect(jsonLines(result.stdout)[1].error).toMatch(/^not a kernel version: "-6\.1"/);
      expect(expectOneLineError(result.stderr)).toMatch(/not a kernel version: "-6\.1"/);
    });

    it('refuses a repeated single-value option with one line', () => {
      const result = runCli(['check', '6.1', '--arch', 'x86_64', '--arch', 'arm64']);
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/--arch given more than once \("x86_64", "arm64"\)/);
    });

    it('reports a full disk as one line, exit 2', () => {
      const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check 6.1 --arch x86_64 > /dev/full`], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/cannot write the output: ENOSPC/);
    });

    it('goes on past a bad version among several and exits 2', () => {
      const result = runCli(['check', '6.1', 'nonsense', '2.6.32', '--json']);
      expect(result.status).toBe(2);
      // The bad one leaves an error record in its place: one record per version, in order.
      expect(jsonLines(result.stdout).map((line) => [line.input, line.error === undefined])).toEqual([
        ['6.1', true],
        ['nonsense', false],
        ['2.6.32', true],
      ]);
      expect(expectOneLineError(result.stderr)).toMatch(/"nonsense"/);
    });
  });

  describe('--stdin', () => {
    it('streams a fleet inventory, reporting bad lines by number and going on', () => {
      const input = '# fleet\n5.15.0-91-generic\n\nnot-a-version\n2.6.18-194.el5xen\r\n6.9-rc1';
      const result = runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input });
      expect(result.status).toBe(2);
      expect(jsonLines(result.stdout).map((line) => [line.line, line.kernel?.release ?? line.error])).toEqual([
        [2, '5.15'],
        [4, expect.stringMatching(/^not a kernel version: "not-a-version"/)],
        [5, '2.6.18'],
        [6, '6.9'],
      ]);
      expect(expectOneLineError(result.stderr)).toMatch(/^virt-advisor: line 4: not a kernel version: "not-a-version"/);
    });

    it('reports a 10 MB line without holding it and goes on', () => {
      const input = Buffer.concat([Buffer.from('6.1\n'), Buffer.alloc(10 * 1024 * 1024, 0x36), Buffer.from('\n3.0\n')]);
      const result = runCli(['check', '--stdin', '--json'], { input });
      expect(result.status).toBe(2);
      expect(jsonLines(result.stdout).map((line) => line.input ?? line.error)).toEqual(['6.1', 'not a kernel version: the line is too long', '3.0']);
      expect(expectOneLineError(result.stderr)).toMatch(/line 2: .*too long/);
    });

    it('reports binary bytes on their line', () => {
      const result = runCli(['check', '--stdin', '--json'], { input: Buffer.from([0x36, 0x2e, 0x31, 0x0a, 0x00, 0xff, 0x01, 0x0a]) });
      expect(result.status).toBe(2);
      expect(expectOneLineError(result.stderr)).toMatch(/line 2: .*binary/);
    });

    it('exits 1 when a line lacks a requirement, naming it', () => {
      const result = runCli(['check', '--stdin', '--require', 'lguest', '--arch', 'i386'], { input: '4.13\n4.14\n' });
      expect(result.status).toBe(1);
      expect(expectOneLineError(result.stderr)).toMatch(/4\.14 \(i386\) lacks required: lguest/);
    });

    it('refuses an empty inventory at once, so that --require cannot pass on nothing', () => {
      for (const input of ['', '# only a comment\n\n']) {
        const result = runCli(['check', '--stdin', '--require', 'kvm'], { input });
        expect(result.status).toBe(2);
        expect(result.stdout).toBe('');
        expect(expectOneLineError(result.stderr)).toMatch(/no kernel versions on standard input/);
      }
    });

    it('keeps the exit code it knew when the reader closes the pipe early', () => {
      const lines = ['6.1', 'bad', ...Array.from({ length: 20_000 }, () => '6.1')].join('\n');
      const script = `"${process.execPath}" "${BIN}" check --stdin --json | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
      const result = spawnSync('bash', ['-c', script], { input: lines, encoding: 'utf8' });
      expect(result.stdout.trim()).toBe('2');
    });
  });
});

describe('virt-advisor list and explain', () => {
  it('lists the features that mainline had on an architecture', () => {
    const result = runCli(['list', '--arch', 'i386', '--json']);
    expect(result.status).toBe(0);
    const { schemaVersion, arch, features: entries } = JSON.parse(result.stdout);
    expect({ schemaVersion, arch }).toEqual({ schemaVersion: 1, arch: 'i386' });
    expect(entries.find((entry: any) => entry.id === 'lguest')).toMatchObject({ since: '2.6.23', removedIn: '4.14' });
    // SEV is a 64-bit-only host feature: it has no place in an i386 list.
    expect(entries.find((entry: any) => entry.id === 'amd-sev')).toBeUndefined();
  });

  it('explains a feature with its sources', () => {
    const result = runCli(['explain', 'xen-dom0']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^xen-dom0: /);
    expect(result.stdout).toMatch(/x86_64: since 3\.0/);
    expect(result.stdout).toMatch(/source: https?:\/\//);
    expect(result.stdout).toMatch(/CONFIG_XEN_DOM0/);
  });

  it('refuses an unknown id with the list of valid ones', () => {
    const result = runCli(['explain', 'nope']);
    expect(result.status).toBe(2);
    expect(expectOneLineError(result.stderr)).toMatch(/unknown id "nope" \(valid ids: features .*kvm.*; hosted hypervisors virtualbox, vmware-workstation\)/);
    expect(expectOneLineError(runCli(['explain', 'virtualbx']).stderr)).toMatch(/did you mean "virtualbox"/);
  });

  it('shows the exit codes in --help', () => {
    const result = runCli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:/);
    expect(result.stdout).toMatch(/2\s+bad input/);
  });
});

describe('check --json lines', () => {
  it('carries the same kernel fields as the parser, escaped as JSON', () => {
    const input = '6.1.0-rc2+"quoted"\\';
    const [line] = jsonLines(runCli(['check', input, '--json', '--arch', 'arm64']).stdout);
    expect(line.input).toBe(input);
    expect(line.kernel).toEqual({
      release: '6.1',
      major: 6,
      minor: 1,
      patch: null,
      sublevel: 0,
      rc: 2,
      local: '+"quoted"\\',
      distribution: null,
    });
    expect(line.arch).toBe('arm64');
  });
});
