// The step where the agent tries to skip hkubectl: the real kubectl, straight at the relay's
// gateway for the sandbox, with the only credential agent-7 holds (its login). The gateway takes
// nothing but a session grant, which hkubectl gets per allowed command, so the cluster answers
// 401 and nothing runs. The demo checks that it does, so a gateway that let it through fails the
// story instead of telling it wrong.
import { execFile } from 'node:child_process';
import { getValidToken } from '../auth/session-token.ts';
import { loadConfig } from '../config/config.ts';
import { resolvePaths } from '../config/paths.ts';
import { DemoFailedError, lastLine } from './demo-error.ts';
import { shellLine, type Narrator } from './narrator.ts';
import { DEMO_AGENT } from './script.ts';

/** What kubectl prints when the server answers 401. */
const UNAUTHORIZED = /You must be logged in to the server|Unauthorized/;

export async function playSkipStep(options: { number: number; env: NodeJS.ProcessEnv; gatewayUrl: string; caFile: string; narrator: Narrator; signal: AbortSignal }): Promise<void> {
  const { narrator, env } = options;
  narrator.heading(`${options.number}. ${DEMO_AGENT} tries to skip hkubectl: the real kubectl, straight at the relay, with its own login`);
  const paths = resolvePaths({ HKUBECTL_CONFIG_DIR: env.HKUBECTL_CONFIG_DIR });
  const login = await getValidToken({ config: loadConfig({ HKUBECTL_CONFIG_DIR: env.HKUBECTL_CONFIG_DIR }, paths), tokenDir: paths.tokenDir });
  const args = ['get', 'secret', 'db-credentials', '-n', 'prod', '--server', options.gatewayUrl, '--certificate-authority', options.caFile, '--token', login.token];
  // The token is shown by name, not value: it is a credential of the person's login.
  narrator.command(shellLine(['kubectl', ...args.slice(0, -1)]).concat(' "$AGENT_LOGIN_TOKEN"'));
  const kubectl = env.HKUBECTL_KUBECTL ?? 'kubectl';
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(kubectl, args, { env, signal: options.signal, timeout: 30_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(out), stderr: String(err) });
    });
  });
  for (const line of stdout.split('\n').filter(Boolean)) narrator.output(line, 'stdout');
  for (const line of stderr.split('\n').filter(Boolean)) narrator.output(line, 'stderr');
  if (code === 0 || !UNAUTHORIZED.test(stderr)) {
    throw new DemoFailedError(`the real kubectl without hkubectl was expected to be refused with 401 Unauthorized, but it ${code === 0 ? 'ran' : `ended with: ${lastLine(stderr) ?? `exit ${code}`}`}`);
  }
  narrator.good('401 Unauthorized: the agent holds no cluster credential, and its login is not one; only the session grant hkubectl gets for an allowed command opens the gateway, for that command\'s session');
}
