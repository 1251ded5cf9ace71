// hkubectl's own subcommands (words kubectl does not use). Each loads lazily so that the
// pass-through path pays for none of them. A command module's default export builds its
// commander Command.
import type { Command } from 'commander';

export type CommandModule = { default: () => Command | Promise<Command> };

export const ownCommands: Record<string, () => Promise<CommandModule>> = {
  policy: () => import('./commands/policy.ts'),
  login: () => import('./commands/login.ts'),
  logout: () => import('./commands/logout.ts'),
  whoami: () => import('./commands/whoami.ts'),
  token: () => import('./commands/token.ts'),
  relay: () => import('./commands/relay.ts'),
  approvals: () => import('./commands/approvals.ts'),
  approve: () => import('./commands/approve.ts'),
  deny: () => import('./commands/deny.ts'),
  audit: () => import('./commands/audit.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
  mask: () => import('./commands/mask.ts'),
  verify: () => import('./commands/verify.ts'),
  replay: () => import('./commands/replay.ts'),
  play: () => import('./commands/play.ts'),
  sync: () => import('./commands/sync.ts'),
  demo: () => import('./commands/demo.ts'),
};
