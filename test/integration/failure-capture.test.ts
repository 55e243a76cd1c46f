import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { SheetsWorkbook } from '../../src/adapters/ledger/sheets-workbook';
import { classifyFailure } from '../../src/util/failure';

/** A local server that answers (or drops) every request the same way. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (status: number, body: unknown) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** What the real client threw. */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const sheets = (rootUrl: string) =>
  new SheetsWorkbook({
    spreadsheetId: 'sheet-1',
    ledgerSheet: '台帳',
    peopleSheet: 'users',
    auth: 'key',
    rootUrl: `${rootUrl}/`,
    patience: { timeoutMs: 2000, retries: 0 },
  });

const slack = (url: string) =>
  new WebClient('xoxb-1', { slackApiUrl: `${url}/api/`, retryConfig: { retries: 0 } });

describe('failures as the real clients report them', () => {
  it('Google Sheets: 403 is a permission, 404 a missing spreadsheet', async () => {
    const forbidden = await serve(
      json(403, {
        error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' },
      }),
    );
    const missing = await serve(
      json(404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } }),
    );
    try {
      expect(classifyFailure(await thrown(() => sheets(forbidden.url).read()))).toMatchObject({
        kind: 'permission',
        code: 'PERMISSION_DENIED',
      });
      expect(classifyFailure(await thrown(() => sheets(missing.url).read()))).toMatchObject({
        kind: 'not-found',
        code: 'NOT_FOUND',
      });
    } finally {
      await forbidden.close();
      await missing.close();
    }
  });

  it('Slack: missing_scope names the scope, channel_not_found is not found, invalid_auth is auth', async () => {
    const scope = await serve(
      json(200, { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'chat:write' }),
    );
    const channel = await serve(json(200, { ok: false, error: 'channel_not_found' }));
    const auth = await serve(json(200, { ok: false, error: 'invalid_auth' }));
    try {
      expect(classifyFailure(await thrown(() => slack(scope.url).auth.test()))).toEqual({
        kind: 'permission',
        code: 'missing_scope',
        neededScope: 'files:write',
      });
      expect(
        classifyFailure(
          await thrown(() => slack(channel.url).chat.postMessage({ channel: 'C0NONE', text: 'x' })),
        ),
      ).toMatchObject({ kind: 'not-found', code: 'channel_not_found' });
      expect(classifyFailure(await thrown(() => slack(auth.url).auth.test()))).toMatchObject({
        kind: 'auth',
      });
    } finally {
      await scope.close();
      await channel.close();
      await auth.close();
    }
  });

  // Jest runs tests in a VM context, and both the Slack client and the AWS SDK rebuild an error
  // from another realm as bare text (`instanceof Error` fails). A child process on plain Node
  // throws what production sees; it sends the error's shape back as JSON.
  it('a refused connection and one closed without an answer, as plain Node sees them', async () => {
    const closing = await serve((req) => req.socket.destroy());
    // Port 2: below the ephemeral range, so no server of this run listens there (a port just
    // closed may be handed to another test's server first); not a fetch bad port, as 1 is.
    const gone = { url: 'http://127.0.0.1:2' };
    try {
      const slackRefused = await inChild('slack', gone.url);
      expect(classifyFailure(slackRefused)).toEqual({
        kind: 'refused',
        code: 'ECONNREFUSED',
        host: '127.0.0.1',
      });
      expect(classifyFailure(await inChild('iam', gone.url))).toMatchObject({
        kind: 'refused',
        code: 'ECONNREFUSED',
      });
      expect(classifyFailure(await inChild('slack', closing.url)).kind).toBe('closed');
      expect(classifyFailure(await inChild('iam', closing.url)).kind).toBe('closed');
    } finally {
      await closing.close();
    }
  });
});

const CHILD = `
const [client, url] = process.argv.slice(1);
const shape = (value, depth = 0) => {
  if (typeof value !== 'object' || value === null || depth > 4) return value;
  const out = {};
  for (const key of new Set(['name', 'message', ...Object.getOwnPropertyNames(value)]))
    if (key !== 'stack') out[key] = shape(value[key], depth + 1);
  return out;
};
const call =
  client === 'slack'
    ? () => new (require('@slack/web-api').WebClient)('xoxb-1', { slackApiUrl: url + '/api/', retryConfig: { retries: 0 }, logLevel: 'error' }).auth.test()
    : () => {
        const { IAMClient, ListUsersCommand } = require('@aws-sdk/client-iam');
        return new IAMClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).send(new ListUsersCommand({}));
      };
call().then(
  () => process.stdout.write('null'),
  (error) => process.stdout.write(JSON.stringify(shape(error))),
);
`;

/** The error a client throws on plain Node, as data. */
function inChild(client: 'slack' | 'iam', url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', CHILD, client, url],
      { cwd: join(__dirname, '..', '..') },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    );
  });
}
