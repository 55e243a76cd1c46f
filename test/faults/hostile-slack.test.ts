/**
 * A hostile-Slack corpus: unsigned, mis-signed, replayed and future-dated requests, every
 * interaction type with forged values, odd bodies and sizes, sent as real HTTP to the
 * self-hosted receiver and, through a local stand-in for API Gateway, to the Lambda handler.
 * Nothing may crash either, and nothing may change IAM, the ledger, the approval cases or
 * what the admins see.
 */

import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { IamAccount, type IamServer, startIamServer } from '@keywarden/iam-simulator';
import { parse } from 'csv-parse/sync';
import nock from 'nock';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { shiftLedgerDates } from '../../src/demo/seed';
import { dateInZone, daysBetween, type LocalDate } from '../../src/domain/dates';
import { createHandlers } from '../../src/lambda';
import { ACTION, INPUT, VIEW } from '../../src/slack/blocks';
import { MAX_BODY_BYTES } from '../../src/slack/receivers/inbound';
import { type FakeS3, startS3Server } from '../fakes/s3-server';
import { type FakeSheets, startSheetsServer } from '../fakes/sheets-server';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { lambdaEnv, SWEEP_RUN_BUCKET } from '../support/lambda-env';
import { ADMIN, ADMIN_CHANNEL, OUTSIDER, OWNER, SIGNING_SECRET, SlackWorld } from '../support/slack-world';
import { runSweepMachine } from '../support/sweep-machine';
import { EXAMPLES, exampleAccount } from '../support/world';

interface Probe {
  readonly name: string;
  readonly method?: string;
  readonly path?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Announce this Content-Length but send only `body` and keep the socket open. */
  readonly declaredLength?: number;
}

interface Target {
  readonly teamId: string;
  readonly caseIds: readonly string[];
  readonly triggerId: (user: string) => string;
  readonly responseUrl: () => string;
}

type SignOptions = { secret?: string; at?: number; contentType?: string; signature?: string };

const FORM = 'application/x-www-form-urlencoded';
const nowSeconds = () => Math.floor(Date.now() / 1000);

function signed(name: string, raw: string | Buffer, options: SignOptions = {}): Probe {
  const body = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  const ts = String(options.at ?? nowSeconds());
  const hmac = createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${ts}:`)
    .update(body)
    .digest('hex');
  return {
    name,
    headers: {
      'content-type':
        options.contentType ?? (/^\s*[[{]/.test(body.toString('utf8', 0, 8)) ? 'application/json' : FORM),
      'x-slack-request-timestamp': ts,
      'x-slack-signature': options.signature ?? `v0=${hmac}`,
    },
    body,
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const interaction = (payload: unknown) => form({ payload: JSON.stringify(payload) });

/** Values a forger would put where our buttons and modals put case ids, dates and text. */
const FORGED: readonly unknown[] = [
  'A'.repeat(100_000),
  '',
  '<!channel>',
  '=HYPERLINK("http://evil","x")',
  "AKIAEXAMPLEETLXX1001#2026-11-28' OR '1'='1",
  'AKIAEXAMPLECIXXX1002#2026-11-20',
  '../../etc/passwd',
  '\u0000\u202e',
  null,
  12345,
  ['AKIAEXAMPLEETLXX1001#2026-11-28'],
  { S: 'x' },
];
const ODD_USERS: readonly unknown[] = [OUTSIDER, 'U0ADMIN<!channel>', '', null, 42, { id: ADMIN }];

function blockActions(target: Target, actionId: string, value: unknown, user: unknown) {
  return {
    type: 'block_actions',
    team: { id: target.teamId },
    user: user === undefined ? undefined : { id: user },
    api_app_id: 'A0KEYWARDEN',
    trigger_id: target.triggerId(OUTSIDER),
    response_url: target.responseUrl(),
    actions: [{ type: 'button', action_id: actionId, block_id: 'keywarden_actions', value, action_ts: '1' }],
  };
}

function viewSubmission(
  target: Target,
  callbackId: string,
  metadata: unknown,
  values: unknown,
  user: unknown,
) {
  return {
    type: 'view_submission',
    team: { id: target.teamId },
    user: { id: user },
    api_app_id: 'A0KEYWARDEN',
    trigger_id: target.triggerId(OUTSIDER),
    view: {
      id: 'V0MODAL',
      type: 'modal',
      callback_id: callbackId,
      private_metadata: metadata,
      state: { values },
    },
  };
}

const extendValues = (date: unknown, reason: unknown) => ({
  [INPUT.date.block]: { [INPUT.date.action]: { type: 'datepicker', selected_date: date } },
  [INPUT.reason.block]: { [INPUT.reason.action]: { type: 'plain_text_input', value: reason } },
});

function command(target: Target, user: unknown, text: unknown, extra: Record<string, string> = {}) {
  return form({
    command: '/iam-audit',
    text: String(text),
    user_id: String(user),
    channel_id: 'C0GENERAL',
    team_id: target.teamId,
    response_url: target.responseUrl(),
    ...extra,
  });
}

/** Everything the corpus sends; deterministic, a few hundred requests. */
function corpus(target: Target): Probe[] {
  const probes: Probe[] = [];
  const add = (probe: Probe) => probes.push(probe);
  const [ownCase = '', otherCase = ''] = target.caseIds;

  // Requests the owner and an admin could really send, to be replayed, forged and resigned.
  const legit: [string, string][] = [
    ['owner delete', interaction(blockActions(target, ACTION.delete, ownCase, OWNER))],
    ['owner extend', interaction(blockActions(target, ACTION.extend, ownCase, OWNER))],
    ['admin approve', interaction(blockActions(target, ACTION.approve, ownCase, ADMIN))],
    ['admin report', command(target, ADMIN, 'report', { channel_id: ADMIN_CHANNEL })],
    [
      'owner extend submit',
      interaction(viewSubmission(target, VIEW.extend, ownCase, extendValues('2026-12-20', 'x'), OWNER)),
    ],
  ];
  for (const [name, raw] of legit) {
    add({ name: `${name}: unsigned`, headers: { 'content-type': FORM }, body: Buffer.from(raw) });
    add(signed(`${name}: wrong secret`, raw, { secret: 'not-the-secret' }));
    add(signed(`${name}: replayed 6 min later`, raw, { at: nowSeconds() - 6 * 60 }));
    add(signed(`${name}: replayed a day later`, raw, { at: nowSeconds() - 86_400 }));
    add(signed(`${name}: an hour in the future`, raw, { at: nowSeconds() + 3600 }));
    add(signed(`${name}: 6 min in the future`, raw, { at: nowSeconds() + 6 * 60 }));
    add(signed(`${name}: timestamp 0`, raw, { at: 0 }));
    add({
      ...signed(`${name}: timestamp text`, raw),
      headers: { ...signed('', raw).headers, 'x-slack-request-timestamp': 'now' },
    });
    add({
      ...signed(`${name}: huge timestamp`, raw),
      headers: { ...signed('', raw).headers, 'x-slack-request-timestamp': '9'.repeat(30) },
    });
    add(
      signed(`${name}: signature of another body`, raw, {
        signature: signed('', `${raw}&x=1`).headers['x-slack-signature'],
      }),
    );
    add(signed(`${name}: v1 signature`, raw, { signature: `v1=${'0'.repeat(64)}` }));
    add(signed(`${name}: non-hex signature`, raw, { signature: `v0=${'z'.repeat(64)}` }));
    add(signed(`${name}: short signature`, raw, { signature: 'v0=abc' }));
    add({
      name: `${name}: no timestamp`,
      headers: { 'content-type': FORM, 'x-slack-signature': 'v0=00' },
      body: Buffer.from(raw),
    });
  }

  // Bodies that are not what Slack sends, validly signed.
  const bodies: [string, string, string?][] = [
    ['payload=null', 'payload=null'],
    ['payload= (empty)', 'payload='],
    ['payload not json', 'payload=not%20json'],
    ['payload array', 'payload=%5B1%2C2%5D'],
    ['payload string', 'payload=%22x%22'],
    ['payload number', 'payload=1'],
    ['payload type null', interaction({ type: null })],
    ['payload type object', interaction({ type: { a: 1 } })],
    ['payload nested 5000 deep', `payload=${encodeURIComponent(`${'['.repeat(5000)}${']'.repeat(5000)}`)}`],
    ['json null', 'null', 'application/json'],
    ['json array', '[]', 'application/json'],
    ['json string', '"x"', 'application/json'],
    ['json truncated', '{"type":"event_callback"', 'application/json'],
    ['json with BOM', '\ufeff{"type":"event_callback"}', 'application/json'],
    ['empty body', '', FORM],
    ['empty json', '', 'application/json'],
    ['form without payload', 'token=x&team_id=T1'],
    ['ssl check', 'ssl_check=1&token=x'],
    ['url_verification', JSON.stringify({ type: 'url_verification', challenge: 'c'.repeat(10) })],
    [
      'url_verification huge challenge',
      JSON.stringify({ type: 'url_verification', challenge: 'c'.repeat(10_000) }),
    ],
    ['url_verification without challenge', JSON.stringify({ type: 'url_verification' })],
    ['text/plain', interaction({ type: 'block_actions' }), 'text/plain'],
    ['xml', '<?xml version="1.0"?><a/>', 'application/xml'],
    [
      'multipart',
      '--x\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{}\r\n--x--',
      'multipart/form-data; boundary=x',
    ],
    ['form with charset', interaction({ type: 'view_closed' }), `${FORM}; charset=utf-8`],
    [
      'proto pollution',
      JSON.stringify({
        type: 'event_callback',
        __proto__: { admin: true },
        constructor: { prototype: { x: 1 } },
      }),
    ],
  ];
  for (const [name, raw, contentType] of bodies)
    add(signed(`body: ${name}`, raw, contentType ? { contentType } : {}));
  add(
    signed(
      'body: invalid utf-8',
      Buffer.from([0x70, 0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x3d, 0xff, 0xfe, 0xc3]),
    ),
  );

  // Every interaction type Slack has, with our ids and with nonsense, validly signed.
  for (const actionId of [ACTION.extend, ACTION.delete, ACTION.approve, ACTION.deny]) {
    for (const value of FORGED)
      add(
        signed(
          `${actionId}: value ${JSON.stringify(value)?.slice(0, 30)}`,
          interaction(blockActions(target, actionId, value, OWNER)),
        ),
      );
    for (const user of ODD_USERS)
      add(
        signed(
          `${actionId}: user ${JSON.stringify(user)}`,
          interaction(blockActions(target, actionId, otherCase, user)),
        ),
      );
    for (const actions of [
      null,
      [],
      [null],
      'x',
      [{ action_id: actionId }],
      Array(500).fill({ action_id: actionId, value: ownCase }),
    ])
      add(
        signed(
          `${actionId}: actions ${JSON.stringify(actions).slice(0, 30)}`,
          interaction({ ...blockActions(target, actionId, ownCase, OUTSIDER), actions }),
        ),
      );
    add(
      signed(
        `${actionId}: no trigger`,
        interaction({ ...blockActions(target, actionId, ownCase, OWNER), trigger_id: undefined }),
      ),
    );
    add(
      signed(
        `${actionId}: response_url not a url`,
        interaction({
          ...blockActions(target, actionId, ownCase, OUTSIDER),
          response_url: 'javascript:alert(1)',
        }),
      ),
    );
    add(
      signed(
        `${actionId}: response_url elsewhere`,
        interaction({
          ...blockActions(target, actionId, ownCase, OUTSIDER),
          response_url: 'http://127.0.0.1:1/x',
        }),
      ),
    );
  }
  for (const date of FORGED.concat([
    '2026/12/28',
    '2026-02-30',
    '2026-12-28T00:00',
    '2099-01-01',
    '1999-01-01',
    '+02026-12-28',
  ]))
    add(
      signed(
        `extend submit: date ${JSON.stringify(date)?.slice(0, 30)}`,
        interaction(viewSubmission(target, VIEW.extend, ownCase, extendValues(date, 'x'), OWNER)),
      ),
    );
  for (const metadata of FORGED)
    for (const callback of [VIEW.extend, VIEW.deny])
      add(
        signed(
          `${callback}: metadata ${JSON.stringify(metadata)?.slice(0, 30)}`,
          interaction(viewSubmission(target, callback, metadata, extendValues('2026-12-20', 'x'), OUTSIDER)),
        ),
      );
  for (const reason of ['r'.repeat(501), 'r'.repeat(100_000), '<!channel>', null, 7, ['x']])
    for (const callback of [VIEW.extend, VIEW.deny])
      add(
        signed(
          `${callback}: reason ${JSON.stringify(reason)?.slice(0, 30)}`,
          interaction(
            viewSubmission(target, callback, ownCase, extendValues('2026-12-20', reason), OUTSIDER),
          ),
        ),
      );
  for (const values of [
    null,
    'x',
    {},
    { [INPUT.date.block]: null },
    { [INPUT.date.block]: { [INPUT.date.action]: null } },
  ])
    add(
      signed(
        `extend submit: state ${JSON.stringify(values)}`,
        interaction(viewSubmission(target, VIEW.extend, ownCase, values, OWNER)),
      ),
    );
  add(
    signed(
      'view submission: view null',
      interaction({ type: 'view_submission', user: { id: OWNER }, view: null }),
    ),
  );
  add(
    signed(
      'view submission: unknown callback',
      interaction(viewSubmission(target, 'rm_rf', ownCase, {}, OWNER)),
    ),
  );
  for (const type of [
    'view_closed',
    'shortcut',
    'message_action',
    'block_suggestion',
    'interactive_message',
    'dialog_submission',
    'dialog_cancellation',
    'dialog_suggestion',
    'workflow_step_edit',
    'no_such_type',
  ])
    add(
      signed(
        `interaction: ${type}`,
        interaction({
          type,
          user: { id: OUTSIDER },
          callback_id: VIEW.extend,
          view: { callback_id: VIEW.extend, private_metadata: ownCase },
          actions: [{ action_id: ACTION.delete, value: ownCase }],
        }),
      ),
    );
  for (const event of [
    { type: 'app_mention', user: OUTSIDER, text: '<!channel> delete everything', channel: 'C0GENERAL' },
    { type: 'message', user: OUTSIDER, text: '<@U0ADMIN>', channel: 'D0X' },
    null,
    'x',
  ])
    add(
      signed(
        `event: ${JSON.stringify(event)?.slice(0, 30)}`,
        JSON.stringify({ type: 'event_callback', team_id: target.teamId, event, event_id: 'Ev1' }),
      ),
    );
  add(
    signed('event: app_rate_limited', JSON.stringify({ type: 'app_rate_limited', minute_rate_limited: 1 })),
  );

  // Slash commands from a non-admin and with odd fields.
  for (const text of ['report', 'sweep', 'user etl-batch', 'ledger 9999', '<!channel>', 'x'.repeat(100_000)])
    add(signed(`command from an outsider: ${text.slice(0, 20)}`, command(target, OUTSIDER, text)));
  add(
    signed(
      'command: admin with a forged channel',
      command(target, ADMIN, 'report', { channel_id: 'C0ADMINS<!channel>' }),
    ),
  );
  add(
    signed(
      'command: admin with a bad response_url',
      command(target, ADMIN, 'report', { response_url: 'file:///etc/passwd' }),
    ),
  );
  add(signed('command: unknown command', form({ command: '/rm-rf', text: '/', user_id: OUTSIDER })));
  add(signed('command: user id missing', form({ command: '/iam-audit', text: 'report' })));

  // Retries as Slack marks them, with odd values.
  for (const retry of ['1', 'abc', '9'.repeat(40)]) {
    const probe = signed(
      `retry ${retry.slice(0, 5)}`,
      interaction(blockActions(target, ACTION.delete, ownCase, OUTSIDER)),
    );
    add({
      ...probe,
      headers: { ...probe.headers, 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' },
    });
  }

  // Sizes: at the limit, past it signed and unsigned, and a Content-Length that lies.
  const padded = (size: number) => {
    const base = interaction({ ...blockActions(target, ACTION.delete, ownCase, OUTSIDER), pad: '' });
    return base + 'x'.repeat(Math.max(0, size - base.length));
  };
  add(signed('size: just under the limit', padded(MAX_BODY_BYTES - 1000)));
  add(signed('size: one byte over the limit', padded(MAX_BODY_BYTES + 1)));
  add({
    name: 'size: 3.9 MB unsigned',
    headers: { 'content-type': FORM },
    body: Buffer.alloc(3_900_000, 'a'),
  });
  add({ ...signed('size: 3.9 MB signed', Buffer.alloc(3_900_000, 'a')) });
  add({
    name: 'size: Content-Length 4 MB, 10 bytes sent',
    headers: { 'content-type': FORM },
    body: Buffer.from('payload=aa'),
    declaredLength: 4_000_000,
  });

  // Other methods and paths.
  add({ name: 'GET the endpoint', method: 'GET', headers: {}, body: Buffer.alloc(0) });
  add({ ...signed('PUT the endpoint', 'ssl_check=1'), method: 'PUT' });
  add({ ...signed('POST elsewhere', 'ssl_check=1'), path: '/admin' });
  add({
    ...signed('POST with a query', interaction(blockActions(target, ACTION.approve, ownCase, OUTSIDER))),
    path: '/slack/events?x=1',
  });
  return probes;
}

type Outcome = number | 'reset';

/** Sends one probe over a fresh connection; the status, or 'reset' when no response came back. */
function send(base: string, probe: Probe): Promise<Outcome> {
  return new Promise((resolve) => {
    const url = new URL(probe.path ?? '/slack/events', base);
    const req = request(url, {
      method: probe.method ?? 'POST',
      headers: { ...probe.headers, 'content-length': String(probe.declaredLength ?? probe.body.length) },
      agent: false,
    });
    let status: Outcome | undefined;
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => {
        resolve(status as Outcome);
        req.destroy();
      });
    });
    // A server may close early on a body it refused: that is a response if one came first.
    req.on('error', () => resolve(status ?? 'reset'));
    if (probe.declaredLength !== undefined) req.write(probe.body);
    else req.end(probe.body);
  });
}

interface Tally {
  tried: number;
  crashes: string[];
  statuses: Record<string, number>;
}

async function fire(base: string, probes: readonly Probe[], tally: Tally): Promise<void> {
  for (const probe of probes) {
    const outcome = await send(base, probe);
    tally.tried += 1;
    tally.statuses[String(outcome)] = (tally.statuses[String(outcome)] ?? 0) + 1;
    if (outcome === 'reset' || outcome >= 500) tally.crashes.push(`${probe.name}: ${outcome}`);
  }
}

/** What an unauthorised request could change: IAM, the ledger, the cases, the admins' view. */
interface Effects {
  readonly iam: string;
  readonly ledger: string;
  readonly ledgerWrites: number;
  readonly cases: string;
  readonly adminPosts: number;
  readonly updates: number;
  readonly modals: number;
  readonly files: number;
}

function differences(before: Effects, after: Effects): string[] {
  return (Object.keys(before) as (keyof Effects)[]).filter((key) => before[key] !== after[key]);
}

async function slackEffects(slack: FakeSlack) {
  return {
    adminPosts: slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN_CHANNEL).length,
    updates: slack.callsTo('chat.update').length,
    modals: slack.callsTo('views.open').length,
    files: slack.files.length,
  };
}

const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
const totals: Tally = { tried: 0, crashes: [], statuses: {} };
let effectCount = 0;

beforeAll(() => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});

afterAll(() => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  const crashes = totals.crashes.length + uncaught.length;
  process.stdout.write(
    `hostile slack: ${totals.tried} requests tried, ${crashes} crashes, ${effectCount} unauthorised effects\n`,
  );
});

describe('hostile Slack corpus', () => {
  // A few hundred requests each, on a busy machine: the default 20 s is too tight.
  jest.setTimeout(180_000);

  it('the self-hosted receiver survives it and nothing changes', async () => {
    const sw = await SlackWorld.start();
    try {
      await sw.sweep();
      const caseIds = [
        SlackWorld.caseOf('AKIAEXAMPLEETLXX1001', '2026-11-28'),
        SlackWorld.caseOf('AKIAEXAMPLELOGXX1004', '2026-11-30'),
      ];
      const effects = async (): Promise<Effects> => ({
        iam: JSON.stringify(sw.world.account.toJSON()),
        ledger: JSON.stringify(sw.world.sheets.getSheet('sheet-under-test', '台帳')),
        ledgerWrites: sw.world.sheets.stats.writes,
        cases: JSON.stringify(await Promise.all(caseIds.map((id) => sw.world.state.cases.get(id)))),
        ...(await slackEffects(sw.slack)),
      });
      const before = await effects();
      const tally: Tally = { tried: 0, crashes: [], statuses: {} };
      const base = new URL(sw.url).origin;
      await fire(
        base,
        corpus({
          teamId: sw.slack.identity.teamId,
          caseIds,
          triggerId: (u) => sw.slack.triggerId(u),
          responseUrl: () => sw.slack.responseUrl(),
        }),
        tally,
      );
      // Still serving after all of it.
      expect(await send(base, signed('health', 'ssl_check=1'))).toBe(200);
      // Stopping waits for every listener still working after its ack.
      await sw.app.stop();
      const changed = differences(before, await effects());
      totals.tried += tally.tried;
      totals.crashes.push(...tally.crashes);
      effectCount += changed.length;
      expect({ crashes: tally.crashes, changed, uncaught }).toEqual({
        crashes: [],
        changed: [],
        uncaught: [],
      });
      // Refused at the door, not by luck further in.
      expect(tally.statuses['401']).toBeGreaterThanOrEqual(70);
      expect(tally.statuses['413']).toBeGreaterThanOrEqual(4);
    } finally {
      await sw.close();
    }
  });

  it('the Lambda handler survives it and nothing changes, worker invocations included', async () => {
    const lambda = await startLambdaWorld();
    try {
      await runSweepMachine(lambda.handlers, { 'detail-type': 'Scheduled Event' });
      const dm = lambda.slack.messages('U01YAMADA')[0];
      const ownCase = JSON.stringify(dm?.blocks).match(/"value":"(AKIA[^"]+)"/)?.[1] ?? '';
      const effects = async (): Promise<Effects> => ({
        iam: JSON.stringify(lambda.account.toJSON()),
        ledger: JSON.stringify(lambda.sheets.getSheet(SHEET, '台帳')),
        ledgerWrites: lambda.sheets.stats.writes,
        cases: '',
        ...(await slackEffects(lambda.slack)),
      });
      const before = await effects();
      const tally: Tally = { tried: 0, crashes: [], statuses: {} };
      await fire(
        lambda.gatewayUrl,
        corpus({
          teamId: lambda.slack.identity.teamId,
          caseIds: [ownCase, 'AKIAEXAMPLELOGXX1004#2026-11-30'],
          triggerId: (u) => lambda.slack.triggerId(u),
          responseUrl: () => lambda.slack.responseUrl(),
          // A body that never finishes arriving is API Gateway's to time out, not the handler's.
        }).filter((probe) => probe.declaredLength === undefined),
        tally,
      );
      expect(await send(lambda.gatewayUrl, signed('health', 'ssl_check=1', { secret: LAMBDA_SECRET }))).toBe(
        200,
      );
      // What the listeners handed to the worker runs there, as Lambda would.
      for (const invocation of lambda.invocations)
        await lambda.handlers.worker(invocation as { job: never }).catch((error: unknown) => {
          tally.crashes.push(`worker: ${String(error)}`);
        });
      const changed = differences(before, await effects());
      totals.tried += tally.tried;
      totals.crashes.push(...tally.crashes);
      effectCount += changed.length;
      expect({ crashes: tally.crashes, changed, uncaught }).toEqual({
        crashes: [],
        changed: [],
        uncaught: [],
      });
      expect(tally.statuses['401']).toBeGreaterThanOrEqual(70);
    } finally {
      await lambda.close();
    }
  });
});

const LAMBDA_SECRET = SIGNING_SECRET;
const SHEET = 'hostile-ledger';
const REFERENCE = '2026-11-24' as LocalDate;

/** The Lambda handlers on fakes, behind a local stand-in for API Gateway's HTTP API. */
async function startLambdaWorld() {
  const account = IamAccount.fromJSON(exampleAccount());
  const iam: IamServer = await startIamServer(account);
  const shift = daysBetween(REFERENCE, dateInZone(new Date(), 'Asia/Tokyo'));
  const sheets: FakeSheets = await startSheetsServer({ requireAuth: true });
  sheets.setSheet(
    SHEET,
    '台帳',
    parse(shiftLedgerDates(readFileSync(join(EXAMPLES, 'ledger.csv'), 'utf8'), shift)),
  );
  sheets.setSheet(SHEET, 'users', parse(readFileSync(join(EXAMPLES, 'people.csv'), 'utf8')));
  const slack: FakeSlack = await startSlackServer({ token: 'xoxb-lambda' });
  slack.setUsers([
    { id: OWNER, email: 'yamada@example.com', name: 'yamada' },
    { id: OUTSIDER, email: 'sato@example.com', name: 'sato' },
  ]);
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, 'keywarden-hostile');
  const invocations: unknown[] = [];
  const lambdaService = await listen(async (req, body, res) => {
    invocations.push(JSON.parse(body.toString('utf8')));
    res.writeHead(req.headers['x-amz-invocation-type'] === 'Event' ? 202 : 400).end();
  });
  const s3: FakeS3 = await startS3Server([SWEEP_RUN_BUCKET]);
  const env = lambdaEnv({
    spreadsheetId: SHEET,
    sheetsUrl: sheets.url,
    iamUrl: iam.url,
    dynamoEndpoint: dynamo.endpoint,
    table: 'keywarden-hostile',
    slackApiUrl: slack.apiUrl,
    signingSecret: LAMBDA_SECRET,
    adminChannel: ADMIN_CHANNEL,
    admins: ADMIN,
    workerName: 'keywarden-hostile-worker',
    lambdaUrl: lambdaService.url,
    s3Url: s3.url,
  });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const handlers = createHandlers(() => env);
  // API Gateway buffers up to 10 MB and hands the body over, base64 for anything not JSON.
  const gateway = await listen(async (req, body, res) => {
    if (body.length > 10 * 1024 * 1024) return void res.writeHead(413).end();
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : (value ?? ''),
      ]),
    );
    const response = await handlers.slack(
      {
        version: '2.0',
        routeKey: `${req.method} ${path}`,
        rawPath: path,
        rawQueryString: query,
        headers,
        requestContext: { http: { method: req.method, path } },
        body: json ? body.toString('utf8') : body.toString('base64'),
        isBase64Encoded: !json,
      },
      {},
    );
    res.writeHead(response.statusCode, (response.headers ?? {}) as Record<string, string>).end(response.body);
  });
  return {
    account,
    sheets,
    slack,
    handlers,
    invocations,
    gatewayUrl: gateway.url,
    async close() {
      process.env = saved;
      nock.cleanAll();
      await Promise.all([
        gateway.close(),
        lambdaService.close(),
        iam.close(),
        sheets.close(),
        slack.close(),
        dynamo.close(),
        s3.close(),
      ]);
    },
  };
}

/** A local HTTP server that reads whole bodies; a failing handler is a 502, as API Gateway answers. */
async function listen(
  handle: (req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) => Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, Buffer.concat(chunks), res).catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
