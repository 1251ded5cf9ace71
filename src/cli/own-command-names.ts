// The words that make argv one of hkubectl's own commands rather than a kubectl command line.
// Kept apart from registry.ts so the pass-through path loads no command code at all;
// test/cli/own-commands.test.ts keeps the two in step.
export const OWN_COMMAND_NAMES: ReadonlySet<string> = new Set([
  'login',
  'logout',
  'whoami',
  'token',
  'relay',
  'approvals',
  'approve',
  'deny',
  'audit',
  'policy',
  'mask',
  'sandbox',
  'verify',
  'replay',
  'play',
  'sync',
  'demo',
]);
