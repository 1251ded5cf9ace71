// Entry of the bundle the pass-through path loads once it knows the command needs more than a
// plain hand-over to kubectl (dist/commands/governed-entry.js).
export { runGoverned } from '../recording/governed-run.ts';
export { runLocal } from '../recording/local-run.ts';
