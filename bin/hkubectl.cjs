#!/usr/bin/env node
// The hkubectl executable: the bundled CLI (built by `npm run build`, run on `npm install`).
// CommonJS, like the bundle it loads (dist/main.cjs): every kubectl call an agent makes starts
// this file, and an ES module entry would make each one pay for starting Node's module loader.
'use strict';
let main;
try {
  main = require.resolve('../dist/main.cjs');
} catch {
  // Only the bundle itself missing is ours to explain; a failure inside it is a real one to show.
  process.stderr.write('hkubectl: the built CLI (dist/main.cjs) is missing — run `npm run build` in the hkubectl checkout\n');
  process.exitCode = 78;
}
if (main !== undefined) require(main);
