import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateRequirement } from '../src/engine/audit.js';
import { UserError } from '../src/errors.js';
import { hostToJson } from '../src/format/host.js';
import { detectHost } from '../src/host/detect.js';
import { parseKconfig, tristateOf } from '../src/kconfig/parse.js';
import { releaseKey } from '../src/version/compare.js';
import { parseKernelVersion } from '../src/version/parse.js';
import { jsonLines, runCli } from './cli/run.js';

/**
 * What must hold for every input, not only the examples: seeded (FC_SEED to replay a failure) and
 * bounded in runs, so that `npm test` stays quick and repeatable.
 */
const seed = Number(process.env.FC_SEED ?? 20261201);
const params = (numRuns: number) => ({ seed, numRuns });

const REPO = fileURLToPath(new URL('..', import.meta.url));
const corpus = readFileSync(join(REPO, 'test/fixtures/corpus/versions.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));

/** Anything someone might paste: printable text, control characters, unicode, corpus lines cut up. */
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(...corpus),
  fc.tuple(fc.constantFrom(...corpus), fc.string({ maxLength: 10 }), fc.nat(40)).map(([line, junk, at]) => line.slice(0, at) + junk + line.slice(at)),
);

const digits = (max: number) => fc.nat(max).map(String);

/** Versions built from their parts, as uname -r and tags write them. */
const builtVersion = fc
  .record({
    major: fc.integer({ min: 3, max: 30 }),
    minor: fc.nat(40),
    sublevel: fc.option(fc.nat(400), { nil: null }),
    rc: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
    local: fc.option(fc.constantFrom('-91-generic', '.el8_9.x86_64', '-arch1-1', '+', '-rt13', '-1-amd64', '.fc39.x86_64'), { nil: null }),
  })
  .map((parts) => ({
    parts,
    text: `${parts.major}.${parts.minor}${parts.sublevel === null ? '' : `.${parts.sublevel}`}${parts.rc === null ? '' : `-rc${parts.rc}`}${parts.local ?? ''}`,
  }));

describe('the version parser', () => {
  it('never throws anything but a user error, and what it accepts parses the same again', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        let version;
        try {
          version = parseKernelVersion(text);
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          expect(error.message).not.toMatch(/[\n\r]/);
          return;
        }
        expect(parseKernelVersion(version.input)).toEqual(version);
        expect(version.release).toBe(version.patch === null ? `${version.major}.${version.minor}` : `${version.major}.${version.minor}.${version.patch}`);
        expect(Number.isSafeInteger(releaseKey(version))).toBe(true);
      }),
      params(3000),
    );
  });

  it('reads back the parts a version was written from', () => {
    fc.assert(
      fc.property(builtVersion, ({ parts, text }) => {
        const version = parseKernelVersion(text);
        expect(version).toMatchObject({ major: parts.major, minor: parts.minor, sublevel: parts.sublevel, rc: parts.rc, local: parts.local, release: `${parts.major}.${parts.minor}` });
        expect(parseKernelVersion(`v${text}`).release).toBe(version.release);
      }),
      params(2000),
    );
  });

  it('reads every 2.6 release with its third number', () => {
    fc.assert(
      fc.property(digits(39), fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }), (patch, stable) => {
        const version = parseKernelVersion(`2.6.${patch}${stable === null ? '' : `.${stable}`}`);
        expect(version).toMatchObject({ release: `2.6.${patch}`, patch: Number(patch), sublevel: stable });
      }),
      params(500),
    );
  });
});

describe('check --stdin through the real binary', () => {
  it('answers every version line in place (a record or an error record), in input order, whatever the mix', () => {
    const line = fc.oneof(
      fc.constantFrom(...corpus),
      fc.string({ maxLength: 30 }).filter((text) => !text.includes('\n')),
      // Labelled lines: a host name, a tab, a version (or anything).
      fc.tuple(fc.string({ maxLength: 12 }).filter((text) => !/[\n\t]/.test(text)), fc.oneof(fc.constantFrom(...corpus), fc.string({ maxLength: 20 }).filter((text) => !text.includes('\n')))).map(([label, version]) => `${label}\t${version}`),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        const result = runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: lines.join('\n') });
        const meaningful = lines.map((text, index) => [index + 1, text] as const).filter(([, text]) => text.trim() !== '' && !text.trim().startsWith('#'));
        // What each line should give, read plainly: LABEL<TAB>VERSION or a bare version.
        const expected = meaningful.map(([number, text]) => {
          const tab = text.indexOf('\t');
          const label = tab === -1 ? undefined : text.slice(0, tab).trim() || undefined;
          const version = tab === -1 ? text : text.slice(tab + 1);
          let good = !(tab !== -1 && (version.includes('\t') || version.trim() === ''));
          if (good) {
            try {
              parseKernelVersion(version);
            } catch {
              good = false;
            }
          }
          return { line: number, label, input: good ? version.trim() : undefined, good };
        });
        const records = jsonLines(result.stdout);
        expect(records.map((record) => ({ line: record.line, label: record.label, input: record.error === undefined ? record.input : undefined, good: record.error === undefined }))).toEqual(expected);
        // Warnings (a version string naming another architecture than --arch) are not errors.
        const errors = result.stderr.split('\n').filter((text) => text !== '' && !text.startsWith('virt-advisor: warning: '));
        if (meaningful.length === 0) {
          // Nothing to answer is an error of its own: an empty inventory must not pass.
          expect(errors).toEqual(['virt-advisor: no kernel versions on standard input']);
          expect(result.status).toBe(2);
          return;
        }
        expect(errors.map((error) => Number(/^virt-advisor: line (\d+)[:( ]/.exec(error)?.[1]))).toEqual(expected.filter((entry) => !entry.good).map((entry) => entry.line));
        expect(result.status).toBe(expected.every((entry) => entry.good) ? 0 : 2);
      }),
      params(25),
    );
  });
});

/** The reading of a .config that Kconfig itself does, written plainly: line by line, last one wins. */
function referenceRead(text: string, symbol: string): string | undefined {
  let value: string | undefined;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(`CONFIG_${symbol}=`)) value = line.slice(`CONFIG_${symbol}=`.length);
    else if (line === `# CONFIG_${symbol} is not set`) value = 'n';
  }
  return value;
}

const SYMBOLS = ['KVM', 'KVM_INTEL', 'KVM_AMD', 'VIRTUALIZATION', 'X86_64'];
const configLine = fc.oneof(
  fc.tuple(fc.constantFrom(...SYMBOLS), fc.oneof(fc.constantFrom('y', 'm', 'n', 'yes', 'no', '"y"', '', ' y', 'Y', '0x10', 'm\r'), fc.string({ maxLength: 6 }))).map(([symbol, value]) => `CONFIG_${symbol}=${value}`),
  fc.constantFrom(...SYMBOLS).map((symbol) => `# CONFIG_${symbol} is not set`),
  fc.constantFrom(...SYMBOLS).map((symbol) => `# CONFIG_${symbol} is not settled`),
  fc.constantFrom(...SYMBOLS).map((symbol) => ` CONFIG_${symbol}=y`),
  fc.constantFrom(...SYMBOLS).map((symbol) => `CONFIG_CMDLINE="CONFIG_${symbol}=y"`),
  fc.string({ maxLength: 20 }).filter((text) => !text.includes('\n')),
);
const configText = fc
  .tuple(fc.boolean(), fc.array(configLine, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'))
  .map(([bom, lines, eol]) => `${bom ? '\ufeff' : ''}${lines.join(eol)}`);

describe('the config parser', () => {
  it('never throws, and reads every symbol as the plain line-by-line reading does, eager or on demand', () => {
    fc.assert(
      fc.property(configText, (text) => {
        const eager = parseKconfig(text, SYMBOLS);
        const lazy = parseKconfig(text);
        for (const symbol of SYMBOLS) {
          const expected = referenceRead(text, symbol);
          expect(eager.values.get(symbol), symbol).toBe(expected);
          expect(lazy.values.get(symbol), symbol).toBe(expected);
        }
      }),
      params(2000),
    );
  });

  it('gives a requirement the verdict the Kconfig reading implies', () => {
    const requirement = { symbol: 'KVM', source: 'test', note: 'test' };
    const key = releaseKey(parseKernelVersion('6.1'));
    fc.assert(
      fc.property(configText, (text) => {
        const check = evaluateRequirement(requirement, parseKconfig(text, ['KVM']).values, key, 'x86_64');
        const raw = referenceRead(text, 'KVM');
        const expected = raw === undefined ? 'missing' : { y: 'ok', m: 'module', n: 'off', invalid: 'invalid' }[tristateOf(raw)];
        expect(check.status).toBe(expected);
      }),
      params(2000),
    );
  });
});

describe('host detection on generated trees', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'virt-advisor-trees-'));
  const secret = join(scratch, 'outside-secret');
  writeFileSync(secret, 'OUTSIDE-THE-ROOT-MARKER\n');
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const FILES = [
    'proc/cpuinfo',
    'proc/sys/kernel/osrelease',
    'proc/sys/kernel/arch',
    'proc/xen/capabilities',
    'proc/1/cgroup',
    'proc/1/environ',
    'proc/1/mountinfo',
    'proc/cmdline',
    'sys/hypervisor/type',
    'sys/class/dmi/id/sys_vendor',
    'sys/class/dmi/id/product_name',
    'sys/module/kvm_intel/parameters/nested',
    'sys/devices/system/clocksource/clocksource0/available_clocksource',
    'boot/config-6.1.0',
    'dev/kvm',
  ];
  const content = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('constructor', '__proto__', 'xen', 'control_d', 'Y', '1', 'kvm-clock', '6.1.0', 'processor : 0\nvendor_id : GenuineIntel\nflags : vmx lm\n'),
  );
  const entry = fc.oneof(
    content.map((text) => ({ kind: 'file' as const, text })),
    fc.constantFrom(secret, '../../../../../../../..' + secret, '/etc/passwd', '../..', '/').map((target) => ({ kind: 'link' as const, target })),
    fc.constant({ kind: 'dir' as const }),
  );
  let count = 0;

  it('never throws and never reports anything from outside the root', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...FILES), entry, { maxKeys: 10 }), (tree) => {
        const root = join(scratch, `tree-${count++}`);
        for (const [inside, made] of Object.entries(tree)) {
          const at = join(root, inside);
          mkdirSync(join(at, '..'), { recursive: true });
          if (made.kind === 'file') writeFileSync(at, made.text);
          else if (made.kind === 'link') symlinkSync(made.target, at);
          else mkdirSync(at, { recursive: true });
        }
        mkdirSync(root, { recursive: true });
        const json = JSON.stringify(hostToJson(detectHost(root)));
        expect(json).not.toContain('OUTSIDE-THE-ROOT-MARKER');
        expect(json).not.toMatch(/root:x:0:0|native code/);
      }),
      params(150),
    );
  });
});

describe('report through the real binary, on whatever the hosts sent', () => {
  // Real records, cut, spliced and mixed with noise: a file half written, two outputs run together,
  // a record from another program.
  const dir = mkdtempSync(join(tmpdir(), 'virt-advisor-report-prop-'));
  const host = runCli(['host', '--json', '--root', join(REPO, 'test/fixtures/roots/kvm-host-nested')]).stdout;
  const config = runCli(['config', join(REPO, 'test/fixtures/corpus/configs/config-debian-6.1.192-amd64'), '--json', '--for', 'kvm-host']).stdout;
  const check = runCli(['check', '--stdin', '--json', '--arch', 'x86_64'], { input: 'web1\t6.1\nweb2\tnope\n' }).stdout;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports what it can, names what it cannot, and never fails otherwise', () => {
    const source = fc.constantFrom(host, config, check, '{"error": "virt-advisor: x"}', '{"hello": 1}', '[1, 2]', '');
    const piece = fc.tuple(source, fc.nat(), fc.nat(), fc.boolean()).map(([text, a, b, whole]) => (whole ? text : text.slice(Math.min(a, b) % (text.length + 1), Math.max(a, b) % (text.length + 1))));
    let run = 0;
    fc.assert(
      fc.property(fc.array(fc.array(piece, { maxLength: 3 }), { minLength: 1, maxLength: 4 }), (files) => {
        const case_ = join(dir, String(run++));
        mkdirSync(case_);
        files.forEach((pieces, index) => writeFileSync(join(case_, `host${index}.json`), pieces.join('\n')));
        const result = runCli(['report', case_, '--json']);
        expect([0, 2]).toContain(result.status);
        const lines = result.stderr.split('\n').filter(Boolean);
        for (const line of lines) expect(line).toMatch(/^virt-advisor: /);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        if (result.stdout !== '') {
          const fleet = JSON.parse(result.stdout);
          expect(fleet.schemaVersion).toBe(1);
          // Every host named is one of the files.
          for (const entry of fleet.hosts) expect(entry.host).toMatch(/^(host\d|web1|web2)$/);
        } else {
          expect(result.status).toBe(2);
          expect(lines.at(-1)).toMatch(/nothing to report/);
        }
      }),
      params(25),
    );
  });
});
