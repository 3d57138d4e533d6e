/** The architectures the knowledge base speaks of, and the names people and tools use for them. */
export const ARCHES = [
  'x86_64',
  'i386',
  'arm64',
  'arm',
  'powerpc',
  's390x',
  'mips',
  'riscv64',
  'loongarch64',
  'ia64',
] as const;

export type Arch = (typeof ARCHES)[number];

// A Map, not an object: a name such as "constructor" must find nothing.
const ALIASES = new Map<string, Arch>(Object.entries({
  x86_64: 'x86_64',
  amd64: 'x86_64',
  x64: 'x86_64',
  'x86-64': 'x86_64',
  i386: 'i386',
  i486: 'i386',
  i586: 'i386',
  i686: 'i386',
  x86: 'i386',
  ia32: 'i386',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm: 'arm',
  armhf: 'arm',
  armel: 'arm',
  armv6l: 'arm',
  armv7l: 'arm',
  armv7: 'arm',
  armv8l: 'arm',
  powerpc: 'powerpc',
  ppc: 'powerpc',
  ppc64: 'powerpc',
  ppc64le: 'powerpc',
  ppc64el: 'powerpc',
  powerpc64: 'powerpc',
  powerpc64le: 'powerpc',
  s390x: 's390x',
  s390: 's390x',
  mips: 'mips',
  mipsel: 'mips',
  mips64: 'mips',
  mips64el: 'mips',
  riscv64: 'riscv64',
  riscv: 'riscv64',
  rv64: 'riscv64',
  loongarch64: 'loongarch64',
  loongarch: 'loongarch64',
  loong64: 'loongarch64',
  ia64: 'ia64',
  itanium: 'ia64',
} satisfies Record<string, Arch>));

/** Maps an architecture name as `uname -m`, Debian, Node or Kconfig spell it to ours; undefined if unknown. */
export function normalizeArch(name: string): Arch | undefined {
  return ALIASES.get(name.trim().toLowerCase());
}

/** The architecture of the machine this runs on, from Node's view of it. */
export function currentArch(): Arch | undefined {
  const byNode = new Map<string, Arch>(Object.entries({
    x64: 'x86_64',
    ia32: 'i386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'powerpc',
    ppc: 'powerpc',
    s390x: 's390x',
    s390: 's390x',
    mips: 'mips',
    mipsel: 'mips',
    riscv64: 'riscv64',
    loong64: 'loongarch64',
  } satisfies Record<string, Arch>));
  return byNode.get(process.arch);
}

