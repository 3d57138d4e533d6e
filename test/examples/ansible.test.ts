import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * examples/ansible/virt-advisor.yml run for real, on this machine as its only host (-c local):
 * installed from the packed tarball, both outputs fetched, the fleet report made. The test needs
 * ansible-playbook (Debian: ansible-core) and fails, never skips, without it.
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PLAYBOOK = join(REPO, 'examples/ansible/virt-advisor.yml');
const BIN = join(REPO, 'bin/virt-advisor.cjs');
// Ansible starts a Python process per task: a run takes seconds, not milliseconds.
const ANSIBLE_TIMEOUT = 180_000;

let work: string;
let tarball: string;

interface Run {
  status: number | null;
  output: string;
}

/** ansible-playbook on localhost with a clean, predictable configuration. */
function playbook(extraVars: Record<string, string>, options: { path?: string } = {}): Run {
  const env: NodeJS.ProcessEnv = {};
  // None of the caller's ANSIBLE_* settings (a callback, become, a config file) may change the run.
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('ANSIBLE_')) env[name] = value;
  const config = join(work, 'ansible.cfg');
  if (!existsSync(config)) writeFileSync(config, '');
  Object.assign(env, {
    ANSIBLE_CONFIG: config,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
    ANSIBLE_REMOTE_TEMP: join(work, 'ansible-remote'),
    ANSIBLE_STDOUT_CALLBACK: 'default',
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    // ansible-core stops unless the locale's encoding is UTF-8 (a CI shell may set LC_ALL=C).
    LC_ALL: 'C.UTF-8',
  });
  // The Node.js running the tests is the one the playbook finds as node, on host and controller.
  env.PATH = [options.path, dirname(process.execPath), env.PATH].filter(Boolean).join(':');
  const args = ['-i', 'localhost,', '-c', 'local', PLAYBOOK];
  for (const [name, value] of Object.entries(extraVars)) args.push('-e', `${name}=${value}`);
  const result = spawnSync('ansible-playbook', args, { cwd: REPO, env, encoding: 'utf8', timeout: ANSIBLE_TIMEOUT - 5_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? 'ansible-playbook is needed for this test (Debian: apt-get install ansible-core)' : `ansible-playbook: ${result.error.message}`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The tasks the default callback reports as changed, by name. */
function changedTasks(output: string): string[] {
  const changed: string[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    const header = /^TASK \[(.*)\] \**$/.exec(line);
    if (header) task = header[1]!;
    else if (line.startsWith('changed: [')) changed.push(task);
  }
  return changed;
}

/** The first field of each CSV line, unquoted. */
function firstColumn(csv: string): string[] {
  return csv
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => /^(?:"((?:[^"]|"")*)"|([^,]*))/.exec(line)!)
    .map((match) => (match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!));
}

function expectConfigRecord(record: any): void {
  if ('error' in record) {
    // The host's config could not be read: its one stderr line, as the report expects.
    expect(Object.keys(record)).toEqual(['error']);
    expect(record.error).toMatch(/^virt-advisor: \S/);
  } else {
    expect(Array.isArray(record.targets)).toBe(true);
    expect(record.targets.length).toBeGreaterThan(0);
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'virt-advisor-ansible-'));
  // The test run has built dist/ already (test/global-setup.ts): packing must not rebuild it.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    }),
  );
  tarball = join(work, packed[0].filename);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed from the tarball', () => {
  let prefix: string;
  let results: string;
  let first: Run;

  beforeAll(() => {
    prefix = join(work, 'prefix');
    results = join(work, 'results');
    first = playbook({ virt_advisor_tarball: tarball, virt_advisor_prefix: prefix, virt_advisor_results: results });
  }, ANSIBLE_TIMEOUT);

  it('runs to the end', () => {
    expect(first.status, first.output).toBe(0);
    expect(first.output).toMatch(/^localhost\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/m);
  });

  it('unpacks the tarball into the prefix', () => {
    expect(existsSync(join(prefix, 'package/bin/virt-advisor.cjs'))).toBe(true);
    expect(existsSync(join(prefix, 'package/dist/virt-advisor.cjs'))).toBe(true);
  });

  it('fetches host.json: the facts of the host', () => {
    const host = JSON.parse(readFileSync(join(results, 'localhost/host.json'), 'utf8'));
    expect(host.schemaVersion).toEqual(expect.any(Number));
    expect(host).toHaveProperty('kernelRelease');
  });

  it('fetches config.json: an audit of the running kernel, or why it could not be read', () => {
    expectConfigRecord(JSON.parse(readFileSync(join(results, 'localhost/config.json'), 'utf8')));
  });

  it('shows the fleet report and writes it as CSV', () => {
    expect(first.output).toMatch(/TASK \[Show the report\]/);
    const csv = join(results, 'report.csv');
    expect(existsSync(csv), first.output).toBe(true);
    const column = firstColumn(readFileSync(csv, 'utf8'));
    expect(column[0]).toBe('host');
    expect(column.slice(1)).toContain('localhost');
  });

  it('changes nothing when run again', () => {
    const again = playbook({ virt_advisor_tarball: tarball, virt_advisor_prefix: prefix, virt_advisor_results: results });
    expect(again.status, again.output).toBe(0);
    expect(changedTasks(again.output)).toEqual([]);
  }, ANSIBLE_TIMEOUT);
});

describe('virt-advisor from PATH, on a host whose kernel config cannot be found', () => {
  let results: string;
  let run: Run;

  beforeAll(() => {
    // A virt-advisor on PATH that looks for the kernel config under an empty root: the real
    // binary, with the real message and exit code 2.
    const bin = join(work, 'path-bin');
    const empty = join(work, 'empty-root');
    mkdirSync(bin);
    mkdirSync(empty);
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    writeFileSync(
      join(bin, 'virt-advisor'),
      `#!/bin/sh\nif [ "$1" = config ]; then shift; exec ${quote(process.execPath)} ${quote(BIN)} config --root ${quote(empty)} "$@"; fi\nexec ${quote(process.execPath)} ${quote(BIN)} "$@"\n`,
    );
    chmodSync(join(bin, 'virt-advisor'), 0o755);
    results = join(work, 'results-path');
    run = playbook({ virt_advisor_results: results }, { path: bin });
  }, ANSIBLE_TIMEOUT);

  it('records the error as config.json, and still fetches host.json', () => {
    const record = JSON.parse(readFileSync(join(results, 'localhost/config.json'), 'utf8'));
    expect(Object.keys(record)).toEqual(['error']);
    expect(record.error).toMatch(/^virt-advisor: no kernel config found/);
    expect(JSON.parse(readFileSync(join(results, 'localhost/host.json'), 'utf8'))).toHaveProperty('kernelRelease');
    expect(run.output).toMatch(/TASK \[Find virt-advisor on PATH\] \**\nok: \[localhost\]/);
    expect(run.output).toMatch(/TASK \[Unpack the tarball\] \**\nskipping: \[localhost\]/);
  });

  it('runs to the end: a config that cannot be read is a result, not a failure', () => {
    expect(run.status, run.output).toBe(0);
    const column = firstColumn(readFileSync(join(results, 'report.csv'), 'utf8'));
    expect(column[0]).toBe('host');
    expect(column.slice(1)).toContain('localhost');
  });
});

describe('on a host without a recent enough Node.js', () => {
  it('stops with a message that says so', () => {
    const old = join(work, 'old-node');
    writeFileSync(old, '#!/bin/sh\necho v18.20.4\n');
    chmodSync(old, 0o755);
    const results = join(work, 'results-old-node');
    const run = playbook({ virt_advisor_tarball: tarball, virt_advisor_prefix: join(work, 'prefix-old-node'), virt_advisor_results: results, virt_advisor_node: old });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/virt-advisor needs Node\.js 20\.19 or later on localhost; found: v18\.20\.4 \(from \S*old-node --version\)/);
    // Nothing was installed or fetched.
    expect(existsSync(join(work, 'prefix-old-node'))).toBe(false);
    expect(existsSync(results)).toBe(false);
  }, ANSIBLE_TIMEOUT);
});
