import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as users get it: packed, installed into a prefix of its own, and run from another
 * directory; and imported as a library by another project, with its types.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64');
const require = createRequire(import.meta.url);

let work: string;
let tarball: string;
let prefix: string;

function npm(args: string[], cwd: string): string {
  // --offline: the package has no dependencies, so nothing may need the network.
  return execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'virt-advisor-package-'));
  // The test run has built dist/ already; packing must not rebuild it.
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO));
  tarball = join(work, packed[0].filename);
  prefix = join(work, 'prefix');
  npm(['install', '--global', '--prefix', prefix, tarball], work);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds what users run and nothing else', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((file) => file.replace(/^package\//, ''));
    for (const needed of ['bin/virt-advisor.cjs', 'dist/virt-advisor.cjs', 'dist/knowledge.json', 'dist/targets.json', 'dist/prompts.cjs', 'dist/lib/index.js', 'dist/types/lib/index.d.ts', 'dist/man/virt-advisor.1', 'schemas/check.schema.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
      expect(files).toContain(needed);
    }
    const unwanted = files.filter((file) => /\.map$|^src\/|^test\/|^scripts\/|^rules\/|^dist\/tools\/|^\.ci\/|tsconfig|vitest/.test(file));
    expect(unwanted).toEqual([]);
  });

  it('declares no runtime dependency (every library is bundled)', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    for (const field of ['repository', 'homepage', 'bugs', 'keywords', 'engines', 'man', 'exports']) expect(manifest[field], field).toBeDefined();
  });
});

describe('installed into a prefix, run from another directory', () => {
  const run = (args: string[]) => spawnSync(join(prefix, 'bin', 'virt-advisor'), args, { cwd: tmpdir(), encoding: 'utf8', input: '' });

  it('--help', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/virt-advisor check \[versions\.\.\]/);
  });
  it('check', () => {
    const result = run(['check', '2.6.23', '--arch', 'i386', '--json']);
    expect(result.status).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record.features.find((feature: any) => feature.id === 'lguest')).toMatchObject({ supported: true, since: '2.6.23' });
  });
  it('config', () => {
    const result = run(['config', CONFIG, '--for', 'kvm-host', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).targets[0]).toMatchObject({ id: 'kvm-host', ok: true });
  });
  it('recommend --non-interactive --json', () => {
    const result = run(['recommend', '--non-interactive', '--json', '--arch', 'x86_64', '--cpu-flags', 'vmx lm']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).candidates[0].id).toBe('kvm');
  });
  it('installs the man page', () => {
    const page = join(prefix, 'share', 'man', 'man1', 'virt-advisor.1');
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8')).toMatch(/^\.TH VIRT\\-ADVISOR 1/);
  });
});

describe('imported as a library by another project', () => {
  let consumer: string;
  beforeAll(() => {
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    npm(['install', tarball], consumer);
    // A TypeScript project of a Node library user has Node's types.
    mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', '@types', 'node'), join(consumer, 'node_modules', '@types', 'node'));
  }, 120_000);

  it('imports the API and gets the same answers as the CLI', () => {
    writeFileSync(
      join(consumer, 'use.mjs'),
      `import { checkKernel, auditConfig, detectHost, recommend, parseKernelVersion, knowledge } from 'virt-advisor';
import { readFileSync } from 'node:fs';
const check = checkKernel('6.1.0-18-amd64', { arch: 'x86_64' });
const audit = auditConfig(readFileSync(${JSON.stringify(CONFIG)}), { targets: ['kvm-host'] });
const host = detectHost();
const rec = recommend({ arch: 'x86_64', cpuFlags: ['svm', 'lm'], guests: ['windows'] });
console.log(JSON.stringify({ check, audit, hostVersion: host.schemaVersion, best: rec.candidates[0].id, release: parseKernelVersion('5.15.0-91-generic').release, features: knowledge().features.length }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ['use.mjs'], { cwd: consumer, encoding: 'utf8' }));
    const cli = spawnSync(join(prefix, 'bin', 'virt-advisor'), ['check', '6.1.0-18-amd64', '--arch', 'x86_64', '--json'], { encoding: 'utf8' });
    expect(out.check).toEqual(JSON.parse(cli.stdout));
    expect(out.audit.targets[0]).toMatchObject({ id: 'kvm-host', ok: true });
    expect(out.hostVersion).toBe(2);
    expect(out.best).toBe('kvm');
    expect(out.release).toBe('5.15');
    expect(out.features).toBeGreaterThan(30);
  });

  // tsc takes seconds even on a quiet machine; two runs of it on a loaded one, more than the default.
  it('type-checks a TypeScript file against the shipped declarations, and refuses a wrong one', { timeout: 120_000 }, () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false }, include: ['*.ts'] }),
    );
    writeFileSync(
      join(consumer, 'typed.ts'),
      `import { checkKernel, auditConfig, recommend, parseKernelVersion, VirtAdvisorError, type CheckRecord, type KernelVersion } from 'virt-advisor';
const record: CheckRecord = checkKernel('6.1', { arch: 'arm64' });
const supported: boolean = record.features[0]!.supported;
const since: string | null = record.features[0]!.since;
const version: KernelVersion = parseKernelVersion('6.9-rc1');
const rc: number | null = version.rc;
const ok: boolean = auditConfig('CONFIG_KVM=y\\n', { kernel: '6.1', arch: 'x86_64', targets: ['kvm-host'] }).targets[0]!.ok;
const eligible: boolean = recommend({ arch: 'x86_64' }).candidates[0]!.eligible;
try { parseKernelVersion('x'); } catch (error) { if (error instanceof VirtAdvisorError) console.log(error.message); }
console.log(supported, since, rc, ok, eligible);
`,
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const good = spawnSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8' });
    expect(good.stdout + good.stderr).toBe('');
    expect(good.status).toBe(0);
    writeFileSync(join(consumer, 'wrong.ts'), `import { checkKernel } from 'virt-advisor';\nconst n: number = checkKernel('6.1').features[0]!.supported;\nconsole.log(n);\n`);
    const bad = spawnSync(process.execPath, [tsc, '-p', consumer], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/wrong\.ts.*Type 'boolean' is not assignable to type 'number'/);
    rmSync(join(consumer, 'wrong.ts'));
  });
});
