import type { Arch } from '../arch.js';

/** The architecture a version string names, and the part of it that says so. */
export interface ArchHint {
  arch: Arch;
  /** The words that told it: `.aarch64`, `Debian flavour armmp`, `Raspberry Pi v8`. */
  evidence: string;
}

/** RPM-style architecture suffixes (RHEL and its rebuilds, Fedora, Amazon Linux, Photon, SUSE RPMs). */
const RPM_ARCHES: ReadonlyArray<readonly [RegExp, Arch]> = [
  [/\.(x86_64|amd64)(?=$|[.+])/, 'x86_64'],
  [/\.(i[3-6]86|athlon)(?=$|[.+])/, 'i386'],
  [/\.(aarch64)(?=$|[.+])/, 'arm64'],
  [/\.(armv7hl|armv7l|armhfp)(?=$|[.+])/, 'arm'],
  [/\.(ppc64le|ppc64|ppc)(?=$|[.+])/, 'powerpc'],
  [/\.(s390x)(?=$|[.+])/, 's390x'],
  [/\.(riscv64)(?=$|[.+])/, 'riscv64'],
  [/\.(loongarch64)(?=$|[.+])/, 'loongarch64'],
  [/\.(ia64)(?=$|[.+])/, 'ia64'],
];

/** Debian's kernel flavours, at the end of the string (6.1.0-18-armmp, 6.12.38+deb13-cloud-amd64). */
const DEBIAN_FLAVOURS: ReadonlyArray<readonly [RegExp, Arch]> = [
  [/-(?:cloud-|rt-)?(amd64)$/, 'x86_64'],
  [/-(?:rt-)?(686-pae|686|586|486|k7)$/, 'i386'],
  [/-(?:cloud-|rt-)?(arm64(?:-16k)?)$/, 'arm64'],
  [/-(armmp-lpae|armmp|marvell)$/, 'arm'],
  [/-(powerpc64le|powerpc64|powerpc-smp|powerpc)$/, 'powerpc'],
  [/-(s390x)$/, 's390x'],
  [/-(riscv64)$/, 'riscv64'],
  [/-(loong64)$/, 'loongarch64'],
  [/-(mips64r2el|mips64r6el|octeon|loongson-3|4kc-malta|5kc-malta)$/, 'mips'],
];

/** Other flavours that name one architecture. */
const OTHER_FLAVOURS: ReadonlyArray<readonly [RegExp, Arch, string]> = [
  // Raspberry Pi OS: v6/v7/v7l kernels are 32-bit, v8 and 2712 (Pi 5) 64-bit.
  [/-rpi-(v8|2712)$/, 'arm64', 'Raspberry Pi'],
  [/-rpi-(v6|v7l|v7)$/, 'arm', 'Raspberry Pi'],
  [/-(v8)\+$/, 'arm64', 'Raspberry Pi'],
  [/-(v7l?)\+$/, 'arm', 'Raspberry Pi'],
  // Ubuntu's architecture-specific flavours.
  [/-(generic-64k)$/, 'arm64', 'Ubuntu flavour'],
  [/-(generic-lpae)$/, 'arm', 'Ubuntu flavour'],
  // SUSE's.
  [/-(64kb)$/, 'arm64', 'SUSE flavour'],
  [/-(zfcpdump)$/, 's390x', 'SUSE flavour'],
  // RHEL 5's PAE kernel exists for 32-bit x86 only.
  [/\.el5(PAE)$/, 'i386', 'RHEL 5 flavour'],
];

/**
 * The architecture named in a version's suffix (the part after the numbers), if it names one:
 * `.aarch64`, Debian's `-armmp`, Raspberry Pi's `-v8+`. Strings that name none give null.
 */
export function archOfSuffix(local: string | null): ArchHint | null {
  if (local === null) return null;
  for (const [pattern, arch] of RPM_ARCHES) {
    const match = pattern.exec(local);
    if (match) return { arch, evidence: `.${match[1]}` };
  }
  for (const [pattern, arch] of DEBIAN_FLAVOURS) {
    const match = pattern.exec(local);
    if (match) return { arch, evidence: `Debian flavour ${match[1]}` };
  }
  for (const [pattern, arch, who] of OTHER_FLAVOURS) {
    const match = pattern.exec(local);
    if (match) return { arch, evidence: `${who} ${match[1]}` };
  }
  return null;
}
