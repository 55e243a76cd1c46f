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

const dist = join(__dirname, '..', 'dist');
const cli = join(dist, 'cli.js');
if (!existsSync(cli)) {
  // No build, so no catalogue (dist/text/) to word this: both languages here, chosen as
  // dist/text/messages-boot.js chooses (Japanese unless LANGUAGE says otherwise).
  const notBuilt = {
    ja: 'keywarden: まだビルドされていません。先に `npm run build` を実行してください（`npm ci` のあとで）。\n',
    en: 'keywarden: not built yet: run `npm run build` first (after `npm ci`).\n',
  };
  const language = process.env.LANGUAGE;
  process.stderr.write(notBuilt[!language || language === 'ja' ? 'ja' : 'en']);
  process.exitCode = EXIT_CONFIG;
} else if (tooOld(process.versions.node)) {
  const { bootText } = require(join(dist, 'text', 'messages-boot.js'));
  process.stderr.write(
    bootText(process.env.LANGUAGE).nodeTooOld(REQUIRED.join('.'), process.versions.node, process.execPath),
  );
  process.exitCode = EXIT_CONFIG;
} else require(cli).main(process.argv);
