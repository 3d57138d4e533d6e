import { normalizeArch, type Arch } from '../arch.js';
import { tristateOf, type ParsedConfig } from './parse.js';

/** The architecture a config was made for, and what told it. */
export interface ConfigArch {
  arch: Arch;
  /** e.g. 'the header (Linux/arm64)', 'CONFIG_X86_64=y'. */
  from: string;
}

const isSet = (config: ParsedConfig, symbol: string) => {
  const value = config.values.get(symbol);
  return value !== undefined && tristateOf(value) === 'y';
};

// The symbol each architecture's Kconfig defines as `def_bool y`, in an order where no earlier one
// can be set by a later architecture's config.
const ARCH_SYMBOLS: Array<[string, Arch]> = [
  ['X86_64', 'x86_64'],
  ['X86_32', 'i386'],
  ['ARM64', 'arm64'],
  ['ARM', 'arm'],
  ['PPC', 'powerpc'],
  ['S390', 's390x'],
  ['MIPS', 'mips'],
  ['RISCV', 'riscv64'],
  ['LOONGARCH', 'loongarch64'],
  ['IA64', 'ia64'],
];

/** Every symbol archOfConfig may ask for, to read them in one pass. */
export const ARCH_SYMBOL_NAMES: readonly string[] = [...ARCH_SYMBOLS.map(([symbol]) => symbol), 'X86', '64BIT'];

/**
 * Tells the architecture from the header's `Linux/<arch>` word, or else from the symbols every
 * architecture sets. `Linux/x86` covers both 32- and 64-bit builds, so CONFIG_X86_64 decides it.
 */
export function archOfConfig(config: ParsedConfig): ConfigArch | null {
  const word = config.header.archWord;
  if (word !== null && word !== 'x86') {
    const arch = normalizeArch(word);
    if (arch) return { arch, from: `the header (Linux/${word})` };
  }
  for (const [symbol, arch] of ARCH_SYMBOLS) {
    if (isSet(config, symbol)) return { arch, from: `CONFIG_${symbol}=${config.values.get(symbol)}` };
  }
  // Old i386 configs set X86 and X86_32; some hand-made ones set only X86.
  if (isSet(config, 'X86')) return { arch: 'i386', from: 'CONFIG_X86=y without CONFIG_X86_64' };
  if (word === 'x86') {
    // On x86, 64BIT is the question `make` asks to choose between the two.
    const raw = config.values.get('64BIT');
    const bits = raw === undefined ? undefined : tristateOf(raw);
    if (bits === 'y') return { arch: 'x86_64', from: 'the header (Linux/x86) and CONFIG_64BIT=y' };
    if (bits === 'n') return { arch: 'i386', from: 'the header (Linux/x86) and CONFIG_64BIT not set' };
  }
  return null;
}
