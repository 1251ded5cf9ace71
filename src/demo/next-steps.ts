// What to run after the demo, on the recordings it wrote. Pure: paths in, command lines out.
import { isAbsolute, join, relative } from 'node:path';
import { shellLine } from './narrator.ts';

export type NextStep = { command: string; what: string };

/** The recordings dir as the user can type it from where they are: relative when inside cwd. */
export function displayPath(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}

/**
 * `auditLog`: where an export finds the relay's audit log (an export without it would be
 * partial): the copy of a file store's log, or the database of a PostgreSQL store.
 */
export function nextSteps(dir: string, replaySession: string | null, auditLog: { data: string } | { store: string } = { data: join(dir, 'relay-log') }): NextStep[] {
  const steps: NextStep[] = [];
  if (replaySession !== null) {
    steps.push({ command: shellLine(['hkubectl', 'replay', join(dir, `${replaySession}.cast`)]), what: 'replay a session in this terminal, after checking its signature' });
  }
  steps.push(
    { command: shellLine(['hkubectl', 'play', dir]), what: 'browse and play every session in a local web page (asciinema-player)' },
    { command: shellLine(['hkubectl', 'verify', dir, '--jwks', join(dir, 'jwks.json')]), what: 'check signatures and hashes again, as an auditor would' },
    {
      command: shellLine(['hkubectl', 'audit', 'export', '--since', '1d', '--dir', dir, ...('data' in auditLog ? ['--data', auditLog.data] : ['--store', auditLog.store]), '--jwks', join(dir, 'jwks.json'), '--out', 'hkubectl-evidence.tar.gz']),
      what: "write a complete evidence bundle (sessions, the relay's audit log, approvals and denials, keys, report, offline index.html)",
    },
  );
  return steps;
}
