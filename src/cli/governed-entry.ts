// Entry of the bundle the pass-through path loads once it knows the command needs more than a
// plain hand-over to kubectl (dist/commands/governed-entry.js). It is built on its own, with the
// libraries it needs at every run (yaml) inlined: one file loads faster than a package's many
// modules, and this bundle is on the path of every governed command (bench/governed.bench.ts).
export { runGoverned } from '../recording/governed-run.ts';
export { runLocal } from '../recording/local-run.ts';
