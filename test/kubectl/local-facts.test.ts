// What the agent's machine tells the relay about a command, checked at the relay's boundary and
// applied to the relay's own parse of argv.
import { describe, expect, it } from 'vitest';
import { readLocalFacts, withLocalTarget } from '../../src/kubectl/local-facts.ts';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { submitBody } from '../../src/relay/server/validate.ts';

const sha = 'c'.repeat(64);

describe('local facts from a request body', () => {
  it('accepts kubeconfig facts and a plugin with its path and sha256', () => {
    expect(readLocalFacts({ kubeconfig: { kubeconfigIsOwn: true, currentContext: 'dev' }, plugin: { name: 'foo', path: '/bin/kubectl-foo', sha256: sha } }))
      .toEqual({ kubeconfig: { kubeconfigIsOwn: true, currentContext: 'dev' }, plugin: { name: 'foo', path: '/bin/kubectl-foo', sha256: sha } });
    expect(readLocalFacts({})).toEqual({ kubeconfig: null, plugin: null });
  });

  it.each([
    [[]], ['x'], [{ kubeconfig: { kubeconfigIsOwn: 'yes', currentContext: null } }], [{ kubeconfig: { kubeconfigIsOwn: true, currentContext: 7 } }],
    [{ plugin: { name: 'foo', path: '/x', sha256: 'not-hex' } }], [{ plugin: { name: 'foo', sha256: sha } }], [{ plugin: { name: 'x'.repeat(2000), path: '/x', sha256: sha } }],
  ])('refuses %j, and the relay answers 400 naming the field', (local) => {
    expect(typeof readLocalFacts(local)).toBe('string');
    expect(() => submitBody({ argv: ['get', 'pods'], local })).toThrow(/field "local"/);
  });
});

describe('the intent the relay decides on', () => {
  it('takes the namespace, context and cluster the machine resolved where argv names none', () => {
    const argv = ['get', 'pods'];
    expect(withLocalTarget(argv, parseIntent(argv), { namespace: 'prod', context: 'c', cluster: 'https://127.0.0.1:6443' }))
      .toMatchObject({ namespace: 'prod', context: 'c', cluster: 'https://127.0.0.1:6443' });
  });

  it('keeps the namespace argv names, and reads an empty one as none', () => {
    expect(withLocalTarget(['get', 'pods', '-n', 'dev'], parseIntent(['get', 'pods', '-n', 'dev']), { namespace: 'prod' }).namespace).toBe('dev');
    expect(withLocalTarget(['get', 'pods', '-n', ''], parseIntent(['get', 'pods', '-n', '']), { namespace: 'prod' }).namespace).toBe('prod');
    expect(withLocalTarget(['get', 'pods', '-n', ''], parseIntent(['get', 'pods', '-n', '']), {}).namespace).toBeNull();
  });

  it('takes a reported plugin only when kubectl could have picked its name from argv', () => {
    const argv = ['foo', 'bar', 'baz'];
    const report = (name: string) => withLocalTarget(argv, parseIntent(argv), { local: { kubeconfig: null, plugin: { name, path: `/bin/kubectl-${name}`, sha256: sha } } }).plugin;
    expect(report('foo-bar')).toEqual({ name: 'foo-bar', path: '/bin/kubectl-foo-bar', sha256: sha });
    expect(report('bar')).toEqual({ name: 'foo', path: null, sha256: null });
    const get = ['get', 'pods'];
    expect(withLocalTarget(get, parseIntent(get), { local: { kubeconfig: null, plugin: { name: 'get', path: '/x', sha256: sha } } }).plugin).toBeNull();
  });
});
