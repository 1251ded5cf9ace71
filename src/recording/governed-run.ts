// A kubectl command that talks to a cluster: identified, decided by the relay, then run as a
// masked, recorded session. Nothing runs without an allow (fail closed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getValidToken } from '../auth/session-token.ts';
import { loadConfig } from '../config/config.ts';
import { parseDuration } from '../config/duration.ts';
import { resolvePaths } from '../config/paths.ts';
import { ConfigError, UsageError } from '../errors.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import { resolveKubeTarget } from '../kubectl/kubeconfig.ts';
import { createRelayClient } from '../relay/client.ts';
import { obtainDecision, type WaitingNotice } from '../relay/decision-flow.ts';
import type { AllowAnswer } from '../relay/types.ts';
import { needsTerminal } from './terminal-verbs.ts';
import { runKubectlSession, type KubectlSessionResult } from './session.ts';

export interface GovernedRunInput {
  kubectlPath: string;
  args: string[];
  intent: CommandIntent;
  env: NodeJS.ProcessEnv;
}

export async function runGoverned(input: GovernedRunInput): Promise<number> {
  const { env, intent } = input;
  const paths = resolvePaths(env);
  const config = loadConfig(env, paths);
  if (!config.relay) {
    throw new ConfigError('ERR_NO_RELAY', 'no policy relay is configured, so commands that reach a cluster cannot run', {
      hint: 'set HKUBECTL_RELAY (or --hk-relay, or "relay: URL" in config.yaml)',
    });
  }
  const waitMs = waitOf(env);
  const target = resolveKubeTarget(intent, env);
  const { token } = await getValidToken({ config, tokenDir: paths.tokenDir });
  const client = createRelayClient({ url: config.relay, token });
  try {
    const allow = await obtainDecision(client, {
      argv: input.args,
      intent,
      context: target.context,
      cluster: target.server ?? target.cluster,
      namespace: target.namespace,
      reason: env.HKUBECTL_REASON ?? null,
      agent: env.HKUBECTL_AGENT ?? null,
      runId: env.HKUBECTL_RUN_ID ?? null,
    }, { waitMs, notify: (notice) => process.stderr.write(waitingLine(notice, env)) });

    const recordingsDir = config.recordings ?? join(paths.dataDir, 'recordings');
    const result = await runSession(input, allow, recordingsDir);
    if (result.failure) throw result.failure;
    return result.exitCode;
  } finally {
    await client.close();
  }
}

async function runSession(input: GovernedRunInput, allow: AllowAnswer, recordingsDir: string): Promise<KubectlSessionResult> {
  if (allow.record) mkdirSync(recordingsDir, { recursive: true, mode: 0o700 });
  const command = ['kubectl', ...input.args].join(' ');
  const markers = [`decision: allow by rule ${allow.rule} (risk ${allow.risk.score})`];
  if (allow.requestId) markers.push(`approval: request ${allow.requestId}`);
  return runKubectlSession({
    kubectlPath: input.kubectlPath,
    args: input.args,
    env: input.env,
    terminal: needsTerminal(input.intent),
    masking: { profile: allow.mask },
    cast: allow.record
      ? {
          path: join(recordingsDir, `${allow.sessionId}.cast`),
          header: { version: 2, timestamp: Math.floor(Date.now() / 1000), command, title: command, hk: { v: 1, session: allow.sessionId } },
        }
      : null,
    markers,
  });
}

function waitOf(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.HKUBECTL_WAIT;
  if (text === undefined || text === '') return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError('ERR_OWN_FLAG_VALUE', `--hk-wait must be a duration such as 0, 90s or 5m, not "${text}"`);
  return ms;
}

function waitingLine(notice: WaitingNotice, env: NodeJS.ProcessEnv): string {
  if (env.HKUBECTL_OUTPUT === 'json') return `${JSON.stringify(notice)}\n`;
  const wait = notice.waitSec > 0 ? `waiting up to ${notice.waitSec}s` : 'not waiting (--hk-wait 0)';
  return `hkubectl: approval needed (rule ${notice.rule}, risk ${notice.risk}): request ${notice.requestId} for ${notice.approverGroups.join(', ')}; ${wait}\n`;
}
