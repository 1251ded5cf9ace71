import { describe, expect, it } from 'vitest';
import { decisionText } from '../../src/replay/session-model.ts';

describe('the decision as a person says it', () => {
  it('names the human who approved or denied, and the rule that allowed or blocked', () => {
    expect(decisionText({ decision: 'allow', rule: 'writes-in-production', approver: 'alice@bank.example' })).toBe('approved by alice@bank.example');
    expect(decisionText({ decision: 'allow', rule: 'reads', approver: null })).toBe('allowed by rule reads');
    expect(decisionText({ decision: 'deny', rule: 'writes-in-production', approver: 'alice' })).toBe('denied by alice');
    expect(decisionText({ decision: 'deny', rule: 'namespace-delete', approver: null })).toBe('blocked by rule namespace-delete');
    expect(decisionText({ decision: null, rule: null, approver: null })).toBe('—');
  });
});
