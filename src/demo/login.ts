// Signing the demo's people in through the real device flow. The agent runs `hkubectl login` as a
// child process, exactly as on its own machine; the demo reads the code it prints and confirms it
// at the dev IdP's device page, the one step a person does in a browser. The approver signs in
// the same way, in-process (nobody needs to watch that twice).
import { join } from 'node:path';
import { deviceLogin } from '../auth/device-login.ts';
import type { DevIdp } from '../auth/dev-idp.ts';
import { configSchema } from '../config/schema.ts';
import { childController } from './abort.ts';
import { DemoFailedError, lastLine } from './demo-error.ts';
import { runHkubectl } from './hkubectl-process.ts';
import type { Narrator } from './narrator.ts';

const CODE_LINE = /enter the code (\S+)/;

export async function loginAgent(options: { idp: DevIdp; person: string; env: NodeJS.ProcessEnv; narrator: Narrator; signal: AbortSignal }): Promise<void> {
  const { idp, person, narrator } = options;
  // Without this, a failed confirmation would leave the login polling until its code expires.
  const { controller: stop, release } = childController(options.signal);
  let confirmation: Promise<void> | null = null;
  let confirmFailure: Error | null = null;
  narrator.command('hkubectl login');
  try {
    const exit = await runHkubectl({
      args: ['login'],
      env: options.env,
      signal: stop.signal,
      onLine(line, stream) {
        narrator.output(line, stream);
        const code = confirmation === null ? CODE_LINE.exec(line)?.[1] : undefined;
        if (code === undefined) return;
        confirmation = idp.approveDeviceCode(code, person).then(
          () => narrator.good(`a person opened ${idp.issuer}/device, entered ${code} and signed in as ${person} (the demo does this step)`),
          (error: Error) => {
            confirmFailure = error;
            stop.abort();
          },
        );
      },
    });
    await confirmation;
    if (confirmFailure) throw new DemoFailedError(`confirming ${person}'s device code at the dev IdP failed: ${(confirmFailure as Error).message}`, { cause: confirmFailure });
    if (confirmation === null) throw new DemoFailedError(`\`hkubectl login\` printed no device code (exit ${exit.code}${describe(exit.stderr)})`);
    if (exit.code !== 0) throw new DemoFailedError(`\`hkubectl login\` for ${person} exited ${exit.code}${describe(exit.stderr)}`);
  } finally {
    release();
  }
}

export async function loginInProcess(idp: DevIdp, person: string, configDir: string, signal: AbortSignal): Promise<void> {
  const { controller: stop, release } = childController(signal);
  let confirmation: Promise<void> = Promise.resolve();
  try {
    await deviceLogin({
      settings: { issuer: idp.issuer, clientId: idp.clientId, scope: configSchema.scope.default },
      tokenDir: join(configDir, 'tokens'),
      signal: stop.signal,
      onPrompt: (prompt) => {
        confirmation = idp.approveDeviceCode(prompt.userCode, person);
        confirmation.catch(() => stop.abort());
      },
    });
    await confirmation;
  } catch (error) {
    await confirmation.catch((failure: Error) => {
      throw new DemoFailedError(`confirming ${person}'s device code at the dev IdP failed: ${failure.message}`, { cause: failure });
    });
    throw error;
  } finally {
    release();
  }
}

function describe(stderr: string): string {
  const said = lastLine(stderr);
  return said ? `: ${said}` : '';
}
