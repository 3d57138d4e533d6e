import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createKernelChecker } from '../../src/app/check.js';
import { checkRecord, createCheckJsonFormatter, knownReleases } from '../../src/format/check.js';
import { parseKernelVersion } from '../../src/version/parse.js';
import { realKnowledge } from '../engine/real-knowledge.js';

/**
 * check --json writes its records by hand and keeps what repeats between versions: every record it
 * writes must still be exactly the record checkRecord builds, in any order of input.
 */
const versions = readFileSync(fileURLToPath(new URL('../fixtures/corpus/versions.txt', import.meta.url)), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));

describe('the fast check --json writer', () => {
  it.each(['x86_64', 'arm64', null] as const)('writes the same record as checkRecord for every corpus version (--arch %s)', (arch) => {
    const releases = knownReleases(realKnowledge.releases);
    const write = createCheckJsonFormatter(releases);
    const check = createKernelChecker(realKnowledge, { arch, fallback: 'x86_64' });
    // Twice over, forwards then backwards, so that remembered parts meet other versions.
    for (const text of [...versions, ...[...versions].reverse(), '5.4.0-100-generic', '5.4.0-101-generic', '5.4.0-100-lowlatency', '6.1.0-18-amd64', '6.1.0-18-cloud-amd64', '6.1-rc1', '6.1-rc0', '6.1.55-local', '6.99']) {
      const checked = check(parseKernelVersion(text));
      if ('error' in checked) continue;
      const line = write(checked);
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line), text).toEqual(checkRecord(checked, releases));
    }
  });
});
