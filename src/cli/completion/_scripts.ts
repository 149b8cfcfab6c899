// Completion scripts for bash, zsh, fish and PowerShell. Each embeds the same path → words table and walks the
// words typed so far (skipping flags) to find the deepest known command path, then offers that path's words.
import type { CompletionMap } from "./_tree.ts";

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/** The script for one shell. */
export function completionScript(shell: Shell, map: CompletionMap): string {
  return RENDER[shell](map);
}

const RENDER: Record<Shell, (map: CompletionMap) => string> = {
  bash: (map) => `# openclaw completion for bash: source <(openclaw completion --shell bash)
_openclaw_words() {
  case "$1" in
${cases(map, (path, words) => `    ${sh(path)}) echo ${sh(words.join(" "))} ;;`)}
  esac
}
_openclaw() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" next w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    next="\${cmdpath:+$cmdpath }$w"
    if [ -n "$(_openclaw_words "$next")" ]; then cmdpath="$next"; fi
  done
  COMPREPLY=($(compgen -W "$(_openclaw_words "$cmdpath")" -- "$cur"))
}
complete -F _openclaw openclaw
`,
  zsh: (map) => `#compdef openclaw
# openclaw completion for zsh: source <(openclaw completion --shell zsh)
_openclaw_words() {
  case "$1" in
${cases(map, (path, words) => `    ${sh(path)}) echo ${sh(words.join(" "))} ;;`)}
  esac
}
_openclaw() {
  local cmdpath="" next w i
  for ((i = 2; i < CURRENT; i++)); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    next="\${cmdpath:+$cmdpath }$w"
    [[ -n "$(_openclaw_words "$next")" ]] && cmdpath="$next"
  done
  local -a candidates
  candidates=(\${=$(_openclaw_words "$cmdpath")})
  compadd -- $candidates
}
if (( $+functions[compdef] )); then compdef _openclaw openclaw; fi
`,
  fish: (map) => `# openclaw completion for fish: openclaw completion --shell fish | source
function __openclaw_words
    switch "$argv[1]"
${cases(map, (path, words) => `        case ${sh(path)}\n            printf '%s\\n' ${words.map(sh).join(" ")}`)}
    end
end
function __openclaw_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmdpath ""
    for w in $tokens
        if string match -q -- '-*' $w
            continue
        end
        set -l next (string trim -- "$cmdpath $w")
        if test (count (__openclaw_words "$next")) -gt 0
            set cmdpath $next
        end
    end
    __openclaw_words "$cmdpath"
end
complete -c openclaw -f -a '(__openclaw_complete)'
`,
  powershell: (map) => `# openclaw completion for PowerShell: openclaw completion --shell powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName openclaw -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $map = @{
${[...map].map(([path, words]) => `        ${ps(path)} = @(${words.map(ps).join(", ")})`).join("\n")}
    }
    $cmdpath = ''
    foreach ($element in ($commandAst.CommandElements | Select-Object -Skip 1)) {
        $w = $element.ToString()
        if ($element.Extent.StartOffset -ge $cursorPosition) { break }
        if ($w -eq $wordToComplete) { break }
        if ($w.StartsWith('-')) { continue }
        $next = ($cmdpath + ' ' + $w).Trim()
        if ($map.ContainsKey($next)) { $cmdpath = $next }
    }
    $map[$cmdpath] | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
};

function cases(map: CompletionMap, line: (path: string, words: string[]) => string): string {
  return [...map].map(([path, words]) => line(path, words)).join("\n");
}

/** POSIX single-quoted word (command names and flags never contain quotes, but stay safe). */
function sh(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function ps(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
