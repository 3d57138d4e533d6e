import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLineBatches, useColor } from '../../src/cli/io.js';

describe('useColor', () => {
  const terminal = { isTTY: true };
  const pipe = { isTTY: false };
  it.each([
    ['a terminal', terminal, {}, undefined, true],
    ['a pipe', pipe, {}, undefined, false],
    ['a terminal with NO_COLOR=1', terminal, { NO_COLOR: '1' }, undefined, false],
    ['a terminal with NO_COLOR set to anything', terminal, { NO_COLOR: 'no' }, undefined, false],
    // As Node's hasColors: NO_COLOR counts when it is set at all.
    ['a terminal with NO_COLOR empty', terminal, { NO_COLOR: '' }, undefined, false],
    ['a dumb terminal', terminal, { TERM: 'dumb' }, undefined, false],
    ['a pipe with FORCE_COLOR=1', pipe, { FORCE_COLOR: '1' }, undefined, true],
    ['a pipe with FORCE_COLOR empty', pipe, { FORCE_COLOR: '' }, undefined, true],
    ['a pipe with FORCE_COLOR=3', pipe, { FORCE_COLOR: '3' }, undefined, true],
    ['a terminal with FORCE_COLOR=0', terminal, { FORCE_COLOR: '0' }, undefined, false],
    ['a terminal with FORCE_COLOR=false', terminal, { FORCE_COLOR: 'false' }, undefined, false],
    ['a terminal with FORCE_COLOR=yes (not a level)', terminal, { FORCE_COLOR: 'yes' }, undefined, false],
    ['FORCE_COLOR wins over NO_COLOR', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, undefined, true],
    ['a terminal that has no colours', { isTTY: true, hasColors: () => false }, {}, undefined, false],
    ['--color into a pipe', pipe, { NO_COLOR: '1' }, true, true],
    ['--no-color on a terminal', terminal, { FORCE_COLOR: '1' }, false, false],
  ])('%s', (_name, stream, env, flag, expected) => {
    expect(useColor(stream, env, flag)).toBe(expected);
  });
});

async function lines(chunks: string[], max?: number) {
  const got: Array<[number, string | null]> = [];
  for await (const batch of readLineBatches(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), max)) got.push(...batch);
  return got;
}

describe('readLines', () => {
  it('joins lines split across chunks, strips CR, keeps a last line without newline', async () => {
    expect(await lines(['6.', '1\r\n2.6', '.32\n', '3.0'])).toEqual([
      [1, '6.1'],
      [2, '2.6.32'],
      [3, '3.0'],
    ]);
  });

  it('reports an over-long line as null at its own number and goes on', async () => {
    expect(await lines(['6.1\n', 'x'.repeat(50), 'x'.repeat(50), '\n3.0\n'], 64)).toEqual([
      [1, '6.1'],
      [2, null],
      [3, '3.0'],
    ]);
  });
});
