/**
 * The Lambda bundle carries nothing Lambda does not use: Bolt loads its Socket Mode receiver
 * (and with it `@slack/socket-mode` and undici) whatever the transport, so the bundle swaps
 * `@slack/socket-mode` for a stand-in that throws if constructed. Checked against esbuild's
 * metafile, and by running the bundled handler with an app token configured. And its source is
 * all Latin-1, which V8 holds in half the memory of a source with any other character.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/transpile';

const UNUSED_ON_LAMBDA = /^node_modules\/(@slack\/socket-mode|undici)\//;
const STAND_IN = 'src/slack/receivers/no-socket-mode.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'keywarden-bundle-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `npm run bundle`'s esbuild command into `work/<name>`, with a metafile; returns the bundle and its inputs. */
function bundle(name: string, change: (args: string[]) => string[] = (args) => args) {
  const scripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const [command, ...args] = (scripts.bundle ?? '').split(/\s+/);
  expect(command).toBe('esbuild');
  const outfile = join(work, name, 'index.js');
  const meta = join(work, `${name}.meta.json`);
  execFileSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      ...change(args).map((arg) => (arg.startsWith('--outfile=') ? `--outfile=${outfile}` : arg)),
      `--metafile=${meta}`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const inputs = Object.keys(
    (JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
  );
  return { outfile, inputs };
}

describe('the Lambda bundle', () => {
  let lambda: ReturnType<typeof bundle>;
  beforeAll(() => {
    lambda = bundle('lambda');
  });

  it('leaves out @slack/socket-mode and undici, bundling the stand-in instead', () => {
    const { inputs } = lambda;
    expect(inputs).toContain('src/lambda.ts');
    expect(inputs).toContain(STAND_IN);
    expect(inputs.filter((input) => UNUSED_ON_LAMBDA.test(input))).toEqual([]);
  });

  it('would carry them without the alias (the check sees them)', () => {
    const { inputs } = bundle('unaliased', (args) => args.filter((arg) => !arg.startsWith('--alias:')));
    expect(inputs).not.toContain(STAND_IN);
    expect(inputs.filter((input) => UNUSED_ON_LAMBDA.test(input))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node_modules\/@slack\/socket-mode\//),
        expect.stringMatching(/^node_modules\/undici\//),
      ]),
    );
  });

  it('holds only Latin-1 characters, so V8 keeps its source one byte a character', () => {
    // One character past U+00FF anywhere (a comment, a regular expression: esbuild escapes only
    // strings) and the whole 5 MB source is held as UTF-16, twice the heap at every cold start.
    const source = readFileSync(lambda.outfile, 'utf8');
    expect(source.match(/[\u0100-\u{10FFFF}]/gu) ?? []).toEqual([]);
  });

  it('serves Slack requests even with an app token configured: Lambda never constructs Socket Mode', () => {
    const { outfile } = lambda;
    // A request with a bad signature: Bolt's app is built (receiver and all) and answers 401.
    const script = `
      const { slack } = require(${JSON.stringify(outfile)});
      const event = {
        version: '2.0', rawPath: '/slack/events', isBase64Encoded: false, body: '{}',
        requestContext: { http: { method: 'POST' } },
        headers: {
          'content-type': 'application/json',
          'x-slack-signature': 'v0=bad',
          'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        },
      };
      slack(event, {}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => {
        process.stdout.write('failed: ' + e.message);
      });`;
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'error',
        AWS_REGION: 'ap-northeast-1',
        AWS_ACCESS_KEY_ID: 'AKIABUNDLEBUNDLE0001',
        AWS_SECRET_ACCESS_KEY: 'bundle-secret',
        LEDGER_SOURCE: 'csv',
        LEDGER_PATH: join(work, 'ledger.csv'),
        IAM_SOURCE: 'aws',
        STATE_SOURCE: 'aws',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
        SLACK_BOT_TOKEN: 'xoxb-bundle',
        SLACK_SIGNING_SECRET: 'bundle-signing-secret',
        SLACK_APP_TOKEN: 'xapp-bundle',
        SLACK_ADMIN_CHANNEL: 'C0ADMINS',
        SLACK_ADMIN_USERS: 'U0ADMIN',
      },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toMatchObject({ statusCode: 401 });
  });
});
