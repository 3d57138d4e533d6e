import { quote } from '../escape.js';
import { UserError } from '../errors.js';
import { archOfSuffix, type ArchHint } from './arch-hint.js';
import { detectDistribution, type Distribution } from './distribution.js';

export { quote };

/** A kernel version string taken apart. */
export interface KernelVersion {
  /** What was given, trimmed. */
  input: string;
  /** The mainline release: "2.6.23" (the third number belongs to it before 3.0), "3.0", "6.9". */
  release: string;
  major: number;
  minor: number;
  /** The third number of a 1.x/2.x release (2.6.23 -> 23); null from 3.0 on. */
  patch: number | null;
  /** The stable point release: 2.6.20.1 -> 1, 6.1.192 -> 192, 3.0.0 -> 0; null when there is none. */
  sublevel: number | null;
  /** The release-candidate number; 0 marks a snapshot taken in the merge window, before rc1. */
  rc: number | null;
  /** Whatever follows the numbers and the rc tag: "-91-generic", ".el7.x86_64", "+". */
  local: string | null;
  distribution: Distribution | null;
  /** The architecture the suffix names (.aarch64, Debian's -armmp), if it names one. */
  archHint: ArchHint | null;
  /** The version itself, without the wrappers people paste around it (a tag's v, a /proc/version line). */
  text: string;
}

const MAX_INPUT_LENGTH = 256;
// The longest number a real version has is a date-like build id; anything longer is garbage.
const MAX_DIGITS = 15;

/** The ways a release-candidate tag is written after the numbers. */
const RC_FORMS: Array<{ pattern: RegExp; note?: string }> = [
  // 6.9-rc1, 6.8.0-rc7+, 6.9~rc1 (Debian), 6.9rc1
  { pattern: /^[-~]?rc(\d+)/i },
  // Ubuntu mainline builds: 5.6.0-050600rc3-generic
  { pattern: /^-\d{6}rc(\d+)/i },
  // Fedora rawhide: 6.8.0-0.rc7.20240308git3aaa8ce7a335.60.fc41.x86_64
  { pattern: /^-0\.rc(\d+)(?=\.)/i },
];

function fail(input: string, expected: string): never {
  throw new UserError(`not a kernel version: ${quote(input)} (${expected})`);
}

function toNumber(input: string, digits: string): number {
  if (digits.length > MAX_DIGITS) fail(input, `the number ${digits.slice(0, 20)}... is too large`);
  return Number(digits);
}

/** Removes the wrappers people paste around a version: a tag's "v", "Linux ", "linux-", a /proc/version line. */
function unwrap(text: string): string {
  const procVersion = /^Linux version (\S+)/.exec(text);
  if (procVersion) return procVersion[1]!;
  return text.replace(/^(?:linux[- ]|v(?=\d))/i, '').replace(/^v(?=\d)/i, '');
}

/**
 * Parses a kernel version as people have it: `uname -r` from any distribution, a tag (`v6.9-rc1`),
 * a release name (`Linux 6.9`), or a whole `/proc/version` line. Throws UserError on anything else.
 */
export function parseKernelVersion(raw: string): KernelVersion {
  if (raw.length > MAX_INPUT_LENGTH) {
    fail(raw, `${raw.length} characters; a kernel version has at most ${MAX_INPUT_LENGTH}`);
  }
  // Control characters other than tab mean binary data, not a version someone typed; bidi
  // overrides, zero-width and separator characters are never part of one either.
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffd]/.test(raw)) {
    fail(raw, 'it contains control, invisible or binary characters');
  }
  const input = raw.trim();
  if (input === '') fail(raw, 'it is empty; expected something like 6.1.0-18-amd64 or 2.6.32');
  const text = unwrap(input);
  if (/\s/.test(text)) fail(input, 'expected one version such as 5.15.0-91-generic, without spaces');

  const numbers = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!numbers) fail(input, 'expected numbers like 6.9, 2.6.23 or 5.15.0-91-generic');
  let rest = text.slice(numbers[0].length);
  if (rest !== '' && !/^[-+._~]/.test(rest) && !/^rc\d/i.test(rest)) {
    fail(input, `unexpected ${quote(rest)} after ${numbers[0]}`);
  }

  const leadingZero = numbers.slice(1).find((digits) => digits !== undefined && digits.length > 1 && digits.startsWith('0'));
  if (leadingZero !== undefined) fail(input, `${leadingZero} has a leading zero; kernel version numbers have none (6.1, not 6.01)`);
  const major = toNumber(input, numbers[1]!);
  const minor = toNumber(input, numbers[2]!);
  const third = numbers[3] === undefined ? null : toNumber(input, numbers[3]);
  const fourth = numbers[4] === undefined ? null : toNumber(input, numbers[4]);
  if (major < 1 || major > 99) fail(input, `Linux has no major version ${major}`);
  // Release keys give minor and patch three digits each; no release has come near that.
  if (minor > 999 || (major < 3 && third !== null && third > 999)) fail(input, 'no Linux release has a number that large');

  let release: string;
  let patch: number | null = null;
  let sublevel: number | null;
  if (major < 3) {
    // Before 3.0 the third number names the release (2.6.23) and a fourth is the stable update.
    if (third === null) fail(input, `a ${major}.${minor} kernel needs a third number, as in ${major}.${minor}.32`);
    patch = third;
    release = `${major}.${minor}.${third}`;
    sublevel = fourth;
  } else {
    release = `${major}.${minor}`;
    sublevel = third;
    // A fourth number after 3.0 is a vendor's own (WSL2's 5.15.90.1): keep it in the suffix.
    if (fourth !== null) rest = `.${numbers[4]}${rest}`;
  }

  const suffix = rest;
  let rc: number | null = null;
  for (const form of RC_FORMS) {
    const match = form.pattern.exec(rest);
    if (match) {
      rc = toNumber(input, match[1]!);
      rest = rest.slice(match[0].length);
      break;
    }
  }

  // "6.9." or "6.9-rc" is a version cut short, not a suffix; a lone "+" is a real one (a dirty tree).
  if (/^[-._~]+$/.test(rest)) fail(input, `it ends in "${rest}" with nothing after it`);
  if (rc === null && /^[-~]?rc$/i.test(rest)) fail(input, 'the rc has no number, as in 6.9-rc1');
  const local = rest === '' ? null : rest;
  return {
    input,
    release,
    major,
    minor,
    patch,
    sublevel,
    rc,
    local,
    distribution: suffix === '' ? null : detectDistribution(suffix, { major, minor, sublevel }),
    archHint: archOfSuffix(suffix === '' ? null : suffix),
    text,
  };
}

/** Parses a mainline release name as the knowledge base writes it ("2.6.20", "6.9"), nothing else. */
export function parseRelease(release: string): KernelVersion {
  const version = parseKernelVersion(release);
  if (version.local !== null || version.rc !== null || version.sublevel !== null || version.release !== release) {
    throw new UserError(`not a mainline release name: ${quote(release)} (expected 2.6.N or X.Y)`);
  }
  return version;
}
