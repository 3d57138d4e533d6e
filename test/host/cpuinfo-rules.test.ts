import { describe, expect, it } from 'vitest';
import { CPUINFO_SILENT, isFirecrackerBrandString, isQemuCpuModel, parseCpuinfo, riscvExtensions, X86_FLAG_HIDDEN } from '../../src/host/cpuinfo.js';

/**
 * Each rule of the cpuinfo reader on the smallest text that exercises it (the captures in
 * cpuinfo.test.ts show the rules on real machines; these pin each branch and boundary).
 */
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('architecture from the fields each kernel prints', () => {
  it.each([
    ['s390x', text('vendor_id       : IBM/S390', '# processors    : 1')],
    ['loongarch64', text('system type : generic-loongson-machine', 'ISA : loongarch32 loongarch64')],
    ['riscv64', text('processor : 0', 'isa : rv64imafdc_zicsr')],
    ['riscv64', text('isa : RV64IMAC')],
    [null, text('isa : rv32imac')],
    [null, text('isa : unknown-rv64')],
    ['ia64', text('arch : IA-64', 'family : 32')],
    ['ia64', text('family : Itanium 2')],
    ['x86', text('vendor_id : GenuineIntel', 'model name : Intel(R) Pentium(R) M')],
    ['x86_64', text('vendor_id : AuthenticAMD', 'flags : fpu vme lm svm')],
    ['i386', text('vendor_id : AuthenticAMD', 'flags : fpu vme svm')],
    ['i386', text('vendor_id : GenuineIntel', 'fdiv_bug : no', 'flags : fpu lm vmx')],
    ['i386', text('vendor_id : GenuineIntel', 'f00f_bug : no', 'flags : fpu lm vmx')],
    ['i386', text('vendor_id : GenuineIntel', 'coma_bug : no', 'flags : fpu lm vmx')],
    ['arm64', text('CPU implementer : 0x41', 'Features : fp evtstrm')],
    ['arm64', text('CPU implementer : 0x41', 'Features : asimd evtstrm')],
    ['arm64', text('CPU architecture : 8', 'Processor : AArch64 Processor rev 4 (aarch64)')],
    ['arm64', text('CPU architecture : 8', 'model name : ARMv8 Processor (AArch64)')],
    ['arm', text('CPU architecture : 7', 'Features : half thumb fastmult vfp edsp neon vfpv3', 'model name : ARMv7 Processor rev 4 (v7l)')],
    ['arm', text('CPU implementer : 0x41')],
    ['powerpc', text('cpu : POWER9 (raw), altivec supported', 'platform : PowerNV')],
    ['powerpc', text('cpu : POWER8', 'revision : 2.1 (pvr 004b 0201)')],
    [null, text('cpu : POWER8', 'revision : 2.1')],
    [null, text('platform : PowerNV', 'revision : 2.1 (pvr 004e 1202)')],
    ['mips', text('system type : MT7621', 'cpu model : MIPS 1004Kc V2.15')],
    [null, text('foo : bar')],
  ])('%s from %j', (arch, cpuinfo) => {
    expect(parseCpuinfo(cpuinfo).archHint).toBe(arch);
  });
});

describe('model name, vendor, feature words and CPU count', () => {
  it('takes the model name from the field each architecture uses', () => {
    expect(parseCpuinfo(text('arch : IA-64', 'family : Itanium 2', 'model name : x')).modelName).toBe('Itanium 2');
    expect(parseCpuinfo(text('isa : rv64imac', 'uarch : sifive,u74-mc', 'model name : x')).modelName).toBe('sifive,u74-mc');
    expect(parseCpuinfo(text('ISA : loongarch64', 'Model Name : Loongson-3A5000', 'model name : x')).modelName).toBe('Loongson-3A5000');
    expect(parseCpuinfo(text('cpu : POWER9', 'platform : pSeries', 'model name : x')).modelName).toBe('POWER9');
    expect(parseCpuinfo(text('cpu model : MIPS 24Kc V7.4', 'model name : x')).modelName).toBe('MIPS 24Kc V7.4');
    expect(parseCpuinfo(text('Processor : ARMv6-compatible processor rev 7 (v6l)', 'CPU implementer : 0x41')).modelName).toBe('ARMv6-compatible processor rev 7 (v6l)');
    expect(parseCpuinfo(text('cpu : TI UltraSparc IIi')).modelName).toBe('TI UltraSparc IIi');
  });
  it('names Arm implementers, in any case, and nothing for an unknown code', () => {
    expect(parseCpuinfo(text('CPU implementer : 0xC0')).vendor).toBe('Ampere');
    expect(parseCpuinfo(text('CPU implementer : 0x48')).vendor).toBe('HiSilicon');
    expect(parseCpuinfo(text('CPU implementer : 0x99')).vendor).toBeNull();
    expect(parseCpuinfo(text('vendor : IBM', 'cpu : POWER9')).vendor).toBe('IBM');
  });
  it('reads the feature words each architecture prints, in that order of preference', () => {
    expect(parseCpuinfo(text('isa : rv64imafdc_zicsr_zifencei', 'flags : x')).flags).toEqual(['i', 'm', 'a', 'f', 'd', 'c', 'zicsr', 'zifencei']);
    expect(parseCpuinfo(text('vendor_id : GenuineIntel', 'flags :   fpu  vme   de  ', 'Features : x')).flags).toEqual(['fpu', 'vme', 'de']);
    expect(parseCpuinfo(text('CPU implementer : 0x41', 'Features : fp asimd', 'features : x')).flags).toEqual(['fp', 'asimd']);
    expect(parseCpuinfo(text('vendor_id : IBM/S390', 'features : esan3 zarch sie', 'cpucaps : x')).flags).toEqual(['esan3', 'zarch', 'sie']);
    expect(parseCpuinfo(text('cpu : UltraSparc T2', 'cpucaps : flush,stbar,swap,muldiv')).flags).toEqual(['flush', 'stbar', 'swap', 'muldiv']);
    expect(parseCpuinfo(text('cpu : something')).flags).toEqual([]);
    expect(parseCpuinfo(text('vendor_id : GenuineIntel', 'flags : fpu', 'vmx flags :  vnmi  preemption_timer ')).vmxFlags).toEqual(['vnmi', 'preemption_timer']);
  });
  it('splits RISC-V ISA strings into single-letter and named extensions', () => {
    expect(riscvExtensions(' RV64IMA_Zicsr__Svinval ')).toEqual(['i', 'm', 'a', 'zicsr', 'svinval']);
    expect(riscvExtensions('rv32i2p1m2a_zicsr2p0')).toEqual(['i', 'm', 'a', 'zicsr2p0']);
    expect(riscvExtensions('rv128gc')).toEqual(['g', 'c']);
  });
  it('a line is "key : value": the value may hold colons; a line starting with a colon has no key', () => {
    const info = parseCpuinfo(text(': junk', 'vendor_id : GenuineIntel', 'model name : Weird: CPU', 'flags : lm'));
    expect(info.modelName).toBe('Weird: CPU');
    expect(info.archHint).toBe('x86_64');
    expect(parseCpuinfo(text(':processor')).logicalCpus).toBe(0);
  });
  it('counts CPUs from processor lines, s390 "# processors" or "processor N" lines, or sparc "ncpus active"', () => {
    expect(parseCpuinfo(text('processor : 0', 'processor : 1', 'processor : 2')).logicalCpus).toBe(3);
    expect(parseCpuinfo(text('vendor_id : IBM/S390', '# processors : 4', 'processor 0: version = FF')).logicalCpus).toBe(4);
    expect(parseCpuinfo(text('vendor_id : IBM/S390', 'processor 0: version = FF', 'processor 1: version = FF', 'processor 12: version = FF', 'processor x: y')).logicalCpus).toBe(3);
    expect(parseCpuinfo(text('cpu : UltraSparc T2', 'ncpus probed : 64', 'ncpus active : 8')).logicalCpus).toBe(8);
    expect(parseCpuinfo(text('cpu : something')).logicalCpus).toBe(0);
  });
});

describe('whether cpuinfo shows a virtual machine', () => {
  const virtual = (...lines: string[]) => parseCpuinfo(text(...lines)).virtual;
  it('x86: the hypervisor flag, a QEMU model name, Xen PV masking and a capped CPUID level, each with its reason', () => {
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu lm hypervisor')).toEqual({ value: true, reason: 'hypervisor flag set' });
    expect(virtual('vendor_id : GenuineIntel', 'model name : QEMU Virtual CPU version 2.5+', 'flags : fpu lm')).toEqual({
      value: true,
      reason: 'model name "QEMU Virtual CPU version 2.5+" is a QEMU virtual CPU model',
    });
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu pae lm')).toEqual({ value: true, reason: 'pae without pse and pge: flags masked as a Xen paravirtualized guest sees them' });
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu pae pse lm').value).toBeNull();
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu pae pge lm').value).toBeNull();
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu pse pge lm').value).toBeNull();
    expect(virtual('vendor_id : GenuineIntel', 'model name : Common KVM processor', 'flags : fpu pae lm hypervisor')).toEqual({
      value: true,
      reason: 'hypervisor flag set; model name "Common KVM processor" is a QEMU virtual CPU model; pae without pse and pge: flags masked as a Xen paravirtualized guest sees them',
    });
    expect(virtual('vendor_id : GenuineIntel', 'flags : fpu pse pge lm')).toEqual({ value: null, reason: X86_FLAG_HIDDEN });
    expect(virtual('vendor_id : GenuineIntel')).toEqual({ value: null, reason: CPUINFO_SILENT });
    // No flags line (an x86 CPU of unknown word size): the model name still tells.
    expect(virtual('vendor_id : GenuineIntel', 'model name : QEMU Virtual CPU version 2.5+')).toEqual({ value: true, reason: 'model name "QEMU Virtual CPU version 2.5+" is a QEMU virtual CPU model' });
  });
  it.each([
    ['6', '15', '4', true],
    ['6', '85', '9', true],
    ['6', '85', '10', false],
    ['6', '85', '3', false],
    ['6', '14', '5', false],
    ['15', '85', '5', false],
  ])('x86: Intel family %s model %s with cpuid level %s is capped by a hypervisor: %s', (family, model, level, capped) => {
    const verdict = virtual('vendor_id : GenuineIntel', `cpu family : ${family}`, `model : ${model}`, `cpuid level : ${level}`, 'flags : fpu pse pge lm');
    expect(verdict).toEqual(
      capped
        ? { value: true, reason: `cpuid level ${level} on an Intel family 6 model ${model} CPU, which reports 10 or more on hardware: a hypervisor capped it` }
        : { value: null, reason: X86_FLAG_HIDDEN },
    );
  });
  it('x86: a capped level on AMD says nothing', () => {
    expect(virtual('vendor_id : AuthenticAMD', 'cpu family : 6', 'model : 85', 'cpuid level : 5', 'flags : fpu pse pge lm').value).toBeNull();
  });
  it('s390: version FF is a z/VM or KVM guest, another version an LPAR; no version, no answer', () => {
    expect(virtual('vendor_id : IBM/S390', 'processor 0: version = 00,  identification = 123, machine = 2964', 'processor 1: version = ff,  identification = 123, machine = 2964')).toEqual({
      value: true,
      reason: 'CPU version FF: a z/VM or KVM guest',
    });
    expect(virtual('vendor_id : IBM/S390', 'processor 0: version = 00,  identification = 123, machine = 2964')).toEqual({
      value: true,
      reason: 'CPU version 00: a logical partition (LPAR) under PR/SM, not a z/VM or KVM guest',
    });
    // Newer kernels print a "version" field per CPU block.
    expect(virtual('vendor_id : IBM/S390', 'cpu number : 0', 'version : FF')).toEqual({ value: true, reason: 'CPU version FF: a z/VM or KVM guest' });
    // Only exactly two hex digits are a version; other fields with such values are not.
    expect(virtual('vendor_id : IBM/S390', 'version : 0FF', 'bogomips per cpu: 30', 'processor 0: identification = 123')).toEqual({ value: null, reason: CPUINFO_SILENT });
    expect(virtual('vendor_id : IBM/S390', 'version : zz')).toEqual({ value: null, reason: CPUINFO_SILENT });
    expect(virtual('vendor_id : IBM/S390', 'processor 0: version = 0FF')).toEqual({ value: null, reason: CPUINFO_SILENT });
  });
  it('POWER: QEMU machines, PowerNV bare metal, pSeries partitions', () => {
    expect(virtual('cpu : POWER9', 'platform : pSeries', 'machine : CHRP IBM pSeries (emulated by qemu)')).toEqual({ value: true, reason: 'machine "CHRP IBM pSeries (emulated by qemu)": emulated by QEMU' });
    expect(virtual('cpu : POWER9', 'platform : PowerNV', 'machine : PowerNV 9006-22P')).toEqual({ value: false, reason: 'platform PowerNV: runs on the bare machine (OPAL firmware)' });
    expect(virtual('cpu : POWER9', 'platform : pSeries', 'machine : CHRP IBM,9009-42A')).toEqual({ value: true, reason: 'platform pSeries (CHRP IBM,9009-42A): a logical partition or guest under PowerVM or KVM' });
    expect(virtual('cpu : POWER9', 'platform : pSeries')).toEqual({ value: true, reason: 'platform pSeries: a logical partition or guest under PowerVM or KVM' });
    expect(virtual('cpu : e500', 'platform : P2020 RDB', 'revision : 1.0 (pvr 8021 1050)')).toEqual({ value: null, reason: CPUINFO_SILENT });
  });
  it('other architectures: cpuinfo does not say', () => {
    expect(virtual('CPU implementer : 0x41', 'Features : fp asimd hypervisor')).toEqual({ value: null, reason: CPUINFO_SILENT });
    expect(virtual('cpu model : MIPS 24Kc')).toEqual({ value: null, reason: CPUINFO_SILENT });
  });
});

describe('CPU model names that only virtual machines show', () => {
  it.each([
    ['QEMU Virtual CPU version 2.5+', true],
    ['Common 32-bit KVM processor', true],
    ['Intel Xeon Processor (Cascadelake)', true],
    ['Intel Core i7 9xx (Nehalem Class Core i7)', true],
    ['Westmere E56xx/L56xx/X56xx (Nehalem-C)', true],
    ['AMD Opteron 23xx (Gen 3 Class Opteron)', true],
    ['AMD Opteron 62xx class CPU', true],
    ['AMD EPYC-Rome Processor', true],
    ['AMD EPYC Processor (with IBPB)', true],
    ['Hygon Dhyana Processor', true],
    ['Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz', false],
    ['AMD EPYC 7R13 Processor', false],
    [null, false],
  ])('%j is a QEMU model: %s', (name, qemu) => {
    expect(isQemuCpuModel(name)).toBe(qemu);
  });
  it.each([
    ['Intel(R) Xeon(R) Processor @ 2.50GHz', true],
    ['Intel(R) Xeon(R) Processor', true],
    ['AMD EPYC', true],
    ['AMD EPYC 7R13 Processor', false],
    ['Genuine AMD EPYC', false],
    ['Intel(R) Xeon(R) Processor @ 2.50GHz (x)', false],
    [null, false],
  ])("%j is Firecracker's brand string: %s", (name, firecracker) => {
    expect(isFirecrackerBrandString(name)).toBe(firecracker);
  });
});
