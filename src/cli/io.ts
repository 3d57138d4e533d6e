import type { Readable, Writable } from 'node:stream';

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * Collects output and writes it in large pieces, waiting for the reader when the pipe is full, so
 * that a long stream runs in constant memory and at pipe speed.
 */
export class BufferedWriter {
  private chunks: string[] = [];
  private size = 0;
  constructor(
    private readonly stream: Writable,
    private readonly highWater = 64 * 1024,
  ) {}

  /** Adds text; resolves at once unless the buffer was flushed into a full pipe. */
  write(text: string): Promise<void> | undefined {
    this.chunks.push(text);
    this.size += text.length;
    return this.size >= this.highWater ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (this.stream.write(text)) return undefined;
    return new Promise((resolve) => this.stream.once('drain', resolve));
  }
}

/**
 * Yields the lines of a stream with their numbers, one chunk at a time (constant memory). A line
 * longer than maxLineLength is not kept: it is yielded as null when it ends.
 */
export async function* readLines(input: Readable, maxLineLength = 1 << 16): AsyncGenerator<[number, string | null]> {
  let pending = '';
  let lineNumber = 0;
  let skippingLongLine = false;
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf('\n', start)) !== -1) {
      const piece = chunk.slice(start, end);
      start = end + 1;
      lineNumber++;
      if (skippingLongLine) {
        skippingLongLine = false;
        pending = '';
        yield [lineNumber, null];
        continue;
      }
      const line = pending === '' ? piece : pending + piece;
      pending = '';
      yield [lineNumber, line.endsWith('\r') ? line.slice(0, -1) : line];
    }
    if (!skippingLongLine) pending += chunk.slice(start);
    if (pending.length > maxLineLength) {
      skippingLongLine = true;
      pending = '';
    }
  }
  if (skippingLongLine) yield [lineNumber + 1, null];
  else if (pending !== '') yield [lineNumber + 1, pending.endsWith('\r') ? pending.slice(0, -1) : pending];
}
