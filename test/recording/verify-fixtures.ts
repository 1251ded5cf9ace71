// Sessions recorded and closed against the real relay, laid out as the wrapper leaves them:
// <dir>/<session>.cast and <dir>/<session>.manifest.json.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Relay } from '../../src/relay/server/server.ts';
import type { AllowAnswer } from '../../src/contract/relay-api.ts';
import type { World } from '../relay/fixtures.ts';
import { record } from '../relay/session-fixtures.ts';

export type Closed = { sessionId: string; castPath: string; manifestPath: string };

export async function closeRecorded(world: World, relay: Relay, dir: string, argv = ['get', 'pods', '-n', 'dev'], outputBytes = 4_000): Promise<Closed> {
  const agent = world.client(relay, 'agent-7');
  const allow = await agent.submit({ argv }) as AllowAnswer;
  const cast = record(dir, allow.sessionId, outputBytes, ['kubectl', ...argv].join(' '));
  await agent.uploadCast(allow.sessionId, cast.open(), cast.draft.cast!.size);
  const { manifest } = await agent.closeSession(allow.sessionId, cast.draft);
  const manifestPath = join(dir, `${allow.sessionId}.manifest.json`);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { sessionId: allow.sessionId, castPath: cast.path, manifestPath };
}
