#!/usr/bin/env node
// hkubectl as an ES module entry, for what names this file; the executable is bin/hkubectl.cjs.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./hkubectl.cjs');
