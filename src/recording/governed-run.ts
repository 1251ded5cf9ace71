// A kubectl command that talks to a cluster: identified, decided by the relay, then run as a
// masked, recorded session. Nothing runs without an allow (fail closed).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDuration } from '../config/duration.ts';
import type { OwnOptions } from '../config/own-options.ts';
import { ConfigError, TemporaryError, UsageError, isHkError } from '../errors.ts';
import { gatewayArgv } from '../kubectl/gateway-args.ts';
import type { CommandIntent } from '../kubectl/intent.ts';
import { resolveKubeTarget, type KubeTarget } from '../kubectl/kubeconfig.ts';
import type { PluginRef } from '../kubectl/plugins.ts';
import { agentConfig, openAgentRelay } from '../relay/client/agent-client.ts';
import type { RelayClient } from '../relay/client/client.ts';
import { obtainDecision, type WaitingNotice } from '../relay/client/decision-flow.ts';
import type { AllowAnswer, SubmitBody } from '../contract/relay-api.ts';
import { deliverSession, syncSpool } from './deliver.ts';
import { castFileName, manifestFileName, type SessionDraft } from '../contract/manifest.ts';
import { redactArgv } from '../contract/command-line.ts';
import { pendingFiles, type SpoolEntry } from './spool.ts';
import { needsTerminal, readsStdin } from './terminal-verbs.ts';
import { runKubectlSession, type KubectlSessionResult } from './session.ts';
import { policyMasking } from '../masking/index.ts';
import { readContent, type ContentRead } from './content-read.ts';
import { readsContent } from '../contract/content-sources.ts';
import { sessionKubeconfigDir, sweepStaleKubeconfigs, writeSessionKubeconfig } from './session-kubeconfig.ts';

export interface GovernedRunInput {
  kubectlPath: string;
  args: string[];
  intent: CommandIntent;
  /** The environment kubectl runs with (and where hkubectl's files are: HKUBECTL_CONFIG_DIR…, KUBECONFIG). */
  env: NodeJS.ProcessEnv;
  options: OwnOptions;
  /** The plugin kubectl will run, found and hashed once by the caller; null for kubectl's own commands. */
  plugin: PluginRef | null;
}

export async function runGoverned(input: GovernedRunInput): Promise<number> {
  const { env, intent, options } = input;
  checkWaitFlag(options.wait);
  const loaded = agentConfig(env, options.settings);
  const target = resolveKubeTarget(intent, env, loaded.paths.cacheDir, { kubectlPath: input.kubectlPath });
  const local = { kubeconfig: target.facts, plugin: input.plugin };
  // Before the decision: a recording that cannot be written must not cost an approval or leave
  // the relay with a session that never ran.
  const recordingsDir = loaded.config.recordings ?? join(loaded.paths.dataDir, 'recordings');
  prepareRecordingsDir(recordingsDir);
  // What the command reads (files, stdin) is hashed before asking, so an approval is bound to it;
  // stdin is read here once and kubectl is given that copy.
  const readOptions = { kubectlPath: input.kubectlPath, env, stdinIsContent: !needsTerminal(intent) };
  const content: ContentRead | null = readsContent(intent) ? await readContent(intent, readOptions) : null;
  const { client, config, paths } = await openAgentRelay(loaded);
  try {
    const body: SubmitBody = {
      argv: input.args,
      intent,
      context: target.context,
      cluster: target.server ?? target.cluster,
      namespace: target.namespace,
      local,
      reason: options.reason,
      agent: options.agent,
      runId: options.runId,
      content: content?.digest ?? null,
      kubeCluster: target.cluster,
    };
    const refresh = content ? async () => ({ ...body, content: (await readContent(intent, { ...readOptions, stdinBytes: content.stdin })).digest }) : undefined;
    const allow = await decide(client, body, config.wait, options, refresh);

    const spoolDir = join(paths.dataDir, 'spool');
    const manifestPath = join(recordingsDir, manifestFileName(allow.sessionId));
    let run: KubectlRun;
    try {
      const kubeconfigDir = sessionKubeconfigDir(env, paths.dataDir);
      if (allow.gateway) run = gatewayRun(input, allow, target, kubeconfigDir);
      else {
        // A gateway run killed earlier left its grant on disk: gone now, whatever mode this run is in.
        sweepStaleKubeconfigs(kubeconfigDir);
        run = { args: input.args, env, secrets: [], remove: () => {} };
      }
    } catch (error) {
      // Refused after the relay opened the session: it is closed at once (exit 77, nothing
      // recorded), so the grant dies now rather than at its expiry and the audit log says why.
      if (isHkError(error)) await closeUnrun(client, allow, error.exitCode, needsTerminal(intent), manifestPath, spoolDir);
      throw error;
    }
    let result: KubectlSessionResult;
    let earlierDrafts: Promise<string[]>;
    try {
      const running = runSession(input, run, allow, recordingsDir, content?.stdin ?? undefined);
      // Drafts earlier runs left to send, looked for once kubectl is started (off the path to it)
      // and while it runs rather than after.
      earlierDrafts = pendingFiles(spoolDir).catch(() => []);
      result = await running;
    } finally {
      run.remove();
    }
    await deliverAndReport(client, {
      hk: 1,
      draft: draftOf(allow, result, needsTerminal(intent)),
      castPath: result.cast?.path ?? null,
      manifestPath,
    }, { spoolDir, earlierDrafts }, options);
    if (result.failure) throw result.failure;
    return result.exitCode;
  } finally {
    await client.close();
  }
}

/** What kubectl runs with: argv, environment, the values its output must never show, and what to clean up after. */
interface KubectlRun {
  args: string[];
  env: NodeJS.ProcessEnv;
  secrets: string[];
  remove(): void;
}

/**
 * Gateway mode: kubectl reads only the session kubeconfig (KUBECONFIG; the agent's selections
 * are taken out of argv, and its own server, credentials or impersonation refuse the command),
 * and the grant is a value the session's maskers know, should anything print it.
 */
function gatewayRun(input: GovernedRunInput, allow: AllowAnswer, target: KubeTarget, dir: string): KubectlRun {
  const grant = allow.gateway!;
  const args = gatewayArgv(input.args, input.intent, target.facts);
  const kubeconfig = writeSessionKubeconfig({ dir, session: allow.sessionId, grant, namespace: target.namespace, contextName: target.context });
  return { args, env: { ...input.env, KUBECONFIG: kubeconfig.path }, secrets: [grant.token], remove: kubeconfig.remove };
}

/** Closes a session that was allowed but never ran; what the relay says to it changes nothing here. */
async function closeUnrun(client: RelayClient, allow: AllowAnswer, exitCode: number, terminal: boolean, manifestPath: string, spoolDir: string): Promise<void> {
  const now = new Date().toISOString();
  const draft: SessionDraft = {
    hk: 1, session: allow.sessionId, cast: null, startedAt: now, endedAt: now, exitCode, signal: null, terminal,
    masking: { profile: allow.mask, counts: {} },
  };
  await deliverSession(client, { hk: 1, draft, castPath: null, manifestPath }, spoolDir).catch(() => undefined);
}

function draftOf(allow: AllowAnswer, result: KubectlSessionResult, terminal: boolean): SessionDraft {
  const cast = result.cast
    ? { file: castFileName(allow.sessionId), sha256: result.cast.sha256, size: result.cast.size, events: result.cast.events }
    : null;
  return {
    hk: 1, session: allow.sessionId, cast, startedAt: result.startedAt, endedAt: result.endedAt,
    exitCode: result.exitCode, signal: result.signal, terminal,
    masking: { profile: allow.mask, counts: { ...result.maskCounts } },
  };
}

/**
 * The command has run, so its exit code stands whatever happens here; a manifest that could not
 * be signed now is said once on stderr and left to the spool (`hkubectl sync`).
 */
async function deliverAndReport(
  client: RelayClient, entry: SpoolEntry, { spoolDir, earlierDrafts }: { spoolDir: string; earlierDrafts: Promise<string[]> }, options: OwnOptions,
): Promise<void> {
  const warn = (code: string, message: string): void => {
    process.stderr.write(options.output === 'json' ? `${JSON.stringify({ warning: { code, message, session: entry.draft.session } })}\n` : `hkubectl: warning: ${message}\n`);
  };
  try {
    const delivery = await deliverSession(client, entry, spoolDir);
    if (delivery.state === 'pending') {
      warn('WARN_MANIFEST_UNSIGNED', `session ${delivery.session} could not be signed now (${delivery.reason}); its manifest stays unsigned until \`hkubectl sync\` delivers it`);
      return;
    }
    if (delivery.state === 'refused') {
      warn('WARN_MANIFEST_REFUSED', `the relay refused to sign session ${delivery.session}: ${delivery.reason} (draft kept at ${delivery.keptAt})`);
      return;
    }
    if ((await earlierDrafts).length > 0) await syncSpool(client, spoolDir);
  } catch (error) {
    warn('WARN_MANIFEST_NOT_WRITTEN', `the manifest of session ${entry.draft.session} could not be written: ${(error as Error).message}; its draft stays in ${spoolDir}`);
  }
}

/**
 * The relay's decision. While waiting for an approver the agent is told so at once; with
 * --hk-wait 0 there is no wait to announce, so the pending request becomes the one line of the
 * exit (rule and risk included) rather than a second line repeating the first.
 */
async function decide(
  client: RelayClient, body: SubmitBody, waitMs: number | undefined, options: OwnOptions, refresh: (() => Promise<SubmitBody>) | undefined,
): Promise<AllowAnswer> {
  let unannounced: WaitingNotice | undefined;
  try {
    return await obtainDecision(client, body, {
      waitMs,
      ...(refresh ? { refresh } : {}),
      notify: (notice) => {
        if (notice.waitSec > 0) process.stderr.write(waitingLine(notice, options));
        else unannounced = notice;
      },
    });
  } catch (error) {
    if (unannounced && isHkError(error) && error.code === 'ERR_APPROVAL_PENDING') {
      const { rule, risk, requestId, approverGroups, message } = unannounced;
      throw new TemporaryError(error.code, `approval needed (rule ${rule}, risk ${risk}): ${message}; request ${requestId} is waiting for ${approverGroups.join(', ')}`, {
        hint: error.hint, details: { ...error.details, rule, risk }, cause: error,
      });
    }
    throw error;
  }
}

/** Fails closed, naming the directory, when recordings cannot be written there. */
function prepareRecordingsDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'it is a file, not a directory' : code === 'ENOTDIR' ? 'part of its path is a file' : code ?? String(error);
    throw new ConfigError('ERR_RECORDINGS_DIR', `cannot record sessions in ${dir}: ${why}`, {
      hint: 'nothing was run; set HKUBECTL_RECORDINGS (or "recordings" in config.yaml) to a writable directory',
      cause: error,
    });
  }
}

async function runSession(input: GovernedRunInput, run: KubectlRun, allow: AllowAnswer, recordingsDir: string, stdin: Buffer | undefined): Promise<KubectlSessionResult> {
  // As the relay logged it (credential flag values masked): the relay refuses a recording whose
  // header names any other command, and a token has no place in a recording's header.
  const command = ['kubectl', ...redactArgv(input.args)].join(' ');
  const markers = [`decision: allow by rule ${allow.rule} (risk ${allow.risk.score})`];
  if (allow.requestId) markers.push(`approval: request ${allow.requestId}`);
  if (allow.gateway) markers.push(`gateway: cluster ${allow.gateway.cluster} through the relay`);
  return runKubectlSession({
    kubectlPath: input.kubectlPath,
    args: run.args,
    env: run.env,
    knownSecrets: run.secrets,
    terminal: needsTerminal(input.intent),
    // Only what is recorded needs to pass through hkubectl; unrecorded, kubectl reads stdin itself.
    recordInput: allow.record && readsStdin(input.intent, input.args),
    ...(stdin ? { input: stdin } : {}),
    masking: policyMasking(allow.mask, allow.masking),
    cast: allow.record
      ? {
          path: join(recordingsDir, `${allow.sessionId}.cast`),
          header: { version: 2, timestamp: Math.floor(Date.now() / 1000), command, title: command, hk: { v: 1, session: allow.sessionId } },
        }
      : null,
    markers,
  });
}

/** A bad --hk-wait is a usage error of this command line (config.yaml's `wait` is checked with the config). */
function checkWaitFlag(text: string | undefined): void {
  if (text === undefined || text === '' || parseDuration(text) !== undefined) return;
  throw new UsageError('ERR_OWN_FLAG_VALUE', `--hk-wait (HKUBECTL_WAIT) must be a duration such as 0, 90s or 5m, not "${text}"`);
}

function waitingLine(notice: WaitingNotice, options: OwnOptions): string {
  if (options.output === 'json') return `${JSON.stringify(notice)}\n`;
  return `hkubectl: approval needed (rule ${notice.rule}, risk ${notice.risk}): request ${notice.requestId} for ${notice.approverGroups.join(', ')}; waiting up to ${notice.waitSec}s\n`;
}
