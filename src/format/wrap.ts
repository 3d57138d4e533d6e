/** Wrapping text output to a terminal's width, with hanging indents; colour codes take no room. */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** How many columns the text takes on a terminal (colour codes take none). */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Where the text of a line starts after its indent and marker, so that continuation lines line up
 * under it: "  + reason", "  - note", "  3. name", "  yes  kvm  ...", "note: ...", "Machine: ...".
 */
function hangingIndent(plain: string): number {
  const marker = /^(\s*)(?:[-+!*]\s+|\d+\.\s+|(?:yes| no)\s+\S+\s+|[A-Za-z][\w /()-]{0,30}:\s+)?/.exec(plain);
  const leading = marker?.[1]?.length ?? 0;
  const width = marker && marker[0].length > leading ? marker[0].length : leading + 2;
  // A marker that eats most of the line would leave no room: fall back on the indent plus two.
  return width > 40 ? leading + 2 : width;
}

/** Breaks one line into pieces of at most `width` columns at spaces; a longer word stays whole. */
function wrapLine(line: string, width: number): string[] {
  if (visibleLength(line) <= width) return [line];
  const plain = line.replace(ANSI, '');
  const indent = ' '.repeat(Math.min(hangingIndent(plain), Math.floor(width / 2)));
  const pieces: string[] = [];
  // Words keep their colour codes; spacing is normalised only at the breaks.
  const leading = /^\s*/.exec(line)![0];
  const words = line.slice(leading.length).split(' ');
  let current = leading;
  let currentLength = visibleLength(leading);
  let startOfLine = true;
  for (const word of words) {
    const length = visibleLength(word);
    if (!startOfLine && currentLength + 1 + length > width) {
      pieces.push(current.trimEnd());
      // A word too long for the indent (a long URL) starts at the margin, where it may still fit.
      const hang = indent.length + length > width ? '' : indent;
      current = hang + word;
      currentLength = hang.length + length;
      continue;
    }
    current += (startOfLine ? '' : ' ') + word;
    currentLength += (startOfLine ? 0 : 1) + length;
    startOfLine = false;
  }
  pieces.push(current);
  return pieces;
}

/** Wraps every line of the text to `width` columns; null leaves it as it is (output into a pipe). */
export function wrapText(text: string, width: number | null): string {
  if (width === null) return text;
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}
