import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CPUINFO_SILENT,
  X86_FLAG_HIDDEN,
  isFirecrackerBrandString,
  isQemuCpuModel,
  parseCpuinfo,
  riscvExtensions,
  type ArchHint,
} from '../../src/host/cpuinfo.js';

const corpusDir = new URL('../fixtures/corpus/cpuinfo/', import.meta.url);

/** The feature words that matter for virtualization; each expectation lists those the file shows. */
const VIRT_WORDS = ['vmx', 'svm', 'sie', 'lvz', 'h', 'hypervisor'] as const;
type VirtWord = (typeof VIRT_WORDS)[number];

interface Expectation {
  archHint: ArchHint | null;
  vendor: string | null;
  modelName: string | null;
  logicalCpus: number;
  virtWords: VirtWord[];
  vmxFlags: number;
  virtual: boolean | null;
  reason: string | RegExp;
}

const HYPERVISOR_FLAG = 'hypervisor flag set';
const XEN_PV = /^pae without pse and pge: flags masked as a Xen paravirtualized guest/;
const x86Host = (vendor: string, modelName: string, logicalCpus: number, virtWords: VirtWord[]): Expectation => ({
  archHint: 'x86_64',
  vendor,
  modelName,
  logicalCpus,
  virtWords,
  vmxFlags: 0,
  virtual: null,
  reason: X86_FLAG_HIDDEN,
});

const EXPECTED: Record<string, Expectation> = {
  'aarch64-cortex-a510-a710-a715-x3.txt': { archHint: 'arm64', vendor: 'ARM', modelName: null, logicalCpus: 8, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'aarch64-nvidia-gb10-sve.txt': { archHint: 'arm64', vendor: 'ARM', modelName: null, logicalCpus: 20, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'armv7l.txt': { archHint: 'arm', vendor: 'ARM', modelName: 'ARMv7 Processor rev 4 (v7l)', logicalCpus: 2, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'i386-intel-pentium4-no-lm-no-vmx.txt': { archHint: 'i386', vendor: 'GenuineIntel', modelName: 'Intel(R) Pentium(R) 4 CPU 3.40GHz', logicalCpus: 2, virtWords: [], vmxFlags: 0, virtual: null, reason: X86_FLAG_HIDDEN },
  // A 64-bit CPU (lm) under a 32-bit kernel: the fdiv_bug lines tell the kernel apart.
  'i386-kernel-intel-xeon-e5310-vmx-lm.txt': { archHint: 'i386', vendor: 'GenuineIntel', modelName: 'Intel(R) Xeon(R) CPU           E5310  @ 1.60GHz', logicalCpus: 8, virtWords: ['vmx'], vmxFlags: 0, virtual: null, reason: X86_FLAG_HIDDEN },
  'i686-kernel-core2duo-vm-no-lm-no-pae.txt': { archHint: 'i386', vendor: 'GenuineIntel', modelName: 'Intel(R) Core(TM)2 Duo CPU     P8700  @ 2.53GHz', logicalCpus: 1, virtWords: [], vmxFlags: 0, virtual: true, reason: /^cpuid level 5 on an Intel family 6 model 23 CPU/ },
  'ia64-itanium2-hprx1620.txt': { archHint: 'ia64', vendor: 'GenuineIntel', modelName: 'Itanium 2', logicalCpus: 2, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'loongarch64-kvm-guest-3c6000.txt': { archHint: 'loongarch64', vendor: null, modelName: 'Loongson-3A5000', logicalCpus: 32, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'ppc32-powermac-qemu.txt': { archHint: 'powerpc', vendor: null, modelName: '740/750', logicalCpus: 1, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'ppc64-power7.txt': { archHint: 'powerpc', vendor: null, modelName: 'POWER7 (architected), altivec supported', logicalCpus: 16, virtWords: [], vmxFlags: 0, virtual: true, reason: /^platform pSeries \(CHRP IBM,8233-E8B\): a logical partition/ },
  'ppc64le-power9.txt': { archHint: 'powerpc', vendor: null, modelName: 'POWER9, altivec supported', logicalCpus: 176, virtWords: [], vmxFlags: 0, virtual: false, reason: /^platform PowerNV: runs on the bare machine/ },
  'riscv64-visionfive2.txt': { archHint: 'riscv64', vendor: null, modelName: 'sifive,u74-mc', logicalCpus: 4, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  's390x-kvm-guest.txt': { archHint: 's390x', vendor: 'IBM/S390', modelName: null, logicalCpus: 3, virtWords: [], vmxFlags: 0, virtual: true, reason: 'CPU version FF: a z/VM or KVM guest' },
  's390x-lpar-with-sie.txt': { archHint: 's390x', vendor: 'IBM/S390', modelName: null, logicalCpus: 8, virtWords: ['sie'], vmxFlags: 0, virtual: true, reason: /^CPU version 00: a logical partition \(LPAR\)/ },
  's390x-zvm-guest.txt': { archHint: 's390x', vendor: 'IBM/S390', modelName: null, logicalCpus: 4, virtWords: [], vmxFlags: 0, virtual: true, reason: 'CPU version FF: a z/VM or KVM guest' },
  // No "processor" lines at all: the count comes from "ncpus active"; sparc is not an architecture we advise on.
  'sparc64-ultrasparc-ii.txt': { archHint: null, vendor: null, modelName: 'TI UltraSparc II  (BlackBird)', logicalCpus: 6, virtWords: [], vmxFlags: 0, virtual: null, reason: CPUINFO_SILENT },
  'x86_64-amd-epyc7451-svm-host.txt': x86Host('AuthenticAMD', 'AMD EPYC 7451 24-Core Processor', 96, ['svm']),
  'x86_64-amd-opteron2374he-xen-pv-guest.txt': { ...x86Host('AuthenticAMD', 'Quad-Core AMD Opteron(tm) Processor 2374 HE', 4, []), virtual: true, reason: XEN_PV },
  'x86_64-amd-opteron270-no-svm.txt': x86Host('AuthenticAMD', 'Dual Core AMD Opteron(tm) Processor 270', 2, []),
  'x86_64-amd-opteron6328-svm-host.txt': x86Host('AuthenticAMD', 'AMD Opteron(tm) Processor 6328', 16, ['svm']),
  'x86_64-amd-opteron8354-svm-host.txt': x86Host('AuthenticAMD', 'Quad-Core AMD Opteron(tm) Processor 8354', 16, ['svm']),
  'x86_64-amd-opteron865-no-svm.txt': x86Host('AuthenticAMD', 'Dual Core AMD Opteron(tm) Processor 865', 16, []),
  'x86_64-firecracker-guest-no-vmx.txt': { ...x86Host('GenuineIntel', 'Intel(R) Xeon(R) Processor @ 2.50GHz', 2, ['hypervisor']), virtual: true, reason: HYPERVISOR_FLAG },
  'x86_64-intel-core-i5-3317u-virtualbox-guest.txt': { ...x86Host('GenuineIntel', 'Intel(R) Core(TM) i5-3317U CPU @ 1.70GHz', 2, []), virtual: true, reason: /^cpuid level 5 on an Intel family 6 model 58 CPU, which reports 10 or more on hardware/ },
  'x86_64-intel-core-i5-m560-vmx-laptop.txt': x86Host('GenuineIntel', 'Intel(R) Core(TM) i5 CPU       M 560  @ 2.67GHz', 4, ['vmx']),
  'x86_64-intel-core-i7-1165g7-vmx-linux6.2.txt': { ...x86Host('GenuineIntel', '11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz', 8, ['vmx']), vmxFlags: 22 },
  'x86_64-intel-core-i7-8650u-vmx-laptop.txt': x86Host('GenuineIntel', 'Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz', 8, ['vmx']),
  'x86_64-intel-skylake-ibrs-kvm-guest.txt': { ...x86Host('GenuineIntel', 'Intel Core Processor (Skylake, IBRS)', 2, ['hypervisor']), virtual: true, reason: 'hypervisor flag set; model name "Intel Core Processor (Skylake, IBRS)" is a QEMU virtual CPU model' },
  'x86_64-intel-xeon-e5345-vmx-absent.txt': x86Host('GenuineIntel', 'Intel(R) Xeon(R) CPU           E5345  @ 2.33GHz', 8, []),
  'x86_64-intel-xeon-e5530-xen-pv-el5.txt': { ...x86Host('GenuineIntel', 'Intel(R) Xeon(R) CPU           E5530  @ 2.40GHz', 8, []), virtual: true, reason: XEN_PV },
  'x86_64-intel-xeon-e5540-vmx-host.txt': x86Host('GenuineIntel', 'Intel(R) Xeon(R) CPU           E5540  @ 2.53GHz', 16, ['vmx']),
  // A Xen HVM guest whose old kernel shows no hypervisor flag and nothing else that gives it away.
  'x86_64-intel-xeon-l5420-xen-hvm-guest.txt': x86Host('GenuineIntel', 'Intel(R) Xeon(R) CPU           L5420  @ 2.50GHz', 2, []),
  // Named x86_64 in the corpus, but the fdiv_bug lines show a 32-bit kernel on this 64-bit CPU.
  'x86_64-intel-xeon-netburst-lm-no-vmx.txt': { ...x86Host('GenuineIntel', 'Intel(R) Xeon(TM) CPU 3.00GHz', 2, []), archHint: 'i386' },
  'x86_64-qemu-virtual-cpu-guest.txt': { ...x86Host('GenuineIntel', 'QEMU Virtual CPU version 2.5+', 6, ['hypervisor']), virtual: true, reason: 'hypervisor flag set; model name "QEMU Virtual CPU version 2.5+" is a QEMU virtual CPU model' },
};

describe('parseCpuinfo over the corpus', () => {
  it('has an expectation for every file in the corpus directory, and a file for every expectation', () => {
    const files = readdirSync(corpusDir).sort();
    expect(files.length).toBeGreaterThanOrEqual(34);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (file, expected) => {
    const cpu = parseCpuinfo(readFileSync(new URL(file, corpusDir), 'utf8'));
    expect({
      archHint: cpu.archHint,
      vendor: cpu.vendor,
      modelName: cpu.modelName,
      logicalCpus: cpu.logicalCpus,
      virtWords: VIRT_WORDS.filter((word) => cpu.flags.includes(word)),
      vmxFlags: cpu.vmxFlags.length,
      virtual: cpu.virtual.value,
    }).toEqual({
      archHint: expected.archHint,
      vendor: expected.vendor,
      modelName: expected.modelName,
      logicalCpus: expected.logicalCpus,
      virtWords: expected.virtWords,
      vmxFlags: expected.vmxFlags,
      virtual: expected.virtual,
    });
    if (typeof expected.reason === 'string') expect(cpu.virtual.reason).toBe(expected.reason);
    else expect(cpu.virtual.reason).toMatch(expected.reason);
  });

  it('keeps the whole feature lines', () => {
    const read = (file: string) => parseCpuinfo(readFileSync(new URL(file, corpusDir), 'utf8'));
    expect(read('x86_64-intel-core-i7-1165g7-vmx-linux6.2.txt').vmxFlags).toEqual(
      expect.arrayContaining(['ept', 'vpid', 'unrestricted_guest', 'posted_intr']),
    );
    expect(read('x86_64-amd-epyc7451-svm-host.txt').flags).toEqual(expect.arrayContaining(['svm', 'npt', 'lm']));
    expect(read('s390x-lpar-with-sie.txt').flags).toEqual(['esan3', 'zarch', 'stfle', 'msa', 'ldisp', 'eimm', 'dfp', 'edat', 'etf3eh', 'highgprs', 'te', 'vx', 'sie']);
    expect(read('riscv64-visionfive2.txt').flags).toEqual(['i', 'm', 'a', 'f', 'd', 'c', 'zicntr', 'zicsr', 'zifencei', 'zihpm', 'zba', 'zbb']);
    expect(read('loongarch64-kvm-guest-3c6000.txt').flags).toEqual(['cpucfg', 'lam', 'ual', 'fpu', 'lsx', 'lasx', 'crc32', 'lspw', 'lbt_x86', 'lbt_arm', 'lbt_mips']);
    expect(read('aarch64-nvidia-gb10-sve.txt').flags).toEqual(expect.arrayContaining(['fp', 'asimd', 'sve2']));
    expect(read('armv7l.txt').flags).toEqual(expect.arrayContaining(['half', 'thumb', 'neon', 'idiva']));
    expect(read('ia64-itanium2-hprx1620.txt').flags).toEqual(['branchlong']);
    expect(read('sparc64-ultrasparc-ii.txt').flags).toEqual(['flush', 'stbar', 'swap', 'muldiv', 'v9', 'mul32', 'div32', 'v8plus', 'vis']);
    expect(read('ppc64le-power9.txt').flags).toEqual([]);
  });
});

describe('parseCpuinfo on small inputs', () => {
  it('tells nothing from an empty file', () => {
    expect(parseCpuinfo('')).toEqual({
      archHint: null,
      vendor: null,
      modelName: null,
      logicalCpus: 0,
      flags: [],
      vmxFlags: [],
      virtual: { value: null, reason: CPUINFO_SILENT },
    });
  });

  it('reads Windows line endings', () => {
    const cpu = parseCpuinfo('processor\t: 0\r\nvendor_id\t: GenuineIntel\r\nflags\t\t: fpu lm vmx hypervisor\r\n');
    expect(cpu.flags).toEqual(['fpu', 'lm', 'vmx', 'hypervisor']);
    expect(cpu.archHint).toBe('x86_64');
    expect(cpu.virtual.value).toBe(true);
  });

  it("calls an x86 file without a flags line 'x86': the kernel's word size is not shown", () => {
    expect(parseCpuinfo('processor\t: 0\nvendor_id\t: AuthenticAMD\n').archHint).toBe('x86');
  });

  it('finds the RISC-V hypervisor extension among the single letters', () => {
    const cpu = parseCpuinfo('processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdch_zicsr_zifencei_svinval\nmmu\t\t: sv57\n');
    expect(cpu.archHint).toBe('riscv64');
    expect(cpu.flags).toContain('h');
    expect(cpu.flags.slice(0, 7)).toEqual(['i', 'm', 'a', 'f', 'd', 'c', 'h']);
  });

  it.each([
    ['rv64imafdc_zicsr', ['i', 'm', 'a', 'f', 'd', 'c', 'zicsr']],
    ['rv32imac', ['i', 'm', 'a', 'c']],
    ['rv64gch_sstc', ['g', 'c', 'h', 'sstc']],
  ])('splits the RISC-V ISA string %s', (isa, extensions) => {
    expect(riscvExtensions(isa)).toEqual(extensions);
  });

  it('has no architecture we advise on for 32-bit RISC-V', () => {
    expect(parseCpuinfo('processor\t: 0\nisa\t\t: rv32imafdc\n').archHint).toBeNull();
  });

  it('lists the LoongArch lvz feature when the CPU has it', () => {
    const cpu = parseCpuinfo('processor\t\t: 0\nModel Name\t\t: Loongson-3A6000\nISA\t\t\t: loongarch32r loongarch32s loongarch64\nFeatures\t\t: cpucfg lam ual fpu lsx lasx crc32 complex crypto lvz lbt_x86\n');
    expect(cpu.archHint).toBe('loongarch64');
    expect(cpu.flags).toContain('lvz');
  });

  it('takes a pSeries machine emulated by QEMU for a guest', () => {
    const cpu = parseCpuinfo('processor\t: 0\ncpu\t\t: POWER9 (architected), altivec supported\nrevision\t: 2.2 (pvr 004e 1202)\n\ntimebase\t: 512000000\nplatform\t: pSeries\nmodel\t\t: IBM pSeries (emulated by qemu)\nmachine\t\t: CHRP IBM pSeries (emulated by qemu)\n');
    expect(cpu.archHint).toBe('powerpc');
    expect(cpu.virtual).toEqual({ value: true, reason: 'machine "CHRP IBM pSeries (emulated by qemu)": emulated by QEMU' });
  });

  it('reads the s390 per-CPU block format of newer kernels', () => {
    const cpu = parseCpuinfo('vendor_id       : IBM/S390\n# processors    : 2\nfeatures\t: esan3 zarch sie\n\ncpu number      : 0\nversion         : FF\nidentification  : 0123\nmachine         : 3931\n');
    expect(cpu.logicalCpus).toBe(2);
    expect(cpu.flags).toContain('sie');
    expect(cpu.virtual.value).toBe(true);
  });

  it('does not take a BIOS-limited CPUID level for a hypervisor', () => {
    const cpu = parseCpuinfo('processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 23\ncpuid level\t: 2\nflags\t\t: fpu vme pse pae pge lm\n');
    expect(cpu.virtual).toEqual({ value: null, reason: X86_FLAG_HIDDEN });
  });
});

describe('virtual CPU model names', () => {
  it.each([
    'QEMU Virtual CPU version 2.5+',
    'Common KVM processor',
    'Common 32-bit KVM processor',
    'Intel Core Processor (Skylake, IBRS)',
    'Intel Xeon Processor (Cascadelake)',
    'Intel Core i7 9xx (Nehalem Class Core i7)',
    'Westmere E56xx/L56xx/X56xx (Nehalem-C)',
    'Intel Xeon E312xx (Sandy Bridge)',
    'AMD Opteron 23xx (Gen 3 Class Opteron)',
    'AMD EPYC Processor (with IBPB)',
    'AMD EPYC-Rome Processor',
  ])('knows %s as a QEMU model', (name) => {
    expect(isQemuCpuModel(name)).toBe(true);
  });

  it.each([
    'Intel(R) Xeon(R) CPU           E5540  @ 2.53GHz',
    'AMD EPYC 7451 24-Core Processor',
    'Intel(R) Core(TM)2 Duo CPU     P8700  @ 2.53GHz',
    'Intel(R) Xeon(R) Processor @ 2.50GHz',
  ])('does not take the hardware brand %s for a QEMU model', (name) => {
    expect(isQemuCpuModel(name)).toBe(false);
  });

  it.each([
    ['Intel(R) Xeon(R) Processor @ 2.50GHz', true],
    ['Intel(R) Xeon(R) Processor', true],
    ['AMD EPYC', true],
    ['AMD EPYC 7451 24-Core Processor', false],
    ['Intel(R) Xeon(R) CPU @ 2.20GHz', false],
  ] as const)('Firecracker brand string %s: %s', (name, expected) => {
    expect(isFirecrackerBrandString(name)).toBe(expected);
  });
});
