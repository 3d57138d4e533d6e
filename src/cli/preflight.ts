import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import { COMMANDS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './spec.js';
import { didYouMean } from '../suggest.js';

/** What the command line asks for, as far as it can be told before parsing its values. */
export interface Preflight {
  command: CommandSpec;
  /** Positional arguments after the command name, `--` included as given. */
  positionals: string[];
  wantsHelp: boolean;
  /** The command was named, not taken as the default. */
  named: boolean;
  /**
   * The command line for yargs, each value joined to its option (`--config=-`): given apart, yargs
   * takes "-" for nothing and a value such as "-1" for an option.
   */
  argv: string[];
}

const BOOLEAN_VALUES = new Set(['true', 'false']);

function optionsOf(command: CommandSpec): OptionSpec[] {
  return [...command.options, ...GLOBAL_OPTIONS];
}

function findOption(options: OptionSpec[], name: string): { spec: OptionSpec; negated: boolean } | undefined {
  const direct = options.find((option) => option.name === name || option.alias === name);
  if (direct) return { spec: direct, negated: false };
  if (name.startsWith('no-')) {
    const negated = options.find((option) => option.name === name.slice(3) && option.type === 'boolean');
    if (negated) return { spec: negated, negated: true };
  }
  return undefined;
}

const optionWords = (options: OptionSpec[]) => options.flatMap((option) => (option.type === 'boolean' && option.name !== 'help' && option.name !== 'version' ? [option.name, `no-${option.name}`] : [option.name]));

interface Token {
  kind: 'option' | 'positional';
  text: string;
  name?: string;
  value?: string;
  /** The value came with = or as the next word. */
  inline?: boolean;
}

/**
 * Splits argv into options and positionals. Which options take a value is known from every
 * command's options (an option has the same type wherever it appears), so the command word can be
 * found before it is known.
 */
function tokenize(argv: string[]): { tokens: Token[]; joined: string[] } {
  const everyOption = [...COMMANDS.flatMap((command) => command.options), ...GLOBAL_OPTIONS];
  const tokens: Token[] = [];
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const text = argv[index]!;
    if (text === '--') {
      tokens.push(...argv.slice(index + 1).map((rest): Token => ({ kind: 'positional', text: rest })));
      joined.push(...argv.slice(index));
      break;
    }
    if (text.startsWith('--') || (text.startsWith('-') && text.length > 1)) {
      const long = text.startsWith('--');
      const body = long ? text.slice(2) : text.slice(1);
      const equals = body.indexOf('=');
      const name = equals === -1 ? body : body.slice(0, equals);
      const inlineValue = equals === -1 ? undefined : body.slice(equals + 1);
      const found = findOption(everyOption, name);
      if (found?.spec.type === 'string' && inlineValue === undefined && index + 1 < argv.length && argv[index + 1] !== '--') {
        const value = argv[++index]!;
        tokens.push({ kind: 'option', text, name, value });
        joined.push(...(long ? [`--${name}=${value}`] : [text, value]));
      } else {
        tokens.push({ kind: 'option', text, name, ...(inlineValue === undefined ? {} : { value: inlineValue, inline: true }) });
        joined.push(text);
      }
      continue;
    }
    tokens.push({ kind: 'positional', text });
    joined.push(text);
  }
  return { tokens, joined };
}

/**
 * Checks the command line against the spec, so that every mistake gets one clear line (with a
 * suggestion where one is close) before yargs parses it: unknown commands and options, a value
 * given to a flag, an option without its value or with an empty one, a single-valued option given
 * twice, arguments a command does not take.
 */
export function preflight(argv: string[]): Preflight {
  const { tokens, joined: joinedArgv } = tokenize(argv);
  const wantsHelp = tokens.some((token) => token.kind === 'option' && (token.name === 'help' || token.name === 'h'));
  const firstPositional = tokens.findIndex((token) => token.kind === 'positional');
  const defaultCommand = COMMANDS.find((command) => command.isDefault)!;
  let command = defaultCommand;
  let positionals = tokens.filter((token) => token.kind === 'positional').map((token) => token.text);
  let named = false;
  if (firstPositional !== -1) {
    const word = tokens[firstPositional]!.text;
    const found = COMMANDS.find((candidate) => candidate.name === word);
    if (found) {
      command = found;
      named = true;
      positionals = positionals.slice(1);
    } else if (defaultCommand.positionals.length === 0) {
      const names = COMMANDS.map((candidate) => candidate.name);
      throw new UserError(`unknown command ${quote(word)}${didYouMean(word, names)} (commands: ${names.join(', ')})`);
    }
  }
  if (wantsHelp) return { command, positionals, wantsHelp, named, argv: joinedArgv };

  const options = optionsOf(command);
  const seen = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const found = findOption(options, token.name!);
    if (!found) {
      const shown = token.text.split('=')[0]!;
      const hint = didYouMean(token.name!, optionWords(options), (word) => `--${word}`);
      const elsewhere = COMMANDS.filter((other) => other !== command && other.options.some((option) => option.name === token.name)).map((other) => other.name);
      const where = elsewhere.length > 0 ? ` (it belongs to: ${elsewhere.join(', ')})` : '';
      throw new UserError(`unknown option ${quote(shown)} for ${command.name}${hint || where}; see virt-advisor ${command.name} --help`);
    }
    const { spec } = found;
    if (spec.type === 'boolean') {
      if (token.value !== undefined && (found.negated || !BOOLEAN_VALUES.has(token.value))) {
        throw new UserError(`--${spec.name} takes no value (given ${quote(token.value)})`);
      }
    } else {
      if (token.value === undefined) throw new UserError(`--${spec.name} needs a value${spec.value ? ` (${spec.value})` : ''}`);
      if (token.value.trim() === '') throw new UserError(`--${spec.name} was given an empty value; give ${spec.value ?? 'a value'} (an unset variable in a script?)`);
    }
    seen.set(spec.name, (seen.get(spec.name) ?? 0) + 1);
  }
  for (const [name, count] of seen) {
    const spec = options.find((option) => option.name === name)!;
    if (count > 1 && spec.type === 'string' && !spec.repeatable) {
      const values = tokens.filter((token) => token.kind === 'option' && findOption(options, token.name!)?.spec === spec).map((token) => quote(token.value ?? ''));
      throw new UserError(`--${name} given more than once (${values.join(', ')}); give it once`);
    }
  }
  checkPositionals(command, positionals);
  return { command, positionals, wantsHelp, named, argv: joinedArgv };
}

function checkPositionals(command: CommandSpec, positionals: string[]): void {
  const variadic = command.positionals.some((positional) => positional.usage.endsWith('..]'));
  const required = command.positionals.filter((positional) => positional.usage.startsWith('<')).length;
  if (!variadic && positionals.length > command.positionals.length) {
    const extra = positionals[command.positionals.length]!;
    const what = command.positionals.length === 0 ? 'takes no arguments' : `takes ${command.positionals.map((positional) => positional.usage).join(' ')}`;
    throw new UserError(`${command.name} ${what}; unexpected ${quote(extra)}`);
  }
  if (positionals.length < required) {
    throw new UserError(`${command.name} needs ${command.positionals.filter((positional) => positional.usage.startsWith('<')).map((positional) => positional.usage).join(' ')}; see virt-advisor ${command.name} --help`);
  }
}
