import { describe, expect, it } from 'vitest';
import { compileGlobs, globProblem } from '../../src/policy/glob.ts';

describe('compileGlobs', () => {
  it('matches exact words, * and ? over the whole value', () => {
    const matches = compileGlobs(['prod', '*-prod', 'team-?']);
    expect(['prod', 'payments-prod', 'team-a'].map(matches)).toEqual([true, true, true]);
    expect(['production', 'prod-payments', 'team-ab', 'xprod'].map(matches)).toEqual([false, false, false, false]);
  });

  it('treats regular-expression characters literally', () => {
    const matches = compileGlobs(['*.rbac.authorization.k8s.io', 'a+b']);
    expect(matches('roles.rbac.authorization.k8s.io')).toBe(true);
    expect(matches('rolesXrbacXauthorizationXk8sXio')).toBe(false);
    expect(matches('a+b')).toBe(true);
    expect(matches('aab')).toBe(false);
  });

  it('lets a lone * match anything, even the empty string', () => {
    expect(compileGlobs(['dev', '*'])('')).toBe(true);
  });
});

describe('globProblem', () => {
  it('refuses brackets, braces, backslashes and stray whitespace', () => {
    expect(globProblem('prod-[ab]')).toBe('"prod-[ab]" is not a valid glob: "[" is not supported (use * and ? only)');
    expect(globProblem('{a,b}')).toMatch(/"\{" is not supported/);
    expect(globProblem("a\\*")).toMatch(/"\\" is not supported/);
    expect(globProblem(' prod')).toBe('" prod" has stray whitespace');
    expect(globProblem('rollout restart')).toBeNull();
  });
});
