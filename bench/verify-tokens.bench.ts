// Relay-side token verification throughput with a warm JWKS cache, one token at a time, so at
// most one core works on it (the event loop, or the one WebCrypto worker it is waiting for).
// Side by side in one run: our verifier (issuer lookup, alg allow-list, claim mapping) versus
// bare jose.jwtVerify with the key in hand, per algorithm. Run: npx vite-node bench/verify-tokens.bench.ts
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { createTokenVerifier } from '../src/auth/verify-token.ts';
import { median } from './stats.ts';

const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
const DISTINCT_TOKENS = 500;
const ROUNDS = 5;
const ROUND_MS = 1500;

const keys = await Promise.all(ALGS.map(async (alg) => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const kid = randomUUID();
  return { alg, kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg } as JWK };
}));

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(req.url === '/jwks'
    ? JSON.stringify({ keys: keys.map((k) => k.jwk) })
    : JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const verifier = createTokenVerifier({ issuers: [{ issuer, audience: 'hkubectl' }] });

async function tokensFor(alg: string, kid: string, privateKey: CryptoKey): Promise<string[]> {
  return Promise.all(Array.from({ length: DISTINCT_TOKENS }, (_, i) =>
    new SignJWT({ sub: `agent-${i}`, email: `agent-${i}@bank.example`, groups: ['agents'] })
      .setProtectedHeader({ alg, kid }).setIssuer(issuer).setAudience('hkubectl').setIssuedAt().setExpirationTime('1h')
      .sign(privateKey)));
}

async function rate(verify: (token: string) => Promise<unknown>, tokens: string[]): Promise<number> {
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ROUND_MS) {
    await verify(tokens[count % tokens.length]!);
    count += 1;
  }
  return (count * 1000) / (performance.now() - start);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(7);
console.log(`token verification, warm JWKS, sequential, ${ROUNDS} rounds × ${ROUND_MS} ms, median tokens/s`);
for (const { alg, kid, privateKey, publicKey } of keys) {
  const tokens = await tokensFor(alg, kid, privateKey);
  await verifier.verify(tokens[0]!); // warms the JWKS cache: one fetch, then none
  const ours: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) { // interleaved, so noise hits both alike
    ours.push(await rate((t) => verifier.verify(t), tokens));
    bare.push(await rate((t) => jwtVerify(t, publicKey, { issuer, audience: 'hkubectl' }), tokens));
  }
  const [o, b] = [median(ours), median(bare)];
  console.log(`${alg.padEnd(6)} createTokenVerifier ${fmt(o)}/s (${(1e6 / o).toFixed(0)} µs)   bare jose.jwtVerify ${fmt(b)}/s   ratio ${(o / b).toFixed(2)}`);
}
server.close();
