#!/usr/bin/env node
// Builds hkubectl's bundles (npm run build). Three bundles, so that each path loads only what it
// needs: dist/main.cjs (the pass-through path: one small file, CommonJS so that a kubectl call
// never pays for starting Node's ES module loader; dist/main.js is the same as an ES module, for
// those who import it), dist/commands/ (own commands, code split) and dist/governed/ (governed
// runs; the OAuth and lock libraries in chunks loaded only when a token needs refreshing). The build goes to a fresh directory that then replaces dist/ in two
// renames, so an hkubectl running from this checkout (an agent mid-command while `npm test`
// rebuilds) never finds dist/ half-written.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const next = join(root, `dist.next-${process.pid}`);
const dist = join(root, 'dist');
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };
// A bundle that keeps some packages external still needs `require` for the CommonJS ones it inlines.
const requireBanner = { js: "import { createRequire as __hkRequire } from 'node:module'; const require = __hkRequire(import.meta.url);" };
// In the CommonJS entry, import.meta.url (where the other bundles are found from) is this file's URL.
const cjsEntry = {
  format: 'cjs', define: { 'import.meta.url': '__hkImportMetaUrl' },
  banner: { js: "'use strict'; const __hkImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

try {
  await Promise.all([
    build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], packages: 'external', outfile: join(next, 'main.js') }),
    build({ ...common, ...cjsEntry, entryPoints: [join(root, 'src/cli/main.ts')], packages: 'external', outfile: join(next, 'main.cjs') }),
    build({ ...common, entryPoints: [join(root, 'src/cli/commands-entry.ts')], packages: 'external', splitting: true, outdir: join(next, 'commands'), chunkNames: 'chunks/[name]-[hash]' }),
    build({
      ...common, entryPoints: [join(root, 'src/cli/governed-entry.ts')], external: ['node-pty', 'openid-client', 'jose', 'proper-lockfile'],
      splitting: true, outdir: join(next, 'governed'), chunkNames: 'chunks/[name]-[hash]', banner: requireBanner,
    }),
  ]);
  writeFileSync(join(next, 'build-info.json'), `${JSON.stringify({ version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, commit: commit() })}\n`);
  const old = join(root, `dist.old-${process.pid}`);
  try {
    renameSync(dist, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
} catch (error) {
  rmSync(next, { recursive: true, force: true });
  console.error(`build failed: ${error.message}`);
  process.exit(1);
}

/** The commit this checkout is at (with -dirty for uncommitted changes), or "unknown" outside one. */
function commit() {
  const git = (args) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    // Only this repository's own commit: not that of a repository hkubectl happens to sit inside.
    if (realpathSync(git(['rev-parse', '--show-toplevel'])) !== realpathSync(root)) return 'unknown';
    return git(['rev-parse', '--short=12', 'HEAD']) + (git(['status', '--porcelain', '--untracked-files=no']) ? '-dirty' : '');
  } catch {
    return 'unknown';
  }
}
