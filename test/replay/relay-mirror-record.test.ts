// The auditor's mirror of a relay fetches a gateway session's relay record beside its manifest,
// so verify and export check the relay-observed evidence the manifest binds; a local-mode session
// has no record, and that is no error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relayRecordFileName } from '../../src/contract/relay-record.ts';
import { mirrorWith } from '../../src/replay/relay-mirror.ts';
import { checkDirectory } from '../../src/replay/verification.ts';
import { closeSession, grantFor, viaGateway } from '../relay/server/gateway/fake-upstream.ts';
import { useFakeClusterRelay } from '../relay/server/gateway/use-fake-cluster.ts';

const fake = useFakeClusterRelay();

async function blobText(sessionId: string): Promise<string> {
  const blob = await fake.relay.store.getBlob('record', sessionId);
  if (!blob) throw new Error(`no record of ${sessionId}`);
  const chunks: Buffer[] = [];
  for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('the mirror of a relay\'s sessions', () => {
  it('saves a gateway session\'s relay record as <id>.relay-record.jsonl, which verify then checks; a local-mode session has none', async () => {
    const gateway = await grantFor(fake.world, fake.relay, ['get', 'pods', '-n', 'prod']);
    const response = await viaGateway(gateway.gateway, '/api/v1/namespaces/prod/pods');
    expect(response.status).toBe(200);
    await response.text();
    await closeSession(fake.world, fake.relay, gateway.sessionId, gateway.mask);
    // A cluster the relay does not broker: local mode, no grant, no record.
    const local = await fake.world.client(fake.relay, 'agent-7').submit({ argv: ['get', 'pods', '-n', 'prod'], kubeCluster: 'elsewhere', cluster: null, namespace: 'prod', reason: 'a test' });
    expect(local.decision === 'allow' && local.gateway).toBeUndefined();
    await closeSession(fake.world, fake.relay, (local as { sessionId: string }).sessionId);

    for (const [client, mine] of [[fake.world.client(fake.relay, 'alice'), false], [fake.world.client(fake.relay, 'agent-7'), true]] as const) {
      const mirrored = await mirrorWith(client, undefined, () => {}, mine);
      try {
        const recordFile = join(mirrored.dir, relayRecordFileName(gateway.sessionId));
        expect(readFileSync(recordFile, 'utf8')).toBe(await blobText(gateway.sessionId));
        expect(existsSync(join(mirrored.dir, relayRecordFileName((local as { sessionId: string }).sessionId)))).toBe(false);
        const { checks } = await checkDirectory(mirrored.dir, mirrored.jwks);
        const checked = checks.find((check) => check.session === gateway.sessionId)!;
        // Read beside the manifest, and its digest is the one signed: relay-observed evidence, checked.
        expect(checked.evidence).toMatchObject({ mode: 'gateway', relayRecord: { file: relayRecordFileName(gateway.sessionId), found: 'checked', shape: { byType: expect.objectContaining({ request: 1, response: 1 }) } } });
        // What it saw is compared with what the wrapper reported (here: no .cast at all).
        expect(checked.problems).toEqual([expect.stringMatching(/the relay's record holds \d+ entries of this session/)]);
        const localCheck = checks.find((check) => check.session === (local as { sessionId: string }).sessionId)!;
        expect(localCheck.evidence).toMatchObject({ mode: 'local', relayRecord: null });
      } finally {
        await mirrored.close();
      }
    }
  });
});
