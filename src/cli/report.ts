import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { escapeText, jsonLine } from '../escape.js';
import { UserError } from '../errors.js';
import { formatFleetCsv, formatFleetText, fleetJson } from '../format/report.js';
import { fsErrorWords } from '../fs-errors.js';
import { readUserFile, showPath } from '../read-file.js';
import { buildFleet, type PlacedRecord } from '../report/fleet.js';
import { classifyRecord, splitJsonValues } from '../report/records.js';
import { colorOf, knowledgeBase, outputFormat, writeText, type CliContext } from './context.js';

/** A fleet's results can be large (check --json is 6 KB a version), but not without bound. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const RESULT_FILE = /\.(json|jsonl|ndjson)$/i;

/** A file to read and the host its records belong to unless they name their own. */
interface Source {
  path: string;
  host: string;
}

/** File names that say which output a file holds, not which host: the host is then its folder's name. */
const OUTPUT_NAMES = /^(host|config|configs|check|checks|versions)$/i;

/** The host a file stands for: its name (web1.json), or its folder's for host.json, config.json... */
function hostFromName(path: string): string {
  const name = basename(path).replace(/\.(json|jsonl|ndjson)$/i, '');
  if (!OUTPUT_NAMES.test(name)) return name;
  const folder = basename(dirname(resolve(path)));
  return folder === '' || folder === '/' ? name : folder;
}

/**
 * The result files under a directory, at any depth: each stands for the host its name says
 * (web1.json), or, named for the output it holds (host.json, config.json), for the host its folder
 * is named after (web1/host.json, as Ansible's fetch lays them out). Only .json, .jsonl and .ndjson
 * files are read; symbolic links to folders are not followed (a link back up would loop).
 */
function walk(dir: string, problems: string[]): Source[] {
  const sources: Source[] = [];
  const visit = (path: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (error) {
      problems.push(`cannot read the directory ${showPath(path)}: ${fsErrorWords(error)}`);
      return;
    }
    for (const entry of entries) {
      const full = join(path, entry);
      let stat;
      try {
        stat = lstatSync(full);
        if (stat.isSymbolicLink()) {
          // A link to a file is read; a link to a folder is not entered.
          stat = statSync(full);
          if (stat.isDirectory()) continue;
        }
      } catch (error) {
        problems.push(`cannot read ${showPath(full)}: ${fsErrorWords(error)}`);
        continue;
      }
      if (stat.isDirectory() && depth < 16) visit(full, depth + 1);
      else if (stat.isFile() && RESULT_FILE.test(entry)) sources.push({ path: full, host: hostFromName(full) });
    }
  };
  visit(dir, 0);
  return sources;
}

async function readStdin(context: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of context.stdin as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_INPUT_BYTES) throw new UserError(`standard input: more than ${MAX_INPUT_BYTES} bytes is too much for report`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `virt-advisor report`: one view of the JSON collected from many hosts. Returns the exit code. */
export async function runReport(args: { inputs?: string[]; json?: boolean; format?: string }, context: CliContext): Promise<number> {
  const format = outputFormat(args, ['text', 'json', 'csv'] as const);
  const given = context.positionals ?? args.inputs ?? [];
  if (given.length === 0) throw new UserError('give the results to read: files, directories (one file or subdirectory per host), or - for standard input');
  if (given.filter((name) => name === '-').length > 1) throw new UserError('standard input (-) can be read only once');
  if (given.includes('')) throw new UserError('an empty file name was given (an unset variable in a script?)');
  if (given.includes('-') && context.stdin.isTTY) throw new UserError('report -: standard input is a terminal; pipe the JSON in (virt-advisor check --stdin --json < inventory.tsv | virt-advisor report -)');
  const problems: string[] = [];
  const sources: Source[] = [];
  for (const name of given) {
    if (name === '-') sources.push({ path: '-', host: 'standard input' });
    else {
      let directory = false;
      try {
        directory = statSync(name).isDirectory();
      } catch {
        // readUserFile below says why it cannot be read.
      }
      if (!directory) sources.push({ path: name, host: hostFromName(name) });
      else {
        const found = walk(name, problems);
        if (found.length === 0) problems.push(`${showPath(name)} holds no .json, .jsonl or .ndjson file`);
        sources.push(...found);
      }
    }
  }
  const records: PlacedRecord[] = [];
  // A file named twice (report results results/web1) is read once.
  const seen = new Set<string>();
  for (const source of sources) {
    if (source.path !== '-') {
      let real = source.path;
      try {
        real = realpathSync(source.path);
      } catch {
        // readUserFile below says why it cannot be read.
      }
      if (seen.has(real)) continue;
      seen.add(real);
    }
    const shown = source.path === '-' ? 'standard input' : showPath(source.path);
    let text: string;
    try {
      text = source.path === '-' ? await readStdin(context) : readUserFile(source.path, MAX_INPUT_BYTES, 'virt-advisor JSON output').toString('utf8');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(error.message);
      continue;
    }
    const { values, error } = splitJsonValues(text);
    if (error) problems.push(`${shown}: ${error}`);
    // An empty file is a command that printed nothing (it failed, or never ran): worth saying.
    else if (values.length === 0) problems.push(`${shown}: empty: no virt-advisor output in it`);
    values.forEach((value, index) => {
      const record = classifyRecord(value, basename(source.path));
      if ('problem' in record) {
        problems.push(`${shown}: record ${index + 1}: ${record.problem}`);
        return;
      }
      // A labelled record (check --stdin with HOST<TAB>VERSION) names its own host.
      const label = record.kind === 'check' ? record.json.label : record.kind === 'error' ? record.label : undefined;
      records.push({ host: label ?? source.host, source: shown, record });
    });
  }
  const fleet = records.length === 0 ? null : buildFleet(knowledgeBase(context), records, problems);
  for (const problem of problems) context.stderr.write(`virt-advisor: ${escapeText(problem)}\n`);
  if (fleet === null) throw new UserError('no virt-advisor results were read, so there is nothing to report');
  if (format === 'json') context.stdout.write(`${jsonLine(fleetJson(fleet), 2)}\n`);
  else if (format === 'csv') context.stdout.write(formatFleetCsv(fleet));
  else writeText(context, formatFleetText(fleet, colorOf(context)));
  return problems.length > 0 ? 2 : 0;
}
