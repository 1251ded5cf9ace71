import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../src/kubectl/parse-intent.ts';
import { contactsCluster, verbClass } from '../../src/policy/verbs.ts';

const cases: Array<[string, boolean]> = [
  ['version --client', false],
  ['version', true],
  ['help', false],
  ['get pods --help', false],
  ['completion bash', false],
  ['kustomize ./overlay', false],
  ['config view --raw', false],
  ['config use-context prod', false],
  ['plugin list', false],
  ['options', false],
  ['get pods', true],
  ['api-resources', true],
  ['auth whoami', true],
  ['exec web -- ls', true],
  ['krew-unknown-plugin do-things', true],
];

describe('contactsCluster', () => {
  it.each(cases)('kubectl %s → %s', (line, expected) => {
    expect(contactsCluster(parseIntent(line.split(' ')))).toBe(expected);
  });
});

describe('verbClass', () => {
  it('classes verbs as read, write, access, local or other', () => {
    const classOf = (line: string) => verbClass(parseIntent(line.split(' ')));
    expect(['get pods', 'logs web', 'rollout status deploy/web', 'auth can-i get pods', 'top pod'].map(classOf)).toEqual(['read', 'read', 'read', 'read', 'read']);
    expect(['delete pod a', 'rollout restart deploy/web', 'create secret generic s', 'set image deploy/web a=b', 'cordon n1'].map(classOf))
      .toEqual(['write', 'write', 'write', 'write', 'write']);
    expect(['exec web', 'attach web', 'port-forward web 80', 'cp web:/a b', 'debug web', 'proxy'].map(classOf))
      .toEqual(['access', 'access', 'access', 'access', 'access', 'access']);
    expect(classOf('alpha kuberc view')).toBe('other');
  });
});
