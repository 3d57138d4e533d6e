import * as fs from 'node:fs';
import * as path from 'node:path';

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

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(error: unknown): boolean {
  return errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR';
}

export function explainFsError(error: unknown, shown: string): string {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return `not found: ${shown}`;
  if (code === 'EACCES' || code === 'EPERM') return `not readable (permission denied): ${shown}`;
  if (code === 'EISDIR') return `not a file: ${shown}`;
  return `cannot read ${shown}: ${code ?? String(error)}`;
}

/**
 * Reads files of a machine whose filesystem is at `root`. Nothing here throws for a missing or
 * unreadable file: containers and minimal systems lack many of them, and that is a fact too.
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

  read(inside: string): Fact<string> {
    const shown = this.shown(inside);
    try {
      return known(fs.readFileSync(shown, 'utf8'), shown);
    } catch (error) {
      return unknown(explainFsError(error, shown));
    }
  }

  readStart(inside: string, length: number): Fact<Buffer> {
    const shown = this.shown(inside);
    try {
      const fd = fs.openSync(shown, 'r');
      try {
        const buffer = Buffer.alloc(length);
        return known(buffer.subarray(0, fs.readSync(fd, buffer, 0, length, 0)), shown);
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      return unknown(explainFsError(error, shown));
    }
  }

  /** true or false when presence can be told, otherwise why not. */
  exists(inside: string): boolean | UnknownFact {
    const shown = this.shown(inside);
    try {
      fs.statSync(shown);
      return true;
    } catch (error) {
      return isMissing(error) ? false : unknown(explainFsError(error, shown));
    }
  }

  list(inside: string): Fact<string[]> {
    const shown = this.shown(inside);
    try {
      return known(fs.readdirSync(shown).sort(), shown);
    } catch (error) {
      return unknown(explainFsError(error, shown));
    }
  }

  /** Whether <root>/sys looks like a mounted sysfs, so that a file missing from it is really absent. */
  sysfsPresent(): boolean {
    return ['/sys/devices', '/sys/module', '/sys/class', '/sys/kernel'].some((dir) => this.exists(dir) === true);
  }
}
