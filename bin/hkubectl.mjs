#!/usr/bin/env node
// The hkubectl executable: the bundled CLI (built by `npm run build`, run on `npm install`).
try {
  await import('../dist/main.js');
} catch (error) {
  // Only the bundle itself missing is ours to explain; anything else is a real failure to show.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  process.stderr.write('hkubectl: the built CLI (dist/main.js) is missing — run `npm run build` in the hkubectl checkout\n');
  process.exitCode = 78;
}
