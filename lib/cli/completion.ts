import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  /** Words from the program to this command ("certs check"). */
  readonly path: string;
  readonly subcommands: readonly string[];
  readonly options: readonly Option[];
}

/** Every command of the tree, deepest first, so a shell's first matching pattern is the most specific. */
function nodes(command: Command, path = ''): Node[] {
  const own: Node = { path, subcommands: command.commands.map((c) => c.name()), options: command.options };
  const children = command.commands.flatMap((sub) => nodes(sub, path === '' ? sub.name() : `${path} ${sub.name()}`));
  return [...children, own].sort((a, b) => b.path.split(' ').length - a.path.split(' ').length);
}

const longFlags = (options: readonly Option[]) => [...options.map((o) => o.long).filter((l): l is string => l !== undefined), '--help'];

/** Options with a fixed set of values (commander `choices`), deduplicated by flag. */
function choices(root: Command): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const node of nodes(root))
    for (const option of node.options) if (option.long !== undefined && option.argChoices !== undefined) map.set(option.long, option.argChoices);
  return map;
}

function bash(root: Command): string {
  const name = root.name();
  const cases = nodes(root)
    .map((node) => `    "${node.path}"*) words="${[...node.subcommands, ...longFlags(node.options)].join(' ')}" ;;`)
    .join('\n');
  const values = [...choices(root)].map(([flag, list]) => `    ${flag}) COMPREPLY=( $(compgen -W "${list.join(' ')}" -- "$cur") ); return ;;`).join('\n');
  return `# ${name} completion for bash (eval "$(${name} completion bash)")
_${name}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path="" words="" i
  case "$prev" in
${values}
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _${name} ${name}
`;
}

function fish(root: Command): string {
  const name = root.name();
  const lines = [`# ${name} completion for fish (${name} completion fish | source)`, `complete -c ${name} -f`];
  for (const node of nodes(root)) {
    const seen =
      node.path === ''
        ? '__fish_use_subcommand'
        : node.path
            .split(' ')
            .map((word) => `__fish_seen_subcommand_from ${word}`)
            .join('; and ');
    const notDeeper = node.subcommands.length === 0 ? '' : `; and not __fish_seen_subcommand_from ${node.subcommands.join(' ')}`;
    if (node.subcommands.length > 0) lines.push(`complete -c ${name} -n '${seen}${notDeeper}' -a '${node.subcommands.join(' ')}'`);
    for (const option of node.options) {
      if (option.long === undefined || node.path === '') continue;
      const values = option.argChoices === undefined ? (option.required || option.optional ? ' -r' : '') : ` -r -a '${option.argChoices.join(' ')}'`;
      lines.push(`complete -c ${name} -n '${seen}' -l ${option.long.slice(2)}${values}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A completion script for `shell`, generated from the commander tree itself, so it knows every
 * command and option the CLI has. zsh runs the bash script through bashcompinit.
 */
export function completionScript(root: Command, shell: Shell): string {
  if (shell === 'fish') return fish(root);
  if (shell === 'zsh')
    return `# ${root.name()} completion for zsh (eval "$(${root.name()} completion zsh)")\nautoload -U +X bashcompinit && bashcompinit\n${bash(root)}`;
  return bash(root);
}
