import type { Readable } from 'node:stream';
import { UserError } from '../errors.js';
import { shellQuote } from '../escape.js';
import { readUserFile } from '../read-file.js';

// zlib is loaded only when a gzip'd config arrives: every other command would pay for it at start-up.
const gunzip = (): typeof import('node:zlib').gunzipSync =>
  (process.getBuiltinModule('node:zlib') as typeof import('node:zlib')).gunzipSync;

// A real .config is a few hundred KB; anything past this is not one, and must not exhaust memory
// (a gzip bomb included).
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];
const OTHER_COMPRESSION: Array<[number[], string, string]> = [
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz', 'xz -dc'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd', 'zstd -dc'],
  [[0x42, 0x5a, 0x68], 'bzip2', 'bzip2 -dc'],
];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, index) => bytes[index] === byte);

/** UTF-16 as Windows editors save it: a byte-order mark, or ASCII with every other byte zero. */
function looksLikeUtf16(data: Buffer): boolean {
  if ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff)) return true;
  const sample = data.subarray(0, 64);
  if (sample.length < 8) return false;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) (i % 2 === 0 ? evenZeros++ : oddZeros++);
  const half = Math.floor(sample.length / 2);
  return (oddZeros === half && evenZeros === 0) || (evenZeros === half && oddZeros === 0);
}

/** Reads a config file the user named, or fails with one line that says why. */
export function readConfigFile(path: string): Buffer {
  return readUserFile(path, MAX_CONFIG_BYTES, 'a kernel config');
}

/** Reads a whole stream (standard input), refusing more than a config could be. */
export async function readConfigStream(stream: Readable, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_CONFIG_BYTES) throw new UserError(`${shown}: more than ${MAX_CONFIG_BYTES} bytes is too large for a kernel config`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Turns the bytes of a config into text: gunzips /proc/config.gz-style input, and refuses other
 * compressions and binary data with a message that says what to do instead.
 */
export function decodeConfigBytes(bytes: Buffer, shown: string, path?: string): string {
  const file = path === undefined ? 'FILE' : shellQuote(path);
  if (bytes.length === 0) throw new UserError(`${shown} is empty, not a kernel config`);
  let data = bytes;
  if (startsWith(bytes, GZIP_MAGIC)) {
    try {
      data = gunzip()(bytes, { maxOutputLength: MAX_CONFIG_BYTES });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'Z_BUF_ERROR') throw new UserError(`${shown}: truncated gzip data (unexpected end of file)`);
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new UserError(`${shown}: decompresses to more than ${MAX_CONFIG_BYTES} bytes, too large for a kernel config`);
      throw new UserError(`${shown}: corrupt gzip data (${(error as Error).message})`);
    }
    if (data.length === 0) throw new UserError(`${shown}: the gzip data is empty, not a kernel config`);
  } else {
    for (const [magic, name, command] of OTHER_COMPRESSION) {
      if (startsWith(bytes, magic)) throw new UserError(`${shown} is ${name}-compressed; decompress it first (${command} ${file} | virt-advisor config -)`);
    }
  }
  if (looksLikeUtf16(data)) throw new UserError(`${shown} is UTF-16 text, not the UTF-8 a kernel config is; convert it first (iconv -f UTF-16 -t UTF-8 ${file} | virt-advisor config -)`);
  // A config is text; a NUL byte means an image, a module or other binary data.
  if (data.includes(0)) throw new UserError(`${shown} is binary data, not a kernel config`);
  return data.toString('utf8');
}
