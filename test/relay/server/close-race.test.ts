// A session's manifest names the audit entry that records it, so the close is appended only at
// the head the manifest was built on (the store's append at an expected seq). Closes racing each
// other, and other entries racing a close, must still leave one close per session, each manifest
// naming its own entry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/contract/audit-chain.ts';
import type { AllowAnswer } from '../../../src/contract/relay-api.ts';
import type { SessionManifest } from '../../../src/contract/manifest.ts';
import { AUDIT_LOG_FILE } from '../../../src/relay/server/server.ts';
import { startWorld, type World } from '../fixtures.ts';
import { record } from '../session-fixtures.ts';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe('closing sessions while other entries are appended', () => {
  it('closes each session once, and every manifest names the entry that records its close', async () => {
    const relay = await world.relay();
    const agent = world.client(relay, 'agent-7');
    const sessions = await Promise.all(['a', 'b', 'c', 'd'].map(async (pod) => ((await agent.submit({ argv: ['get', 'pods', pod, '-n', 'dev'] })) as AllowAnswer).sessionId));
    const closes = sessions.flatMap((sessionId) => {
      const cast = record(world.root, sessionId, 300);
      // The same close twice at once, while decisions keep the head moving.
      return [agent.closeSession(sessionId, cast.draft), agent.closeSession(sessionId, cast.draft), agent.submit({ argv: ['get', 'ns'] })];
    });
    const results = await Promise.allSettled(closes);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ status: 409, code: 'ERR_SESSION_CLOSED' });
    }
    const entries = (await readFile(join(relay.dataDir, AUDIT_LOG_FILE), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    const closed = entries.filter((entry): entry is Extract<AuditEntry, { type: 'session.closed' }> => entry.type === 'session.closed');
    expect(closed.map((entry) => entry.sessionId).sort()).toEqual([...sessions].sort());
    for (const entry of closed) {
      const manifest = JSON.parse(Buffer.from(entry.manifest.payload, 'base64url').toString()) as SessionManifest;
      expect(manifest.chain).toEqual({ seq: entry.seq, prev: entries[entry.seq - 2]!.hash });
    }
  });
});
