import { expect } from 'vitest';

// ---------------------------------------------------------------------------------------------
// A strict reader for the XML the formatter writes: elements, double- or single-quoted attributes,
// character data and the five entities plus character references. Anything else (an unknown
// entity, a raw < or & in data, a character XML 1.0 forbids, mismatched tags, a repeated attribute,
// anything after the root) is an error, as it would be for a conforming parser.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data, its children's left out. */
  text: string;
}

const XML_CHARS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  if (!XML_CHARS.test(source)) throw new Error('a character XML 1.0 does not allow');
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!source.startsWith(declaration)) throw new Error('no XML declaration');
  // Line ends are normalised before parsing, as the specification says.
  const text = source.slice(declaration.length).replace(/\r\n?/g, '\n');
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at ${at}: ${JSON.stringify(text.slice(at, at + 40))}`);
  };
  const skipSpace = () => {
    while (at < text.length && /[ \t\n]/.test(text[at]!)) at++;
  };
  const name = () => {
    const match = NAME.exec(text.slice(at));
    if (!match) fail('expected a name');
    at += match![0].length;
    return match![0];
  };
  const reference = (): string => {
    const match = /^&(?:#([0-9]+)|#x([0-9a-fA-F]+)|([A-Za-z]+));/.exec(text.slice(at));
    if (!match) return fail('bad reference');
    at += match[0].length;
    if (match[3] !== undefined) {
      const value = PREDEFINED[match[3]];
      if (value === undefined) fail(`unknown entity ${match[3]}`);
      return value!;
    }
    const char = String.fromCodePoint(parseInt(match[1] ?? match[2]!, match[1] !== undefined ? 10 : 16));
    if (!XML_CHARS.test(char)) fail('reference to a character XML does not allow');
    return char;
  };
  const element = (): XmlElement => {
    if (text[at] !== '<') fail('expected <');
    at++;
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = at;
      skipSpace();
      if (text.startsWith('/>', at)) {
        at += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (text[at] === '>') {
        at++;
        break;
      }
      if (at === before) fail('expected space before an attribute');
      const attribute = name();
      if (attribute in attributes) fail(`attribute ${attribute} twice`);
      if (text[at++] !== '=') fail('expected =');
      const quote = text[at++];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      let value = '';
      while (text[at] !== quote) {
        const char = text[at];
        if (char === undefined || char === '<') fail('unterminated attribute or < in it');
        // Attribute-value normalisation: a literal tab or line end reads as a space.
        if (char === '&') value += reference();
        else {
          value += /[\t\n]/.test(char!) ? ' ' : char;
          at++;
        }
      }
      at++;
      attributes[attribute] = value;
    }
    const children: XmlElement[] = [];
    let data = '';
    for (;;) {
      if (at >= text.length) fail(`unclosed <${tag}>`);
      if (text.startsWith('</', at)) {
        at += 2;
        if (name() !== tag) fail(`mismatched end tag for <${tag}>`);
        skipSpace();
        if (text[at++] !== '>') fail('expected >');
        return { name: tag, attributes, children, text: data };
      }
      if (text.startsWith('<!', at) || text.startsWith('<?', at)) fail('comments, CDATA and processing instructions are not expected');
      if (text[at] === '<') children.push(element());
      else if (text[at] === '&') data += reference();
      else {
        if (text.startsWith(']]>', at)) fail(']]> in character data');
        data += text[at++];
      }
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== text.length) fail('content after the root element');
  return root;
}

export interface Case {
  name: string;
  classname: string;
  outcome: 'passed' | 'failure' | 'error' | 'skipped';
  message?: string;
  type?: string;
  details?: string;
}

/**
 * The report as JUnit readers see it: testsuites > testsuite > testcase, at most one outcome per
 * case, and every count equal to what the cases hold.
 */
export function readReport(xml: string): { name: string; suites: Array<{ name: string; cases: Case[] }> } {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  expect(root.text.trim()).toBe('');
  const countsOf = (element: XmlElement) => ({
    tests: Number(element.attributes.tests),
    failures: Number(element.attributes.failures),
    errors: Number(element.attributes.errors),
    skipped: Number(element.attributes.skipped),
  });
  const tally = (cases: Case[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.outcome === 'failure').length,
    errors: cases.filter((c) => c.outcome === 'error').length,
    skipped: cases.filter((c) => c.outcome === 'skipped').length,
  });
  const suites = root.children.map((suite) => {
    expect(suite.name).toBe('testsuite');
    expect(suite.text.trim()).toBe('');
    const cases = suite.children.map((testCase): Case => {
      expect(testCase.name).toBe('testcase');
      expect(Object.keys(testCase.attributes).sort()).toEqual(['classname', 'name']);
      expect(testCase.children.length).toBeLessThanOrEqual(1);
      const base = { name: testCase.attributes.name!, classname: testCase.attributes.classname! };
      const outcome = testCase.children[0];
      if (!outcome) return { ...base, outcome: 'passed' };
      expect(['failure', 'error', 'skipped']).toContain(outcome.name);
      expect(outcome.children).toEqual([]);
      if (outcome.name === 'skipped') {
        expect(outcome.text).toBe('');
        return { ...base, outcome: 'skipped', message: outcome.attributes.message! };
      }
      expect(Object.keys(outcome.attributes).sort()).toEqual(['message', 'type']);
      return { ...base, outcome: outcome.name as 'failure' | 'error', message: outcome.attributes.message!, type: outcome.attributes.type!, details: outcome.text };
    });
    expect(countsOf(suite)).toEqual(tally(cases));
    return { name: suite.attributes.name!, cases };
  });
  // testsuites carries no skipped count: the Jenkins schema does not allow one there.
  const { skipped: _skipped, ...total } = tally(suites.flatMap((suite) => suite.cases));
  expect(root.attributes.skipped).toBeUndefined();
  expect({ tests: Number(root.attributes.tests), failures: Number(root.attributes.failures), errors: Number(root.attributes.errors) }).toEqual(total);
  return { name: root.attributes.name!, suites };
}

