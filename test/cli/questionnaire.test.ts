import { checkbox, confirm, input, select } from '../../src/cli/prompts-entry.js';
import { render } from '@inquirer/testing';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { askQuestions, describeCpuForVirtualization, type PromptSet } from '../../src/cli/questionnaire.js';
import { buildProfile, wishesFrom, type RecommendArgs } from '../../src/cli/recommend.js';
import { UserError } from '../../src/errors.js';
import { parseCpuinfo } from '../../src/host/cpuinfo.js';
import { detectHost, unknown, type HostFacts } from '../../src/host/detect.js';

const kvmHostRoot = fileURLToPath(new URL('../fixtures/roots/kvm-host-nested', import.meta.url));
const kvmHost = detectHost(kvmHostRoot);

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
  arch: /^Architecture/,
  cpu: /^CPU/,
  guests: /^Which systems/,
  goals: /^What matters/,
  keepKernel: /kernel be changed/,
  kernel: /^Current kernel version/,
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

const ALL: Question[] = ['arch', 'cpu', 'guests', 'goals', 'keepKernel', 'kernel'];

describe('askQuestions on a terminal', () => {
  it('offers what detection found, and Enter through every question keeps it', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, term.prompts);

    const arch = await term.next();
    expect(text(arch)).toContain('(detected: x86_64 from');
    expect(text(arch)).toMatch(/❯ x86_64 \(detected\)/);
    arch.events.keypress('enter');

    const cpu = await term.next();
    expect(text(cpu)).toContain('Intel(R) Core(TM) i5 CPU M 560 @ 2.67GHz');
    expect(text(cpu)).toContain('hardware virtualization: vmx found');
    expect(text(cpu)).toContain('Is this the CPU the VMs will run on? (Y/n)');
    cpu.events.keypress('enter');

    const guests = await term.next();
    expect(text(guests)).toMatch(/◉ Linux/);
    expect(text(guests)).toMatch(/◯ Windows/);
    guests.events.keypress('enter');

    const goals = await term.next();
    expect(text(goals)).toContain('isolation: a strong wall between guests');
    goals.events.keypress('enter');

    const changeable = await term.next();
    expect(text(changeable)).toContain('(Y/n)');
    changeable.events.keypress('enter');

    const kernel = await term.next();
    expect(text(kernel)).toContain('(6.1.0-18-amd64)');
    kernel.events.keypress('enter');

    const args = await answers;
    expect(term.asked()).toBe(6);
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
    const answers = askQuestions({ arch: 'x86_64', cpuFlags: 'vmx lm', guest: ['linux'], goal: [], keepKernel: false }, kvmHost, term.prompts);
    const kernel = await term.next();
    kernel.events.type('abc');
    kernel.events.keypress('enter');
    await expect.poll(() => text(kernel)).toContain('not a kernel version: "abc" (expected numbers like 6.9, 2.6.23 or 5.15.0-91-generic)');
    for (let i = 0; i < 3; i++) kernel.events.keypress('backspace');
    kernel.events.type('6.1');
    kernel.events.keypress('enter');
    expect((await answers).kernel).toBe('6.1');
  });

  it('takes changed answers: another architecture, its CPU flags, Windows guests, goals, a fixed kernel', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, term.prompts);
    const arch = await term.next();
    arch.events.keypress('down');
    arch.events.keypress('down');
    arch.events.keypress('enter');
    // The CPU read here is an x86 one: for arm64 the flags must be typed.
    const flags = await term.next();
    expect(text(flags)).toContain('CPU flags of the machine the VMs will run on');
    flags.events.keypress('enter');
    await expect.poll(() => text(flags)).toContain('the ones detected here are of another CPU');
    flags.events.type('fp asimd');
    flags.events.keypress('enter');
    const guests = await term.next();
    guests.events.keypress('space');
    guests.events.keypress('down');
    guests.events.keypress('space');
    guests.events.keypress('enter');
    const goals = await term.next();
    goals.events.keypress('space');
    goals.events.keypress('enter');
    // The answer is echoed by name, without the explanations the list showed.
    await expect.poll(() => text(goals)).toBe('✔ What matters most? (any number, or none) performance');
    const changeable = await term.next();
    changeable.events.type('n');
    changeable.events.keypress('enter');
    const kernel = await term.next();
    kernel.events.keypress('enter');
    expect(await answers).toEqual({ arch: 'arm64', cpuFlags: 'fp asimd', guest: ['windows'], goal: ['performance'], keepKernel: true });
  });

  it('turns Ctrl-C into a one-line "cancelled" with exit code 130', async () => {
    const term = terminal();
    const answers = askQuestions({}, kvmHost, term.prompts);
    const arch = await term.next();
    arch.events.keypress({ name: 'c', ctrl: true });
    const error = await answers.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ message: 'cancelled', exitCode: 130 });
  });
});

describe('askQuestions skips what the flags say', () => {
  const cases: Array<{ given: RecommendArgs; skips: Question[] }> = [
    { given: { arch: 'x86_64' }, skips: ['arch'] },
    { given: { cpuFlags: 'vmx lm' }, skips: ['cpu'] },
    { given: { cpuinfo: '/proc/cpuinfo' }, skips: ['cpu'] },
    { given: { guest: ['windows'] }, skips: ['guests'] },
    { given: { goal: ['performance'] }, skips: ['goals'] },
    { given: { keepKernel: true }, skips: ['keepKernel'] },
    { given: { keepKernel: false }, skips: ['keepKernel'] },
    { given: { kernel: '5.15.0-91-generic' }, skips: ['kernel'] },
    { given: { arch: 'amd64', cpuFlags: 'vmx', guest: ['linux'], goal: [], keepKernel: false, kernel: '6.1' }, skips: ALL },
  ];
  it.each(cases)('$given asks all but $skips', async ({ given, skips }) => {
    const { prompts, asked } = acceptDefaults(skips);
    const answers = await askQuestions(given, kvmHost, prompts);
    expect(asked).toEqual(ALL.filter((question) => !skips.includes(question)));
    expect(answers).toMatchObject(given);
  });

  it('asks nothing but the questions whose flags are missing, and passes other arguments through', async () => {
    const { prompts, asked } = acceptDefaults();
    const answers = await askQuestions({ root: kvmHostRoot, detect: true, arch: 'x86_64', guest: ['bsd'] }, kvmHost, prompts);
    expect(asked).toEqual(['cpu', 'goals', 'keepKernel', 'kernel']);
    expect(answers).toEqual({ root: kvmHostRoot, detect: true, arch: 'x86_64', guest: ['bsd'], goal: [], keepKernel: false });
  });
});

describe('askQuestions without detection', () => {
  const nothing: HostFacts = {
    ...kvmHost,
    arch: unknown('not found: /x/proc/sys/kernel/arch'),
    cpu: unknown('not found: /x/proc/cpuinfo'),
    kernelRelease: unknown('not found: /x/proc/sys/kernel/osrelease'),
  };

  it('asks for CPU flags and a kernel, and accepts "unknown" for both', async () => {
    const messages: string[] = [];
    const { prompts } = acceptDefaults();
    const spy: PromptSet = { ...prompts, input: (config) => (messages.push(config.message), prompts.input(config)), select: (config) => (messages.push(config.message), prompts.select(config)) };
    const answers = await askQuestions({}, nothing, spy);
    expect(messages).toEqual([
      'Architecture of the machine the VMs will run on (not detected)',
      'CPU flags of the machine the VMs will run on (the "flags" line of its /proc/cpuinfo; empty if unknown)',
      'Current kernel version (uname -r; empty if unknown)',
    ]);
    expect(answers.cpuFlags).toBeUndefined();
    expect(answers.kernel).toBeUndefined();
    expect(answers.arch).toBe('x86_64');
  });

  it('checks typed CPU flags the way --cpu-flags is checked', async () => {
    const term = terminal();
    const answers = askQuestions({ arch: 'x86_64', guest: ['linux'], goal: [], keepKernel: false, kernel: '6.1' }, nothing, term.prompts);
    const flags = await term.next();
    flags.events.type('vmx; lm');
    flags.events.keypress('enter');
    await expect.poll(() => text(flags)).toContain('"vmx;" is not a CPU flag (expected words such as "vmx lm pae")');
    expect(text(flags)).not.toContain('--cpu-flags');
    for (let i = 0; i < 'vmx; lm'.length; i++) flags.events.keypress('backspace');
    flags.events.type('flags : vmx lm');
    flags.events.keypress('enter');
    expect((await answers).cpuFlags).toBe('flags : vmx lm');
  });

  it('lets a typed kernel stand when nothing was detected', async () => {
    const { prompts } = acceptDefaults();
    const typed: PromptSet = { ...prompts, input: async (config) => (config.validate?.('5.4.0-42-generic') === true ? '5.4.0-42-generic' : 'refused') };
    expect((await askQuestions({ arch: 'x86_64', cpuFlags: 'vmx' }, nothing, typed)).kernel).toBe('5.4.0-42-generic');
  });
});

describe('askQuestions and errors', () => {
  it('turns an interrupted prompt into UserError("cancelled", 130) at any question', async () => {
    for (const question of ALL) {
      const { prompts } = acceptDefaults();
      const interrupting = Object.fromEntries(
        Object.entries(prompts).map(([kind, prompt]) => [
          kind,
          (config: { message: string }) => (questionOf(config.message) === question ? Promise.reject(exitPromptError()) : (prompt as (c: unknown) => unknown)(config)),
        ]),
      ) as unknown as PromptSet;
      await expect(askQuestions({}, kvmHost, interrupting)).rejects.toMatchObject({ name: 'UserError', message: 'cancelled', exitCode: 130 });
    }
  });

  it('lets any other failure through unchanged: it is a bug, not the user', async () => {
    const bug = new TypeError('boom');
    const { prompts } = acceptDefaults();
    await expect(askQuestions({}, kvmHost, { ...prompts, select: () => Promise.reject(bug) })).rejects.toBe(bug);
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
    expect(describeCpuForVirtualization(arch, cpu(text))).toBe(expected);
  });
});

