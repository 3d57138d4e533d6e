import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import type { CliContext } from './context.js';
import { choicesOf } from './choices.js';
import { COMMANDS, GLOBAL_OPTIONS, SHELLS, type ChoiceSet, type OptionSpec } from './spec.js';

type Shell = (typeof SHELLS)[number];

/** Words safe inside a bash double-quoted string: ids, architectures, option names. */
function words(list: readonly string[]): string {
  for (const word of list) if (!/^[A-Za-z0-9_.,:-]+$/.test(word)) throw new Error(`not a completion word: ${word}`);
  return list.join(' ');
}

function optionWords(options: OptionSpec[]): string[] {
  return options.flatMap((option) => {
    const names = [`--${option.name}`];
    if (option.type === 'boolean' && option.name === 'color') names.push('--no-color');
    if (option.alias) names.push(`-${option.alias}`);
    return names;
  });
}

/**
 * The completion logic as one shell function, written out from the command spec: commands, each
 * command's options, and the values of enumerated options (a comma-separated list completes its
 * last item). It fills COMPREPLY from COMP_WORDS and COMP_CWORD as bash does, or asks for file or
 * directory names in __virt_advisor_want. It does its own prefix matching, so that it runs the same
 * in bash and, under ksh emulation, in zsh.
 */
function completionFunction(resolve: (set: ChoiceSet) => string[]): string {
  const valueCases: string[] = [];
  const bodyOf = (option: OptionSpec): string => {
    if (option.choices) return `__virt_advisor_values "${words(resolve(option.choices))}"`;
    if (option.value === 'DIR') return '__virt_advisor_want=dirs';
    if (option.value === 'FILE') return '__virt_advisor_want=files';
    return ':';
  };
  // An option several commands take may take other values in each (--format): then the command decides.
  const byName = new Map<string, Array<{ command: string; body: string }>>();
  for (const command of COMMANDS) {
    for (const option of command.options) {
      if (option.type !== 'string') continue;
      byName.set(option.name, [...(byName.get(option.name) ?? []), { command: command.name, body: bodyOf(option) }]);
    }
  }
  const defaultName = COMMANDS.find((command) => command.isDefault)!.name;
  for (const [name, uses] of byName) {
    const bodies = new Set(uses.map((use) => use.body));
    if (bodies.size === 1) {
      valueCases.push(`    --${name}) ${uses[0]!.body}; return 0 ;;`);
      continue;
    }
    const perCommand = uses.map((use) => `${use.command}) ${use.body} ;;`).join(' ');
    valueCases.push(`    --${name}) case "\${command:-${defaultName}}" in ${perCommand} esac; return 0 ;;`);
  }
  const commandCases = COMMANDS.map((command) => {
    const options = words(optionWords([...command.options, ...GLOBAL_OPTIONS]));
    const positional = command.positionals[0];
    const positionalBody = positional?.choices ? `__virt_advisor_values "${words(resolve(positional.choices))}"` : positional?.file ? '__virt_advisor_want=files' : ':';
    return `    ${command.name}) options="${options}"; positional='${positionalBody}' ;;`;
  });
  const defaultCommand = COMMANDS.find((command) => command.isDefault)!;
  return `__virt_advisor_values() {
  # The words of $1 that start with the word being completed; after a comma, its last item.
  local prefix="" last="$cur" word
  case "$cur" in *,*) prefix="\${cur%,*},"; last="\${cur##*,}" ;; esac
  for word in $1; do
    case "$word" in "$last"*) COMPREPLY+=("$prefix$word") ;; esac
  done
}
_virt_advisor() {
  [ -n "\${ZSH_VERSION:-}" ] && emulate -L ksh
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" command="" options="" positional=":" i
  COMPREPLY=()
  __virt_advisor_want=""
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --option=value: bash splits at "=", so the option is two words back.
  if [[ "$cur" == "=" ]]; then prev="\${COMP_WORDS[COMP_CWORD-1]}"; cur=""
  elif [[ "$prev" == "=" ]] && (( COMP_CWORD > 1 )); then prev="\${COMP_WORDS[COMP_CWORD-2]}"
  elif [[ "$cur" == --*=* ]]; then prev="\${cur%%=*}"; cur="\${cur#*=}"; fi
  for (( i = 1; i < COMP_CWORD; i++ )); do
    case "\${COMP_WORDS[i]}" in
      ${COMMANDS.map((command) => command.name).join('|')}) command="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${valueCases.join('\n')}
  esac
  case "\${command:-${defaultCommand.name}}" in
${commandCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    __virt_advisor_values "$options"
  elif [[ -z "$command" ]]; then
    __virt_advisor_values "${words(COMMANDS.map((command) => command.name))}"
  else
    eval "$positional"
  fi
  return 0
}`;
}

export function bashCompletion(resolve: (set: ChoiceSet) => string[]): string {
  return `# bash completion for virt-advisor; load it with: eval "$(virt-advisor completion bash)"
${completionFunction(resolve)}
__virt_advisor_bash() {
  _virt_advisor
  case "$__virt_advisor_want" in
    files) COMPREPLY=($(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}")) ;;
    dirs) COMPREPLY=($(compgen -d -- "\${COMP_WORDS[COMP_CWORD]}")) ;;
  esac
}
complete -o bashdefault -o default -F __virt_advisor_bash virt-advisor
`;
}

/** zsh: the same function, called from a native completion function. */
export function zshCompletion(resolve: (set: ChoiceSet) => string[]): string {
  return `#compdef virt-advisor
# zsh completion for virt-advisor; load it with: eval "$(virt-advisor completion zsh)"
${completionFunction(resolve)}
__virt_advisor_zsh() {
  local -a COMP_WORDS COMPREPLY
  local COMP_CWORD=$(( CURRENT - 1 ))
  COMP_WORDS=("\${words[@]}")
  _virt_advisor
  case "$__virt_advisor_want" in
    files) _files ;;
    dirs) _files -/ ;;
    *) compadd -Q -S '' -- "\${COMPREPLY[@]}" ;;
  esac
}
if (( ! $+functions[compdef] )); then autoload -Uz compinit && compinit; fi
compdef __virt_advisor_zsh virt-advisor
`;
}

/** `virt-advisor completion [shell]`. */
export function runCompletion(args: { shell?: string }, context: CliContext): number {
  const fromEnv = /\/(bash|zsh)$/.exec(context.env.SHELL ?? '')?.[1];
  const shell = (context.positionals?.[0] ?? args.shell ?? fromEnv) as Shell | undefined;
  if (shell === undefined) throw new UserError('which shell? give bash or zsh (SHELL does not name one)');
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UserError(`no completion for ${quote(shell)}: give bash or zsh`);
  const resolve = (set: ChoiceSet) => choicesOf(set, context);
  context.stdout.write(shell === 'bash' ? bashCompletion(resolve) : zshCompletion(resolve));
  return 0;
}
