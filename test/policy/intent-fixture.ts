// Hand-built command models for tests that must not depend on the argv parser.
import type { CommandIntent } from '../../src/kubectl/intent.ts';

export function intent(fields: Partial<CommandIntent> & Pick<CommandIntent, 'verb'>): CommandIntent {
  return {
    resources: [], names: [], namespace: null, allNamespaces: false, subresource: null, selector: null,
    filenames: [], dryRun: 'none', force: false, output: null, context: null, containerCommand: [],
    interactive: false, tty: false, args: [], flags: {}, unrecognised: [], cluster: null, overrides: [], plugin: null, podEscapes: [],
    ...fields,
  };
}
