// Checks rules/ against the schema and the lint without building the CLI.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const build = fileURLToPath(new URL('./build.mjs', import.meta.url));
process.exit(spawnSync(process.execPath, [build, '--rules-only'], { stdio: 'inherit' }).status ?? 1);
