import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BOT_SCOPES, missingScopes } from '../../src/slack/scopes';

describe('the bot scopes the doctor checks a token for', () => {
  it('are the ones manifest.yml asks for', () => {
    const manifest = parse(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'));
    expect(new Set(BOT_SCOPES)).toEqual(new Set(manifest.oauth_config.scopes.bot));
  });

  it('names the ones a token lacks', () => {
    expect(missingScopes(['chat:write', 'commands', 'im:write', 'users:read'])).toEqual([
      'files:write',
      'users:read.email',
    ]);
    expect(missingScopes([...BOT_SCOPES, 'channels:read'])).toEqual([]);
  });
});
