import { ARCHES, normalizeArch, type Arch } from '../arch.js';
import { UserError } from '../errors.js';
import type { CpuInfo } from '../host/cpuinfo.js';
import { isKnown, type HostFacts } from '../host/detect.js';
import { GOALS, type Goal } from '../rules/approaches.js';
import { GUEST_OSES, type GuestOs } from '../rules/types.js';
import { parseKernelVersion } from '../version/parse.js';
import { parseCpuFlagsOption, type RecommendArgs } from '../app/recommend.js';
import { HARDWARE_VIRTUALIZATION } from '../engine/recommend.js';

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
export function describeCpuForVirtualization(arch: Arch, cpu: CpuInfo): string {
  const wanted = HARDWARE_VIRTUALIZATION[arch];
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

/**
 * Asks what the flags did not say, with detected values as defaults, and returns the arguments with
 * the answers filled in. An answer that only repeats what detection found is left out, so the report
 * still names the file it came from.
 */
export async function askQuestions(args: RecommendArgs, facts: HostFacts | null, prompts: PromptSet = defaultPrompts): Promise<RecommendArgs> {
  try {
    return await ask(args, facts, prompts);
  } catch (error) {
    if (isPromptExit(error)) throw new UserError('cancelled', 130);
    throw error;
  }
}

async function ask(args: RecommendArgs, facts: HostFacts | null, prompts: PromptSet): Promise<RecommendArgs> {
  const answers: RecommendArgs = { ...args };
  const detectedArch = facts && isKnown(facts.arch) ? facts.arch : null;

  let arch: Arch | null = args.arch === undefined ? null : (normalizeArch(args.arch) ?? null);
  if (args.arch === undefined) {
    const shown = detectedArch ? `detected: ${detectedArch.value} from ${detectedArch.source}` : 'not detected';
    arch = await prompts.select({
      message: `Architecture of the machine the VMs will run on (${shown})`,
      choices: ARCHES.map((value) => ({ value, name: value === detectedArch?.value ? `${value} (detected)` : value })),
      default: detectedArch?.value,
      pageSize: ARCHES.length,
    });
    if (arch !== detectedArch?.value) answers.arch = arch;
  }

  if (args.cpuFlags === undefined && args.cpuinfo === undefined) {
    const cpu = await askCpuFlags(arch, detectedArch?.value ?? null, facts, prompts);
    if (cpu !== undefined) answers.cpuFlags = cpu;
  }

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
    const changeable = await prompts.confirm({ message: "Can this machine's kernel be changed (upgraded, rebuilt, configured)?", default: true });
    answers.keepKernel = !changeable;
  }

  if (args.kernel === undefined) {
    const detected = facts && isKnown(facts.kernelRelease) ? facts.kernelRelease : null;
    const kernel = await prompts.input({
      message: detected ? `Current kernel version (detected from ${detected.source})` : 'Current kernel version (uname -r; empty if unknown)',
      ...(detected ? { default: detected.value } : {}),
      validate: (value) => (value.trim() === '' && !detected ? true : reasonOf(() => parseKernelVersion(value))),
    });
    if (kernel.trim() !== '' && kernel.trim() !== detected?.value) answers.kernel = kernel.trim();
  }
  return answers;
}

/**
 * Detected flags are offered only for the architecture they were read on. Once the user says the VMs
 * run elsewhere, detection would still fill in this machine's flags, so an empty answer is refused.
 */
async function askCpuFlags(arch: Arch | null, detectedArch: Arch | null, facts: HostFacts | null, prompts: PromptSet): Promise<string | undefined> {
  const cpu = facts && isKnown(facts.cpu) && facts.cpu.value.flags.length > 0 ? facts.cpu : null;
  const sameMachine = arch === null || detectedArch === null || arch === detectedArch;
  if (cpu && sameMachine) {
    const model = cpu.value.modelName?.replace(/\s+/g, ' ');
    const describedArch = arch ?? detectedArch;
    const about = describedArch ? describeCpuForVirtualization(describedArch, cpu.value) : 'architecture unknown';
    const confirmed = await prompts.confirm({
      message: `CPU${model ? ` ${model}` : ''} (${cpu.source}): ${about}. Is this the CPU the VMs will run on?`,
      default: true,
    });
    if (confirmed) return undefined;
  }
  const emptyAllowed = cpu === null;
  const flags = await prompts.input({
    message: `CPU flags of the machine the VMs will run on (the "flags" line of its /proc/cpuinfo${emptyAllowed ? '; empty if unknown' : ''})`,
    validate: (value) => {
      if (value.trim() === '') return emptyAllowed || 'enter the flags, e.g. "vmx lm pae": the ones detected here are of another CPU';
      const reason = reasonOf(() => parseCpuFlagsOption(value));
      return reason === true ? true : reason.replace(/^--cpu-flags: /, '');
    },
  });
  return flags.trim() === '' ? undefined : flags.trim();
}
