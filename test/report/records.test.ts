import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostToJson } from '../../src/format/host.js';
import { detectHost } from '../../src/host/detect.js';
import { buildFleet } from '../../src/report/fleet.js';
import { classifyRecord, hostFactsOf, splitJsonValues, type HostRecordJson } from '../../src/report/records.js';
import { fileURLToPath } from 'node:url';
import { realKnowledge } from '../engine/real-knowledge.js';

/** What report reads comes from many hosts and many hands: it must hold for every input. */
const seed = Number(process.env.FC_SEED ?? 20261201);
const params = (numRuns: number) => ({ seed, numRuns });
const ROOTS = fileURLToPath(new URL('../fixtures/roots/', import.meta.url));

describe('splitJsonValues', () => {
  it('gives back every value written one after another, pretty or on one line, whatever the spacing', () => {
    const value = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));
    const spacing = fc.constantFrom('', '\n', ' ', '\r\n', '\n\n\t');
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.boolean(), spacing), { maxLength: 8 }), (items) => {
        const text = items.map(([item, pretty, space]) => `${JSON.stringify(item, null, pretty ? 2 : undefined)}${space}`).join('');
        const { values, error } = splitJsonValues(text);
        expect(error).toBeNull();
        expect(values).toEqual(items.map(([item]) => JSON.parse(JSON.stringify(item))));
      }),
      params(200),
    );
  });

  it('never throws, and what it gives back is a prefix of the values, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const { values, error } = splitJsonValues(text);
        if (error !== null) expect(error).toMatch(/^line \d+: /);
        for (const value of values) expect(typeof value).toBe('object');
      }),
      params(500),
    );
  });

  it('names the line a bad value starts on', () => {
    expect(splitJsonValues('{"a": 1}\n{"b": nope}\n')).toEqual({ values: [{ a: 1 }], error: expect.stringMatching(/^line 2: not valid JSON/) });
    expect(splitJsonValues('{"a": "}"}\n\n{"b": ')).toEqual({ values: [{ a: '}' }], error: 'line 3: the JSON value is cut off' });
    expect(splitJsonValues('{"a": "\\"}"}x')).toEqual({ values: [{ a: '"}' }], error: 'line 1: not JSON (a record starts with {)' });
  });
});

describe('classifyRecord', () => {
  const host = hostToJson(detectHost(`${ROOTS}debian12-kvm-host`));

  it('tells the outputs apart by their shape and refuses another schemaVersion', () => {
    expect(classifyRecord(host, 'host.json')).toMatchObject({ kind: 'host' });
    expect(classifyRecord({ ...host, schemaVersion: 3 }, 'host.json')).toEqual({ problem: 'a host record of schemaVersion 3: this virt-advisor reads 2 (run the same version on the hosts and here)' });
    expect(classifyRecord({ ...host, nested: null }, 'host.json')).toEqual({ problem: 'a host record with no readable "nested"' });
    expect(classifyRecord({ error: 'virt-advisor: no kernel config found' }, 'config.json')).toMatchObject({ kind: 'error', of: 'config', error: 'no kernel config found' });
    expect(classifyRecord({ line: 3, label: 'web1', error: 'x' }, 'inventory.jsonl')).toMatchObject({ kind: 'error', of: 'check', label: 'web1' });
    expect(classifyRecord({ error: 'x' }, 'other.json')).toMatchObject({ kind: 'error', of: 'unknown' });
    expect(classifyRecord([1], 'x.json')).toEqual({ problem: 'a record is a JSON object' });
    expect(classifyRecord({ hello: 1 }, 'x.json')).toEqual({ problem: 'not a record of host --json, config --json or check --json' });
  });

  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        classifyRecord(value, 'x.json');
      }),
      params(300),
    );
  });

  it('a record with any one value replaced by any JSON is refused or used, never a crash', () => {
    const check = JSON.parse(JSON.stringify({ schemaVersion: 2, line: 1, label: 'web1', input: '6.1', kernel: { release: '6.1' }, arch: 'x86_64', features: [{ id: 'kvm', supported: true, status: 'supported', since: '2.6.20', available: true }] }));
    const records = [hostToJson(detectHost(`${ROOTS}kvm-host-nested`)), hostToJson(detectHost(`${ROOTS}xen-dom0`)), check];
    /** Every path to a value in a JSON tree. */
    const paths = (value: unknown, at: Array<string | number> = []): Array<Array<string | number>> =>
      value !== null && typeof value === 'object' ? [at, ...Object.entries(value).flatMap(([key, child]) => paths(child, [...at, Array.isArray(value) ? Number(key) : key]))] : [at];
    const all = records.map((record) => ({ record, paths: paths(record).filter((path) => path.length > 0) }));
    // Every value of every record, replaced in turn by each of the shapes that break readers.
    let accepted = 0;
    let refused = 0;
    for (const { record, paths: choices } of all) {
      for (const path of choices) {
        for (const replacement of [null, {}, [], 'x', -1, true, [null], { value: null }]) {
          const copy = JSON.parse(JSON.stringify(record));
          let parent = copy;
          for (const key of path.slice(0, -1)) parent = parent[key];
          parent[path.at(-1)!] = replacement;
          const classified = classifyRecord(copy, 'x.json');
          if ('problem' in classified) {
            refused++;
            continue;
          }
          accepted++;
          // Accepted: the report is built from it without throwing.
          expect(() => buildFleet(realKnowledge, [{ host: 'x', source: 'x.json', record: classified }]), path.join('.')).not.toThrow();
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(accepted).toBeGreaterThan(10);
  });

  it('reads a host record back into the facts detection found', () => {
    const facts = detectHost(`${ROOTS}kvm-host-nested`);
    expect(hostToJson(hostFactsOf(hostToJson(facts) as unknown as HostRecordJson))).toEqual(hostToJson(facts));
  });
});

describe('buildFleet', () => {
  it('a host can only when all its records can; the reason is the first that cannot', () => {
    const config = (ok: boolean, file: string) => ({
      kind: 'config' as const,
      json: { schemaVersion: 2, file, kernel: { input: '6.1', release: '6.1' }, arch: 'x86_64', targets: [{ id: 'kvm-host', ok, unavailable: null, checks: ok ? [] : [{ symbol: 'KVM_INTEL|KVM_AMD', status: 'off', expected: 'y/m', actual: null, note: '', optional: false }] }] },
    });
    const fleet = buildFleet(realKnowledge, [
      { host: 'a', source: 'a/config.json', record: config(true, '/boot/config-6.1') },
      { host: 'a', source: 'a/config2.json', record: config(false, '/boot/config-6.2') },
      { host: 'b', source: 'b/config.json', record: config(true, '/boot/config-6.1') },
    ]);
    expect(fleet.targets).toEqual([{ id: 'kvm-host', of: 2, can: ['b'], cannot: [{ host: 'a', reason: 'CONFIG_KVM_INTEL off' }], unknown: [] }]);
    expect(fleet.hosts.map((host) => [host.host, host.approaches, host.kernel])).toEqual([
      ['a', null, '6.1'],
      ['b', null, '6.1'],
    ]);
  });

  it('a second host record for one host is kept out, and said', () => {
    const host = { kind: 'host' as const, json: hostToJson(detectHost(`${ROOTS}debian12-kvm-host`)) as unknown as HostRecordJson };
    const problems: string[] = [];
    const fleet = buildFleet(
      realKnowledge,
      [
        { host: 'x', source: 'one.json', record: host },
        { host: 'x', source: 'two.json', record: host },
      ],
      problems,
    );
    expect(problems).toEqual(['two.json: a second host record for x, not used (one file or folder per host keeps hosts apart)']);
    expect(fleet.hosts[0]!.errors).toEqual([]);
    expect(fleet.approaches.find((row) => row.id === 'kvm')).toMatchObject({ of: 1, can: ['x'] });
  });
});
