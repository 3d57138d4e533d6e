#!/usr/bin/env node
'use strict';
// Starts the bundled CLI with compiled code cached, so start-up skips compiling it:
// - Node 22.1 and later cache it themselves (module.enableCompileCache);
// - Node 20 takes the V8 code cache made at build time; when V8 rejects it (another Node version,
//   or flags such as NODE_OPTIONS=--max-old-space-size=4096), a cache is made for this Node and
//   these flags in the user's cache directory and used from the next run on. Any failure to read or
//   write a cache only means compiling as usual.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.join(__dirname, '..');
const file = path.join(root, 'dist', 'virt-advisor.cjs');
const debug = process.env.VIRT_ADVISOR_DEBUG === '1';

function fail(message) {
  try {
    process.stderr.write(`virt-advisor: ${message}\n`);
  } catch {}
  process.exitCode = 70;
}

/** FNV-1a: a short, stable key without loading the crypto module. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Where this Node, with these flags, keeps its own cache of this very bundle. */
function userCachePath(stat) {
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : null);
  if (!home || !path.isAbsolute(home)) return null;
  const key = hash([process.version, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS || '', stat.size, stat.mtimeMs].join('\0'));
  return path.join(home, 'virt-advisor', `code-${process.version}-${key}.cache`);
}

function readOrNull(at) {
  try {
    return at ? fs.readFileSync(at) : undefined;
  } catch {
    return undefined;
  }
}

function writeQuietly(at, data) {
  try {
    fs.mkdirSync(path.dirname(at), { recursive: true, mode: 0o700 });
    const temporary = `${at}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, at);
  } catch {}
}

/** Loads the bundle and returns its exports, or null (after saying why) when it cannot be loaded. */
function load() {
  if (typeof Module.enableCompileCache === 'function') {
    try {
      Module.enableCompileCache();
    } catch {}
    return require(file);
  }
  const { Script } = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const stat = fs.statSync(file);
  const own = userCachePath(stat);
  const ownCache = readOrNull(own);
  const cachedData = ownCache || readOrNull(`${file}.cache`);
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  if (debug) process.stderr.write(`virt-advisor: debug: code cache ${ownCache ? own : `${file}.cache`}: ${script.cachedDataRejected ? 'rejected' : cachedData ? 'accepted' : 'none'}\n`);
  if ((script.cachedDataRejected || !cachedData) && own) {
    // Made once the command has run, so that what it compiled lazily is in the cache too.
    process.once('exit', () => writeQuietly(own, script.createCachedData()));
  }
  const module_ = { exports: {} };
  script.runInThisContext().call(module_.exports, module_.exports, require, module_, file, path.dirname(file));
  return module_.exports;
}

let cli;
try {
  cli = load();
} catch (error) {
  fail(`cannot load ${file} (${error && error.code ? error.code : String(error)}): the installation is incomplete; run "npm run build" in a source tree, or reinstall`);
}
if (cli) {
  const onBug = (error) => process.exit(cli.reportInternalError(error, process.env));
  process.on('uncaughtException', onBug);
  process.on('unhandledRejection', onBug);
  cli.main(process.argv.slice(2), root).then((code) => {
    process.exitCode = code;
  }, onBug);
}
