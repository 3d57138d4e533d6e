import type { Arch } from '../arch.js';

/**
 * What /proc/cpuinfo says about the architecture. 'x86' is an x86 CPU whose kernel word size the
 * file does not show (no flags line to tell a 64-bit CPU from a 32-bit one).
 */
export type ArchHint = Arch | 'x86';

export interface VirtualVerdict {
  /** true: runs under a hypervisor; false: proven bare metal; null: cpuinfo cannot tell. */
  value: boolean | null;
  reason: string;
}

export interface CpuInfo {
  archHint: ArchHint | null;
  vendor: string | null;
  modelName: string | null;
  logicalCpus: number;
  /** x86 flags, or the architecture's feature words (arm/loongarch Features, s390 features, RISC-V extensions). */
  flags: string[];
  /** The x86 `vmx flags` line (Linux 5.8+ on Intel VT-x hosts); empty when absent. */
  vmxFlags: string[];
  virtual: VirtualVerdict;
}

export const CPUINFO_SILENT = 'cpuinfo does not say';
export const X86_FLAG_HIDDEN = 'no hypervisor flag, but some hypervisors hide it';

type Field = readonly [key: string, value: string];

/** Parses the text of /proc/cpuinfo from any architecture Linux runs on; never throws. */
export function parseCpuinfo(text: string): CpuInfo {
  const fields = parseFields(text);
  const first = (key: string): string | null => fields.find(([k]) => k === key)?.[1] ?? null;
  const archHint = guessArch(fields, first);
  const flags = featureWords(first);
  return {
    archHint,
    vendor: first('vendor_id') ?? first('vendor') ?? armImplementer(first('CPU implementer')),
    modelName: modelNameOf(first, archHint),
    logicalCpus: countCpus(fields, first),
    flags,
    vmxFlags: words(first('vmx flags')),
    virtual: judgeVirtual(fields, first, archHint, flags),
  };
}

function parseFields(text: string): Field[] {
  const fields: Field[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

function words(value: string | null, separator: RegExp = /\s+/): string[] {
  return value ? value.split(separator).filter((word) => word !== '') : [];
}

type First = (key: string) => string | null;

function guessArch(fields: Field[], first: First): ArchHint | null {
  const vendorId = first('vendor_id');
  if (vendorId?.startsWith('IBM/S390')) return 's390x';
  if (/\bloongarch64\b/.test(first('ISA') ?? '')) return 'loongarch64';
  const isa = first('isa') ?? '';
  if (/^rv64/i.test(isa)) return 'riscv64';
  if (/^rv/i.test(isa)) return null;
  if (first('arch') === 'IA-64' || /Itanium/.test(first('family') ?? '')) return 'ia64';
  if (vendorId !== null) {
    const flags = first('flags');
    if (flags === null) return 'x86';
    // Only 32-bit x86 kernels print the fdiv_bug/f00f_bug/coma_bug lines, even on a CPU with lm.
    const kernel32 = fields.some(([key]) => key === 'fdiv_bug' || key === 'f00f_bug' || key === 'coma_bug');
    return kernel32 || !words(flags).includes('lm') ? 'i386' : 'x86_64';
  }
  if (first('CPU implementer') !== null || first('CPU architecture') !== null) {
    const features = words(first('Features'));
    const name = `${first('Processor') ?? ''} ${first('model name') ?? ''}`;
    // An arm64 kernel lists AArch64 hwcaps (fp, asimd); a 32-bit view lists vfp/neon/thumb ones.
    const aarch64 = features.includes('asimd') || features.includes('fp') || /aarch64/i.test(name);
    return aarch64 ? 'arm64' : 'arm';
  }
  if (first('cpu') !== null && (first('platform') !== null || /\(pvr /.test(first('revision') ?? ''))) {
    return 'powerpc';
  }
  if (first('cpu model') !== null) return 'mips';
  return null;
}

function featureWords(first: First): string[] {
  const isa = first('isa');
  if (isa !== null && /^rv/i.test(isa)) return riscvExtensions(isa);
  if (first('flags') !== null) return words(first('flags'));
  if (first('Features') !== null) return words(first('Features'));
  if (first('features') !== null) return words(first('features'));
  if (first('cpucaps') !== null) return words(first('cpucaps'), /,/);
  return [];
}

/** `rv64imafdch_zicsr_svinval` => single-letter extensions, then the named ones: i m a f d c h zicsr svinval. */
export function riscvExtensions(isa: string): string[] {
  const [base = '', ...named] = isa.trim().toLowerCase().split('_');
  // A version may follow a letter (i2p1: i, version 2.1); it is not an extension.
  const letters = base.replace(/^rv(32|64|128)/, '').replace(/\d+(?:p\d+)?/g, '');
  return [...letters.split('').filter((letter) => /[a-z]/.test(letter)), ...named.filter((name) => name !== '')];
}

function modelNameOf(first: First, archHint: ArchHint | null): string | null {
  switch (archHint) {
    case 'ia64':
      return first('family');
    case 'riscv64':
      return first('uarch');
    case 'loongarch64':
      return first('Model Name');
    case 'powerpc':
      return first('cpu');
    case 'mips':
      return first('cpu model');
    default:
      return first('model name') ?? first('Processor') ?? first('cpu');
  }
}

function countCpus(fields: Field[], first: First): number {
  const processors = fields.filter(([key]) => key === 'processor').length;
  if (processors > 0) return processors;
  // s390 prints "# processors" and one "processor N: version = ..." line per CPU.
  const s390 = Number.parseInt(first('# processors') ?? '', 10);
  if (Number.isFinite(s390)) return s390;
  const s390Lines = fields.filter(([key]) => /^processor \d+$/.test(key)).length;
  if (s390Lines > 0) return s390Lines;
  const sparc = Number.parseInt(first('ncpus active') ?? '', 10);
  return Number.isFinite(sparc) ? sparc : 0;
}

// A Map: a key read from a file ("constructor") must find nothing.
const ARM_IMPLEMENTERS = new Map<string, string>(Object.entries({
  '0x41': 'ARM',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'Applied Micro',
  '0x51': 'Qualcomm',
  '0x53': 'Samsung',
  '0x56': 'Marvell',
  '0x61': 'Apple',
  '0x69': 'Intel',
  '0x6d': 'Microsoft',
  '0x70': 'Phytium',
  '0xc0': 'Ampere',
}));

function armImplementer(code: string | null): string | null {
  return code === null ? null : (ARM_IMPLEMENTERS.get(code.toLowerCase()) ?? null);
}

/**
 * Model names of QEMU's built-in x86 CPU models (target/i386/cpu.c `model_id`). Real Intel and AMD
 * brand strings carry (R)/(tm) marks and part numbers, so these only appear in QEMU/KVM guests.
 */
const QEMU_MODEL_NAMES: readonly RegExp[] = [
  /^QEMU Virtual CPU\b/,
  /^Common (32-bit )?KVM processor$/,
  /^Intel (Core|Xeon|Atom|Xeon Phi) Processor \(/,
  /^Intel (Core i7 9xx|Core 2 Duo P9xxx|Celeron_4x0|Xeon E312xx|Xeon E3-12xx v2) \(/,
  /^Westmere E56xx\/L56xx\/X56xx \(/,
  /^AMD Opteron (240|22xx|23xx) \(Gen \d Class Opteron\)$/,
  /^AMD Opteron 6[23]xx class CPU$/,
  /^AMD EPYC(-\w+)? Processor( \(with IBPB\))?$/,
  /^Hygon Dhyana Processor$/,
];

export function isQemuCpuModel(modelName: string | null): boolean {
  return modelName !== null && QEMU_MODEL_NAMES.some((pattern) => pattern.test(modelName));
}

/**
 * Firecracker replaces the brand string with "Intel(R) Xeon(R) Processor @ <host GHz>" or "AMD EPYC".
 * Not proof on its own (other clouds normalise brand strings too), so detection pairs it with other signs.
 */
export function isFirecrackerBrandString(modelName: string | null): boolean {
  return modelName !== null && /^(Intel\(R\) Xeon\(R\) Processor( @ [\d.]+[MGT]Hz)?|AMD EPYC)$/.test(modelName);
}

function judgeVirtual(fields: Field[], first: First, archHint: ArchHint | null, flags: string[]): VirtualVerdict {
  switch (archHint) {
    case 'x86_64':
    case 'i386':
    case 'x86':
      return judgeX86(first, flags);
    case 's390x':
      return judgeS390(fields);
    case 'powerpc':
      return judgePower(first);
    default:
      return { value: null, reason: CPUINFO_SILENT };
  }
}

function judgeX86(first: First, flags: string[]): VirtualVerdict {
  const reasons: string[] = [];
  if (flags.includes('hypervisor')) reasons.push('hypervisor flag set');
  const modelName = first('model name');
  if (isQemuCpuModel(modelName)) reasons.push(`model name "${modelName}" is a QEMU virtual CPU model`);
  // Every CPU with PAE also has PSE and PGE; a Xen paravirtualized kernel masks them.
  if (flags.includes('pae') && !flags.includes('pse') && !flags.includes('pge')) {
    reasons.push('pae without pse and pge: flags masked as a Xen paravirtualized guest sees them');
  }
  const cappedLevel = cappedCpuidLevel(first);
  if (cappedLevel !== null) reasons.push(cappedLevel);
  if (reasons.length > 0) return { value: true, reason: reasons.join('; ') };
  return { value: null, reason: flags.length > 0 ? X86_FLAG_HIDDEN : CPUINFO_SILENT };
}

/**
 * Intel family 6 CPUs from Core 2 (model 15) on report a maximum CPUID leaf of at least 10; the
 * firmware "limit CPUID" option lowers it to 2 or 3. Anything from 4 to 9 was set by a hypervisor.
 */
function cappedCpuidLevel(first: First): string | null {
  if (first('vendor_id') !== 'GenuineIntel' || first('cpu family') !== '6') return null;
  const model = Number.parseInt(first('model') ?? '', 10);
  const level = Number.parseInt(first('cpuid level') ?? '', 10);
  if (!(model >= 15) || !(level >= 4 && level <= 9)) return null;
  return `cpuid level ${level} on an Intel family 6 model ${model} CPU, which reports 10 or more on hardware: a hypervisor capped it`;
}

function judgeS390(fields: Field[]): VirtualVerdict {
  const versions = fields
    .map(([key, value]) => {
      if (/^processor \d+$/.test(key)) return /\bversion = ([0-9A-F]{2})\b/i.exec(value)?.[1];
      return key === 'version' ? /^([0-9A-F]{2})$/i.exec(value)?.[1] : undefined;
    })
    .filter((version): version is string => version !== undefined)
    .map((version) => version.toUpperCase());
  if (versions.length === 0) return { value: null, reason: CPUINFO_SILENT };
  // z/VM and KVM both present their virtual CPUs with version code FF.
  if (versions.includes('FF')) return { value: true, reason: 'CPU version FF: a z/VM or KVM guest' };
  return {
    value: true,
    reason: `CPU version ${versions[0]}: a logical partition (LPAR) under PR/SM, not a z/VM or KVM guest`,
  };
}

function judgePower(first: First): VirtualVerdict {
  const platform = first('platform');
  const machine = first('machine') ?? '';
  if (/qemu/i.test(machine)) return { value: true, reason: `machine "${machine}": emulated by QEMU` };
  if (platform === 'PowerNV') return { value: false, reason: 'platform PowerNV: runs on the bare machine (OPAL firmware)' };
  if (platform === 'pSeries') {
    return { value: true, reason: `platform pSeries${machine ? ` (${machine})` : ''}: a logical partition or guest under PowerVM or KVM` };
  }
  return { value: null, reason: CPUINFO_SILENT };
}
