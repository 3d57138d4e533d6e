// npm run fuzz: the real binary over generated hostile input, for a set time.
//
//   FUZZ_SECONDS=300 FUZZ_SEED=1 npm run fuzz
//
// Surfaces, in turn: version lines (check --stdin and arguments), configs (mutated corpus configs,
// plain and gzip, as files and on stdin), machine roots (trees with FIFOs, devices, links out of the
// root, huge sparse and binary files: host, recommend, config --root) and option values (random
// command lines from the command spec). Every run has a time limit and its peak memory measured.
// A finding is: an exit code outside 0/1/2, a hang, a stack trace or an internal error, a second
// line in a one-line error, text from outside a root, or memory over the bound. Findings are kept
// in fuzz-findings/ with the command that reproduces them; the exit code is 1 if there are any.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'virt-advisor.cjs');
const corpus = join(root, 'test', 'fixtures', 'corpus');
const seconds = Number(process.env.FUZZ_SECONDS ?? 300);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);
const RUN_TIMEOUT_MS = 15_000;
const RSS_BOUND_KB = 400 * 1024;
const MARKER = 'FUZZ-OUTSIDE-THE-ROOT-MARKER';

if (!existsSync(join(root, 'dist', 'virt-advisor.cjs'))) {
  console.error('fuzz: build first (npm run build)');
  process.exit(2);
}
const timeBinary = ['/usr/bin/time', '/bin/time'].find((path) => existsSync(path));
if (!timeBinary) {
  console.error('fuzz: GNU time is needed to measure memory (apt-get install time)');
  process.exit(2);
}

// A small seeded generator (mulberry32), so that a run can be replayed with FUZZ_SEED.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (max) => Math.floor(random() * max);

const work = mkdtempSync(join(tmpdir(), 'virt-advisor-fuzz-'));
const findingsDir = join(root, 'fuzz-findings');
const outside = join(work, 'outside-secret');
writeFileSync(outside, `${MARKER}\n`);
const versions = readFileSync(join(corpus, 'versions.txt'), 'utf8').split('\n').filter((line) => line.trim() && !line.startsWith('#'));
const configFiles = readdirSync(join(corpus, 'configs')).map((name) => join(corpus, 'configs', name));
const configTexts = configFiles.map((file) => readFileSync(file));
const NASTY = ['\u001b[2J', '\u202e', '\u200b', '\u2028', '\0', '\r', '\n', '\ufeff', 'constructor', '__proto__', '"', "'", '$(id)', '%s', '../', '\udc00', 'é', '💥'];

function nastyString(max = 40) {
  let text = '';
  const length = int(max);
  while (text.length < length) {
    const roll = random();
    if (roll < 0.2) text += pick(NASTY);
    else if (roll < 0.5) text += String.fromCharCode(int(0x80));
    else if (roll < 0.6) text += String.fromCharCode(int(0xffff));
    else text += pick(versions).slice(0, int(12));
  }
  return text;
}

function mutateVersion() {
  const base = pick(versions);
  switch (int(6)) {
    case 0:
      return nastyString();
    case 1:
      return base.slice(0, int(base.length + 1));
    case 2: {
      const at = int(base.length + 1);
      return base.slice(0, at) + pick(NASTY) + base.slice(at);
    }
    case 3:
      return base.replace(/\d+/, () => String(int(10) === 0 ? 10 ** (5 + int(20)) : int(1000)));
    case 4:
      return `${pick(['v', 'Linux ', 'linux-', 'Linux version ', ''])}${base}`;
    default:
      return base;
  }
}

function mutateConfig() {
  let bytes = Buffer.from(pick(configTexts));
  const edits = 1 + int(6);
  for (let i = 0; i < edits; i++) {
    switch (int(6)) {
      case 0:
        bytes = bytes.subarray(0, int(bytes.length + 1));
        break;
      case 1: {
        const at = int(bytes.length);
        bytes[at] = int(256);
        break;
      }
      case 2: {
        const at = int(bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(`\nCONFIG_KVM=${nastyString(8)}\n`), bytes.subarray(at)]);
        break;
      }
      case 3:
        bytes = Buffer.concat([Buffer.from(pick(['\ufeff', '', '# Linux/x86 6.1.0 Kernel Configuration\n', '# Linux kernel version: 2.6.32\n'])), bytes]);
        break;
      case 4:
        bytes = Buffer.from(bytes.toString('latin1').replace(/=y\n/g, () => `=${pick(['y', 'yes', 'no', '"y"', 'Y', '', 'm', '\u001b[31m'])}\n`), 'latin1');
        break;
      default:
        bytes = Buffer.from(bytes.toString('utf8').replace(/\n/g, pick(['\r\n', '\n', '\n\n'])));
    }
  }
  if (int(4) === 0) bytes = gzipSync(bytes);
  if (int(10) === 0) bytes = bytes.subarray(0, int(bytes.length));
  return bytes;
}

const ROOT_FILES = [
  'proc/cpuinfo',
  'proc/sys/kernel/osrelease',
  'proc/sys/kernel/arch',
  'proc/xen/capabilities',
  'proc/config.gz',
  'proc/1/cgroup',
  'proc/self/cgroup',
  'proc/1/environ',
  'proc/1/mountinfo',
  'proc/cmdline',
  'sys/hypervisor/type',
  'sys/class/dmi/id/sys_vendor',
  'sys/class/dmi/id/product_name',
  'sys/class/dmi/id/bios_vendor',
  'sys/firmware/acpi/tables/DSDT',
  'sys/module/kvm_intel/parameters/nested',
  'sys/module/kvm_amd/parameters/nested',
  'sys/devices/system/clocksource/clocksource0/available_clocksource',
  'sys/class/iommu/dmar0',
  'boot/config-6.1.0',
  'dev/kvm',
  'run/systemd/container',
  '.dockerenv',
];

let rootCount = 0;
function makeRoot() {
  const dir = join(work, `root-${rootCount++}`);
  mkdirSync(dir);
  for (const inside of ROOT_FILES) {
    if (random() < 0.4) continue;
    const at = join(dir, inside);
    mkdirSync(join(at, '..'), { recursive: true });
    const roll = int(10);
    if (roll === 0) spawnSync('mkfifo', [at]);
    else if (roll === 1) symlinkSync(pick(['/dev/zero', '/dev/urandom', '/dev/null', '/dev/stdin']), at);
    else if (roll === 2) symlinkSync(pick([outside, `../../../../../../../../../..${outside}`, '/etc/shadow', '/etc/passwd', '../..', '.', inside]), at);
    else if (roll === 3) {
      writeFileSync(at, '');
      truncateSync(at, pick([5, 64, 1024]) * 1024 * 1024 + int(1000));
    } else if (roll === 4) writeFileSync(at, Buffer.from(Array.from({ length: int(4096) }, () => int(256))));
    else if (roll === 5) mkdirSync(at, { recursive: true });
    else if (inside === 'proc/cpuinfo') writeFileSync(at, readFileSync(pick(readdirSync(join(corpus, 'cpuinfo')).map((name) => join(corpus, 'cpuinfo', name)))));
    else if (inside === 'proc/config.gz' || inside.startsWith('boot/')) writeFileSync(at, mutateConfig());
    else writeFileSync(at, `${nastyString(30)}\n`);
  }
  if (random() < 0.3) writeFileSync(join(dir, 'proc/sys/kernel/osrelease'.replace('proc/sys/kernel/osrelease', 'proc/version')), `Linux version ${pick(versions)}\n`);
  return dir;
}

const OPTIONS = ['--arch', '--json', '--require', '--stdin', '--for', '--kernel', '--fragment', '--root', '--cpu-flags', '--cpuinfo', '--guest', '--goal', '--keep-kernel', '--non-interactive', '--detect', '--color', '--no-color', '-h', '--', '-', '--version'];
const COMMANDS = ['check', 'config', 'recommend', 'host', 'list', 'explain', 'completion', 'chek', ''];
function randomArgv() {
  const argv = [pick(COMMANDS)].filter(Boolean);
  const count = int(7);
  for (let i = 0; i < count; i++) {
    const roll = random();
    if (roll < 0.5) argv.push(pick(OPTIONS));
    else if (roll < 0.75) argv.push(nastyString(20));
    else argv.push(pick([...versions.slice(0, 30), 'kvm', 'x86_64', 'kvm-host', 'constructor', '', '/dev/zero', outside, '-']));
    if (random() < 0.3) argv[argv.length - 1] += `=${nastyString(10)}`;
  }
  return argv;
}

const stats = {};
const findings = [];

function run(surface, args, { input, cwd } = {}) {
  stats[surface] ??= { runs: 0, inputs: 0, maxRssKb: 0, ms: 0 };
  const rssFile = join(work, 'rss');
  const started = Date.now();
  // An argument cannot hold a NUL byte: the system call that starts a process ends it there.
  args = args.map((arg) => arg.replace(/\0/g, ''));
  const result = spawnSync(timeBinary, ['-f', '%M', '-o', rssFile, process.execPath, bin, ...args], {
    input: input ?? '',
    cwd: cwd ?? work,
    timeout: RUN_TIMEOUT_MS,
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1', VIRT_ADVISOR_DEBUG: '' },
  });
  const entry = stats[surface];
  entry.runs++;
  entry.ms += Date.now() - started;
  const rss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : 0;
  if (rss > entry.maxRssKb) entry.maxRssKb = rss;
  const stdout = result.stdout?.toString('utf8') ?? '';
  const stderr = result.stderr?.toString('utf8') ?? '';
  const problems = [];
  if (result.error?.code === 'ETIMEDOUT' || result.signal === 'SIGTERM') problems.push(`no answer in ${RUN_TIMEOUT_MS / 1000} s (a hang)`);
  else if (result.signal) problems.push(`killed by ${result.signal}`);
  else if (![0, 1, 2].includes(result.status)) problems.push(`exit code ${result.status}`);
  if (/\n\s+at .*[(:]\d+/.test(stderr) || /internal error/.test(stderr)) problems.push('a stack trace or an internal error on stderr');
  // check reports each bad version of several on a line of its own; anything else says one line.
  if (result.status === 2 && args[0] !== 'check' && stderr.trimEnd().split('\n').length !== 1) problems.push('a usage or input error that is not one line');
  if (stderr.trimEnd().split('\n').some((line) => line !== '' && !line.startsWith('virt-advisor: '))) problems.push('a line on stderr that is not one of ours (a message broken over lines?)');
  if ((stdout + stderr).includes(MARKER)) problems.push('text from outside the root in the output');
  if (rss > RSS_BOUND_KB) problems.push(`peak memory ${Math.round(rss / 1024)} MB, over the ${RSS_BOUND_KB / 1024} MB bound`);
  if (problems.length > 0) {
    findings.push({ surface, args, input: input && input.length > 10_000 ? `${input.length} bytes` : input, problems, stderr: stderr.slice(0, 2000) });
    console.log(`FINDING [${surface}] ${problems.join('; ')}: ${JSON.stringify(args).slice(0, 300)}`);
  }
}

const surfaces = {
  versions() {
    const lines = Array.from({ length: 200 + int(2000) }, mutateVersion);
    stats.versions ??= { runs: 0, inputs: 0, maxRssKb: 0, ms: 0 };
    stats.versions.inputs += lines.length + 3;
    run('versions', ['check', '--stdin', '--json', '--arch', pick(['x86_64', 'i386', 'arm64', 's390x'])], { input: lines.join(pick(['\n', '\r\n'])) });
    run('versions', ['check', '--', ...Array.from({ length: 3 }, mutateVersion)]);
  },
  configs() {
    const bytes = mutateConfig();
    const file = join(work, 'fuzz.config');
    writeFileSync(file, bytes);
    stats.configs ??= { runs: 0, inputs: 0, maxRssKb: 0, ms: 0 };
    stats.configs.inputs += 1;
    run('configs', ['config', file, '--json']);
    run('configs', ['config', '-', '--for', 'kvm-host,containers'], { input: bytes });
  },
  roots() {
    const dir = makeRoot();
    stats.roots ??= { runs: 0, inputs: 0, maxRssKb: 0, ms: 0 };
    stats.roots.inputs += 1;
    run('roots', ['host', '--root', dir, '--json']);
    run('roots', ['host', '--root', dir]);
    run('roots', ['recommend', '--root', dir, '--json']);
    run('roots', ['config', '--root', dir]);
    rmSync(dir, { recursive: true, force: true });
  },
  options() {
    stats.options ??= { runs: 0, inputs: 0, maxRssKb: 0, ms: 0 };
    for (let i = 0; i < 5; i++) {
      stats.options.inputs += 1;
      run('options', randomArgv(), { input: pick(['', '6.1\n', 'garbage\n']) });
    }
  },
};

console.log(`fuzz: ${seconds} s, seed ${seed} (FUZZ_SEED=${seed} replays it), node ${process.version}`);
const deadline = Date.now() + seconds * 1000;
const order = Object.keys(surfaces);
for (let round = 0; Date.now() < deadline; round++) surfaces[order[round % order.length]]();
rmSync(work, { recursive: true, force: true });

console.log('surface    inputs    runs   max RSS   time');
for (const [name, entry] of Object.entries(stats)) {
  console.log(`${name.padEnd(10)} ${String(entry.inputs).padStart(7)} ${String(entry.runs).padStart(7)} ${String(Math.round(entry.maxRssKb / 1024)).padStart(6)} MB ${String(Math.round(entry.ms / 1000)).padStart(5)} s`);
}
if (findings.length > 0) {
  mkdirSync(findingsDir, { recursive: true });
  const file = join(findingsDir, `findings-${seed}.json`);
  writeFileSync(file, JSON.stringify(findings, null, 2));
  console.log(`${findings.length} finding(s), written to ${file}`);
  process.exit(1);
}
console.log('no findings');
