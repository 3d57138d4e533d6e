// npm run bench: the figures the README quotes, measured on this machine in one run.
//  1. start-up: `check 5.15.0-91-generic --json` against bare `node -e 0`, interleaved runs, as
//     installed and with NODE_OPTIONS=--max-old-space-size=4096 (a flag that makes V8 refuse the
//     shipped code cache, so the one kept in the user's cache directory is used)
//  2. throughput: lines a second through `check --stdin --json`, output into a pipe, against a
//     floor measured in the same run
//  3. config audit: processing time for each corpus config, all targets, warm (in one process)
//     and cold (the first audit of a fresh process, as a CLI run pays it)
//  4. many configs: 1,000 configs in one process against one process per config
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

/** Runs a process with `input` on its standard input; resolves with the seconds taken and the bytes and lines it wrote. */
function timePiped(args, input) {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  let bytes = 0;
  let newlines = 0;
  child.stdout.on('data', (chunk) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
  });
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes, newlines })),
  );
}

// The floor: bare node reading the same input as it arrives and writing, into the same kind of
// pipe, as many bytes as virt-advisor did, in proportion to what it has read so far.
const FLOOR = `
const total = Number(process.argv[1]);
const expected = Number(process.argv[2]);
const block = Buffer.alloc(64 * 1024, 120);
let read = 0;
let written = 0;
(async () => {
  for await (const chunk of process.stdin) {
    read += chunk.length;
    let owed = Math.floor((total * read) / expected) - written;
    while (owed > 0) {
      const piece = Math.min(owed, block.length);
      if (!process.stdout.write(block.subarray(0, piece))) await new Promise((resolve) => process.stdout.once('drain', resolve));
      owed -= piece;
      written += piece;
    }
  }
})();
`;

async function throughput() {
  const corpusVersions = readFileSync(join(corpus, 'versions.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
  const count = Number(process.env.BENCH_VERSIONS ?? 500_000);
  const features = JSON.parse(readFileSync(join(root, 'dist', 'knowledge.json'), 'utf8')).features.length;
  // A fleet inventory repeats the same kernels; the unique case is the worst one (every line a
  // different build number, so nothing answered before helps).
  const inventories = {
    'corpus versions, labelled (host<TAB>version), repeated': (i) => `host${i}\t${corpusVersions[i % corpusVersions.length]}`,
    'every line a different version': (i) => `${4 + (i % 3)}.${i % 20}.0-${Math.floor(i / 60)}-generic`,
  };
  console.log(`check --stdin --json (x86_64 where the version names no architecture): ${count.toLocaleString('en')} lines, ${features} features each, output into a pipe; floor = bare node reading the same input and writing the same bytes into the same pipe`);
  // Ours and the floor in turn, several times: the ratio is taken pair by pair and its median
  // quoted, since this machine's speed drifts between runs.
  const pairs = Number(process.env.BENCH_STREAM_RUNS ?? 3);
  for (const [name, line] of Object.entries(inventories)) {
    const lines = [];
    for (let i = 0; i < count; i++) lines.push(line(i));
    const input = `${lines.join('\n')}\n`;
    const results = [];
    for (let run = 0; run < pairs; run++) {
      const ours = await timePiped([bin, 'check', '--stdin', '--json'], input);
      if (ours.code !== 0 || ours.newlines !== count) throw new Error(`check --stdin exited ${ours.code} with ${ours.newlines} of ${count} lines`);
      const floor = await timePiped(['-e', FLOOR, String(ours.bytes), String(Buffer.byteLength(input))], input);
      if (floor.bytes !== ours.bytes) throw new Error(`the floor wrote ${floor.bytes} bytes, not ${ours.bytes}`);
      results.push({ ours: ours.seconds, floor: floor.seconds, ratio: ours.seconds / floor.seconds, bytes: ours.bytes });
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const ours = median(results.map((result) => result.ours));
    const ratios = results.map((result) => result.ratio).sort((a, b) => a - b);
    console.log(`  ${name}: ${(results[0].bytes / 1e6).toFixed(0)} MB, ${pairs} runs each, in turn`);
    console.log(
      `    virt-advisor ${ours.toFixed(2)} s median (${Math.round(count / ours).toLocaleString('en')} lines/s, ${((ours / count) * 1e6).toFixed(1)} us a line); ` +
        `floor ${median(results.map((result) => result.floor)).toFixed(2)} s; ratio ${median(ratios).toFixed(2)} median (${ratios[0].toFixed(2)} to ${ratios[ratios.length - 1].toFixed(2)}); goal <= 3`,
    );
  }
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
// BENCH_ONLY=throughput,many runs some of the parts.
const only = process.env.BENCH_ONLY?.split(',');
const parts = { startup, throughput, audit: configAudit, many: manyConfigs };
for (const [name, part] of Object.entries(parts)) if (!only || only.includes(name)) await part();

// 1,000 configs (the corpus repeated) audited in one process, against the same work done by one
// process per config, as a loop in a script would.
async function manyConfigs() {
  const count = Number(process.env.BENCH_CONFIGS ?? 1000);
  const processes = Math.min(count, Number(process.env.BENCH_CONFIG_PROCESSES ?? count));
  const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-bench-configs-'));
  const sources = readdirSync(join(corpus, 'configs')).sort();
  for (let i = 0; i < count; i++) copyFileSync(join(corpus, 'configs', sources[i % sources.length]), join(dir, `${String(i).padStart(4, '0')}-${sources[i % sources.length]}`));
  const files = readdirSync(dir).sort().map((name) => join(dir, name));
  const start = process.hrtime.bigint();
  const one = spawnSync(process.execPath, [bin, 'config', dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const oneSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const records = one.stdout.toString().split('\n').filter(Boolean).length;
  if (records !== count) throw new Error(`config DIR wrote ${records} records for ${count} configs: ${one.stderr}`);
  const eachStart = process.hrtime.bigint();
  for (let i = 0; i < processes; i++) {
    const result = spawnSync(process.execPath, [bin, 'config', files[i], '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.status === 2) throw new Error(`config ${files[i]}: ${result.stderr}`);
  }
  const eachSeconds = Number(process.hrtime.bigint() - eachStart) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  const perConfigOne = (oneSeconds / count) * 1000;
  const perConfigEach = (eachSeconds / processes) * 1000;
  console.log(`config, ${count.toLocaleString('en')} configs (the corpus repeated), default targets, --json`);
  console.log(`  one process (config DIR):        ${oneSeconds.toFixed(2)} s, ${perConfigOne.toFixed(2)} ms a config`);
  console.log(`  one process per config (${processes.toLocaleString('en')}):  ${eachSeconds.toFixed(2)} s, ${perConfigEach.toFixed(2)} ms a config`);
  console.log(`  one process is ${(perConfigEach / perConfigOne).toFixed(1)}x faster a config; goal >= 20x`);
}
