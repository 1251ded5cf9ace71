// The relay's signed checkpoints in the bundle (`checkpoints.jsonl`, one flattened JWS a line, as
// the relay keeps them), so an examiner can check the bundle's audit segment — and later copies of
// the relay's log — against what the relay signed, with any JOSE library and jwks.json.
import type { SignedCheckpoint } from '../../contract/checkpoint.ts';
import type { BundleSink } from './bundle-sink.ts';

export async function writeCheckpoints(checkpoints: AsyncIterable<SignedCheckpoint> | Iterable<SignedCheckpoint>, sink: BundleSink, prefix: string): Promise<number> {
  const file = await sink.textFile(`${prefix}checkpoints.jsonl`);
  let count = 0;
  for await (const { payload, protected: header, signature } of checkpoints) {
    await file.write(`${JSON.stringify({ payload, protected: header, signature })}\n`);
    count += 1;
  }
  await file.end();
  return count;
}
