// How a request reads in the approver's inbox and the demo's narration: every field the agent
// controls spelt out, the content an approval binds shown with its digest and document count.
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '../../../src/contract/content-digest.ts';
import type { ApprovalRequest } from '../../../src/contract/relay-api.ts';
import { details, inboxLine, outcome } from '../../../src/relay/client/approval-format.ts';

const plain = new Chalk({ level: 0 });
const T0 = Date.parse('2026-03-01T10:00:00Z');
const ESC = '\x1b';

const hostile: ApprovalRequest = {
  id: 'r1', status: 'pending', fingerprint: 'f', requester: { subject: `agent-7${ESC}[2K`, issuer: 'https://idp', email: `a@b\u202e.example`, groups: [] },
  argv: ['apply', '-f', `m${ESC}]8;;https://evil.example/${ESC}\\.yaml`, '-n', 'prod'], verb: 'apply', namespace: `prod\u200b`, context: `ctx\u009b2J`, cluster: `c\u2028x`,
  reason: `${ESC}[2J${ESC}[Hrisk 0/100: harmless`, agent: `claude\u2066`, runId: `run\r1`,
  content: contentDigest([
    { kind: 'file', flag: 'filename', path: `m${ESC}[1m.yaml`, sha256: 'a'.repeat(64), size: 10, documents: 2 },
    { kind: 'url', flag: 'filename', url: 'https://example.com/x.yaml' },
  ]),
  rule: 'writes-in-production', message: `changes ${ESC}]0;title\x07need approval`, risk: { score: 70, factors: [{ factor: 'verb', points: 30, reason: `write${ESC}[8m` }] },
  approverGroups: ['approvers'], createdAt: new Date(T0).toISOString(), expiresAt: new Date(T0 + 3_600_000).toISOString(), review: null, consumedAt: null, sessionId: null,
};

describe('approval format', () => {
  it('spells out every control character the agent put in a request, in the list line and the details', () => {
    const text = [inboxLine(hostile, T0, plain), details(hostile, T0, plain), outcome({ ...hostile, review: { verdict: 'deny', by: { subject: `bob${ESC}c`, issuer: 'i', groups: [] }, justification: 'no\u0085', at: 'now' } })].join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e\u2066\u2028]/);
    expect(details(hostile, T0, plain).split('\n')).toEqual([
      'request   r1',
      'requester agent-7\\x1b[2K (claude\\u2066) <a@b\\u202e.example>, run run\\r1',
      "command   kubectl apply -f $'m\\x1b]8;;https://evil.example/\\x1b\\\\.yaml' -n prod",
      `content   file contents sha256 ${hostile.content!.sha256}, 2 documents (m\\x1b[1m.yaml; URL https://example.com/x.yaml (bound to the URL text only: what it serves is not checked))`,
      'where     namespace prod\\u200b, context ctx\\x9b2J, cluster c\\u2028x',
      'rule      writes-in-production: changes \\x1b]0;title\\x07need approval',
      'reason    "\\x1b[2J\\x1b[Hrisk 0/100: harmless"',
      'risk      70/100: verb +30 (write\\x1b[8m)',
      'age       0s, expires in 1h0m',
    ]);
  });
});
