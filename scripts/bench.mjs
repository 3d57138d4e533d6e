// npm run bench: the figures the README quotes, measured on this machine in one run.
//  1. start-up: `check 5.15.0-91-generic --json` against bare `node -e 0`, interleaved runs
//  2. throughput: versions a second through `check --stdin --json`, output into a pipe
//  3. config audit: processing time for each corpus config, all targets (when available)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'virt-advisor.cjs');
const corpus = join(root, 'test', 'fixtures', 'corpus');
const runs = Number(process.env.BENCH_RUNS ?? 40);

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  for (let i = 0; i < 5; i++) timeOnce(bare), timeOnce(check);
  const bareTimes = [];
  const checkTimes = [];
  // Interleaved, so that whatever else the machine does weighs on both alike.
  for (let i = 0; i < runs; i++) {
    bareTimes.push(timeOnce(bare));
    checkTimes.push(timeOnce(check));
  }
  const a = stats(bareTimes);
  const b = stats(checkTimes);
  console.log(`start-up (${runs} runs each, interleaved)`);
  console.log(`  node -e 0                                 median ${a.median.toFixed(1)} ms  min ${a.min.toFixed(1)} ms`);
  console.log(`  virt-advisor check 5.15.0-91-generic --json  median ${b.median.toFixed(1)} ms  min ${b.min.toFixed(1)} ms`);
  console.log(`  ratio: ${(b.median / a.median).toFixed(2)} (medians), ${(b.min / a.min).toFixed(2)} (minimums); target <= 1.5`);
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
  console.log('config audit, all targets (processing only: parse + audit, median of 20)');
  for (const name of readdirSync(dir).sort()) {
    const { bytes, medianMs } = benchConfigs(join(dir, name), 20);
    console.log(`  ${name.padEnd(58)} ${String(Math.round(bytes / 1024)).padStart(4)} KB  ${medianMs.toFixed(2)} ms`);
  }
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
startup();
await throughput();
await configAudit();
