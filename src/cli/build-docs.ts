import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { choicesOf } from './choices.js';
import type { CliContext } from './context.js';
import { manPage } from './manpage.js';

/** Writes dist/man/virt-advisor.1 from the command spec and the built knowledge base (a build step). */
export function writeManPage(packageRoot: string, version: string): string {
  const context = { packageRoot, env: {} } as CliContext;
  const page = manPage(version, (set) => choicesOf(set, context));
  const file = join(packageRoot, 'dist', 'man', 'virt-advisor.1');
  mkdirSync(join(packageRoot, 'dist', 'man'), { recursive: true });
  writeFileSync(file, page);
  return file;
}
