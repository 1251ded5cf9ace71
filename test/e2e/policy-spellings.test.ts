// Issue 17 classes 1, 2, 3 and 5 end to end: agent-7 drives the real hkubectl (real kubectl, the
// demo seed on the sandbox, the relay with the default bank policy). Spellings kubectl accepts for
// a guarded object are refused before kubectl runs, and the object is still there afterwards;
// Secret outputs the policy allows come back masked.
import { describe, expect, it } from 'vitest';
import { kubectl } from '../helpers/run.ts';
import { useStack } from './use-stack.ts';

const e2e = useStack();
const PASSWORD = 's3cr3t-Pa55w0rd!';
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function stillThere(args: string[]): Promise<void> {
  const result = await kubectl(['get', ...args, '-o', 'name'], { env: e2e.stack.env });
  expect(result.code, result.stderr.toString()).toBe(0);
}

describe('guarded objects under every spelling kubectl accepts', () => {
  it.each([
    [['delete', 'namespaces.v1.', 'staging'], /deleting a namespace is blocked/],
    [['delete', 'NAMESPACES', 'staging'], /deleting a namespace is blocked/],
    [['delete', 'ns./staging'], /deleting a namespace is blocked/],
    [['delete', '--raw', '/api/v1/namespaces/staging'], /deleting a namespace is blocked/],
    [['delete', '--raw', '/api/v1/namespaces/prod/../staging'], /not recognised.*deleting a namespace is blocked/],
    [['delete', 'crb', 'staging'], /"crb" was not recognised/],
    [['delete', 'clusterrolebindings.v1.', 'admin'], /RBAC changes/],
    [['create', '--raw', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', '-f', '/dev/null'], /RBAC changes/],
  ])('refuses kubectl %j with exit 77, running nothing', async (args, message) => {
    const result = await e2e.stack.hk(args);
    expect(result.code).toBe(77);
    expect(result.stderr.toString()).toMatch(message);
    await stillThere(['namespace', 'staging']);
  });

  it('refuses --force alone, and --grace-period=00 --force, as the immediate deletions kubectl makes of them', async () => {
    for (const args of [['delete', 'pod', 'echo', '-n', 'prod', '--force=1'], ['delete', 'pod/echo', '-n', 'prod', '--force', '--grace-period=00']]) {
      const result = await e2e.stack.hk(args);
      expect(result.code).toBe(77);
      expect(result.stderr.toString()).toMatch(/without waiting/);
    }
    await stillThere(['pod', 'echo', '-n', 'prod']);
  });

  it('refuses an agent a --raw read it cannot place, since it could be the system namespaces\' Secrets: exit 77', async () => {
    const result = await e2e.stack.hk(['get', '--raw', '/logs/', '--hk-wait', '0']);
    expect(result.code).toBe(77);
    expect(result.stderr.toString()).toMatch(/not recognised/);
  });
});

describe('Secret values through templates, jsonpath and --raw', () => {
  it.each([
    ['-o', 'go-template={{.data.password|base64decode}}'],
    ['-o', 'go-template={{printf "%x" .data.password}}'],
    ['--template={{.data.password}}'],
    ['-o', 'templatefile=/dev/null'],
    ['-o', 'jsonpath={.data.*}'],
    ['-o', 'custom-columns=P:.data.password'],
  ])('refuses get secret with %s and says which outputs are allowed', async (...output) => {
    const result = await e2e.stack.hk(['get', 'secret', 'db-credentials', '-n', 'prod', ...output]);
    expect(result.code).toBe(77);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(/Use -o yaml, -o json, -o name or the default table/);
  });

  it('refuses set env --resolve, which prints the decoded values a deployment\'s variables refer to', async () => {
    const result = await e2e.stack.hk(['set', 'env', 'deploy/payments-api', '-n', 'prod', '--list', '--resolve']);
    expect(result.code).toBe(77);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(/--resolve prints the values of the Secrets/);
  });

  it.each([
    [['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'jsonpath={.data.password}']],
    [['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'jsonpath={.data}']],
    [['get', 'secret', 'db-credentials', '-n', 'prod', '-o', 'yaml']],
    [['get', '--raw', '/api/v1/namespaces/prod/secrets/db-credentials']],
    [['get', '--raw', '/api/v1/namespaces/prod/secrets']],
  ])('runs kubectl %j and masks the values', async (args) => {
    const result = await e2e.stack.hk(args);
    expect(result.code, result.stderr.toString()).toBe(0);
    const out = result.stdout.toString();
    expect(out.length).toBeGreaterThan(0);
    for (const value of [PASSWORD, b64(PASSWORD), b64('payments')]) expect(out).not.toContain(value);
  });
});
