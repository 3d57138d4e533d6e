import type { Argv } from 'yargs';
import { UserError } from '../errors.js';
import type { CliContext } from './context.js';

export interface ConfigArgs {
  file?: string;
  for?: string[];
  kernel?: string;
  arch?: string;
  json?: boolean;
  fragment?: boolean;
  root?: string;
}

export function configOptions(yargs: Argv) {
  return yargs
    .positional('file', { type: 'string', describe: 'a .config, a gzip-compressed one (/proc/config.gz), or - for standard input; default: the running kernel\'s' })
    .option('for', { type: 'string', array: true, describe: 'targets to audit (repeatable, comma-separated)' })
    .option('kernel', { type: 'string', describe: 'the kernel version the config is for (default: from its header)' })
    .option('arch', { type: 'string', describe: 'the architecture (default: from the header or the config)' })
    .option('json', { type: 'boolean', describe: 'machine-readable output' })
    .option('fragment', { type: 'boolean', describe: 'print CONFIG_X=y lines that enable what is missing' })
    .option('root', { type: 'string', describe: 'find the running kernel\'s config under this root directory', default: '/' });
}

/** `virt-advisor config`: audit a kernel .config for chosen uses. Returns the exit code. */
export async function runConfig(_args: ConfigArgs, _context: CliContext): Promise<number> {
  throw new UserError('config: not implemented yet');
}
