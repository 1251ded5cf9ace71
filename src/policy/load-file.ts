// Reading a policy file from disk: the I/O edge around loadPolicy. Messages name the file the way
// the user wrote it, so `policy.yaml:12: …` points where they will look.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { loadPolicy } from './load.ts';
import type { Policy } from './types.ts';

export async function readPolicyText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError('ERR_POLICY_UNREADABLE', `cannot read policy file ${path}: ${reason}`, { cause: error });
  }
}

export async function loadPolicyFile(path: string): Promise<Policy> {
  return loadPolicy(await readPolicyText(path), path);
}
