// Rule messages may name what the command did: `{overrides}` (the flags, credentials without
// their values), `{plugin}` (kubectl-<name> and where it lives) and `{podEscapes}`. A rule's
// message is written once, but "which flag" differs per command.
import { describeOverrides } from '../kubectl/connection-overrides.ts';
import type { CommandIntent } from '../kubectl/intent.ts';

export function fillMessage(message: string, intent: CommandIntent): string {
  if (!message.includes('{')) return message;
  const plugin = intent.plugin === null ? 'no plugin' : `kubectl-${intent.plugin.name}${intent.plugin.path === null ? '' : ` (${intent.plugin.path}, sha256 ${intent.plugin.sha256})`}`;
  return message
    .replaceAll('{overrides}', describeOverrides(intent.overrides) || 'no overrides')
    .replaceAll('{plugin}', plugin)
    .replaceAll('{podEscapes}', intent.podEscapes.join(', ') || 'none');
}
