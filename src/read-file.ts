import * as fs from 'node:fs';
import { UserError } from './errors.js';

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return code ?? String(error);
}

/**
 * Reads a file the user named, at most maxBytes of it, or fails with one line that says why. A
 * device (/dev/zero) is refused rather than read forever; /proc files and pipes are read to their end.
 */
export function readUserFile(path: string, maxBytes: number, what: string): Buffer {
  if (path === '') throw new UserError(`an empty file name was given for ${what}`);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${reason(error)}`);
  }
  if (stat.isDirectory()) throw new UserError(`cannot read ${path}: is a directory, not ${what}`);
  if (stat.isCharacterDevice() || stat.isBlockDevice()) throw new UserError(`cannot read ${path}: is a device, not ${what}`);
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${reason(error)}`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 16);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new UserError(`${path}: more than ${maxBytes} bytes is too large for ${what}`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${path}: ${reason(error)}`);
  } finally {
    fs.closeSync(fd);
  }
}
