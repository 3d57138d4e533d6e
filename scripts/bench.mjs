// npm run bench: the figures the README quotes, measured on this machine in one run.
//  1. start-up: `check 5.15.0-91-generic --json` against bare `node -e 0`, interleaved runs, as
//     installed and with NODE_OPTIONS=--max-old-space-size=4096 (a flag that makes V8 refuse the
//     shipped code cache, so the one kept in the user's cache directory is used)
//  2. throughput: versions a second through `check --stdin --json`, output into a pipe
//  3. config audit: processing time for each corpus config, all targets, warm (in one process)
//     and cold (the first audit of a fresh process, as a CLI run pays it)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'virt-advisor.cjs');
const corpus = join(root, 'test', 'fixtures', 'corpus');
const runs = Number(process.env.BENCH_RUNS ?? 40);

function timeOnce(args, env = process.env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
};

function startup() {
  const bare = ['-e', '0'];
  const check = [bin, 'check', '5.15.0-91-generic', '--json'];
  const cacheHome = mkdtempSync(join(tmpdir(), 'virt-advisor-bench-cache-'));
  const flagged = { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096', XDG_CACHE_HOME: cacheHome };
  // Warm-up; the first flagged run writes the cache for those flags.
  for (let i = 0; i < 5; i++) timeOnce(bare), timeOnce(check), timeOnce(bare, flagged), timeOnce(check, flagged);
  const times = { bare: [], check: [], bareFlagged: [], checkFlagged: [] };
  // Interleaved, so that whatever else the machine does weighs on all alike.
  for (let i = 0; i < runs; i++) {
    times.bare.push(timeOnce(bare));
    times.check.push(timeOnce(check));
    times.bareFlagged.push(timeOnce(bare, flagged));
    times.checkFlagged.push(timeOnce(check, flagged));
  }
  rmSync(cacheHome, { recursive: true, force: true });
  const [a, b, c, d] = [times.bare, times.check, times.bareFlagged, times.checkFlagged].map(stats);
  console.log(`start-up (${runs} runs each, interleaved; medians, minimums in brackets)`);
  console.log(`  node -e 0                                     ${a.median.toFixed(1)} ms (${a.min.toFixed(1)})`);
  console.log(`  virt-advisor check 5.15.0-91-generic --json   ${b.median.toFixed(1)} ms (${b.min.toFixed(1)}): ratio ${(b.median / a.median).toFixed(2)}`);
  console.log(`  with NODE_OPTIONS=--max-old-space-size=4096:`);
  console.log(`    node -e 0                                   ${c.median.toFixed(1)} ms (${c.min.toFixed(1)})`);
  console.log(`    virt-advisor check ...                      ${d.median.toFixed(1)} ms (${d.min.toFixed(1)}): ratio ${(d.median / c.median).toFixed(2)}`);
  console.log('  target: both ratios <= 1.5');
}

async function throughput() {
  const versions = readFileSync(join(corpus, 'versions.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const count = Number(process.env.BENCH_VERSIONS ?? 500_000);
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(versions[i % versions.length]);
  const input = `${lines.join('\n')}\n`;
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'check', '--stdin', '--json', '--arch', 'x86_64'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let bytes = 0;
  let newlines = 0;
  child.stdout.on('data', (chunk) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
  });
  child.stdin.end(input);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0 || newlines !== count) throw new Error(`check --stdin exited ${code} with ${newlines} of ${count} lines`);
  const features = JSON.parse(readFileSync(join(root, 'dist', 'knowledge.json'), 'utf8')).features.length;
  console.log(`check --stdin --json: ${count} versions, ${features} features each, ${(bytes / 1e6).toFixed(0)} MB into a pipe`);
  console.log(`  ${seconds.toFixed(2)} s: ${Math.round(count / seconds).toLocaleString('en')} versions/s; target >= 100,000`);
}

async function configAudit() {
  const module = join(root, 'dist', 'tools', 'config-bench.mjs');
  if (!existsSync(module)) return;
  const { benchConfigs } = await import(pathToFileURL(module).href);
  const dir = join(corpus, 'configs');
  const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 7);
  console.log(`config audit, all targets (parse + audit): warm = median of 20 in one process; cold = median of ${coldRuns} fresh processes, first audit`);
  for (const name of readdirSync(dir).sort()) {
    const file = join(dir, name);
    const { bytes, medianMs } = benchConfigs(file, 20);
    const cold = [];
    for (let i = 0; i < coldRuns; i++) {
      const script = `import(${JSON.stringify(pathToFileURL(module).href)}).then((m) => console.log(m.coldAuditMs(${JSON.stringify(file)})))`;
      cold.push(Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
    }
    console.log(`  ${name.padEnd(58)} ${String(Math.round(bytes / 1024)).padStart(4)} KB  warm ${medianMs.toFixed(2)} ms  cold ${stats(cold).median.toFixed(2)} ms`);
  }
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
startup();
await throughput();
await configAudit();
