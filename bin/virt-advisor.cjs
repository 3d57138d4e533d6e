#!/usr/bin/env node
'use strict';
// Loads the bundled CLI with the V8 code cache made at build time, so start-up skips compiling it;
// without a usable cache (another Node version) it compiles as usual.
const { readFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const root = join(__dirname, '..');
const file = join(root, 'dist', 'virt-advisor.cjs');
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {}
const module_ = { exports: {} };
new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData })
  .runInThisContext()
  .call(module_.exports, module_.exports, require, module_, file, join(root, 'dist'));
module_.exports.main(process.argv.slice(2), root).then((code) => {
  process.exitCode = code;
});
