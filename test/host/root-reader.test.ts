import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectArch, detectHost } from '../../src/host/detect.js';
import { explainFsError, known, RootReader, trimmed, unknown } from '../../src/host/fact.js';
import { findKernelConfig } from '../../src/host/kernel-config.js';
import type { CpuInfo } from '../../src/host/cpuinfo.js';

/**
 * The root reader in-process: links resolved inside the root, read caps at their exact limits, and
 * the facts built on it (architecture, /dev/kvm, nested parameters, the kernel config's place).
 * Permission-denied paths need an unprivileged user and are run through the binary
 * (test/cli/hostile.test.ts, test/cli/check-config.test.ts).
 */
const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-reader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let roots = 0;
type Entry = string | Buffer | null | { link: string };
function root(files: Record<string, Entry>): { reader: RootReader; at: (inside: string) => string; dir: string } {
  const dir = join(scratch, `r${roots++}`);
  mkdirSync(dir);
  for (const [inside, content] of Object.entries(files)) {
    const file = join(dir, inside);
    mkdirSync(dirname(file), { recursive: true });
    if (content === null) mkdirSync(file, { recursive: true });
    else if (typeof content === 'object' && !Buffer.isBuffer(content)) symlinkSync(content.link, file);
    else writeFileSync(file, content);
  }
  return { reader: new RootReader(dir), at: (inside) => join(dir, inside), dir };
}

describe('RootReader: paths stay inside the root', () => {
  it('follows relative and absolute links within the root, and "." and ".." stop at it', () => {
    const { reader, at } = root({
      '/etc/real': 'inside\n',
      '/etc/relative': { link: 'real' },
      '/etc/absolute': { link: '/etc/real' },
      '/etc/dotted': { link: './../etc/./real' },
      '/etc/escape': { link: '../../../../etc/real' },
      '/etc/slashes': { link: '//etc///real' },
      '/lib': { link: 'usr/lib' },
      '/usr/lib/os-release': 'ID=test\n',
    });
    for (const name of ['relative', 'absolute', 'dotted', 'escape', 'slashes']) expect(reader.read(`/etc/${name}`), name).toEqual(known('inside\n', at(`/etc/${name}`)));
    expect(reader.read('/lib/os-release')).toEqual(known('ID=test\n', at('/lib/os-release')));
    expect(reader.read('//etc/./real')).toEqual(known('inside\n', at('//etc/./real')));
    expect(reader.resolved('/lib/os-release')).toBe(at('/usr/lib/os-release'));
    expect(reader.resolved('/etc/absolute')).toBe(at('/etc/real'));
  });
  it('a loop of links ends with "too many levels of symbolic links"; a chain of 40 links is still followed', () => {
    const files: Record<string, Entry> = { '/a': { link: '/b' }, '/b': { link: '/a' }, '/end': 'found\n' };
    for (let i = 0; i < 40; i++) files[`/chain${i}`] = { link: i === 39 ? '/end' : `/chain${i + 1}` };
    for (let i = 0; i < 41; i++) files[`/long${i}`] = { link: i === 40 ? '/end' : `/long${i + 1}` };
    const { reader, at } = root(files);
    expect(reader.read('/a')).toEqual(unknown(`cannot read ${at('/a')}: too many levels of symbolic links`));
    expect(reader.read('/chain0')).toEqual(known('found\n', at('/chain0')));
    expect(reader.read('/long0')).toEqual(unknown(`cannot read ${at('/long0')}: too many levels of symbolic links`));
    // A path that cannot be resolved is shown as given.
    expect(reader.resolved('/a')).toBe(at('/a'));
  });
  it('the live root is read as it is', () => {
    const reader = new RootReader('/');
    expect(reader.live).toBe(true);
    expect(reader.resolved('proc/self/status')).toBe('/proc/self/status');
    expect(reader.shown('/proc/version')).toBe('/proc/version');
  });
});

describe('RootReader: what is read and how much', () => {
  it('reads a file of exactly the cap; one byte more is too large, told from its size', () => {
    const { reader, at } = root({ '/exact': 'x'.repeat(100), '/over': 'x'.repeat(101) });
    expect(reader.read('/exact', 100)).toEqual(known('x'.repeat(100), at('/exact')));
    expect(reader.read('/over', 100)).toEqual(unknown(`too large (101 bytes; at most 100 are read): ${at('/over')}`));
  });
  it('reads large files in pieces, to the byte', () => {
    const big = Buffer.alloc(200 * 1024, 'ab');
    const { reader } = root({ '/big': big });
    const read = reader.read('/big', 256 * 1024);
    expect(read.value?.length).toBe(big.length);
    expect(read.value).toBe(big.toString('utf8'));
  });
  it('a file that reports no size (as /proc does) is capped while reading', () => {
    const reader = new RootReader('/');
    // /proc/self/status reports size 0 and is far longer than 16 bytes.
    expect(reader.read('/proc/self/status', 16)).toEqual(unknown('too large (more than 16 bytes): /proc/self/status'));
    const status = reader.read('/proc/self/status');
    expect(status.value).toMatch(/^Name:/);
  });
  it('readStart gives the first bytes of a file of any size, and all of a shorter one', () => {
    const { reader, at } = root({ '/table': Buffer.from('0123456789abcdefghij'), '/short': 'abc' });
    expect(reader.readStart('/table', 16)).toEqual(known(Buffer.from('0123456789abcdef'), at('/table')));
    expect(reader.readStart('/short', 16)).toEqual(known(Buffer.from('abc'), at('/short')));
  });
  it('refuses what is not a regular file, saying what it is', () => {
    const { reader, at, dir } = root({ '/dir': null });
    expect(reader.read('/dir')).toEqual(unknown(`not a regular file (a directory): ${at('/dir')}`));
    expect(spawnSync('mkfifo', [join(dir, 'fifo')]).status).toBe(0);
    expect(reader.read('/fifo')).toEqual(unknown(`not a regular file (a FIFO (named pipe)): ${at('/fifo')}`));
    expect(reader.read('/missing')).toEqual(unknown(`not found: ${at('/missing')}`));
    expect(reader.read('/dir/x/y')).toEqual(unknown(`not found: ${at('/dir/x/y')}`));
  });
  it('exists, kind and list', () => {
    const { reader, at } = root({ '/d/b': '', '/d/a': '', '/d/c': null, '/f': '' });
    expect([reader.exists('/d'), reader.exists('/nope')]).toEqual([true, false]);
    expect([reader.kind('/d'), reader.kind('/f'), reader.kind('/nope'), reader.kind('/d/../d/./c')]).toEqual(['directory', 'file', 'missing', 'directory']);
    expect(reader.list('/d')).toEqual(known(['a', 'b', 'c'], at('/d')));
    expect(reader.list('/nope')).toEqual(unknown(`not found: ${at('/nope')}`));
    expect(reader.accessible('/f', 4)).toBe(true);
    expect(reader.accessible('/nope', 4)).toEqual(unknown(`not found: ${at('/nope')}`));
  });
  it('sysfsPresent: any of the directories a mounted /sys has', () => {
    for (const dir of ['/sys/devices', '/sys/module', '/sys/class', '/sys/kernel']) expect(root({ [dir]: null }).reader.sysfsPresent(), dir).toBe(true);
    expect(root({ '/sys/firmware': null }).reader.sysfsPresent()).toBe(false);
  });
});

describe('facts and their wording', () => {
  it('trimmed: whitespace goes; an empty file tells nothing', () => {
    expect(trimmed(known('  x \n', '/f'))).toEqual(known('x', '/f'));
    expect(trimmed(known(' \n', '/f'))).toEqual(unknown('empty: /f'));
    expect(trimmed(unknown('why'))).toEqual(unknown('why'));
  });
  it('explainFsError words each error with the path', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(explainFsError(error('ENOENT'), '/x')).toBe('not found: /x');
    expect(explainFsError(error('EACCES'), '/x')).toBe('not readable (permission denied): /x');
    expect(explainFsError(error('EPERM'), '/x')).toBe('not readable (permission denied): /x');
    expect(explainFsError(error('EISDIR'), '/x')).toBe('cannot read /x: is a directory');
    expect(explainFsError(error('EIO'), '/x')).toBe('cannot read /x: EIO');
  });
});

const cpu = (archHint: CpuInfo['archHint']) => known({ archHint, vendor: null, modelName: null, logicalCpus: 1, flags: [], vmxFlags: [], virtual: { value: null, reason: '' } }, '/cpuinfo');

describe('detectArch under a root', () => {
  it('/proc/sys/kernel/arch first, then the CPU, saying why each could not tell', () => {
    const file = root({ '/proc/sys/kernel/arch': 'aarch64\n' });
    expect(detectArch(file.reader, cpu('x86_64'))).toEqual(known('arm64', file.at('/proc/sys/kernel/arch')));
    const odd = root({ '/proc/sys/kernel/arch': 'pdp11\n' });
    const oddReason = `${odd.at('/proc/sys/kernel/arch')} says "pdp11", unknown to virt-advisor`;
    expect(detectArch(odd.reader, cpu('riscv64'))).toEqual(known('riscv64', `/cpuinfo (${oddReason})`));
    expect(detectArch(odd.reader, cpu(null))).toEqual(unknown(`${oddReason}; /cpuinfo names no architecture virt-advisor knows`));
    expect(detectArch(odd.reader, cpu('x86'))).toEqual(unknown(`${oddReason}; /cpuinfo shows an x86 CPU but not whether the kernel is 32- or 64-bit`));
    expect(detectArch(odd.reader, unknown('no cpuinfo'))).toEqual(unknown(`${oddReason}; no cpuinfo`));
    const none = root({});
    expect(detectArch(none.reader, cpu('s390x'))).toEqual(known('s390x', `/cpuinfo (not found: ${none.at('/proc/sys/kernel/arch')})`));
  });
  it('on the live root: the kernel\'s machine name, then Node\'s own architecture', () => {
    const live = new RootReader('/');
    expect(detectArch(live, unknown(''), { machine: 'ppc64le' })).toEqual(known('powerpc', 'os.machine() = ppc64le'));
    const byNode = detectArch(live, unknown(''), { machine: 'pdp11' });
    expect(byNode).toHaveProperty('source', `process.arch = ${process.arch}`);
  });
});

describe('/dev/kvm and the nested parameters', () => {
  const host = (files: Record<string, Entry>) => {
    const r = root(files);
    return { ...r, facts: detectHost(r.dir) };
  };
  it('/dev/kvm present with the kvm modules loaded (and only kvm ones listed)', () => {
    const { facts, at } = host({ '/dev/kvm': '', '/sys/module/kvm': null, '/sys/module/kvm_amd': null, '/sys/module/kvmgt': null, '/sys/module/irqbypass': null });
    expect(facts.kvmDevice).toEqual(known({ present: true, usable: true, modules: ['kvm', 'kvm_amd'] }, at('/dev/kvm')));
  });
  it('/dev/kvm absent: from a /dev that exists, absent; with no /dev at all, unknown', () => {
    const absent = host({ '/dev/null': '', '/sys/module/kvm': null });
    expect(absent.facts.kvmDevice).toEqual(known({ present: false, usable: false, modules: ['kvm'] }, absent.at('/dev/kvm')));
    const noDev = host({});
    expect(noDev.facts.kvmDevice).toEqual(unknown(`not found: ${noDev.at('/dev')}`));
  });
  it.each([
    ['Y', true],
    ['1', true],
    ['N', false],
    ['0', false],
  ])('nested parameter %j is %s', (value, nested) => {
    const { facts, at } = host({ '/sys/module/kvm_amd/parameters/nested': `${value}\n`, '/sys/module/kvm_intel/parameters/nested': `${value}\n` });
    expect(facts.nested.kvmAmd).toEqual(known(nested, at('/sys/module/kvm_amd/parameters/nested')));
    expect(facts.nested.kvmIntel).toEqual(known(nested, at('/sys/module/kvm_intel/parameters/nested')));
  });
  it('an unexpected nested value, a module with no parameter, a module not loaded, no /sys/module', () => {
    const odd = host({ '/sys/module/kvm_intel/parameters/nested': 'maybe\n', '/sys/module/kvm_amd': null });
    expect(odd.facts.nested.kvmIntel).toEqual(unknown(`unexpected value "maybe" in ${odd.at('/sys/module/kvm_intel/parameters/nested')}`));
    expect(odd.facts.nested.kvmAmd).toEqual(unknown('kvm_amd is loaded but has no nested parameter'));
    const notLoaded = host({ '/sys/module/kvm': null });
    expect(notLoaded.facts.nested.kvmIntel).toEqual(unknown(`module not loaded: kvm_intel (no ${notLoaded.at('/sys/module/kvm_intel')})`));
    const noSys = host({});
    expect(noSys.facts.nested.kvmAmd).toEqual(unknown(`not found: ${noSys.at('/sys/module')}`));
    const dir = host({ '/sys/module/kvm_intel/parameters/nested': null });
    expect(dir.facts.nested.kvmIntel).toEqual(unknown(`not a regular file (a directory): ${dir.at('/sys/module/kvm_intel/parameters/nested')}`));
  });
});

describe('findKernelConfig', () => {
  const release = (value: string) => known(value, '/proc/sys/kernel/osrelease');
  it('takes /proc/config.gz, then the files named by the release, in order', () => {
    const { reader, at } = root({ '/boot/config-6.1.0-9-amd64': 'x', '/usr/lib/modules/6.1.0-9-amd64/config': 'x' });
    expect(findKernelConfig(reader, release('6.1.0-9-amd64'))).toEqual(known({ path: at('/boot/config-6.1.0-9-amd64'), tried: [at('/proc/config.gz'), at('/boot/config-6.1.0-9-amd64')] }, at('/boot/config-6.1.0-9-amd64')));
    const later = root({ '/usr/lib/modules/6.1.0-9-amd64/config': 'x', '/boot/config-6.1.0-9-amd64': null });
    const found = findKernelConfig(later.reader, release('6.1.0-9-amd64'));
    expect(found.value?.path).toBe(later.at('/usr/lib/modules/6.1.0-9-amd64/config'));
    expect(found.value?.tried).toHaveLength(4);
  });
  it('says why each candidate failed', () => {
    const { reader, at } = root({ '/proc/config.gz': null, '/lib/modules/6.1/config': { link: '/loop' }, '/loop': { link: '/lib/modules/6.1/config' } });
    expect(findKernelConfig(reader, release('6.1'))).toEqual(
      unknown(
        `no readable kernel config: not a regular file: ${at('/proc/config.gz')}, not found: ${at('/boot/config-6.1')}, cannot read ${at('/lib/modules/6.1/config')}: too many levels of symbolic links, not found: ${at('/usr/lib/modules/6.1/config')}`,
      ),
    );
  });
  it('a release that is no file name is not used to build paths, and the answer says why', () => {
    const { reader, at } = root({ '/boot/config-..': 'x' });
    for (const bad of ['..', '6.1 x', '../../etc/passwd']) {
      expect(findKernelConfig(reader, release(bad)), bad).toEqual(
        unknown(`no readable kernel config: not found: ${at('/proc/config.gz')}; /boot/config-<release>, /lib/modules/<release>/config and /usr/lib/modules/<release>/config could not be tried: kernel release ${JSON.stringify(bad)} names no file`),
      );
    }
    expect(findKernelConfig(reader, unknown('not found: /proc/sys/kernel/osrelease'))).toEqual(
      unknown(`no readable kernel config: not found: ${at('/proc/config.gz')}; /boot/config-<release>, /lib/modules/<release>/config and /usr/lib/modules/<release>/config could not be tried: kernel release unknown (not found: /proc/sys/kernel/osrelease)`),
    );
    const long = `6.1${'x'.repeat(100)} y`;
    expect(findKernelConfig(reader, release(long)).value).toBeNull();
    expect((findKernelConfig(reader, release(long)) as { unknown: string }).unknown).toContain(`kernel release ${JSON.stringify(long.slice(0, 64))} names no file`);
  });
});
