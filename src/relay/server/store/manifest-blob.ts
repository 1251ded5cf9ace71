// A session's signed manifest as a store blob: pretty JSON with a newline, as `verify` and
// `replay` read `<session>.manifest.json` files.
import type { FlattenedJws } from '../../../contract/manifest.ts';
import type { AuditStoreReader, RelayStore } from './store.ts';

export async function keepManifest(store: Pick<RelayStore, 'putBlob'>, sessionId: string, manifest: FlattenedJws): Promise<void> {
  await store.putBlob('manifest', sessionId, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

export async function readManifest(store: Pick<AuditStoreReader, 'getBlob'>, sessionId: string): Promise<FlattenedJws | null> {
  const blob = await store.getBlob('manifest', sessionId);
  if (!blob) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.open() as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as FlattenedJws;
}
