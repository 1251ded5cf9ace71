#!/usr/bin/env node
// What the tests drive for real that a fresh machine may lack. `npm test` runs this first, so a
// missing program stops the run in its first second with one line saying how to get it, instead of
// failing deep inside a browser test. The same list is what `npm run setup:test` (and .ci/run)
// installs:
//   node test/setup/prerequisites.mjs              exit 0, or one line naming what is missing and exit 1
//   node test/setup/prerequisites.mjs --packages   the Debian packages to install, space-separated
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Programs the tests start, and the Debian package that brings each. */
const NEEDED = [
  { command: 'chromium', pkg: 'chromium', why: 'for the browser player and page tests' },
  { command: 'asciinema', pkg: 'asciinema', why: 'for playing recordings with asciinema itself' },
  { command: 'bwrap', pkg: 'bubblewrap', why: 'for jailing the sandbox\'s pod processes' },
  // Debian keeps the server's programs off PATH, in /usr/lib/postgresql/<version>/bin (as test/helpers/postgres.ts finds them).
  { command: 'initdb', pkg: 'postgresql', why: 'for the relay\'s PostgreSQL store (a throwaway cluster per test file)', dirs: postgresBinDirs },
];

function postgresBinDirs() {
  try {
    return readdirSync('/usr/lib/postgresql').map((version) => join('/usr/lib/postgresql', version, 'bin'));
  } catch {
    return [];
  }
}

const KUBECTL = process.env.HKUBECTL_TEST_KUBECTL ?? '/usr/bin/kubectl';

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const missing = NEEDED.filter(({ command, dirs }) => !onPath(command) && !(dirs?.() ?? []).some((dir) => executable(join(dir, command))));
if (process.argv.includes('--packages')) {
  process.stdout.write(`${missing.map(({ pkg }) => pkg).join(' ')}\n`);
  process.exit(0);
}
const problems = [];
if (missing.length > 0) {
  problems.push(`missing ${missing.map(({ command, why }) => `${command} (${why})`).join(', ')}: run \`npm run setup:test\` as root, or \`apt-get install ${missing.map(({ pkg }) => pkg).join(' ')}\``);
}
if (!executable(KUBECTL)) problems.push(`kubectl is not at ${KUBECTL}: install kubectl there, or point HKUBECTL_TEST_KUBECTL at it`);
if (problems.length > 0) {
  process.stderr.write(`tests cannot run: ${problems.join('; ')}\n`);
  process.exit(1);
}
