import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** The bot scope each Web API method needs (Slack's method reference). */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'users.lookupByEmail': ['users:read', 'users:read.email'],
  'files.uploadV2': ['files:write'],
  'views.open': [],
  // Slack lists no scope for views.publish: the Home tab needs only the bot user.
  'views.publish': [],
  'conversations.open': ['im:write'],
};

/** The bot scope each Events API event needs (Slack's event reference). */
const EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  app_home_opened: [],
};

const LISTENERS = join(ROOT, 'src/slack/listeners/index.ts');

function eventsRegistered(): string[] {
  const text = readFileSync(LISTENERS, 'utf8');
  return [...text.matchAll(/app\.event\('([^']+)'/g)].map((match) => match[1] ?? '');
}

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
    const events = eventsRegistered();
    for (const event of events) expect(Object.keys(EVENT_SCOPES)).toContain(event);
    const needed = new Set([
      ...[...used].flatMap((method) => METHOD_SCOPES[method] ?? []),
      ...events.flatMap((event) => EVENT_SCOPES[event] ?? []),
    ]);
    needed.add('commands');
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });

  it("is valid under Slack's published manifest schema", () => {
    // schemas/manifest.schema.1.0.0.json of slackapi/manifest-schema (MIT) at c50cfa8; a
    // manifest without _metadata is version 1.
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/slack-manifest.schema.1.0.0.json'), 'utf8'),
    );
    const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema);
    expect(validate(manifest) ? [] : validate.errors).toEqual([]);
  });

  it('subscribes to exactly the events the app listens to, with the Home tab on', () => {
    expect(eventsRegistered()).toEqual(['app_home_opened']);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(eventsRegistered().sort());
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('declares the slash command the app registers, interactivity and Socket Mode', () => {
    const registered = readFileSync(LISTENERS, 'utf8').match(/app\.command\('([^']+)'/g);
    expect(registered).toEqual(["app.command('/iam-audit'"]);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
      '/iam-audit',
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
