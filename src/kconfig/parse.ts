/**
 * Reading a kernel .config as `make` writes it: `CONFIG_X=y`, `CONFIG_X=m`, `CONFIG_X="text"`,
 * `# CONFIG_X is not set`, and a comment header naming the kernel it was made for.
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

export interface ParsedConfig {
  /** Symbol without the CONFIG_ prefix -> value: 'y', 'm', 'n' (`is not set`), or the text after '='. */
  values: Map<string, string>;
  header: ConfigHeader;
  /** How many CONFIG_ lines (set or not set) were read. */
  symbolCount: number;
}

// The two header styles: `make` since about 2.6.26 writes the first, older trees the second.
const MODERN_HEADER = /^# Linux\/(\S+) (\S+) Kernel Configuration\s*$/;
const LEGACY_HEADER = /^# Linux kernel version: (\S+)\s*$/;
const NOT_SET_SUFFIX = ' is not set';
// The header sits in the opening comment block; looking further would only find stray comments.
const HEADER_SCAN_LINES = 32;

/**
 * Parses .config text. Never throws: what the text is (a config or not) is for the caller to judge
 * from symbolCount and the header. A symbol written twice keeps its last value, as Kconfig does.
 */
export function parseKconfig(text: string): ParsedConfig {
  const values = new Map<string, string>();
  const header: ConfigHeader = { version: null, archWord: null, line: null };
  let symbolCount = 0;
  let lineNumber = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNumber++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    // charCodeAt keeps the common cases off the regex engine: this loop sees every line of the file.
    const first = line.charCodeAt(0);
    if (first === 67 /* C */) {
      if (!line.startsWith('CONFIG_')) continue;
      const equals = line.indexOf('=', 7);
      if (equals <= 7) continue;
      values.set(line.slice(7, equals), line.slice(equals + 1).trim());
      symbolCount++;
    } else if (first === 35 /* # */) {
      if (line.startsWith('# CONFIG_') && line.endsWith(NOT_SET_SUFFIX)) {
        const symbol = line.slice(9, line.length - NOT_SET_SUFFIX.length);
        if (symbol !== '' && !symbol.includes(' ')) {
          values.set(symbol, 'n');
          symbolCount++;
        }
      } else if (header.line === null && lineNumber <= HEADER_SCAN_LINES) {
        readHeaderLine(line, header);
      }
    }
  }
  return { values, header, symbolCount };
}

function readHeaderLine(line: string, header: ConfigHeader): void {
  const modern = MODERN_HEADER.exec(line);
  if (modern) {
    header.archWord = modern[1]!;
    header.version = modern[2]!;
    header.line = line;
    return;
  }
  const legacy = LEGACY_HEADER.exec(line);
  if (legacy) {
    header.version = legacy[1]!;
    header.line = line;
  }
}

/** Whether the text is a kernel config at all: it has CONFIG_ lines or a config header. */
export function looksLikeConfig(config: ParsedConfig): boolean {
  return config.symbolCount > 0 || config.header.line !== null;
}
