/**
 * Reading a kernel .config as `make` writes it: `CONFIG_X=y`, `CONFIG_X=m`, `CONFIG_X="text"`,
 * `# CONFIG_X is not set`, and a comment header naming the kernel it was made for.
 *
 * Symbols are looked up when asked for rather than all read up front: an audit needs a hundred of a
 * config's ten thousand lines, and a CLI run is over before V8 would have compiled a loop over all of
 * them (cold, such a loop cost 12-25 ms on a 285 KB config; a look-up is a native string search).
 */

/** What the header says, exactly as written; null when the line is not there. */
export interface ConfigHeader {
  /** The kernel release as written: "6.1.192", "2.6.30-rc2", "5.10.252-285.992.amzn2.x86_64". */
  version: string | null;
  /** The word after "Linux/" in `# Linux/<arch> <version> Kernel Configuration`: x86, arm64, s390... */
  archWord: string | null;
  /** The header line the version came from, for messages. */
  line: string | null;
}

/** One symbol as the config sets it: the last assignment wins, as it does for Kconfig. */
export interface ConfigEntry {
  /** 'n' for `# CONFIG_X is not set`, otherwise the text after '=' as written. */
  raw: string;
  /** 1-based line number of that assignment. */
  line: number;
}

/** What the audit needs of a config: each symbol's value as written ('y', 'm', 'n', text), if at all. */
export interface ConfigValues {
  get(symbol: string): string | undefined;
  entry?(symbol: string): ConfigEntry | undefined;
}

export interface ParsedConfig {
  header: ConfigHeader;
  /** Whether any line sets a symbol or says it is not set. */
  hasSymbols: boolean;
  values: ConfigValues;
}

// The two header styles: `make` since about 2.6.26 writes the first, older trees the second.
const MODERN_HEADER = /^# Linux\/(\S+) (\S+) Kernel Configuration\s*$/;
const LEGACY_HEADER = /^# Linux kernel version: (\S+)\s*$/;
// The header sits in the opening comment block; looking further would only find stray comments.
const HEADER_SCAN_LINES = 32;
// A line ends at a newline or at the end of the text, a CR before either allowed (as lineEndsAt says);
// `^` and `$` with the m flag would also take a lone CR for a line end, which Kconfig does not.
const ANY_SYMBOL = /(?<![^\n])(?:CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set\r?(?![^\n]))/m;
const SYMBOL_NAME = /^[A-Za-z0-9_]+$/;

function readHeader(text: string): ConfigHeader {
  const header: ConfigHeader = { version: null, archWord: null, line: null };
  let start = 0;
  for (let lineNumber = 1; lineNumber <= HEADER_SCAN_LINES && start < text.length; lineNumber++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.startsWith('CONFIG_')) continue;
    const modern = MODERN_HEADER.exec(line);
    if (modern) return { archWord: modern[1]!, version: modern[2]!, line };
    const legacy = LEGACY_HEADER.exec(line);
    if (legacy) return { ...header, version: legacy[1]!, line };
  }
  return header;
}

/** Whether position `index` of the text starts a line. */
const atLineStart = (text: string, index: number) => index === 0 || text.charCodeAt(index - 1) === 10;

/** Whether the line that holds `index` ends at `end` (a CR before the newline allowed). */
const lineEndsAt = (text: string, end: number) =>
  end === text.length || text.charCodeAt(end) === 10 || (text.charCodeAt(end) === 13 && (end + 1 === text.length || text.charCodeAt(end + 1) === 10));

/**
 * The last line that starts with `needle` (and, if `whole`, is nothing else), or -1. Searched
 * forwards: V8's indexOf is a fast native search, its lastIndexOf is not.
 */
function lastLine(text: string, needle: string, whole: boolean): number {
  let last = -1;
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
    if (atLineStart(text, index) && (!whole || lineEndsAt(text, index + needle.length))) last = index;
  }
  return last;
}

function lineNumberAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/** An entry whose line number is counted only if someone asks for it (an error message). */
function lazyEntry(text: string, raw: string, index: number): ConfigEntry {
  let line: number | undefined;
  return {
    raw,
    get line() {
      line ??= lineNumberAt(text, index);
      return line;
    },
  };
}

const valueAt = (text: string, start: number) => {
  let end = text.indexOf('\n', start);
  if (end === -1) end = text.length;
  return text.slice(start, end).replace(/\r$/, '');
};

/** One symbol looked up on its own. */
function findEntry(text: string, symbol: string): ConfigEntry | null {
  if (!SYMBOL_NAME.test(symbol)) return null;
  const set = lastLine(text, `CONFIG_${symbol}=`, false);
  const notSet = lastLine(text, `# CONFIG_${symbol} is not set`, true);
  if (set > notSet) return lazyEntry(text, valueAt(text, set + symbol.length + 8), set);
  return notSet === -1 ? null : lazyEntry(text, 'n', notSet);
}

/**
 * Many symbols in one pass of one regular expression, which V8 runs as native code: the loop below
 * turns only for the lines that name one of them.
 */
function findEntries(text: string, symbols: Iterable<string>, into: Map<string, ConfigEntry | null>): void {
  const names = [...new Set(symbols)].filter((symbol) => SYMBOL_NAME.test(symbol));
  if (names.length === 0) return;
  for (const name of names) into.set(name, null);
  const alternatives = names.join('|');
  const pattern = new RegExp(`(?<![^\\n])(?:CONFIG_(${alternatives})=([^\\n]*)|# CONFIG_(${alternatives}) is not set\\r?(?![^\\n]))`, 'gm');
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const raw = match[1] === undefined ? 'n' : match[2]!.replace(/\r$/, '');
    into.set(match[1] ?? match[3]!, lazyEntry(text, raw, match.index));
  }
}

/**
 * Parses .config text. Never throws: what the text is (a config or not) is for the caller to judge
 * from hasSymbols and the header. A symbol written twice keeps its last value, as Kconfig does.
 * `expected` names the symbols the caller will ask for, read in one pass; others are found on demand.
 */
export function parseKconfig(text: string, expected: Iterable<string> = []): ParsedConfig {
  // A byte-order mark is no part of the first line.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const cache = new Map<string, ConfigEntry | null>();
  findEntries(text, expected, cache);
  const entry = (symbol: string): ConfigEntry | undefined => {
    let found = cache.get(symbol);
    if (found === undefined) {
      found = findEntry(text, symbol);
      cache.set(symbol, found);
    }
    return found ?? undefined;
  };
  return {
    header: readHeader(text),
    hasSymbols: ANY_SYMBOL.test(text),
    values: { get: (symbol) => entry(symbol)?.raw, entry },
  };
}

/** Whether the text is a kernel config at all: it has CONFIG_ lines or a config header. */
export function looksLikeConfig(config: ParsedConfig): boolean {
  return config.hasSymbols || config.header.line !== null;
}

/**
 * A bool or tristate value as Kconfig reads it (scripts/kconfig/confdata.c): the first character
 * decides, 'm' a module, 'y' built in, 'n' off; anything else (a quoted "y", an empty value) is not
 * accepted, and make ignores the line.
 */
export function tristateOf(raw: string): 'y' | 'm' | 'n' | 'invalid' {
  switch (raw.charCodeAt(0)) {
    case 121 /* y */:
      return 'y';
    case 109 /* m */:
      return 'm';
    case 110 /* n */:
      return 'n';
    default:
      return 'invalid';
  }
}
