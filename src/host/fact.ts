import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileKind, fsErrorWords, isMissing } from '../fs-errors.js';

/** A fact about the machine and where it came from, or why it could not be told. */
export type Fact<T> = KnownFact<T> | UnknownFact;
export interface KnownFact<T> {
  value: T;
  source: string;
}
export interface UnknownFact {
  value: null;
  unknown: string;
}

export function known<T>(value: T, source: string): KnownFact<T> {
  return { value, source };
}
export function unknown(reason: string): UnknownFact {
  return { value: null, unknown: reason };
}
export function isKnown<T>(fact: Fact<T>): fact is KnownFact<T> {
  return 'source' in fact;
}

/** The fact with surrounding whitespace removed; an empty file tells nothing. */
export function trimmed(fact: Fact<string>): Fact<string> {
  if (!isKnown(fact)) return fact;
  const text = fact.value.trim();
  return text === '' ? unknown(`empty: ${fact.source}`) : known(text, fact.source);
}

/** Why a file could not be read, with its path: "not found: /proc/config.gz". */
export function explainFsError(error: unknown, shown: string): string {
  if (isMissing(error)) return `not found: ${shown}`;
  const words = fsErrorWords(error);
  return words === 'permission denied' ? `not readable (permission denied): ${shown}` : `cannot read ${shown}: ${words}`;
}

/** Files are read up to this size unless the caller allows more; /proc and /sys files are small. */
export const DEFAULT_READ_CAP = 64 * 1024;
const MAX_SYMLINK_HOPS = 40;

class RootFsError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * Reads files of a machine whose filesystem is at `root`. Nothing here throws for a missing or
 * unreadable file: containers and minimal systems lack many of them, and that is a fact too.
 *
 * Under a root other than '/', every path is resolved inside the root as a chroot would: a symbolic
 * link is followed only within it (an absolute target is taken from the root, `..` stops at it), so
 * a prepared tree cannot make us read /etc/shadow. Only regular files are read (a FIFO would block
 * forever, a device never end), and never more than a cap checked before reading.
 */
export class RootReader {
  /** Whether `root` is the running system, so /proc and /sys describe this very machine. */
  readonly live: boolean;

  constructor(readonly root: string) {
    this.live = path.resolve(root) === '/';
  }

  /** The path as the user can open it: absolute for '/', joined onto the given root otherwise. */
  shown(inside: string): string {
    return path.join(this.root, inside);
  }

  /** The path to open, resolved within the root; the shown path when it cannot be resolved. */
  resolved(inside: string): string {
    try {
      return this.resolve(inside);
    } catch {
      return this.shown(inside);
    }
  }

  /** The path to open: `inside` resolved within the root (see the class comment). Throws fs errors. */
  private resolve(inside: string): string {
    if (this.live) return path.join('/', inside);
    let pending = inside.split('/').filter((part) => part !== '');
    let resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const candidate = path.join(this.root, ...resolved, part);
      const stat = fs.lstatSync(candidate);
      if (!stat.isSymbolicLink()) {
        resolved.push(part);
        continue;
      }
      if (++hops > MAX_SYMLINK_HOPS) throw new RootFsError('ELOOP');
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved = [];
      pending = [...target.split('/').filter((piece) => piece !== ''), ...pending];
    }
    return path.join(this.root, ...resolved);
  }

  /** The text of a regular file, at most maxBytes of it (else unknown: too large). */
  read(inside: string, maxBytes = DEFAULT_READ_CAP): Fact<string> {
    const bytes = this.readBytes(inside, maxBytes, false);
    return isKnown(bytes) ? known(bytes.value.toString('utf8'), bytes.source) : bytes;
  }

  /** The first `length` bytes of a regular file. */
  readStart(inside: string, length: number): Fact<Buffer> {
    return this.readBytes(inside, length, true);
  }

  private readBytes(inside: string, maxBytes: number, truncate: boolean): Fact<Buffer> {
    const shown = this.shown(inside);
    let fd: number;
    try {
      // Non-blocking, so that opening a FIFO does not wait for a writer; refused below anyway.
      fd = fs.openSync(this.resolve(inside), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    } catch (error) {
      return unknown(explainFsError(error, shown));
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) return unknown(`not a regular file (${fileKind(stat)}): ${shown}`);
      if (!truncate && stat.size > maxBytes) return unknown(`too large (${stat.size} bytes; at most ${maxBytes} are read): ${shown}`);
      // /proc and /sys files report size 0: the cap holds while reading too.
      const limit = truncate ? maxBytes : maxBytes + 1;
      const chunks: Buffer[] = [];
      let total = 0;
      while (total < limit) {
        const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit - total));
        const read = fs.readSync(fd, chunk, 0, chunk.length, null);
        if (read === 0) break;
        chunks.push(chunk.subarray(0, read));
        total += read;
      }
      if (total > maxBytes) return unknown(`too large (more than ${maxBytes} bytes): ${shown}`);
      return known(Buffer.concat(chunks, total), shown);
    } catch (error) {
      return unknown(explainFsError(error, shown));
    } finally {
      fs.closeSync(fd);
    }
  }

  /** true or false when presence can be told, otherwise why not. */
  exists(inside: string): boolean | UnknownFact {
    try {
      fs.statSync(this.resolve(inside));
      return true;
    } catch (error) {
      return isMissing(error) ? false : unknown(explainFsError(error, this.shown(inside)));
    }
  }

  /** What is at the path: a regular file, a directory, something else, or why it cannot be told. */
  kind(inside: string): 'file' | 'directory' | 'other' | 'missing' | UnknownFact {
    try {
      const stat = fs.statSync(this.resolve(inside));
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
    } catch (error) {
      return isMissing(error) ? 'missing' : unknown(explainFsError(error, this.shown(inside)));
    }
  }

  list(inside: string): Fact<string[]> {
    const shown = this.shown(inside);
    try {
      return known(fs.readdirSync(this.resolve(inside)).sort(), shown);
    } catch (error) {
      return unknown(explainFsError(error, shown));
    }
  }

  /** Whether this user may open the path for reading and writing (true/false), or why it cannot be told. */
  accessible(inside: string, mode: number): boolean | UnknownFact {
    try {
      fs.accessSync(this.resolve(inside), mode);
      return true;
    } catch (error) {
      const words = fsErrorWords(error);
      return words === 'permission denied' ? false : unknown(explainFsError(error, this.shown(inside)));
    }
  }

  /** Whether <root>/sys looks like a mounted sysfs, so that a file missing from it is really absent. */
  sysfsPresent(): boolean {
    return ['/sys/devices', '/sys/module', '/sys/class', '/sys/kernel'].some((dir) => this.exists(dir) === true);
  }
}

