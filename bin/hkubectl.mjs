#!/usr/bin/env node
// The hkubectl executable: the bundled CLI (built by `npm run build`, run on `npm install`).
import '../dist/main.js';
