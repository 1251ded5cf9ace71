// `hkubectl completion bash|zsh`: kubectl's own completion script, its functions renamed so it
// lives beside a real kubectl's, and registered for `hkubectl` and for `kubectl` (the shim on an
// agent's or a person's PATH). The script asks the command being completed for candidates
// (`hkubectl __complete …`), and hkubectl answers with its own commands and --hk-* flags as well
// as kubectl's (own-complete.ts), so one script serves both.
import { ConfigError } from '../../errors.ts';

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** kubectl's script for `shell`, rewritten for hkubectl; refuses a script whose names it does not recognise. */
export function hkubectlCompletionScript(kubectlScript: string, shell: CompletionShell): string {
  let script = kubectlScript
    .replace(/\b__kubectl_/g, '__hkubectl_')
    .replace(/\b__start_kubectl\b/g, '__start_hkubectl')
    .replace(/(^|[\s"'])_kubectl\b/gm, '$1_hkubectl');
  const registrations = shell === 'bash'
    ? [/(complete [^\n]*-F __start_hkubectl) kubectl$/gm, '$1 hkubectl kubectl']
    : [/^(#compdef|compdef _hkubectl) kubectl$/gm, '$1 hkubectl kubectl'];
  // kubectl's script needs the bash-completion package (its _get_comp_words_by_ref); without
  // it, the words are taken as bash split them, so TAB works on a bare bash too.
  script = script.replace(
    /^(__hkubectl_init_completion\(\)\n\{\n\s*COMPREPLY=\(\)\n)\s*_get_comp_words_by_ref "\$@" cur prev words cword\n\}/m,
    `$1    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref "$@" cur prev words cword
    else
        words=("\${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur="\${COMP_WORDS[COMP_CWORD]}"
        prev="\${COMP_WORDS[COMP_CWORD-1]}"
    fi
}`,
  );
  const before = script;
  script = script.replace(registrations[0] as RegExp, registrations[1] as string);
  // A kubectl whose script is shaped otherwise would leave functions of the real kubectl's
  // completion overwritten, or hkubectl unregistered: say so rather than print a broken script.
  if (script === before || /(?:^|[^h])_kubectl\b/m.test(script.replace(/^\s*#.*$/gm, ''))) {
    throw new ConfigError('ERR_COMPLETION_SCRIPT', `kubectl's ${shell} completion script is not one this hkubectl knows how to adapt`, {
      hint: 'use `kubectl completion` directly, or an hkubectl made for this kubectl version',
    });
  }
  return `# hkubectl ${shell} completion: kubectl's, adapted — completes hkubectl's own commands and --hk-* flags too.\n` +
    `# Load it with: source <(hkubectl completion ${shell})\n${script}`;
}
