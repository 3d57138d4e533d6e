import type { Readable, Writable } from 'node:stream';

/** Values of FORCE_COLOR that turn colour on, as Node's tty.WriteStream#getColorDepth reads them. */
const FORCE_COLOR_ON = new Set(['', '1', 'true', '2', '3']);

/**
 * Whether to colour text output, deciding as Node's own hasColors() does: FORCE_COLOR first (on for
 * '', 1, 2, 3 or true, off for anything else, into a pipe too), then NO_COLOR, NODE_DISABLE_COLORS or
 * TERM=dumb turn it off; otherwise a terminal's own colour support decides. --color/--no-color
 * (flag) overrides them all.
 */
export function useColor(stream: { isTTY?: boolean; hasColors?: (env?: object) => boolean }, env: NodeJS.ProcessEnv = process.env, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined) return FORCE_COLOR_ON.has(env.FORCE_COLOR);
  if (env.NO_COLOR !== undefined || env.NODE_DISABLE_COLORS !== undefined || env.TERM === 'dumb') return false;
  if (stream.isTTY !== true) return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors(env) : true;
}

/** The terminal width text output is wrapped to, or null: into a pipe, lines stay whole. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | null {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns >= 20 ? stream.columns : null;
}

/**
 * Collects output and writes it in large pieces, waiting for the reader when the pipe is full, so
 * that a long stream runs in constant memory and at pipe speed. Text is encoded straight into the
 * buffer, and bytes already encoded (a part many records share) are copied in as they are.
 */
export class BufferedWriter {
  private buffer: Buffer;
  private used = 0;
  private draining: Promise<void> | undefined;
  private readonly capacity: number;
  constructor(
    private readonly stream: Writable,
    private readonly highWater = 64 * 1024,
  ) {
    this.capacity = Math.max(highWater, 64 * 1024);
    this.buffer = Buffer.allocUnsafe(this.capacity);
  }

  /** Adds text; resolves at once unless the buffer was flushed into a full pipe. */
  write(text: string): Promise<void> | undefined {
    // A UTF-8 character takes at most three bytes per UTF-16 unit: make sure the text fits.
    if (text.length * 3 > this.capacity - this.used) {
      this.flush();
      if (text.length * 3 > this.capacity) {
        this.send(Buffer.from(text, 'utf8'));
        return this.draining;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    return this.used >= this.highWater ? this.flush() : undefined;
  }

  /** Adds bytes as they are. */
  writeBytes(bytes: Uint8Array): Promise<void> | undefined {
    if (bytes.length > this.capacity - this.used) {
      this.flush();
      if (bytes.length > this.capacity) {
        this.send(Buffer.from(bytes));
        return this.draining;
      }
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    return this.used >= this.highWater ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.used === 0) return this.draining;
    const chunk = this.buffer.subarray(0, this.used);
    // The stream may hold the chunk until the reader takes it: the next one goes into a new buffer.
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.used = 0;
    this.send(chunk);
    return this.draining;
  }

  private send(chunk: Buffer): void {
    if (this.stream.write(chunk)) return;
    // One wait for 'drain' however many flushes meet the full pipe: a listener each would pile up.
    this.draining ??= new Promise((resolve) =>
      this.stream.once('drain', () => {
        this.draining = undefined;
        resolve();
      }),
    );
  }
}

/**
 * Yields the lines of a stream with their numbers, one batch per chunk read, so that the reader can
 * act (flush its output) whenever the input pauses; constant memory. A line longer than
 * maxLineLength is not kept: it is yielded as null when it ends.
 */
export async function* readLineBatches(input: Readable, maxLineLength = 1 << 16): AsyncGenerator<Array<[number, string | null]>> {
  let pending = '';
  let lineNumber = 0;
  let skippingLongLine = false;
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    const batch: Array<[number, string | null]> = [];
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf('\n', start)) !== -1) {
      const piece = chunk.slice(start, end);
      start = end + 1;
      lineNumber++;
      if (skippingLongLine) {
        skippingLongLine = false;
        pending = '';
        batch.push([lineNumber, null]);
        continue;
      }
      const line = pending === '' ? piece : pending + piece;
      pending = '';
      batch.push([lineNumber, line.endsWith('\r') ? line.slice(0, -1) : line]);
    }
    if (!skippingLongLine) pending += chunk.slice(start);
    if (pending.length > maxLineLength) {
      skippingLongLine = true;
      pending = '';
    }
    yield batch;
  }
  if (skippingLongLine) yield [[lineNumber + 1, null]];
  else if (pending !== '') yield [[lineNumber + 1, pending.endsWith('\r') ? pending.slice(0, -1) : pending]];
}
