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
 * A bash completion function, written out from the command spec: commands, each command's options,
 * and the values of enumerated options (comma-separated lists complete their last item).
 */
export function bashCompletion(resolve: (set: ChoiceSet) => string[]): string {
  const valueCases: string[] = [];
  const seen = new Set<string>();
  for (const option of COMMANDS.flatMap((command) => command.options)) {
    if (option.type !== 'string' || seen.has(option.name)) continue;
    seen.add(option.name);
    let body: string;
    if (option.choices) body = `__virt_advisor_values "${words(resolve(option.choices))}"`;
    else if (option.value === 'DIR') body = 'COMPREPLY=($(compgen -d -- "$cur"))';
    else if (option.value === 'FILE') body = 'COMPREPLY=($(compgen -f -- "$cur"))';
    else body = 'COMPREPLY=()';
    valueCases.push(`    --${option.name}) ${body}; return ;;`);
  }
  const commandCases = COMMANDS.map((command) => {
    const options = words(optionWords([...command.options, ...GLOBAL_OPTIONS]));
    const positional = command.positionals[0];
    const positionalBody = positional?.choices
      ? `__virt_advisor_values "${words(resolve(positional.choices))}"`
      : positional?.file
        ? 'COMPREPLY=($(compgen -f -- "$cur"))'
        : 'COMPREPLY=()';
    return `    ${command.name}) options="${options}"; positional='${positionalBody}' ;;`;
  });
  const defaultCommand = COMMANDS.find((command) => command.isDefault)!;
  return `# bash completion for virt-advisor; load it with: eval "$(virt-advisor completion bash)"
__virt_advisor_values() {
  # Completes the last item of a comma-separated list.
  local prefix="" last="$cur"
  if [[ "$cur" == *,* ]]; then prefix="\${cur%,*},"; last="\${cur##*,}"; fi
  COMPREPLY=($(compgen -P "$prefix" -W "$1" -- "$last"))
}
_virt_advisor() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" command="" options positional i
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --option=value: bash splits at "=", so the option is two words back.
  if [[ "$cur" == "=" ]]; then prev="\${COMP_WORDS[COMP_CWORD-1]}"; cur=""
  elif [[ "$prev" == "=" ]] && (( COMP_CWORD > 1 )); then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
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
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -z "$command" ]]; then
    COMPREPLY=($(compgen -W "${words(COMMANDS.map((command) => command.name))}" -- "$cur"))
  else
    eval "$positional"
  fi
}
complete -o bashdefault -o default -F _virt_advisor virt-advisor
`;
}

/** zsh runs the same function through its bash-completion emulation. */
export function zshCompletion(resolve: (set: ChoiceSet) => string[]): string {
  return `#compdef virt-advisor
# zsh completion for virt-advisor; load it with: eval "$(virt-advisor completion zsh)"
if ! whence compdef >/dev/null; then autoload -U +X compinit && compinit; fi
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(resolve).split('\n').slice(1).join('\n')}`;
}

/** `virt-advisor completion [shell]`. */
export function runCompletion(args: { shell?: string }, context: CliContext): number {
  const fromEnv = /\/(bash|zsh)$/.exec(context.env.SHELL ?? '')?.[1];
  const shell = (args.shell ?? fromEnv) as Shell | undefined;
  if (shell === undefined) throw new UserError('which shell? give bash or zsh (SHELL does not name one)');
  if (!(SHELLS as readonly string[]).includes(shell)) throw new UserError(`no completion for ${quote(shell)}: give bash or zsh`);
  const resolve = (set: ChoiceSet) => choicesOf(set, context);
  context.stdout.write(shell === 'bash' ? bashCompletion(resolve) : zshCompletion(resolve));
  return 0;
}
