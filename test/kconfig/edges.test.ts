import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archOfConfig } from '../../src/kconfig/arch.js';
import { locateRunningConfig } from '../../src/kconfig/locate.js';
import { parseKconfig } from '../../src/kconfig/parse.js';
import { decodeConfigBytes, MAX_CONFIG_BYTES, readConfigStream } from '../../src/kconfig/read.js';

/** The edges of reading a config: encodings, line ends, the header's place, the architecture. */
function userError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('UTF-16 is told from UTF-8 and from binary data', () => {
  const utf16 = (text: string, littleEndian: boolean) => {
    const le = Buffer.from(text, 'utf16le');
    return littleEndian ? le : Buffer.from(le).swap16();
  };
  const refused = (data: Buffer) => userError(() => decodeConfigBytes(data, 'w', 'w'));
  it('by its byte-order mark, either way round', () => {
    expect(refused(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16('CONFIG_KVM=y\n', true)]))).toMatch(/^w is UTF-16 text/);
    expect(refused(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16('CONFIG_KVM=y\n', false)]))).toMatch(/^w is UTF-16 text/);
    // One byte of a mark is not a mark: that is binary (a NUL follows) or plain text.
    expect(refused(Buffer.from([0xff, 0x00, 0x41]))).toBe('w is binary data, not a kernel config');
    expect(refused(Buffer.from([0xfe, 0x00, 0x41]))).toBe('w is binary data, not a kernel config');
    expect(decodeConfigBytes(Buffer.from([0xff, 0x41, 0x0a]), 'w')).toBe('\ufffdA\n');
    // Half a mark in the second byte is no mark either.
    expect(decodeConfigBytes(Buffer.from([0x41, 0xfe, 0x0a]), 'w')).toBe('A\ufffd\n');
    expect(decodeConfigBytes(Buffer.from([0x41, 0xff, 0x0a]), 'w')).toBe('A\ufffd\n');
  });
  it('without a mark: ASCII with every other byte zero, in either order, from 8 bytes on', () => {
    expect(refused(utf16('CONFIG_KVM=y\n', true))).toMatch(/^w is UTF-16 text/);
    expect(refused(utf16('CONFIG_KVM=y\n', false))).toMatch(/^w is UTF-16 text/);
    expect(refused(utf16('CONF', true))).toMatch(/^w is UTF-16 text/); // 8 bytes
    expect(refused(utf16('CON', true))).toBe('w is binary data, not a kernel config'); // 6 bytes: too few to tell
    // Zeros on both sides, or not on every other byte: binary data.
    expect(refused(Buffer.from([0x41, 0, 0, 0x41, 0x41, 0, 0x41, 0, 0x41, 0]))).toBe('w is binary data, not a kernel config');
    expect(refused(Buffer.from([0x41, 0, 0x41, 0x41, 0x41, 0, 0x41, 0, 0x41, 0]))).toBe('w is binary data, not a kernel config');
    // All zeros are not text of any kind.
    expect(refused(Buffer.alloc(16))).toBe('w is binary data, not a kernel config');
    expect(refused(Buffer.alloc(17))).toBe('w is binary data, not a kernel config');
    // Only the first 64 bytes are judged: a long UTF-16 file with a stray byte later is still UTF-16.
    expect(refused(Buffer.concat([utf16('#'.repeat(40), true), Buffer.from([1, 1, 1])]))).toMatch(/^w is UTF-16 text/);
    // An odd sample length: the half is rounded down.
    expect(refused(Buffer.concat([utf16('CONFIG_K', true), Buffer.from([0x41])]))).toMatch(/^w is UTF-16 text/);
  });
  it('gzip data that holds nothing is refused as empty', () => {
    expect(userError(() => decodeConfigBytes(gzipSync(Buffer.alloc(0)), 'z.gz'))).toBe('z.gz: the gzip data is empty, not a kernel config');
  });
});

describe('readConfigStream', () => {
  it('joins string and byte chunks', async () => {
    const text = (await readConfigStream(Readable.from(['CONFIG_A=y\n', Buffer.from('CONFIG_B=m\n')], { objectMode: true }), 'stdin')).toString('utf8');
    expect(text).toBe('CONFIG_A=y\nCONFIG_B=m\n');
  });
  it('takes exactly the cap, and refuses one byte more', async () => {
    const piece = Buffer.alloc(MAX_CONFIG_BYTES / 4, 0x23);
    expect((await readConfigStream(Readable.from([piece, piece, piece, piece]), 'stdin')).length).toBe(MAX_CONFIG_BYTES);
    await expect(readConfigStream(Readable.from([piece, piece, piece, piece, Buffer.from('x')]), 'stdin')).rejects.toThrow(`stdin: more than ${MAX_CONFIG_BYTES} bytes is too large for a kernel config`);
  });
});

describe('parseKconfig: line ends and the header', () => {
  it('reads values and "is not set" lines with CRLF ends, in one pass or on demand', () => {
    const text = '# Linux/x86 6.1.0 Kernel Configuration\r\nCONFIG_KVM=m\r\n# CONFIG_VFIO is not set\r\nCONFIG_LAST=y';
    for (const expected of [['KVM', 'VFIO', 'LAST'], []]) {
      const config = parseKconfig(text, expected);
      expect(config.header).toEqual({ archWord: 'x86', version: '6.1.0', line: '# Linux/x86 6.1.0 Kernel Configuration' });
      expect(config.values.get('KVM')).toBe('m');
      expect(config.values.get('VFIO')).toBe('n');
      expect(config.values.get('LAST')).toBe('y');
    }
  });
  it('"is not set" must be the whole line; a CR at the very end counts as its end', () => {
    for (const expected of [['A'], []]) {
      expect(parseKconfig('# CONFIG_A is not set really\n', expected).values.get('A')).toBeUndefined();
      expect(parseKconfig('# CONFIG_A is not set\r', expected).values.get('A')).toBe('n');
      expect(parseKconfig('# CONFIG_A is not setX\n', expected).values.get('A')).toBeUndefined();
      expect(parseKconfig('CONFIG_A="x\ry"\r\n', expected).values.get('A')).toBe('"x\ry"');
      expect(parseKconfig('# CONFIG_A is not set\rX\n', expected).values.get('A')).toBeUndefined();
      expect(parseKconfig('CONFIG_A=y\n# CONFIG_A is not set\r\n', expected).values.get('A')).toBe('n');
      expect(parseKconfig('# CONFIG_A is not set\r\r\n', expected).values.get('A')).toBeUndefined();
    }
  });
  it('a lone CR does not start a line, as Kconfig reads lines', () => {
    for (const expected of [['A', 'B'], []]) {
      const config = parseKconfig('X\rCONFIG_A=y\nY\r# CONFIG_B is not set\n', expected);
      expect([config.values.get('A'), config.values.get('B')]).toEqual([undefined, undefined]);
      expect(config.hasSymbols).toBe(false);
    }
  });
  it('line numbers count the lines before the entry', () => {
    const config = parseKconfig('# c\n\nCONFIG_A=y\nCONFIG_B=yes\n', ['B']);
    expect(config.values.entry!('B')?.line).toBe(4);
    expect(parseKconfig('CONFIG_B=yes\n').values.entry!('B')?.line).toBe(1);
    expect(parseKconfig('\n\nCONFIG_B=yes').values.entry!('B')?.line).toBe(3);
  });
  it('finds the header within the first 32 lines only, passing over CONFIG_ lines', () => {
    const header = '# Linux/arm64 6.6.0 Kernel Configuration';
    const at = (line: number) => `${Array.from({ length: line - 1 }, (_, i) => (i % 2 ? '#' : 'CONFIG_X=y')).join('\n')}\n${header}\n`;
    expect(parseKconfig(at(32)).header.version).toBe('6.6.0');
    expect(parseKconfig(at(33)).header.version).toBeNull();
    expect(parseKconfig(header).header.archWord).toBe('arm64');
    expect(parseKconfig('CONFIG_# Linux kernel version: 2.6.18\n').header.version).toBeNull();
    expect(parseKconfig('#\n# Linux kernel version: 2.6.18\r\n').header).toEqual({ archWord: null, version: '2.6.18', line: '# Linux kernel version: 2.6.18' });
  });
});

describe('archOfConfig', () => {
  const arch = (text: string) => archOfConfig(parseKconfig(text));
  it('the header names it, except Linux/x86, which the symbols decide', () => {
    expect(arch('# Linux/powerpc 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\n')).toEqual({ arch: 'powerpc', from: 'the header (Linux/powerpc)' });
    expect(arch('# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\n')).toEqual({ arch: 'x86_64', from: 'CONFIG_X86_64=y' });
    expect(arch('# Linux/pdp11 6.1.0 Kernel Configuration\nCONFIG_ARM64=y\n')).toEqual({ arch: 'arm64', from: 'CONFIG_ARM64=y' });
  });
  it('a symbol counts only when set to y', () => {
    expect(arch('CONFIG_X86_64=m\nCONFIG_S390=y\n')).toEqual({ arch: 's390x', from: 'CONFIG_S390=y' });
    expect(arch('# CONFIG_X86_64 is not set\n')).toBeNull();
  });
  it('X86 alone is i386; the x86 header with 64BIT decides; otherwise nothing', () => {
    expect(arch('CONFIG_X86=y\n')).toEqual({ arch: 'i386', from: 'CONFIG_X86=y without CONFIG_X86_64' });
    expect(arch('# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_64BIT=y\n')).toEqual({ arch: 'x86_64', from: 'the header (Linux/x86) and CONFIG_64BIT=y' });
    expect(arch('# Linux/x86 6.1.0 Kernel Configuration\n# CONFIG_64BIT is not set\n')).toEqual({ arch: 'i386', from: 'the header (Linux/x86) and CONFIG_64BIT not set' });
    expect(arch('# Linux/x86 6.1.0 Kernel Configuration\n')).toBeNull();
    expect(arch('# Linux/arm 6.1.0 Kernel Configuration\nCONFIG_64BIT=y\n')).toEqual({ arch: 'arm', from: 'the header (Linux/arm)' });
    expect(arch('CONFIG_64BIT=y\n')).toBeNull();
  });
});

describe('locateRunningConfig', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-locate-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  it('names every place tried, without repeating the reader\'s own prefix', () => {
    mkdirSync(join(scratch, 'proc/sys/kernel'), { recursive: true });
    writeFileSync(join(scratch, 'proc/sys/kernel/osrelease'), '6.1.0-9-amd64\n');
    expect(userError(() => locateRunningConfig(scratch))).toBe(
      `no kernel config found for the running kernel (not found: ${join(scratch, 'proc/config.gz')}, not found: ${join(scratch, 'boot/config-6.1.0-9-amd64')}, not found: ${join(scratch, 'lib/modules/6.1.0-9-amd64/config')}, not found: ${join(scratch, 'usr/lib/modules/6.1.0-9-amd64/config')}); give the config file as an argument`,
    );
    mkdirSync(join(scratch, 'boot'));
    writeFileSync(join(scratch, 'boot/config-6.1.0-9-amd64'), 'CONFIG_KVM=y\n');
    expect(locateRunningConfig(scratch).path).toBe(join(scratch, 'boot/config-6.1.0-9-amd64'));
  });
});
