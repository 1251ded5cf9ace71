// Session figures, from one run (relay in-process on 127.0.0.1, real dev-IdP tokens, files fsync'd):
// upload throughput of a ~150 MB .cast (100 MiB of output) vs a plain copy + fsync of it on the same disk (ratio), close
// latency (sign + log + manifest copy) median and p95, and verify time per session and per MB.
// Run: npx vite-node bench/sessions.bench.ts
import { copyFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifySessions } from '../src/recording/verify.ts';
import { auditLogFile } from '../src/recording/verify-chain.ts';
import { AUDIT_LOG_FILE } from '../src/relay/server/server.ts';
import type { AllowAnswer } from '../src/contract/relay-api.ts';
import { startWorld } from '../test/relay/fixtures.ts';
import { record } from '../test/relay/session-fixtures.ts';
import { median, percentile } from './stats.ts';

const fmt = (n: number) => n.toFixed(1);

const BIG_MB = 100;
const ROUNDS = 3;
const CLOSES = 60;

const world = await startWorld();
try {
  const relay = await world.relay();
  const agent = world.client(relay, 'agent-7');
  const dir = await mkdtemp(join(world.root, 'bench-'));
  const allow = async () => ((await agent.submit({ argv: ['get', 'pods', '-n', 'dev'] })) as AllowAnswer).sessionId;

  // Upload vs copy, interleaved.
  const uploads: number[] = [];
  const copies: number[] = [];
  let bigSize = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const id = await allow();
    const cast = record(dir, id, BIG_MB * 1024 * 1024);
    bigSize = cast.draft.cast!.size;
    let start = performance.now();
    await agent.uploadCast(id, cast.open(), bigSize);
    uploads.push(performance.now() - start);
    start = performance.now();
    await copyFile(cast.path, join(dir, `copy-${round}`));
    const copied = await open(join(dir, `copy-${round}`), 'r+');
    await copied.sync();
    await copied.close();
    copies.push(performance.now() - start);
    await agent.closeSession(id, cast.draft).then(({ manifest }) => writeFile(join(dir, `${id}.manifest.json`), JSON.stringify(manifest)));
    await rm(join(dir, `copy-${round}`));
  }
  const mb = bigSize / 1e6;
  console.log(`upload ${fmt(mb)} MB .cast: median ${fmt(median(uploads))} ms = ${fmt(mb / (median(uploads) / 1000))} MB/s; ` +
    `file copy + fsync ${fmt(median(copies))} ms; upload/copy = ${fmt(median(uploads) / median(copies))}`);

  // Close latency with a small recording (no upload): sign, append + fsync, manifest copy.
  const closes: number[] = [];
  for (let i = 0; i < CLOSES; i += 1) {
    const id = await allow();
    const cast = record(dir, id, 4_000);
    const start = performance.now();
    const { manifest } = await agent.closeSession(id, cast.draft);
    closes.push(performance.now() - start);
    await writeFile(join(dir, `${id}.manifest.json`), JSON.stringify(manifest));
  }
  console.log(`close (sign + log + copy): median ${fmt(median(closes))} ms, p95 ${fmt(percentile(closes, 95))} ms over ${CLOSES}`);

  // Verify the whole directory (ROUNDS big + CLOSES small sessions) with the chain from the log file.
  const start = performance.now();
  const results = await verifySessions([dir], { jwks: relay.keys.jwks(), chain: auditLogFile(join(relay.dataDir, AUDIT_LOG_FILE)) });
  const ms = performance.now() - start;
  const verified = results.filter((result) => result.status === 'verified').length;
  const totalMb = (ROUNDS * bigSize + CLOSES * 4_500) / 1e6;
  console.log(`verify ${results.length} sessions (${verified} verified, ${fmt(totalMb)} MB of .cast): ${fmt(ms)} ms = ${fmt(totalMb / (ms / 1000))} MB/s overall`);
} finally {
  await world.close();
}
