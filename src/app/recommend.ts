import { statSync } from 'node:fs';
import { readUserFile } from '../read-file.js';
import { currentArch, normalizeArch, type Arch } from '../arch.js';
import type { MachineProfile, ProfileSources, Wishes } from '../engine/recommend.js';
import { UserError } from '../errors.js';
import { parseCpuinfo } from '../host/cpuinfo.js';
import { isKnown, type HostFacts } from '../host/detect.js';
import { GOALS, type Goal } from '../rules/approaches.js';
import { CPU_VENDORS, GUEST_OSES, HARDWARE_VIRT_ANSWERS, type GuestOs } from '../rules/types.js';
import { quote } from '../escape.js';
import { didYouMean } from '../suggest.js';
import { parseKernelVersion } from '../version/parse.js';
import { listOption } from '../listing.js';
import { unknownArch } from './errors.js';

const GOAL_ALIASES = new Map<string, Goal>([
  ['windows', 'unmodified-guests'],
  ['unmodified', 'unmodified-guests'],
  ['speed', 'performance'],
  ['security', 'isolation'],
]);

export interface RecommendArgs {
  arch?: string;
  cpuFlags?: string;
  cpuinfo?: string;
  guest?: string[];
  goal?: string[];
  kernel?: string;
  keepKernel?: boolean;
  detect?: boolean;
  root?: string;
  nonInteractive?: boolean;
  json?: boolean;
  /** For a machine described rather than read: does its CPU have hardware virtualization? */
  hardwareVirt?: string;
  cpuVendor?: string;
  strict?: boolean;
}


/** Reads "vmx lm pae" or a whole "flags : ..." line (several lines are merged). */
export function parseCpuFlagsOption(text: string): string[] {
  const flags = text
    .split('\n')
    .map((line) => line.replace(/^\s*(?:vmx flags|flags|features|Features|isa)\s*:/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter(Boolean);
  const bad = flags.find((flag) => !/^[A-Za-z0-9_.+-]+$/.test(flag));
  if (bad !== undefined) throw new UserError(`--cpu-flags: "${bad.slice(0, 40)}" is not a CPU flag (expected words such as "vmx lm pae")`);
  return flags;
}

function parseGuests(values: string[]): GuestOs[] {
  const guests = values.map((value) => value.toLowerCase());
  const bad = guests.find((guest) => !(GUEST_OSES as readonly string[]).includes(guest));
  if (bad !== undefined) throw new UserError(`unknown guest ${quote(bad)}${didYouMean(bad, GUEST_OSES)} (expected one of: ${GUEST_OSES.join(', ')})`);
  return [...new Set(guests)] as GuestOs[];
}

function parseGoals(values: string[]): Goal[] {
  const goals = values.map((value) => {
    const name = value.toLowerCase();
    const goal = GOAL_ALIASES.get(name) ?? name;
    if (!GOALS.includes(goal as Goal)) throw new UserError(`unknown goal ${quote(value)}${didYouMean(name, GOALS)} (expected one of: ${GOALS.join(', ')}; windows = unmodified-guests)`);
    return goal as Goal;
  });
  return [...new Set(goals)];
}

function parseChoice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const word = value.toLowerCase();
  if (!(choices as readonly string[]).includes(word)) throw new UserError(`${option}: ${quote(value)} is not one of ${choices.join(', ')}${didYouMean(word, choices)}`);
  return word as T;
}

function parseKernelOption(value: string) {
  try {
    return parseKernelVersion(value);
  } catch (error) {
    if (error instanceof UserError) throw new UserError(`--kernel: ${error.message}`);
    throw error;
  }
}

function parseArchOption(value: string): Arch {
  const arch = normalizeArch(value);
  if (!arch) throw unknownArch(value);
  return arch;
}

/** The machine as the engine sees it: detected facts, overridden by what the flags say. */
export function buildProfile(
  args: RecommendArgs,
  facts: HostFacts | null,
  answered: ReadonlySet<keyof RecommendArgs> = new Set(),
): { profile: MachineProfile; sources: ProfileSources; warnings: string[] } {
  const origin = (key: keyof RecommendArgs, flag: string) => (answered.has(key) ? 'answered' : flag);
  const sources: ProfileSources = { arch: 'not given', cpu: 'not given', kernel: 'not given', virtual: 'not known' };
  const profile: MachineProfile = { arch: null, cpuFlags: null, virtual: null, kernel: null, kvmUsable: null, kvmModules: null, inContainer: null };
  const warnings: string[] = [];
  if (args.hardwareVirt !== undefined && (args.cpuFlags !== undefined || args.cpuinfo !== undefined)) {
    throw new UserError(`give the CPU as --hardware-virt or as ${args.cpuFlags !== undefined ? '--cpu-flags' : '--cpuinfo'}, not both`);
  }
  const kernelGiven = args.kernel === undefined ? null : parseKernelOption(args.kernel);
  // The machine meant is another one than the one read: by the architecture given or named in the
  // --kernel string, or by a CPU described in words. None of this machine's facts are then its.
  const givenArch = args.arch === undefined ? null : parseArchOption(args.arch);
  const detectedArch = facts && isKnown(facts.arch) ? facts.arch.value : null;
  const kernelArch = kernelGiven?.archHint?.arch ?? null;
  if (givenArch && kernelArch && givenArch !== kernelArch) {
    warnings.push(`--kernel ${kernelGiven!.input} names ${kernelArch} (${kernelGiven!.archHint!.evidence}), but --arch says ${givenArch}: --arch wins`);
  }
  const meantArch = givenArch ?? kernelArch;
  const elsewhere = facts !== null && detectedArch !== null && meantArch !== null && meantArch !== detectedArch && args.cpuFlags === undefined && args.cpuinfo === undefined;
  if (elsewhere) {
    sources.cpu = `unknown: the CPU read here is ${detectedArch}, not ${meantArch}`;
    facts = null;
  }
  if (facts) {
    if (isKnown(facts.arch)) [profile.arch, sources.arch] = [facts.arch.value, facts.arch.source];
    if (isKnown(facts.cpu)) {
      profile.cpuFlags = [...facts.cpu.value.flags, ...facts.cpu.value.vmxFlags];
      sources.cpu = facts.cpu.source;
    } else sources.cpu = `unknown: ${facts.cpu.unknown}`;
    if (isKnown(facts.kernelRelease) && kernelGiven === null) {
      // A release string no parser reads is a fact we could not use, not a user error.
      try {
        profile.kernel = parseKernelVersion(facts.kernelRelease.value);
        sources.kernel = facts.kernelRelease.source;
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        sources.kernel = `unknown: ${facts.kernelRelease.source}: ${error.message}`;
      }
    }
    if (isKnown(facts.hypervisor)) {
      profile.virtual = facts.hypervisor.value.virtual;
      sources.virtual = facts.hypervisor.value.evidence.join('; ') || facts.hypervisor.source;
    }
    if (isKnown(facts.kvmDevice)) {
      profile.kvmUsable = facts.kvmDevice.value.present && facts.kvmDevice.value.usable === true;
      profile.kvmModules = facts.kvmDevice.value.modules;
    }
    if (isKnown(facts.container)) profile.inContainer = facts.container.value.inContainer;
    profile.xen = isKnown(facts.xen) ? facts.xen.value : null;
    if (profile.xen === 'dom0') sources.virtual = `Xen dom0 (${isKnown(facts.xen) ? facts.xen.source : ''}): Xen runs beneath it`;
    profile.iommu = isKnown(facts.iommu) ? facts.iommu.value.enabled : null;
    profile.cgroups = isKnown(facts.cgroups) ? facts.cgroups.value.hierarchy : null;
    profile.vhostNet = isKnown(facts.devices.vhostNet) ? facts.devices.vhostNet.value : null;
    profile.tun = isKnown(facts.devices.tun) ? facts.devices.tun.value : null;
    profile.loadedModules = isKnown(facts.modules) ? facts.modules.value : null;
  }
  if (args.cpuinfo !== undefined) {
    // The largest real capture is a few MB (hundreds of CPUs); more than that is not a cpuinfo.
    const text = readUserFile(args.cpuinfo, 16 * 1024 * 1024, 'a /proc/cpuinfo').toString('utf8');
    const cpu = parseCpuinfo(text);
    if (cpu.flags.length === 0 && cpu.modelName === null && cpu.vendor === null) throw new UserError(`--cpuinfo: ${args.cpuinfo} does not look like /proc/cpuinfo`);
    profile.cpuFlags = [...cpu.flags, ...cpu.vmxFlags];
    profile.virtual = cpu.virtual.value;
    sources.cpu = args.cpuinfo;
    sources.virtual = `${args.cpuinfo}: ${cpu.virtual.reason}`;
    const hinted = cpu.archHint && cpu.archHint !== 'x86' ? cpu.archHint : null;
    if (hinted && args.arch === undefined && !facts) [profile.arch, sources.arch] = [hinted, args.cpuinfo];
    if (cpu.archHint === 'x86' && args.arch === undefined && !facts) {
      [profile.arch, sources.arch] = [cpu.flags.includes('lm') ? 'x86_64' : 'i386', `${args.cpuinfo} (lm flag: 64-bit capable CPU)`];
    }
  }
  if (args.cpuFlags !== undefined) {
    profile.cpuFlags = parseCpuFlagsOption(args.cpuFlags);
    sources.cpu = origin('cpuFlags', '--cpu-flags');
    if (profile.cpuFlags.includes('hypervisor')) [profile.virtual, sources.virtual] = [true, '--cpu-flags has "hypervisor"'];
  }
  if (givenArch) [profile.arch, sources.arch] = [givenArch, origin('arch', '--arch')];
  else if (kernelArch && kernelGiven) [profile.arch, sources.arch] = [kernelArch, `the --kernel version string (${kernelGiven.archHint!.evidence})`];
  if (profile.arch === null && (facts === null || facts.root === '/')) {
    // As check does: with no architecture given or found, the machine meant is of this one's kind
    // (not so for another root: a mounted image may be of any architecture).
    const here = currentArch();
    if (here) [profile.arch, sources.arch] = [here, "this machine's (give --arch for another)"];
  }
  if (kernelGiven) [profile.kernel, sources.kernel] = [kernelGiven, origin('kernel', '--kernel')];
  if (args.hardwareVirt !== undefined) {
    const answer = parseChoice('--hardware-virt', args.hardwareVirt, HARDWARE_VIRT_ANSWERS);
    profile.cpuFlags = null;
    profile.hardwareVirtualization = answer === 'yes' ? true : answer === 'no' ? false : null;
    if (args.cpuVendor !== undefined) profile.cpuVendor = parseChoice('--cpu-vendor', args.cpuVendor, CPU_VENDORS);
    const vendorWords = profile.cpuVendor ? `${profile.cpuVendor === 'intel' ? 'Intel' : 'AMD'} CPU, ` : '';
    const answerWords = answer === 'unknown' ? "don't know" : answer;
    sources.cpu = `${origin('hardwareVirt', '--hardware-virt')}: ${vendorWords}hardware virtualization ${answerWords}`;
  } else if (args.cpuVendor !== undefined) {
    throw new UserError('--cpu-vendor goes with --hardware-virt (the CPU described in words); with --cpu-flags, the flags tell the vendor');
  }
  return { profile, sources, warnings };
}

export function wishesFrom(args: RecommendArgs): Wishes {
  return { guests: parseGuests(listOption(args.guest)), goals: parseGoals(listOption(args.goal)), kernelChangeable: args.keepKernel !== true };
}

/** A --root that is not a directory is a mistake to report, not a machine with nothing readable. */
export function checkedRoot(root: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (error) {
    throw new UserError(`--root ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  if (!isDirectory) throw new UserError(`--root ${root}: not a directory`);
  return root;
}

