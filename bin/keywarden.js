#!/usr/bin/env node
// The `keywarden` command. Plain CommonJS that old Nodes parse: the Node version is checked
// before the CLI (and its dependencies, which need Node 22) is loaded, so an old Node gets
// advice instead of `Map.groupBy is not a function` halfway through a run.
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const REQUIRED = [22, 12];
/** Configuration and usage errors exit 2 (see the README's exit codes). */
const EXIT_CONFIG = 2;

function tooOld(version) {
  const [major, minor] = version.split('.').map(Number);
  return major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1]);
}

const cli = join(__dirname, '..', 'dist', 'cli.js');
if (tooOld(process.versions.node)) {
  process.stderr.write(
    `keywarden: Node ${REQUIRED.join('.')} or later is required; this is Node ${process.versions.node} ` +
      `(${process.execPath}).\n` +
      'In the repository, `npm ci` installs Node 24 into node_modules/.bin and `npx keywarden …` runs\n' +
      'with it. Elsewhere install Node 22 or later, e.g. `nvm install 24` or `volta install node@24`.\n',
  );
  process.exitCode = EXIT_CONFIG;
} else if (!existsSync(cli)) {
  process.stderr.write('keywarden: not built yet: run `npm run build` first (after `npm ci`).\n');
  process.exitCode = EXIT_CONFIG;
} else require(cli).main(process.argv);
