import { ARCHES, normalizeArch, type Arch } from '../arch.js';
import { UserError } from '../errors.js';
import type { CpuInfo } from '../host/cpuinfo.js';
import { isKnown, type HostFacts } from '../host/detect.js';
import { GOALS, type Goal } from '../rules/approaches.js';
import { GUEST_OSES, type GuestOs } from '../rules/types.js';
import { parseKernelVersion } from '../version/parse.js';
import { parseCpuFlagsOption, type RecommendArgs } from '../app/recommend.js';
import type { KnowledgeBase } from '../rules/knowledge.js';
import type { HardwareVirtualization } from '../rules/types.js';

export interface Choice<Value extends string> {
  value: Value;
  name?: string;
  description?: string;
  /** What the answered prompt shows instead of the name. */
  short?: string;
  checked?: boolean;
}

/**
 * The prompts the questionnaire uses, shaped as @inquirer/prompts has them, so that tests can put
 * scripted ones in their place. A prompt interrupted with Ctrl-C rejects with an ExitPromptError.
 */
export interface PromptSet {
  select<Value extends string>(config: { message: string; choices: Choice<Value>[]; default?: Value; pageSize?: number }): Promise<Value>;
  checkbox<Value extends string>(config: { message: string; choices: Choice<Value>[]; required?: boolean; pageSize?: number }): Promise<Value[]>;
  confirm(config: { message: string; default?: boolean }): Promise<boolean>;
  input(config: { message: string; default?: string; validate?: (value: string) => boolean | string }): Promise<string>;
}

type Inquirer = typeof import('./prompts-entry.js');

/**
 * The prompts load only here, so commands that never ask do not pay for them. The bundled CLI is
 * CommonJS run through vm.Script, where import() has no module loader behind it: it requires
 * dist/prompts.cjs, built beside it. Run from source (tests), the entry module is imported; its
 * name is a variable so that the bundler leaves it out of the main bundle.
 */
async function loadInquirer(): Promise<Inquirer> {
  if (typeof __dirname === 'string' && typeof require === 'function') return require(`${__dirname}/prompts.cjs`) as Inquirer;
  const entry = './prompts-entry.js';
  return (await import(entry)) as Inquirer;
}

export const defaultPrompts: PromptSet = {
  select: async (config) => (await loadInquirer()).select(config),
  checkbox: async (config) => (await loadInquirer()).checkbox(config),
  confirm: async (config) => (await loadInquirer()).confirm(config),
  input: async (config) => (await loadInquirer()).input(config),
};

const GUEST_NAMES: Record<GuestOs, string> = {
  linux: 'Linux',
  windows: 'Windows',
  bsd: 'BSD',
  other: 'other systems, unmodified (Solaris, Plan 9, DOS...)',
};

const GOAL_EXPLANATIONS: Record<Goal, string> = {
  performance: 'guests run close to native speed',
  isolation: 'a strong wall between guests, and between guests and the host',
  simplicity: 'little to set up and keep running',
  density: 'many guests on one machine, little overhead each',
  'unmodified-guests': 'guests run as shipped, without a changed kernel (Windows, for one)',
  passthrough: 'hand real devices (GPU, network card) to a guest',
};

/** What matters in a CPU's flags for running virtual machines, in a few words. */
export function describeCpuForVirtualization(arch: Arch, cpu: CpuInfo, hardware: HardwareVirtualization | undefined): string {
  const wanted = hardware?.flags;
  const flags = new Set([...cpu.flags, ...cpu.vmxFlags]);
  const parts: string[] = [];
  if (!wanted) parts.push('hardware virtualization: not shown in /proc/cpuinfo');
  else {
    const found = wanted.filter((flag) => flags.has(flag));
    parts.push(found.length > 0 ? `hardware virtualization: ${found.join(', ')} found` : `no ${wanted.join(' or ')}: this CPU cannot run KVM guests`);
  }
  if (flags.has('hypervisor')) parts.push('hypervisor flag: this machine is itself a virtual machine');
  return parts.join('; ');
}

/** How an architecture's hardware virtualization is called, for a question a sysadmin can answer. */
const HARDWARE_VIRT_NAMES: Partial<Record<Arch, string>> = {
  x86_64: 'Intel VT-x or AMD-V',
  i386: 'Intel VT-x or AMD-V',
  s390x: 'SIE (the "sie" feature)',
  riscv64: 'the H (hypervisor) extension',
  loongarch64: 'LVZ (LoongArch virtualization)',
};

/** The validation answer inquirer expects: true, or the reason shown under the prompt. */
function reasonOf(check: () => unknown): true | string {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/**
 * While the questionnaire owns the terminal (raw mode, cursor hidden), a SIGTERM or a hang-up must
 * not leave it broken or crash: SIGTERM restores the terminal and exits 143; a hang-up (SIGHUP, or
 * EIO once the terminal is gone) ends the process by SIGHUP (129 to a shell), quietly, as there is
 * no one left to tell.
 */
export function guardTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): () => void {
  const restore = () => {
    try {
      if (stdin.isTTY) stdin.setRawMode(false);
      if (stdout.isTTY) stdout.write('\u001b[?25h\n');
    } catch {
      // The terminal may already be gone.
    }
  };
  const onTerm = () => {
    restore();
    process.exit(143);
  };
  // Exiting normally would have Node reset the terminal's mode on the way out, which aborts the
  // process (SIGABRT) when the terminal is gone; ending by the hang-up signal itself skips that.
  const onHangUp = () => {
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  };
  const onStreamError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EIO' || error.code === 'EPIPE' || error.code === 'ENXIO') onHangUp();
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onHangUp);
  stdin.on('error', onStreamError);
  stdout.on('error', onStreamError);
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onHangUp);
    stdin.off('error', onStreamError);
    stdout.off('error', onStreamError);
  };
}

/** The answers, and whether the machine meant is this one (so that what was read here describes it). */
export interface Answers {
  args: RecommendArgs;
  thisMachine: boolean;
}

/**
 * Asks what the flags did not say and returns the arguments with the answers filled in. First,
 * whether the VMs will run on this machine: then what was read here stands and is not asked again.
 * For another machine nothing read here is offered or carried over; its CPU is asked in words (the
 * vendor, and whether it has hardware virtualization: yes, no or don't know), with pasting its
 * flags line as one choice.
 */
export async function askQuestions(args: RecommendArgs, facts: HostFacts | null, knowledge: KnowledgeBase, prompts: PromptSet = defaultPrompts): Promise<Answers> {
  try {
    return await ask(args, facts, knowledge, prompts);
  } catch (error) {
    if (isPromptExit(error)) throw new UserError('cancelled', 130);
    throw error;
  }
}

async function ask(args: RecommendArgs, facts: HostFacts | null, knowledge: KnowledgeBase, prompts: PromptSet): Promise<Answers> {
  const answers: RecommendArgs = { ...args };
  const detectedArch = facts && isKnown(facts.arch) ? facts.arch.value : null;
  const givenArch = args.arch === undefined ? null : (normalizeArch(args.arch) ?? null);
  const cpuGiven = args.cpuFlags !== undefined || args.cpuinfo !== undefined || args.hardwareVirt !== undefined;

  let thisMachine = facts !== null && (givenArch === null || givenArch === detectedArch);
  if (thisMachine && !cpuGiven && givenArch === null) {
    thisMachine = await prompts.confirm({ message: `Will the virtual machines run on this machine (${describeHere(facts!, knowledge)})?`, default: true });
  }
  const here = thisMachine ? facts : null;

  let arch: Arch | null = givenArch ?? (here ? detectedArch : null);
  if (arch === null) {
    arch = await prompts.select({
      message: here ? 'Architecture of this machine (not detected)' : 'Architecture of the machine the VMs will run on',
      choices: ARCHES.map((value) => ({ value })),
      pageSize: ARCHES.length,
    });
    answers.arch = arch;
  }

  const cpuKnownHere = here !== null && isKnown(here.cpu) && here.cpu.value.flags.length > 0;
  if (!cpuGiven && !cpuKnownHere) Object.assign(answers, await askCpu(arch, prompts));

  if (args.guest === undefined) {
    answers.guest = await prompts.checkbox({
      message: 'Which systems will the guests run?',
      choices: GUEST_OSES.map((value) => ({ value, name: GUEST_NAMES[value], checked: value === 'linux' })),
      required: true,
    });
  }

  if (args.goal === undefined) {
    answers.goal = await prompts.checkbox({
      message: 'What matters most? (any number, or none)',
      choices: GOALS.map((value) => ({ value, name: `${value}: ${GOAL_EXPLANATIONS[value]}`, short: value })),
      pageSize: GOALS.length,
    });
  }

  if (args.keepKernel === undefined) {
    const changeable = await prompts.confirm({
      message: `Can the kernel of ${here ? 'this machine' : 'that machine'} be changed (upgraded, rebuilt, configured)?`,
      default: true,
    });
    answers.keepKernel = !changeable;
  }

  if (args.kernel === undefined) {
    const detected = here && isKnown(here.kernelRelease) ? here.kernelRelease : null;
    const kernel = await prompts.input({
      message: detected ? `Kernel version of this machine (detected from ${detected.source})` : `Kernel version of ${here ? 'this' : 'that'} machine (uname -r; empty if unknown)`,
      ...(detected ? { default: detected.value } : {}),
      validate: (value) => (value.trim() === '' && !detected ? true : reasonOf(() => parseKernelVersion(value))),
    });
    // An answer that only repeats what detection found is left out, so the report still names its file.
    if (kernel.trim() !== '' && kernel.trim() !== detected?.value) answers.kernel = kernel.trim();
  }
  return { args: answers, thisMachine };
}

/** "Intel(R) Core(TM) i5 CPU M 560, x86_64, hardware virtualization: vmx found, kernel 6.1.0-18-amd64". */
function describeHere(facts: HostFacts, knowledge: KnowledgeBase): string {
  const parts: string[] = [];
  const arch = isKnown(facts.arch) ? facts.arch.value : null;
  if (isKnown(facts.cpu)) {
    const model = facts.cpu.value.modelName?.replace(/\s+/g, ' ');
    if (model) parts.push(model);
    if (arch) parts.push(describeCpuForVirtualization(arch, facts.cpu.value, knowledge.hardwareVirtualization.get(arch)));
  }
  if (arch) parts.push(arch);
  if (isKnown(facts.kernelRelease)) parts.push(`kernel ${facts.kernelRelease.value}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing could be read of it';
}

/**
 * The CPU of another machine, in words: its vendor (x86), and whether it has hardware
 * virtualization, or its flags line pasted. "Don't know" is an answer, kept as such.
 */
async function askCpu(arch: Arch, prompts: PromptSet): Promise<Partial<RecommendArgs>> {
  const name = HARDWARE_VIRT_NAMES[arch];
  if (!name) return {};
  const answers: Partial<RecommendArgs> = {};
  if (arch === 'x86_64' || arch === 'i386') {
    const vendor = await prompts.select({
      message: 'Who made its CPU?',
      choices: [
        { value: 'intel', name: 'Intel' },
        { value: 'amd', name: 'AMD (or Hygon)' },
        { value: 'unknown', name: "don't know" },
      ],
    });
    if (vendor !== 'unknown') answers.cpuVendor = vendor;
  }
  const answer = await prompts.select({
    message: `Does its CPU have hardware virtualization (${name}), turned on in the firmware?`,
    choices: [
      { value: 'yes', name: 'yes' },
      { value: 'no', name: 'no' },
      { value: 'unknown', name: "don't know" },
      { value: 'flags', name: 'let me paste the flags line of its /proc/cpuinfo' },
    ],
  });
  if (answer !== 'flags') return { ...answers, hardwareVirt: answer };
  const flags = await prompts.input({
    message: 'CPU flags of the machine the VMs will run on (the "flags" line of its /proc/cpuinfo)',
    validate: (value) => {
      if (value.trim() === '') return 'paste the flags, e.g. "vmx lm pae"';
      const reason = reasonOf(() => parseCpuFlagsOption(value));
      return reason === true ? true : reason.replace(/^--cpu-flags: /, '');
    },
  });
  return { cpuFlags: flags.trim() };
}
