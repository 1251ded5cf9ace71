// Entry of the bundle the pass-through path loads once it knows the command needs more than a
// plain hand-over to kubectl (dist/governed/governed-entry.js). It is built on its own, with code
// splitting, so that what a governed run needs only now and then (token refresh with the OAuth
// and lock libraries, node-pty) stays in chunks loaded on demand; bench/governed.bench.ts shows
// what each costs at start-up.
export { runGoverned } from '../recording/governed-run.ts';
export { runLocal } from '../recording/local-run.ts';
