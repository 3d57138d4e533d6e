import { closeSync, openSync, readSync } from 'node:fs';

/** How much of a file is read to tell whether it is a kernel config: its header and first options. */
const SNIFF_BYTES = 64 * 1024;

const CONFIG_LINE = /^(?:CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set|# Linux\/\S+ \S+ Kernel Configuration)/m;

/**
 * Whether the start of a file looks like a kernel config (plain or gzip), without reading all of it:
 * a directory such as /boot also holds kernel images and initramfs archives of many megabytes.
 * Throws what opening or reading throws.
 */
export function sniffKernelConfig(path: string): boolean {
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const length = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    bytes = buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
  return looksLikeConfigStart(bytes);
}

/** The same test on bytes already read: the first part of a file, or all of it. */
export function looksLikeConfigStart(bytes: Buffer): boolean {
  let start = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const zlib = process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
    try {
      // A cut-off stream inflates as far as it goes with a sync flush instead of failing.
      start = zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: SNIFF_BYTES * 16 });
    } catch {
      return false;
    }
  }
  const text = start.subarray(0, SNIFF_BYTES).toString('latin1');
  if (text.includes('\0')) return false;
  return CONFIG_LINE.test(text);
}
