// Gateway mode: a command that brings its own server, credentials, impersonation or trust is
// refused (exit 77, one line), in every spelling kubectl's flag parser accepts; the flags that
// only select a kubeconfig entry are taken out so that kubectl can use nothing but the session
// kubeconfig. Real kubectl is the oracle for the underscore spellings.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ExitCode, isHkError } from '../../src/errors.ts';
import { ERR_GATEWAY_OVERRIDE, gatewayArgv } from '../../src/kubectl/gateway-args.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { KUBECTL } from '../helpers/run.ts';

const OWN = { kubeconfigIsOwn: true, currentContext: 'own' };
const OTHER = { kubeconfigIsOwn: false, currentContext: 'own' };

function rewrite(argv: string[], facts = OTHER): string[] {
  return gatewayArgv(argv, parseIntent(argv), facts);
}

function refusal(argv: string[], facts = OTHER): { code: string; exitCode: number; message: string } {
  try {
    rewrite(argv, facts);
  } catch (error) {
    if (!isHkError(error)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message };
  }
  throw new Error(`not refused: ${argv.join(' ')}`);
}

/** Every way kubectl accepts a value-taking long flag. */
const spellings = (flag: string, value: string): string[][] => [
  [`--${flag}=${value}`],
  [`--${flag}`, value],
  [`--${flag.replaceAll('-', '_')}=${value}`],
  [`--${flag.replaceAll('-', '_')}`, value],
];

const REFUSED_WITH_VALUE = [
  ['token', 'abcdef0123456789'], ['client-certificate', '/tmp/c.crt'], ['client-key', '/tmp/c.key'], ['username', 'admin'],
  ['password', 'hunter22'], ['server', 'https://127.0.0.1:6443'], ['as', 'system:admin'], ['as-group', 'system:masters'],
  ['as-uid', '0'], ['certificate-authority', '/tmp/ca.crt'], ['tls-server-name', 'kubernetes'], ['kubeconfig', '/tmp/elsewhere'],
] as const;

describe('gateway mode refuses a command that brings its own connection', () => {
  for (const [flag, value] of REFUSED_WITH_VALUE) {
    it.each(spellings(flag, value).map((spelling) => [spelling.join(' '), spelling]))(`refuses --${flag} written %s, exit 77 on one line`, (_, spelling) => {
      for (const argv of [['get', 'pods', ...spelling], [...spelling, 'get', 'pods', '-n', 'prod'], ['-n', 'prod', ...spelling, 'delete', 'pod', 'x']]) {
        const refused = refusal(argv);
        expect(refused.code).toBe(ERR_GATEWAY_OVERRIDE);
        expect(refused.exitCode).toBe(ExitCode.denied);
        expect(refused.message).toContain(`--${flag}`);
        expect(refused.message).not.toContain('\n');
      }
    });
  }

  it.each([[['-s', 'https://127.0.0.1:1']], [['-shttps://127.0.0.1:1']], [['-s=https://127.0.0.1:1']], [['-As', 'https://127.0.0.1:1']], [['-Ashttps://127.0.0.1:1']]])('refuses the -s shorthand written %j', (spelling) => {
    expect(refusal(['get', 'pods', ...spelling]).message).toContain('--server=https://127.0.0.1:1');
  });

  it.each([
    [['--insecure-skip-tls-verify']], [['--insecure-skip-tls-verify=true']], [['--insecure-skip-tls-verify=1']], [['--insecure-skip-tls-verify=T']],
    [['--insecure_skip_tls_verify']], [['--insecure-skip-tls-verify=yes']],
  ])('refuses skipping TLS verification written %j', (spelling) => {
    expect(refusal(['get', 'pods', ...spelling]).message).toContain('--insecure-skip-tls-verify');
  });

  it('lets --insecure-skip-tls-verify=false through: it changes nothing', () => {
    expect(rewrite(['get', 'pods', '--insecure-skip-tls-verify=false'])).toEqual(['get', 'pods', '--insecure-skip-tls-verify=false']);
  });

  it('names every refused flag, once, and never a credential value', () => {
    const refused = refusal(['get', 'pods', '--token=s3cr3t-value-123456', '--as', 'root', '--as-group', 'a', '--as-group', 'b', '--password', 'pw-value-99']);
    expect(refused.message).toMatch(/^--token, --password, --as=root, --as-group=a, --as-group=b refused in gateway mode/);
    expect(refused.message).not.toContain('s3cr3t');
    expect(refused.message).not.toContain('pw-value');
  });

  it('refuses --kubeconfig naming another file even when the agent\'s own is named too', () => {
    expect(refusal(['get', 'pods', '--kubeconfig', '/tmp/elsewhere'], OTHER).message).toContain('--kubeconfig=/tmp/elsewhere');
  });

  it('reads flag values as kubectl does: a value taken by -n is no flag, nor is anything after --', () => {
    expect(rewrite(['get', 'pods', '-n', '--token'])).toEqual(['get', 'pods', '-n', '--token']);
    expect(rewrite(['exec', 'web-1', '--', 'kubectl', '--token', 'x', '--server', 'https://example.invalid'])).toEqual(['exec', 'web-1', '--', 'kubectl', '--token', 'x', '--server', 'https://example.invalid']);
  });

  it('lets an empty value through: clientcmd ignores it, and the session kubeconfig stays in force', () => {
    expect(rewrite(['get', 'pods', '--server='])).toEqual(['get', 'pods', '--server=']);
  });
});

describe('gateway mode takes the kubeconfig selections out of argv', () => {
  it.each([
    [['--context', 'prod', 'get', 'pods'], ['get', 'pods']],
    [['get', 'pods', '--context=prod', '-n', 'web'], ['get', 'pods', '-n', 'web']],
    [['get', 'pods', '--cluster', 'c', '--user=u', '--context_x'], ['get', 'pods', '--context_x']],
    [['get', '--user', 'u', 'pods', '--cluster=c'], ['get', 'pods']],
    [['get', 'pods', '--kubeconfig', '/home/agent/.kube/config', '-o', 'name'], ['get', 'pods', '-o', 'name']],
    [['get', 'pods', '--kube_config=x'], ['get', 'pods', '--kube_config=x']],
  ])('%j runs as %j', (argv, expected) => {
    // `--context_x` and `--kube_config` are no flags kubectl knows (it refuses them itself).
    expect(rewrite(argv, OWN)).toEqual(expected);
  });

  it('leaves flags that only look like selections (kubectl refuses them itself)', () => {
    expect(rewrite(['get', 'pods', '--cluster_name=x'], OWN)).toEqual(['get', 'pods', '--cluster_name=x']);
  });
});

describe("kubectl's own reading of underscored flags (the oracle)", () => {
  it.each([['--client_key=/nonexistent/key'], ['--as_group=g'], ['--insecure_skip_tls_verify']])('kubectl accepts %s as a known flag', (flag) => {
    const answer = spawnSync(KUBECTL, ['version', '--client', flag], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    expect(answer.stderr).not.toContain('unknown flag');
  });
});
