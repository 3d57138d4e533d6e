import { checkbox, confirm, input, select } from '../../src/cli/prompts-entry.js';
import { render } from '@inquirer/testing';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { askQuestions, describeCpuForVirtualization, type PromptSet } from '../../src/cli/questionnaire.js';
import { recommend } from '../../src/engine/recommend.js';
import { loadKnowledgeBase } from '../../src/rules/knowledge.js';
import { buildProfile, wishesFrom, type RecommendArgs } from '../../src/cli/recommend.js';
import { UserError } from '../../src/errors.js';
import { parseCpuinfo } from '../../src/host/cpuinfo.js';
import { detectHost, unknown, type HostFacts } from '../../src/host/detect.js';

const kvmHostRoot = fileURLToPath(new URL('../fixtures/roots/kvm-host-nested', import.meta.url));
const kvmHost = detectHost(kvmHostRoot);
// The knowledge base as built (npm test builds first).
const knowledge = loadKnowledgeBase(fileURLToPath(new URL('../..', import.meta.url)));

type Screen = Awaited<ReturnType<typeof render>>;

/** The screen as one line: prompts wrap at 80 columns, and long paths make them wrap anywhere. */
const text = (screen: Screen) => screen.getScreen().replace(/\s+/g, ' ');

/**
 * A terminal for the questionnaire: every question is a real @inquirer/prompts prompt rendered by
 * @inquirer/testing, handed to the test in the order asked, to read and answer with keys.
 */
function terminal() {
  const shown: Screen[] = [];
  let taken = 0;
  const show = async <Value>(screen: Promise<Screen>): Promise<Value> => {
    const rendered = await screen;
    shown.push(rendered);
    return rendered.answer as Promise<Value>;
  };
  const prompts: PromptSet = {
    select: (config) => show(render(select, config)),
    checkbox: (config) => show(render(checkbox, config)),
    confirm: (config) => show(render(confirm, config)),
    input: (config) => show(render(input, config)),
  };
  /** The next question, once its prompt is on screen. */
  async function next(): Promise<Screen> {
    for (let waited = 0; shown.length <= taken; waited += 5) {
      if (waited > 2000) throw new Error(`no question #${taken + 1} was asked`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return shown[taken++]!;
  }
  return { prompts, next, asked: () => shown.length };
}

const QUESTIONS = {
  machine: /^Will the virtual machines run on this machine/,
  arch: /^Architecture/,
  vendor: /^Who made its CPU/,
  hardware: /^Does its CPU have hardware virtualization/,
  flags: /^CPU flags/,
  guests: /^Which systems/,
  goals: /^What matters/,
  keepKernel: /^Can the kernel of (this|that) machine be changed/,
  kernel: /^Kernel version of/,
} as const;
type Question = keyof typeof QUESTIONS;

function questionOf(message: string): Question {
  const found = (Object.keys(QUESTIONS) as Question[]).find((question) => QUESTIONS[question].test(message));
  if (!found) throw new Error(`unexpected question: ${message}`);
  return found;
}

/** Answers every question with its default and records which were asked; fails on a forbidden one. */
function acceptDefaults(forbidden: Question[] = []) {
  const asked: Question[] = [];
  const record = (message: string) => {
    const question = questionOf(message);
    if (forbidden.includes(question)) throw new Error(`asked "${message}" although its flag was given`);
    asked.push(question);
  };
  const prompts: PromptSet = {
    select: async (config) => (record(config.message), config.default ?? config.choices[0]!.value),
    checkbox: async (config) => (record(config.message), config.choices.filter((choice) => choice.checked).map((choice) => choice.value)),
    confirm: async (config) => (record(config.message), config.default ?? false),
    input: async (config) => {
      record(config.message);
      const answer = config.default ?? '';
      if (config.validate?.(answer) !== true) throw new Error(`default "${answer}" refused: ${config.validate?.(answer)}`);
      return answer;
    },
  };
  return { prompts, asked };
}

function exitPromptError(): Error {
  const error = new Error('User force closed the prompt with SIGINT');
  error.name = 'ExitPromptError';
  return error;
}


const THIS_MACHINE: Question[] = ['machine', 'guests', 'goals', 'keepKernel', 'kernel'];

describe('askQuestions on a terminal, for this machine', () => {
  it('asks first whether the VMs run here, showing what was read; Enter through keeps it', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, knowledge, term.prompts);

    const machine = await term.next();
    expect(text(machine)).toContain('Intel(R) Core(TM) i5 CPU M 560 @ 2.67GHz, hardware virtualization: vmx found, x86_64, kernel 6.1.0-18-amd64');
    expect(text(machine)).toContain('(Y/n)');
    machine.events.keypress('enter');

    const guests = await term.next();
    expect(text(guests)).toMatch(/◉ Linux/);
    expect(text(guests)).toMatch(/◯ Windows/);
    guests.events.keypress('enter');

    const goals = await term.next();
    expect(text(goals)).toContain('isolation: a strong wall between guests');
    goals.events.keypress('enter');

    const changeable = await term.next();
    expect(text(changeable)).toContain('Can the kernel of this machine be changed');
    changeable.events.keypress('enter');

    const kernel = await term.next();
    expect(text(kernel)).toContain('(6.1.0-18-amd64)');
    kernel.events.keypress('enter');

    const { args, thisMachine } = await answers;
    expect(term.asked()).toBe(5);
    expect(thisMachine).toBe(true);
    // Detected values are not copied into the flags, so the report keeps naming their files.
    expect(args).toEqual({ guest: ['linux'], goal: [], keepKernel: false });
    const { profile, sources } = buildProfile(args, kvmHost);
    expect(profile.arch).toBe('x86_64');
    expect(profile.kernel?.release).toBe('6.1');
    expect(sources.kernel).toMatch(/osrelease$/);
    expect(wishesFrom(args)).toEqual({ guests: ['linux'], goals: [], kernelChangeable: true });
  });

  it('re-asks a bad kernel version with the parser’s reason on screen', async () => {
    const term = terminal();
    const answers = askQuestions({ arch: 'x86_64', cpuFlags: 'vmx lm', guest: ['linux'], goal: [], keepKernel: false }, kvmHost, knowledge, term.prompts);
    const kernel = await term.next();
    kernel.events.type('abc');
    kernel.events.keypress('enter');
    await expect.poll(() => text(kernel)).toContain('not a kernel version: "abc" (expected numbers like 6.9, 2.6.23 or 5.15.0-91-generic)');
    for (let i = 0; i < 3; i++) kernel.events.keypress('backspace');
    kernel.events.type('6.1');
    kernel.events.keypress('enter');
    expect((await answers).args.kernel).toBe('6.1');
  });

  it('turns Ctrl-C into a one-line "cancelled" with exit code 130', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, knowledge, term.prompts);
    const machine = await term.next();
    machine.events.keypress({ name: 'c', ctrl: true });
    const error = await answers.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ message: 'cancelled', exitCode: 130 });
  });
});

describe('askQuestions on a terminal, for another machine', () => {
  it('asks its architecture and its CPU in words, and carries nothing of this machine over', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, knowledge, term.prompts);
    const machine = await term.next();
    machine.events.type('n');
    machine.events.keypress('enter');

    const arch = await term.next();
    expect(text(arch)).toContain('Architecture of the machine the VMs will run on');
    // Nothing read here is offered as its answer.
    expect(text(arch)).not.toContain('detected');
    arch.events.keypress('enter');

    const vendor = await term.next();
    expect(text(vendor)).toContain('Who made its CPU?');
    vendor.events.keypress('enter');

    const hardware = await term.next();
    expect(text(hardware)).toContain('Does its CPU have hardware virtualization (Intel VT-x or AMD-V), turned on in the firmware?');
    expect(text(hardware)).toContain("don't know");
    expect(text(hardware)).toContain('let me paste the flags line of its /proc/cpuinfo');
    hardware.events.keypress('down');
    hardware.events.keypress('down');
    hardware.events.keypress('enter');

    (await term.next()).events.keypress('enter');
    (await term.next()).events.keypress('enter');
    const changeable = await term.next();
    expect(text(changeable)).toContain('Can the kernel of that machine be changed');
    changeable.events.keypress('enter');
    const kernel = await term.next();
    expect(text(kernel)).toContain('Kernel version of that machine (uname -r; empty if unknown)');
    // This machine's kernel is not offered as the other's.
    expect(text(kernel)).not.toContain('6.1.0-18-amd64');
    kernel.events.keypress('enter');

    const { args, thisMachine } = await answers;
    expect(thisMachine).toBe(false);
    expect(args).toEqual({ arch: 'x86_64', cpuVendor: 'intel', hardwareVirt: 'unknown', guest: ['linux'], goal: [], keepKernel: false });

    // Read without this machine's facts, as the CLI does: "don't know" is unknown with a caveat, never a guess.
    const { profile, sources } = buildProfile(args, null, new Set(['arch', 'cpuVendor', 'hardwareVirt']));
    expect(profile).toMatchObject({ virtual: null, kernel: null, cpuFlags: null, hardwareVirtualization: null, cpuVendor: 'intel', kvmUsable: null });
    expect(sources.cpu).toBe("answered: Intel CPU, hardware virtualization don't know");
    const kvm = recommend(knowledge, profile, wishesFrom(args)).find((candidate) => candidate.id === 'kvm')!;
    expect(kvm.eligible).toBe(true);
    expect(kvm.confirmed).toBe(false);
    expect(kvm.reasons).toContainEqual({ kind: 'caveat', text: "CPU flags unknown (answered: don't know): cannot check for vmx or svm" });
  });

  it('takes "yes" with the vendor, which picks kvm-intel or kvm-amd', async () => {
    const { prompts } = acceptDefaults();
    const choose: PromptSet = {
      ...prompts,
      confirm: async (config) => (QUESTIONS.machine.test(config.message) ? false : prompts.confirm(config)),
      select: async (config) => (QUESTIONS.vendor.test(config.message) ? ('amd' as never) : QUESTIONS.hardware.test(config.message) ? ('yes' as never) : prompts.select(config)),
    };
    const { args } = await askQuestions({ guest: ['windows'] }, kvmHost, knowledge, choose);
    expect(args).toMatchObject({ arch: 'x86_64', cpuVendor: 'amd', hardwareVirt: 'yes' });
    const { profile } = buildProfile(args, null, new Set(['cpuVendor', 'hardwareVirt']));
    const kvm = recommend(knowledge, profile, wishesFrom(args)).find((candidate) => candidate.id === 'kvm')!;
    expect(kvm.kconfig).toContain('CONFIG_KVM_AMD');
    expect(kvm.reasons).toContainEqual({ kind: 'for', text: 'hardware virtualization (AMD-V): yes, as answered' });
  });

  it('takes a pasted flags line instead, checked the way --cpu-flags is', async () => {
    const term = terminal();
    const answers = askQuestions({ guest: ['linux'], goal: [], keepKernel: false, kernel: '6.1' }, kvmHost, knowledge, term.prompts);
    const machine = await term.next();
    machine.events.type('n');
    machine.events.keypress('enter');
    (await term.next()).events.keypress('enter');
    (await term.next()).events.keypress('enter');
    const hardware = await term.next();
    for (let i = 0; i < 3; i++) hardware.events.keypress('down');
    hardware.events.keypress('enter');
    const flags = await term.next();
    flags.events.keypress('enter');
    await expect.poll(() => text(flags)).toContain('paste the flags, e.g. "vmx lm pae"');
    flags.events.type('vmx; lm');
    flags.events.keypress('enter');
    await expect.poll(() => text(flags)).toContain('"vmx;" is not a CPU flag (expected words such as "vmx lm pae")');
    expect(text(flags)).not.toContain('--cpu-flags');
    for (let i = 0; i < 'vmx; lm'.length; i++) flags.events.keypress('backspace');
    flags.events.type('flags : vmx lm');
    flags.events.keypress('enter');
    const { args } = await answers;
    expect(args.cpuFlags).toBe('flags : vmx lm');
    expect(args.hardwareVirt).toBeUndefined();
  });

  it('asks no CPU question where /proc/cpuinfo never shows hardware virtualization (arm64)', async () => {
    const { prompts, asked } = acceptDefaults();
    const { args, thisMachine } = await askQuestions({ arch: 'arm64' }, kvmHost, knowledge, prompts);
    // An architecture other than the one read here means another machine: nothing is asked about this one.
    expect(thisMachine).toBe(false);
    expect(asked).toEqual(['guests', 'goals', 'keepKernel', 'kernel']);
    expect(args.cpuFlags).toBeUndefined();
  });
});

describe('askQuestions skips what the flags say', () => {
  const cases: Array<{ given: RecommendArgs; asks: Question[] }> = [
    { given: {}, asks: THIS_MACHINE },
    { given: { arch: 'x86_64' }, asks: ['guests', 'goals', 'keepKernel', 'kernel'] },
    { given: { cpuFlags: 'vmx lm' }, asks: ['guests', 'goals', 'keepKernel', 'kernel'] },
    { given: { cpuinfo: '/proc/cpuinfo' }, asks: ['guests', 'goals', 'keepKernel', 'kernel'] },
    { given: { hardwareVirt: 'yes' }, asks: ['guests', 'goals', 'keepKernel', 'kernel'] },
    { given: { guest: ['windows'] }, asks: ['machine', 'goals', 'keepKernel', 'kernel'] },
    { given: { goal: ['performance'] }, asks: ['machine', 'guests', 'keepKernel', 'kernel'] },
    { given: { keepKernel: true }, asks: ['machine', 'guests', 'goals', 'kernel'] },
    { given: { keepKernel: false }, asks: ['machine', 'guests', 'goals', 'kernel'] },
    { given: { kernel: '5.15.0-91-generic' }, asks: ['machine', 'guests', 'goals', 'keepKernel'] },
    { given: { arch: 'amd64', cpuFlags: 'vmx', guest: ['linux'], goal: [], keepKernel: false, kernel: '6.1' }, asks: [] },
  ];
  it.each(cases)('$given asks $asks', async ({ given, asks }) => {
    const { prompts, asked } = acceptDefaults();
    const { args } = await askQuestions(given, kvmHost, knowledge, prompts);
    expect(asked).toEqual(asks);
    expect(args).toMatchObject(given);
  });

  it('passes other arguments through', async () => {
    const { prompts } = acceptDefaults();
    const { args } = await askQuestions({ root: kvmHostRoot, detect: true, arch: 'x86_64', guest: ['bsd'] }, kvmHost, knowledge, prompts);
    expect(args).toEqual({ root: kvmHostRoot, detect: true, arch: 'x86_64', guest: ['bsd'], goal: [], keepKernel: false });
  });
});

describe('askQuestions when this machine could not be read', () => {
  const nothing: HostFacts = {
    ...kvmHost,
    arch: unknown('not found: /x/proc/sys/kernel/arch'),
    cpu: unknown('not found: /x/proc/cpuinfo'),
    kernelRelease: unknown('not found: /x/proc/sys/kernel/osrelease'),
  };

  it('asks what could not be read, and accepts "unknown" for the kernel', async () => {
    const messages: string[] = [];
    const { prompts } = acceptDefaults();
    const spy: PromptSet = {
      ...prompts,
      confirm: (config) => (messages.push(config.message), prompts.confirm({ ...config, default: true })),
      input: (config) => (messages.push(config.message), prompts.input(config)),
      select: (config) => (messages.push(config.message), prompts.select(config)),
    };
    const { args } = await askQuestions({ guest: ['linux'], goal: [], keepKernel: false }, nothing, knowledge, spy);
    expect(messages).toEqual([
      'Will the virtual machines run on this machine (nothing could be read of it)?',
      'Architecture of this machine (not detected)',
      'Who made its CPU?',
      'Does its CPU have hardware virtualization (Intel VT-x or AMD-V), turned on in the firmware?',
      'Kernel version of this machine (uname -r; empty if unknown)',
    ]);
    expect(args.kernel).toBeUndefined();
    expect(args.arch).toBe('x86_64');
  });

  it('lets a typed kernel stand when nothing was detected', async () => {
    const { prompts } = acceptDefaults();
    const typed: PromptSet = { ...prompts, input: async (config) => (config.validate?.('5.4.0-42-generic') === true ? '5.4.0-42-generic' : 'refused') };
    expect((await askQuestions({ arch: 'x86_64', cpuFlags: 'vmx' }, nothing, knowledge, typed)).args.kernel).toBe('5.4.0-42-generic');
  });
});

describe('askQuestions and errors', () => {
  it('turns an interrupted prompt into UserError("cancelled", 130) at any question', async () => {
    for (const question of THIS_MACHINE) {
      const { prompts } = acceptDefaults();
      const interrupting = Object.fromEntries(
        Object.entries(prompts).map(([kind, prompt]) => [
          kind,
          (config: { message: string }) => (questionOf(config.message) === question ? Promise.reject(exitPromptError()) : (prompt as (c: unknown) => unknown)(config)),
        ]),
      ) as unknown as PromptSet;
      await expect(askQuestions({}, kvmHost, knowledge, interrupting)).rejects.toMatchObject({ name: 'UserError', message: 'cancelled', exitCode: 130 });
    }
  });

  it('lets any other failure through unchanged: it is a bug, not the user', async () => {
    const bug = new TypeError('boom');
    const { prompts } = acceptDefaults();
    await expect(askQuestions({}, kvmHost, knowledge, { ...prompts, confirm: () => Promise.reject(bug) })).rejects.toBe(bug);
  });
});

describe('describeCpuForVirtualization', () => {
  const cpu = (text: string) => parseCpuinfo(text);
  it.each([
    ['x86_64', 'vendor_id : GenuineIntel\nflags : fpu pae lm vmx', 'hardware virtualization: vmx found'],
    ['x86_64', 'vendor_id : AuthenticAMD\nflags : fpu pae lm svm', 'hardware virtualization: svm found'],
    ['x86_64', 'vendor_id : AuthenticAMD\nflags : fpu pae lm', 'no vmx or svm: this CPU cannot run KVM guests'],
    ['x86_64', 'vendor_id : GenuineIntel\nflags : fpu pae lm vmx hypervisor', 'hardware virtualization: vmx found; hypervisor flag: this machine is itself a virtual machine'],
    ['arm64', 'CPU implementer : 0x41\nFeatures : fp asimd evtstrm', 'hardware virtualization: not shown in /proc/cpuinfo'],
    ['s390x', 'vendor_id : IBM/S390\nfeatures : esan3 zarch stfle sie', 'hardware virtualization: sie found'],
    ['riscv64', 'isa : rv64imafdc_zicsr', 'no h: this CPU cannot run KVM guests'],
  ] as const)('%s: %s', (arch, text, expected) => {
    expect(describeCpuForVirtualization(arch, cpu(text), knowledge.hardwareVirtualization.get(arch))).toBe(expected);
  });
});
