import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { archOfConfig } from '../../src/kconfig/arch.js';
import { looksLikeConfig, parseKconfig, tristateOf } from '../../src/kconfig/parse.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/configs/${name}`, import.meta.url), 'utf8');

describe('parseKconfig', () => {
  it('reads set, module, text and not-set symbols', () => {
    const config = parseKconfig(
      ['CONFIG_A=y', 'CONFIG_B=m', 'CONFIG_C="some text"', 'CONFIG_D=0x10', '# CONFIG_E is not set', 'CONFIG_F=n', ''].join('\n'),
    );
    const read = Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((symbol) => [symbol, config.values.get(symbol)]));
    expect(read).toEqual({ A: 'y', B: 'm', C: '"some text"', D: '0x10', E: 'n', F: 'n', G: undefined });
    expect(config.hasSymbols).toBe(true);
    expect(config.values.entry!('E')).toEqual({ raw: 'n', line: 5 });
  });

  it('finds a symbol only at the start of a line, not inside another value or a longer name', () => {
    const config = parseKconfig('CONFIG_CMDLINE="CONFIG_KVM=y"\nCONFIG_KVM_AMD=y\n# CONFIG_KVM is not settled\n');
    expect(config.values.get('KVM')).toBeUndefined();
    expect(config.values.get('KVM_AMD')).toBe('y');
  });

  it('takes "not set" and "=" lines in file order: the last one wins', () => {
    expect(parseKconfig('CONFIG_KVM=y\n# CONFIG_KVM is not set\n').values.get('KVM')).toBe('n');
    expect(parseKconfig('# CONFIG_KVM is not set\nCONFIG_KVM=m\n').values.entry!('KVM')).toEqual({ raw: 'm', line: 2 });
  });

  it('skips a UTF-8 byte-order mark before the first line', () => {
    const config = parseKconfig('\ufeffCONFIG_KVM=y\n');
    expect(config.values.get('KVM')).toBe('y');
    expect(parseKconfig('\ufeff# Linux/x86 6.1.0 Kernel Configuration\n').header.version).toBe('6.1.0');
  });

  it.each([
    ['y', 'y'],
    ['yes', 'y'],
    ['m', 'm'],
    ['n', 'n'],
    ['no', 'n'],
    ['"y"', 'invalid'],
    ['', 'invalid'],
    [' y', 'invalid'],
    ['Y', 'invalid'],
    ['1', 'invalid'],
  ] as const)('reads the tristate value %j as Kconfig does: %s', (raw, expected) => {
    expect(tristateOf(raw)).toBe(expected);
  });

  it('keeps the last of two lines for one symbol, as Kconfig does', () => {
    expect(parseKconfig('CONFIG_KVM=m\nCONFIG_KVM=y\n').values.get('KVM')).toBe('y');
  });

  it('ignores comments, blank lines and lines that only look like symbols', () => {
    const config = parseKconfig('#\n# Virtualization\n#\n\nCONFIGURE=y\nCONFIG_=y\n# CONFIG_X is not set at all\n  CONFIG_INDENTED=y\n');
    expect(config.hasSymbols).toBe(false);
    for (const symbol of ['URE', '', 'X', 'INDENTED']) expect(config.values.get(symbol)).toBeUndefined();
  });

  it('reads CRLF line endings and a last line without a newline', () => {
    const config = parseKconfig(fixture('crlf.config'));
    expect(config.values.get('VIRTUALIZATION')).toBe('y');
    expect(config.values.get('KVM')).toBe('n');
    expect(config.header).toMatchObject({ archWord: 'x86', version: '6.1.0' });
    expect(parseKconfig('CONFIG_A=y').values.get('A')).toBe('y');
  });

  const headers: Array<[string, string, string | null, string | null]> = [
    ['modern', '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86 6.1.192 Kernel Configuration\n#\n', 'x86', '6.1.192'],
    ['modern with a distribution release', '# Linux/x86_64 5.10.252-285.992.amzn2.x86_64 Kernel Configuration\n', 'x86_64', '5.10.252-285.992.amzn2.x86_64'],
    ['modern arm64', '# Linux/arm64 4.14.174 Kernel Configuration\n', 'arm64', '4.14.174'],
    ['legacy', "#\n# Automatically generated make config: don't edit\n# Linux kernel version: 2.6.30-rc2\n# Mon May 11 16:21:55 2009\n", null, '2.6.30-rc2'],
    ['none', 'CONFIG_A=y\n', null, null],
  ];
  it.each(headers)('reads the %s header', (_, text, archWord, version) => {
    expect(parseKconfig(text).header).toMatchObject({ archWord, version });
  });

  it('looks for the header only in the opening comments', () => {
    const late = `${'CONFIG_A=y\n'.repeat(40)}# Linux/x86 6.1.0 Kernel Configuration\n`;
    expect(parseKconfig(late).header.version).toBeNull();
  });

  it('tells a config from other text', () => {
    expect(looksLikeConfig(parseKconfig(fixture('not-a-config.txt')))).toBe(false);
    expect(looksLikeConfig(parseKconfig(''))).toBe(false);
    expect(looksLikeConfig(parseKconfig('# Linux/x86 6.1.0 Kernel Configuration\n'))).toBe(true);
    expect(looksLikeConfig(parseKconfig(fixture('no-header.config')))).toBe(true);
  });
});

describe('archOfConfig', () => {
  const table: Array<[string, string, string | null]> = [
    ['Linux/x86 with X86_64', '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_64BIT=y\nCONFIG_X86_64=y\n', 'x86_64'],
    ['Linux/x86 with X86_32', '# Linux/x86 6.1.0 Kernel Configuration\n# CONFIG_64BIT is not set\nCONFIG_X86_32=y\nCONFIG_X86=y\n', 'i386'],
    ['Linux/x86 with only 64BIT', '# Linux/x86 6.18.44 Kernel Configuration\nCONFIG_64BIT=y\nCONFIG_KVM=y\n', 'x86_64'],
    ['Linux/x86 with 64BIT not set', '# Linux/x86 6.1.0 Kernel Configuration\n# CONFIG_64BIT is not set\n', 'i386'],
    ['Linux/x86 alone', '# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_KVM=y\n', null],
    ['Linux/x86_64 header', '# Linux/x86_64 5.10.0 Kernel Configuration\n', 'x86_64'],
    ['Linux/arm64 header', '# Linux/arm64 6.1.0 Kernel Configuration\n', 'arm64'],
    ['Linux/s390 header', '# Linux/s390 6.1.0 Kernel Configuration\n', 's390x'],
    ['Linux/riscv header', '# Linux/riscv 6.1.0 Kernel Configuration\n', 'riscv64'],
    ['X86 without X86_64, no header', 'CONFIG_X86=y\n', 'i386'],
    ['ARM64 symbol', 'CONFIG_ARM64=y\n', 'arm64'],
    ['ARM symbol', 'CONFIG_ARM=y\n', 'arm'],
    ['PPC symbol', 'CONFIG_PPC=y\nCONFIG_PPC64=y\n', 'powerpc'],
    ['S390 symbol', 'CONFIG_S390=y\n', 's390x'],
    ['MIPS symbol', 'CONFIG_MIPS=y\n', 'mips'],
    ['RISCV symbol', 'CONFIG_RISCV=y\n', 'riscv64'],
    ['LOONGARCH symbol', 'CONFIG_LOONGARCH=y\n', 'loongarch64'],
    ['IA64 symbol', 'CONFIG_IA64=y\n', 'ia64'],
    ['an unknown header and no symbols', '# Linux/sparc64 6.1.0 Kernel Configuration\n', null],
    ['nothing at all', 'CONFIG_KVM=y\n', null],
  ];
  it.each(table)('%s', (_, text, expected) => {
    expect(archOfConfig(parseKconfig(text))?.arch ?? null).toBe(expected);
  });

  it('says what told it', () => {
    expect(archOfConfig(parseKconfig('# Linux/arm64 6.1.0 Kernel Configuration\n'))?.from).toBe('the header (Linux/arm64)');
    expect(archOfConfig(parseKconfig('# Linux/x86 6.1.0 Kernel Configuration\nCONFIG_X86_64=y\n'))?.from).toBe('CONFIG_X86_64=y');
  });
});
