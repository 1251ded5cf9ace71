// Every output the default policy allows over Secrets shows no Secret value once masked: the real
// kubectl prints a real Secret from the sandbox API server in each form, and the masker, with the
// profile the policy's decision names, must leave neither the base64 value nor the decoded one.
// The forms the masker does not cover (several values on a line, JSON lists, table columns) are
// the ones the policy must deny.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { maskText } from '../../src/masking/index.ts';
import { defaultPolicy } from '../../src/policy/default-policy.ts';
import { evaluate } from '../../src/policy/evaluate.ts';
import { startHarness, type Harness } from '../sandbox/harness.ts';

const PASSWORD = 'Tr0ub4dor&3-correct-horse';
const TOKEN = 'k7Qx9vLm2Pz8Rt4Wn6Yb1Hc5';
const b64 = (text: string) => Buffer.from(text).toString('base64');

type Outcome = 'masked' | 'denied';
const OUTPUTS: Array<[Outcome, string[]]> = [
  ['masked', ['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']],
  ['masked', ['get', 'secret', 'db', '-o', 'jsonpath={.data}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath={.data.*}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath={.data.password}{"\\n"}{.data.token}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath={.data.password}{.data.token}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath={range .data.*}{@}{","}{end}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath={..password}']],
  ['denied', ['get', 'secret', 'db', '-o', "jsonpath={['data']['password']}"]],
  ['denied', ['get', 'secrets', '-o', 'jsonpath={.items[*].data.password}']],
  ['denied', ['get', 'secrets', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.data.password}{"\\n"}{end}']],
  ['denied', ['get', 'secrets', '-o', 'jsonpath={.items[*].*}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath-as-json={.data}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath-as-json={.data.password}']],
  ['denied', ['get', 'secret', 'db', '-o', 'jsonpath', '--template={.data.password}{.data.token}']],
  ['masked', ['get', 'secret', 'db', '-o', 'jsonpath', '--template={.data.token}']],
  ['denied', ['get', 'secret', 'db', '-o', 'custom-columns=PASSWORD:.data.password']],
  ['denied', ['get', 'secret', 'db', '-o', 'custom-columns=NAME:.metadata.name,DATA:.data']],
  ['denied', ['get', 'secret', 'db', '-o', 'custom-columns=P:.data.password,T:.data.token', '--no-headers']],
  ['denied', ['get', 'secrets', '-o', 'custom-columns=NAME:.metadata.name,P:.data.password,T:.data.token']],
  ['masked', ['get', 'secrets', '-o', 'custom-columns=NAME:.metadata.name,TYPE:.type']],
  ['masked', ['get', 'secrets', '-o', 'jsonpath={.items[*].metadata.name}']],
  ['masked', ['get', 'secrets', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']],
  ['masked', ['get', 'secret', 'db', '-o', 'yaml']],
  ['masked', ['get', 'secret', 'db', '-o', 'json']],
  ['masked', ['get', 'secrets', '-o', 'json']],
  ['masked', ['get', 'secret', 'db', '-o', 'name']],
  ['masked', ['get', 'secret', 'db']],
  ['masked', ['describe', 'secret', 'db']],
];

describe('Secret values stay masked in every output the policy allows', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const created = await harness.kubectl(['create', 'secret', 'generic', 'db', `--from-literal=password=${PASSWORD}`, `--from-literal=token=${TOKEN}`]);
    expect(created.code).toBe(0);
  });
  afterAll(async () => { await harness.stop(); });

  it.each(OUTPUTS.map(([outcome, argv]) => [argv.join(' '), outcome, argv] as const))('kubectl %s is %s', async (_line, outcome, argv) => {
    const decision = evaluate(defaultPolicy(), parseIntent([...argv, '-n', 'default']), { subject: 'agent-7', groups: [] });
    expect(decision.decision === 'deny' ? 'denied' : 'masked').toBe(outcome);
    const result = await harness.kubectl(argv);
    expect(result.code, result.stderr).toBe(0);
    const masked = maskText(result.stdout, { profile: decision.mask }).text;
    const leaks = [PASSWORD, TOKEN, b64(PASSWORD), b64(TOKEN)].filter((value) => masked.includes(value));
    // A denied form is one the masker lets through: if it stops leaking, it can be allowed again.
    if (outcome === 'masked') expect(leaks).toEqual([]);
  });
});
