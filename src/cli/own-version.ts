// `hkubectl --hk-version`: hkubectl's version and the commit it was built from (dist/build-info.json,
// written by `npm run build`), and the kubectl it runs — the three facts a bug report needs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isHkError } from '../errors.ts';
import { locateKubectl } from '../kubectl/locate.ts';

type BuildInfo = { version: string; commit: string };

export function printOwnVersion(json: boolean, env: NodeJS.ProcessEnv): number {
  const build = buildInfo();
  const kubectl = kubectlVersion(env);
  if (json) {
    process.stdout.write(`${JSON.stringify({ hkubectl: build, kubectl })}\n`);
  } else {
    process.stdout.write(`hkubectl ${build.version} (commit ${build.commit})\n`);
    process.stdout.write(kubectl.path ? `kubectl ${kubectl.version ?? '(version unknown)'} at ${kubectl.path}\n` : `kubectl: not found (${kubectl.problem})\n`);
  }
  return 0;
}

function buildInfo(): BuildInfo {
  // dist/commands/chunks/… or dist/main.js: build-info.json sits at the top of dist/.
  for (const relative of ['../build-info.json', '../../build-info.json', './build-info.json']) {
    try {
      const info = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as Partial<BuildInfo>;
      if (typeof info.version === 'string' && typeof info.commit === 'string') return { version: info.version, commit: info.commit };
    } catch {
      // not at this depth
    }
  }
  return { version: 'unknown', commit: 'unknown' };
}

function kubectlVersion(env: NodeJS.ProcessEnv): { path: string | null; version: string | null; problem: string | null } {
  let path: string;
  try {
    path = locateKubectl({ env, selfPath: process.argv[1] ?? '' });
  } catch (error) {
    return { path: null, version: null, problem: isHkError(error) ? error.message : String(error) };
  }
  const run = spawnSync(path, ['version', '--client', '-o', 'json'], { env, encoding: 'utf8', timeout: 10_000 });
  try {
    const parsed = JSON.parse(run.stdout) as { clientVersion?: { gitVersion?: unknown } };
    const version = parsed.clientVersion?.gitVersion;
    return { path, version: typeof version === 'string' ? version : null, problem: null };
  } catch {
    return { path, version: null, problem: null };
  }
}
