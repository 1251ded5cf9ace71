// asciinema-player's bundle, from the installed package (never a CDN: an auditor's page must work
// offline and must not load code from elsewhere).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ConfigError } from '../../errors.ts';

export interface PlayerAssets {
  js: string;
  css: string;
}

let cached: Promise<PlayerAssets> | undefined;

export function playerAssets(): Promise<PlayerAssets> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function load(): Promise<PlayerAssets> {
  const require = createRequire(import.meta.url);
  try {
    const [js, css] = await Promise.all([
      readFile(require.resolve('asciinema-player/dist/bundle/asciinema-player.min.js'), 'utf8'),
      readFile(require.resolve('asciinema-player/dist/bundle/asciinema-player.css'), 'utf8'),
    ]);
    return { js, css };
  } catch (error) {
    throw new ConfigError('ERR_PLAYER_MISSING', `asciinema-player is not installed with hkubectl: ${(error as Error).message}`, { hint: 'reinstall hkubectl (npm install -g hkubectl)', cause: error });
  }
}
