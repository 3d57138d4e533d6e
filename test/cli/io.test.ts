import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, useColor } from '../../src/cli/io.js';

describe('useColor', () => {
  it.each([
    ['a terminal', { isTTY: true }, {}, true],
    ['a pipe', { isTTY: false }, {}, false],
    ['a terminal with NO_COLOR=1', { isTTY: true }, { NO_COLOR: '1' }, false],
    ['a terminal with NO_COLOR set to anything', { isTTY: true }, { NO_COLOR: 'no' }, false],
    ['a terminal with NO_COLOR empty (unset, per no-color.org)', { isTTY: true }, { NO_COLOR: '' }, true],
    ['a dumb terminal', { isTTY: true }, { TERM: 'dumb' }, false],
  ])('%s', (_name, stream, env, expected) => {
    expect(useColor(stream, env)).toBe(expected);
  });
});

async function lines(chunks: string[], max?: number) {
  const got: Array<[number, string | null]> = [];
  for await (const line of readLines(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), max)) got.push(line);
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
