import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { locateRunningConfig } from '../../src/kconfig/locate.js';
import { parseKconfig } from '../../src/kconfig/parse.js';
import { decodeConfigBytes, MAX_CONFIG_BYTES, readConfigFile, readConfigStream } from '../../src/kconfig/read.js';

const fixtures = fileURLToPath(new URL('../fixtures/configs/', import.meta.url));
const roots = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));
const bytes = (name: string) => readFileSync(join(fixtures, name));

/** The UserError message a call throws, or fails the test. */
function userError(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('decodeConfigBytes', () => {
  it('passes plain text through', () => {
    expect(decodeConfigBytes(bytes('legacy-header.config'), 'x')).toBe(readFileSync(join(fixtures, 'legacy-header.config'), 'utf8'));
  });

  it('gunzips /proc/config.gz-style input', () => {
    const text = decodeConfigBytes(bytes('legacy-header.config.gz'), 'x');
    expect(parseKconfig(text).header.version).toBe('2.6.32');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['truncated gzip', 'truncated.config.gz', /^t: truncated gzip data \(unexpected end of file\)$/],
    ['corrupt gzip', 'corrupt.config.gz', /^t: corrupt gzip data/],
    ['xz', 'no-header.config.xz', /^t is xz-compressed; decompress it first \(xz -dc t \| virt-advisor config -\)$/],
    ['an empty file', 'empty.config', /^t is empty, not a kernel config$/],
    ['binary data', 'binary.bin', /^t is binary data, not a kernel config$/],
  ];
  it.each(refused)('refuses %s in one line', (_, name, message) => {
    expect(userError(() => decodeConfigBytes(bytes(name), 't', 't'))).toMatch(message);
  });

  it('quotes a file name for the shell in the decompression hint, so that pasting it is safe', () => {
    const message = userError(() => decodeConfigBytes(bytes('no-header.config.xz'), 'x', "my config's $(rm -rf ~).xz"));
    expect(message).toContain(`(xz -dc 'my config'\\''s $(rm -rf ~).xz' | virt-advisor config -)`);
    expect(userError(() => decodeConfigBytes(bytes('no-header.config.xz'), 'standard input'))).toContain('(xz -dc FILE | virt-advisor config -)');
  });

  it.each([
    ['UTF-16LE with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('CONFIG_KVM=y\n', 'utf16le')])],
    ['UTF-16BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('CONFIG_KVM=y\n', 'utf16le').swap16()])],
    ['UTF-16LE without one', Buffer.from('# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_KVM=y\n', 'utf16le')],
  ])('says %s is UTF-16 and how to convert it', (_name, data) => {
    expect(userError(() => decodeConfigBytes(data, 'w.config', 'w.config'))).toBe(
      'w.config is UTF-16 text, not the UTF-8 a kernel config is; convert it first (iconv -f UTF-16 -t UTF-8 w.config | virt-advisor config -)',
    );
  });

  it('refuses a gzip bomb instead of filling memory', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x41));
    expect(userError(() => decodeConfigBytes(bomb, 'bomb'))).toMatch(/decompresses to more than \d+ bytes/);
  });
});

describe('readConfigFile', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-read-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads a file', () => {
    expect(readConfigFile(join(fixtures, 'crlf.config')).length).toBeGreaterThan(0);
  });

  it('names the file and the reason when it cannot', () => {
    expect(userError(() => readConfigFile(join(scratch, 'nope')))).toBe(`cannot read ${join(scratch, 'nope')}: no such file`);
    expect(userError(() => readConfigFile(fixtures))).toBe(`cannot read ${fixtures}: is a directory, not a kernel config`);
    const file = join(scratch, 'file');
    writeFileSync(file, 'CONFIG_A=y\n');
    expect(userError(() => readConfigFile(join(file, 'below')))).toMatch(/no such file$/);
  });
});

describe('readConfigStream', () => {
  it('collects a stream', async () => {
    const buffer = await readConfigStream(Readable.from([Buffer.from('CONFIG_A=y\n'), Buffer.from('CONFIG_B=m\n')]), 'stdin');
    expect(buffer.toString()).toBe('CONFIG_A=y\nCONFIG_B=m\n');
  });
});

describe('locateRunningConfig', () => {
  it('prefers /proc/config.gz', () => {
    const found = locateRunningConfig(join(roots, 'firecracker-guest'));
    expect(found.path).toBe(join(roots, 'firecracker-guest', 'proc/config.gz'));
    expect(found.tried).toEqual([found.path]);
  });

  it('falls back to /boot/config-<release> for the release in osrelease', () => {
    const root = join(roots, 'kvm-host-nested');
    const found = locateRunningConfig(root);
    expect(found.path).toBe(join(root, 'boot/config-6.1.0-18-amd64'));
    expect(found.tried).toEqual([join(root, 'proc/config.gz'), join(root, 'boot/config-6.1.0-18-amd64')]);
  });

  it('lists every place tried when nothing is found', () => {
    const root = join(roots, 'container');
    const message = userError(() => locateRunningConfig(root));
    for (const place of ['proc/config.gz', 'boot/config-5.15.0-91-generic', 'lib/modules/5.15.0-91-generic/config', 'usr/lib/modules/5.15.0-91-generic/config']) {
      expect(message).toContain(`not found: ${join(root, place)}`);
    }
    expect(message).not.toContain('\n');
  });

  it('says why the release-named places could not be tried', () => {
    const message = userError(() => locateRunningConfig(join(roots, 'nothing-readable')));
    expect(message).toMatch(/could not be tried: kernel release unknown \(not found: .*osrelease\)/);
  });
});
