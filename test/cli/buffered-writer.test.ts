import fc from 'fast-check';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BufferedWriter } from '../../src/cli/io.js';

/** A stream that keeps what it is given and says "full" after every `fullEvery` writes. */
function collector(fullEvery = 0) {
  const chunks: Buffer[] = [];
  let writes = 0;
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      setImmediate(done);
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: Buffer) => {
    write(chunk);
    writes++;
    return fullEvery === 0 || writes % fullEvery !== 0;
  }) as typeof stream.write;
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), count: () => chunks.length, writes: () => writes };
}

describe('BufferedWriter', () => {
  it('writes text and bytes in order, whatever their sizes and characters, in few large writes', async () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 40, unit: 'grapheme' }).map((text) => ({ text, bytes: false })),
      fc.string({ maxLength: 40, unit: 'grapheme' }).map((text) => ({ text, bytes: true })),
      fc.constantFrom('x'.repeat(70_000), 'é'.repeat(30_000), '€'.repeat(25_000)).map((text) => ({ text, bytes: false })),
      fc.constant({ text: 'ü'.repeat(40_000), bytes: true }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.constantFrom(0, 1, 3), async (pieces, fullEvery) => {
        const { stream, text, count } = collector(fullEvery);
        const out = new BufferedWriter(stream);
        for (const { text: part, bytes } of pieces) {
          const waiting = bytes ? out.writeBytes(Buffer.from(part, 'utf8')) : out.write(part);
          if (waiting) await waiting;
        }
        await out.flush();
        await new Promise<void>((resolve) => stream.end(resolve));
        expect(text()).toBe(pieces.map((part) => part.text).join(''));
        const total = Buffer.byteLength(pieces.map((part) => part.text).join(''));
        // Gathered: no more writes than 64 KiB pieces, give or take the large ones written alone.
        expect(count()).toBeLessThanOrEqual(Math.ceil(total / 65_536) * 2 + pieces.filter((part) => part.text.length > 20_000).length + 1);
      }),
      { seed: Number(process.env.FC_SEED ?? 20261201), numRuns: 60 },
    );
  });

  it('with no buffering (a terminal), each write goes out at once', () => {
    const { stream, writes } = collector();
    const out = new BufferedWriter(stream, 0);
    out.write('a');
    expect(writes()).toBe(1);
    out.writeBytes(Buffer.from('b'));
    expect(writes()).toBe(2);
    // Buffered (the default), nothing goes out before a flush.
    const buffered = collector();
    const gathered = new BufferedWriter(buffered.stream);
    gathered.write('a');
    gathered.writeBytes(Buffer.from('b'));
    expect(buffered.writes()).toBe(0);
    gathered.flush();
    expect(buffered.writes()).toBe(1);
  });
});
