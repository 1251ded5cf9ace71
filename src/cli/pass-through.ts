// `hkubectl <kubectl args>`: run the real kubectl with exactly these args.
import { ConfigError } from '../errors.ts';
import { locateKubectl } from '../kubectl/locate.ts';
import { runKubectlInherited } from '../kubectl/spawn-pipes.ts';

/** Nesting deeper than this means "kubectl" leads back to hkubectl through a wrapper script. */
const MAX_DEPTH = 4;

export async function passThrough(kubectlArgs: string[]): Promise<number> {
  const depth = Number(process.env.HKUBECTL_DEPTH ?? '0') || 0;
  if (depth >= MAX_DEPTH) {
    throw new ConfigError('ERR_KUBECTL_IS_SELF', 'the kubectl found on PATH runs hkubectl again (a wrapper loop)', {
      hint: 'set HKUBECTL_KUBECTL to the real kubectl binary',
    });
  }
  const kubectl = locateKubectl({ env: process.env, selfPath: process.argv[1] ?? '' });
  const env = { ...process.env, HKUBECTL_DEPTH: String(depth + 1) };
  return runKubectlInherited(kubectl, kubectlArgs, env);
}
