// Builds what the CLI runs: checks rules/ (schema + lint) into dist/knowledge.json and
// dist/targets.json, refusing any problem, and bundles src/ into one file so start-up reads one
// module.
// Usage: node scripts/build.mjs [--rules-only]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Script } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const rulesOnly = process.argv.includes('--rules-only');
mkdirSync(dist, { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { __VIRT_ADVISOR_VERSION__: JSON.stringify(pkg.version) },
};

await build({
  ...common,
  entryPoints: ['src/rules/compile.ts'],
  format: 'esm',
  packages: 'external',
  outfile: join(dist, 'tools', 'compile-rules.mjs'),
});
const { compileRules } = await import(pathToFileURL(join(dist, 'tools', 'compile-rules.mjs')).href);
const problems = compileRules(join(root, 'rules'), rulesOnly ? null : dist);
for (const problem of problems) console.error(`rules/${problem.file}: ${problem.message}`);
if (problems.length > 0) {
  console.error(`${problems.length} problem(s) in rules/`);
  process.exit(1);
}
if (!rulesOnly) {
  // The config audit's benchmark, which scripts/bench.mjs loads.
  await build({ ...common, entryPoints: ['src/bench/config-bench.ts'], format: 'esm', outfile: join(dist, 'tools', 'config-bench.mjs') });
}

if (rulesOnly) {
  console.log('rules: ok');
  process.exit(0);
}

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  format: 'cjs',
  // Names kept, so that a bug's stack trace (VIRT_ADVISOR_DEBUG=1) names the functions; no source
  // map is shipped.
  minifyWhitespace: true,
  minifySyntax: true,
  outfile: join(dist, 'virt-advisor.cjs'),
});
// The questionnaire's prompts, loaded by the CLI only when it asks.
await build({ ...common, entryPoints: ['src/cli/prompts-entry.ts'], format: 'cjs', minify: true, outfile: join(dist, 'prompts.cjs') });

// The library (import ... from 'virt-advisor'): an ES module of its own, so that the CLI never
// loads it, and its type declarations.
await build({ ...common, entryPoints: ['src/lib/index.ts'], format: 'esm', outfile: join(dist, 'lib', 'index.js') });
rmSync(join(dist, 'types'), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);

// The man page, from the same command spec as --help.
await build({ ...common, entryPoints: ['src/cli/build-docs.ts'], format: 'esm', outfile: join(dist, 'tools', 'build-docs.mjs') });
const { writeManPage } = await import(pathToFileURL(join(dist, 'tools', 'build-docs.mjs')).href);
writeManPage(root, pkg.version);

// A V8 code cache for the bundle, made after running `check` once so that the functions start-up
// needs are compiled in it too. bin/virt-advisor.cjs hands it to V8; a mismatched one is ignored.
const bundle = join(dist, 'virt-advisor.cjs');
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle });
const bundled = { exports: {} };
script.runInThisContext().call(bundled.exports, bundled.exports, createRequire(bundle), bundled, bundle, dist);
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
for (const argv of [['check', '5.15.0-91-generic', '--json'], ['check', '6.1.0-18-amd64']]) {
  await bundled.exports.run(argv, { packageRoot: root, stdin: Readable.from([]), stdout: sink(), stderr: sink(), env: {} });
}
writeFileSync(`${bundle}.cache`, script.createCachedData());
