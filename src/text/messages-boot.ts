import type { Language } from '../domain/status';

/**
 * What `bin/keywarden.js` says when it turns away a Node too old for the CLI. That entry loads
 * only this module (built to dist/text/messages-boot.js, plain enough for any Node), so it
 * imports nothing at run time. Part of the catalogue (`Messages.boot`).
 */
export interface BootTexts {
  readonly nodeTooOld: (required: string, version: string, execPath: string) => string;
}

export const bootJa: BootTexts = {
  nodeTooOld: (required, version, execPath) =>
    `keywarden: Node ${required} 以降が必要です。これは Node ${version} です（${execPath}）。\n` +
    'リポジトリでは `npm ci` で node_modules/.bin に Node 24 が入り、`npx keywarden …` でそれを使って実行できます。\n' +
    'それ以外の場所では Node 22 以降を入れてください（例: `nvm install 24`、`volta install node@24`）。\n',
};

export const bootEn: BootTexts = {
  nodeTooOld: (required, version, execPath) =>
    `keywarden: Node ${required} or later is required; this is Node ${version} (${execPath}).\n` +
    'In the repository, `npm ci` installs Node 24 into node_modules/.bin and `npx keywarden …` runs\n' +
    'with it. Elsewhere install Node 22 or later, e.g. `nvm install 24` or `volta install node@24`.\n',
};

/**
 * By the LANGUAGE environment variable alone (the settings file is not read this early):
 * Japanese, the default, unless it says `en`; English for a value that is no language.
 */
export function bootText(languageSetting: string | undefined): BootTexts {
  const language: Language = !languageSetting || languageSetting === 'ja' ? 'ja' : 'en';
  return language === 'ja' ? bootJa : bootEn;
}
