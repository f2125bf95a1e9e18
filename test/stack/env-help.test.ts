/** The stack's environment is documented once per place: `--help` (env-help.ts) and the README table agree. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ENV_VARS, usage } from './env-help.ts';

const TEST_SUITE_VARS = ['CHROME_PATH', 'NGINX_PATH'];

test('every variable the stack reads is in the README table, and the table names no stack variable --help lacks', async () => {
  const readme = await readFile(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  // That section only: others (the soak's, the bench's) have tables of their own variables.
  const start = readme.indexOf('## Ports and environment');
  const table = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const inTable = new Set([...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  for (const v of ENV_VARS) assert.ok(inTable.has(v.name), `${v.name} is missing from the README table`);
  // The test suites' own variables (the browser and nginx they drive) are not the stack's.
  const known = new Set([...ENV_VARS.map((v) => v.name), ...TEST_SUITE_VARS]);
  for (const name of inTable) assert.ok(known.has(name ?? ''), `${name} is in the README but not in env-help.ts`);
});

test('--help for npm start leaves out APP_ORIGIN; npm run stack has it', () => {
  assert.doesNotMatch(usage('npm start', 'x'), /APP_ORIGIN/);
  assert.match(usage('npm run stack', 'x'), /^ {2}APP_ORIGIN /m);
});
