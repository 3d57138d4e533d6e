// npm run shift-check: moves every release of rules/features by one release, one at a time, and
// checks that the tests catch each move (the tests of the facts must not pass a wrong fact).
//
//   node scripts/shift-check.mjs [feature ...]
//
// For each (feature, architecture) it moves `added` one release earlier and one later (and
// `removed` likewise), runs the fact tests (test/evidence, test/rules), and reports any move that
// passed them. The file is restored after each run, and at the end whatever happens.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const releases = JSON.parse(readFileSync(join(root, 'rules', 'releases.json'), 'utf8')).releases.map((release) => release.name);
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'rules', 'features')).filter((name) => name.endsWith('.json') && (only.length === 0 || only.includes(name.slice(0, -5))));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');

const factTests = () => spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.facts.config.ts', '--reporter=dot'], { cwd: root, encoding: 'utf8' });
// A move counts as caught only if the same tests pass on the rules as they are.
const baseline = factTests();
if (baseline.status !== 0) {
  console.error(`the fact tests fail on the rules as they are; fix that first:\n${baseline.stdout.slice(-2000)}`);
  process.exit(2);
}

const survivors = [];
let tried = 0;
for (const name of files) {
  const path = join(root, 'rules', 'features', name);
  const original = readFileSync(path, 'utf8');
  const rule = JSON.parse(original);
  try {
    for (const [arch, statement] of Object.entries(rule.support)) {
      for (const field of ['added', 'removed']) {
        const value = statement[field];
        if (value === undefined) continue;
        const at = releases.indexOf(value);
        for (const step of [-1, 1]) {
          const moved = releases[at + step];
          if (moved === undefined) continue;
          const changed = structuredClone(rule);
          changed.support[arch][field] = moved;
          writeFileSync(path, `${JSON.stringify(changed, null, 2)}\n`);
          const result = factTests();
          tried++;
          const caught = result.status !== 0;
          console.log(`${caught ? 'caught ' : 'PASSED '} ${rule.id} ${arch} ${field} ${value} -> ${moved}`);
          if (!caught) survivors.push(`${rule.id} ${arch} ${field} ${value} -> ${moved}`);
          writeFileSync(path, original);
        }
      }
    }
  } finally {
    writeFileSync(path, original);
  }
}
console.log(`${tried} moves tried, ${tried - survivors.length} caught${survivors.length ? `; not caught:\n  ${survivors.join('\n  ')}` : ''}`);
process.exit(survivors.length > 0 ? 1 : 0);
