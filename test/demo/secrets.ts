// The demo Secret's credentials (src/sandbox/seeds/demo.ts) in every form they could leak in:
// as written, and base64-encoded as a Secret's `data` carries them.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

const PASSWORD = 's3cr3t-Pa55w0rd!';
const DATABASE_URL = 'postgres://payments:s3cr3t-Pa55w0rd!@db.prod.svc:5432/payments';

export const SECRET_FORMS = [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(DATABASE_URL).toString('base64')];

export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

export async function expectNoSecretIn(dir: string): Promise<void> {
  const files = await filesIn(dir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const form of SECRET_FORMS) expect(text, `${file} holds the demo password`).not.toContain(form);
  }
}
