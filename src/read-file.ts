import * as fs from 'node:fs';
import { quote } from './escape.js';
import { UserError } from './errors.js';
import { fileKind, fsErrorWords } from './fs-errors.js';

/** A path as a message shows it: as it is when plain, quoted and escaped when not. */
export function showPath(path: string): string {
  return /^[\x21-\x7e]+$/.test(path) && !path.includes('"') ? path : quote(path, 120);
}

/**
 * Reads a file the user named, at most maxBytes of it, or fails with one line that says why. Only
 * regular files are read: a FIFO would block forever and a device never end. The size is checked
 * before reading; files whose size the kernel does not report (/proc) are read up to the cap.
 */
export function readUserFile(path: string, maxBytes: number, what: string): Buffer {
  if (path === '') throw new UserError(`an empty file name was given for ${what}`);
  const shown = showPath(path);
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO with no writer returns at once; it is refused below.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw new UserError(`cannot read ${shown}: ${fsErrorWords(error)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new UserError(`cannot read ${shown}: is ${fileKind(stat)}, not ${what}`);
    if (stat.size > maxBytes) throw new UserError(`${shown}: ${stat.size} bytes is too large for ${what} (at most ${maxBytes})`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new UserError(`${shown}: more than ${maxBytes} bytes is too large for ${what}`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${shown}: ${fsErrorWords(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}
