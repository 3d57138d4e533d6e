/**
 * Values that come from outside (arguments, files, version suffixes) are shown escaped: a terminal
 * must never receive control sequences, bidirectional overrides or invisible characters from data,
 * and an error message must stay on one line.
 */

// C0 and C1 controls, DEL, bidi controls and overrides, zero-width characters, line and paragraph
// separators, the byte-order mark, and the replacement character that marks undecodable bytes.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufffd]/g;

const hex = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Whether the text holds a character that escapeText would change. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/** The text with every unsafe character written as \uXXXX (tab and newline as \t and \n). */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (char) => (char === '\t' ? '\\t' : char === '\n' ? '\\n' : hex(char)));
}

/**
 * A value quoted for a message: double quotes, printable ASCII only (anything else escaped), and at
 * most `max` characters of the value, so that a pasted file cannot flood the terminal.
 */
export function quote(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max - 3)}...` : value;
  return JSON.stringify(shown).replace(/[^\x20-\x7e]/g, hex);
}

/** A shell word that pastes safely: bare when it is plain, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) return word;
  return `'${escapeText(word).replace(/'/g, `'\\''`)}'`;
}

/** JSON text with U+2028 and U+2029 escaped, so that a JSON line is one line for every reader. */
export function jsonLine(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u2028\u2029]/g, hex);
}

/** A JSON string literal with U+2028 and U+2029 escaped too. */
export function jsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u2028\u2029]/g, hex);
}
