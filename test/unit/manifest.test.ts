import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** The bot scope each Web API method needs (Slack's method reference). */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  'files.uploadV2': ['files:write'],
  'views.open': [],
  'conversations.open': ['im:write'],
};

function methodsUsedBySource(): Set<string> {
  const used = new Set<string>();
  for (const file of globSync('src/**/*.ts', { cwd: ROOT })) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(
      /\b(?:web|client)\.(chat|users|files|views|conversations|reactions)\.(\w+)\(/g,
    ))
      used.add(`${match[1]}.${match[2]}`);
  }
  return used;
}

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'));

  it('asks for exactly the bot scopes the code uses', () => {
    const used = methodsUsedBySource();
    for (const method of used) expect(Object.keys(METHOD_SCOPES)).toContain(method);
    const needed = new Set([...used].flatMap((method) => METHOD_SCOPES[method] ?? []));
    needed.add('commands');
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });

  it('declares the slash command the app registers, interactivity and Socket Mode', () => {
    const registered = readFileSync(join(ROOT, 'src/slack/listeners/index.ts'), 'utf8').match(
      /app\.command\('([^']+)'/g,
    );
    expect(registered).toEqual(["app.command('/iam-audit'"]);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
      '/iam-audit',
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
