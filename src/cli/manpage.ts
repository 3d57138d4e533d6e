import { COMMANDS, ENVIRONMENT, EXIT_CODES, GLOBAL_OPTIONS, type ChoiceSet, type CommandSpec, type OptionSpec } from './spec.js';

/** Text made safe for roff: backslashes, hyphens of options, and lines that would start a request. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function optionItem(option: OptionSpec, resolve: (set: ChoiceSet) => string[]): string[] {
  const names = [`\\fB\\-\\-${roff(option.name)}\\fR`];
  if (option.alias) names.unshift(`\\fB\\-${roff(option.alias)}\\fR`);
  if (option.name === 'color') names.push('\\fB\\-\\-no\\-color\\fR');
  const value = option.value ? ` \\fI${roff(option.value)}\\fR` : '';
  const lines = ['.TP', `${names.join(', ')}${value}`, roff(option.describe.replace(/^./, (first) => first.toUpperCase())) + '.'];
  if (option.choices) lines.push(`One of: ${roff(resolve(option.choices).join(', '))}.`);
  if (option.defaultText) lines.push(`Default: ${roff(option.defaultText)}.`);
  return lines;
}

function commandSection(command: CommandSpec, resolve: (set: ChoiceSet) => string[]): string[] {
  const usage = [command.name, ...command.positionals.map((positional) => positional.usage)].join(' ');
  const lines = ['.SS ' + `"${roff(usage)}"`, roff(command.description)];
  for (const positional of command.positionals) {
    lines.push('.TP', `\\fI${roff(positional.name)}\\fR`, roff(positional.describe) + '.');
    if (positional.choices) lines.push(`One of: ${roff(resolve(positional.choices).join(', '))}.`);
  }
  for (const option of command.options) lines.push(...optionItem(option, resolve));
  return lines;
}

/**
 * The man page, from the same spec as --help, so that the two say the same. `resolve` gives the
 * values of enumerated options (the knowledge base's feature ids and targets among them).
 */
export function manPage(version: string, resolve: (set: ChoiceSet) => string[]): string {
  const lines = [
    `.TH VIRT\\-ADVISOR 1 "" "virt\\-advisor ${roff(version)}" "User Commands"`,
    '.SH NAME',
    'virt\\-advisor \\- which Linux virtualization approach fits a machine, which kernel it needs, and what a kernel version or config supports',
    '.SH SYNOPSIS',
    '.B virt\\-advisor',
    '[\\fIcommand\\fR] [\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    roff(
      'Linux gained its virtualization support piece by piece: KVM, paravirt_ops, Xen, lguest, virtio, vhost, VFIO, nested virtualization, the ARM and RISC-V ports, confidential computing, and removals along the way. virt-advisor carries that history as data, every version with its source, and answers from it: which approach to use on a machine and which kernel it needs (recommend), what a kernel version can do (check), and whether a kernel config enables what a use needs (config). Every command works without a terminal, prints JSON on request, and exits with a code a pipeline can act on.',
    ),
    '.PP',
    roff('The answers of check are for mainline Linux. Vendor kernels (RHEL, SUSE, Ubuntu, Debian, Amazon Linux, Oracle UEK) backport features into old release numbers; check says so, and config on the kernel\'s own config tells for sure.'),
    '.SH COMMANDS',
    ...COMMANDS.flatMap((command) => commandSection(command, resolve)),
    '.SH GLOBAL OPTIONS',
    ...GLOBAL_OPTIONS.flatMap((option) => optionItem(option, resolve)),
    '.SH EXAMPLES',
    ...COMMANDS.flatMap((command) => command.examples.flatMap((example) => ['.TP', `\\f(CW${roff(example.command)}\\fR`, roff(example.meaning.replace(/^./, (first) => first.toUpperCase())) + '.'])),
    '.SH EXIT STATUS',
    ...EXIT_CODES.flatMap((exit) => ['.TP', `.B ${exit.code}`, roff(exit.meaning.replace(/^./, (first) => first.toUpperCase())) + '.']),
    '.SH ENVIRONMENT',
    ...ENVIRONMENT.flatMap((variable) => ['.TP', `.B ${roff(variable.name)}`, roff(variable.meaning.replace(/^./, (first) => first.toUpperCase())) + '.']),
    '.SH SEE ALSO',
    '.BR virt\\-host\\-validate (1),',
    '.BR kvm\\-ok (1)',
  ];
  return `${lines.join('\n')}\n`;
}
