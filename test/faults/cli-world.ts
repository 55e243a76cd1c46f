/**
 * The real `keywarden sweep --apply` as a child process, against servers in the test process:
 * the IAM simulator, dynalite (behind a tap), the Slack fake (behind a tap) and a CSV ledger in
 * a temporary directory. Every request the child makes to IAM, DynamoDB or Slack is a "tick";
 * a run can be armed to SIGKILL the child at a given tick, either before the service applies
 * that request or after it has applied it but before the child hears back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  IamAccount,
  type IamAccountFixture,
  type IamRequestParams,
  type IamServer,
  startIamServer,
} from '@keywarden/iam-simulator';
import type { EmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { KEY_PREFIX, lockItemKey } from '../../src/adapters/store/table';
import type { SweepJson } from '../../src/text/sweep-json';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { startTap, type Tap, type TapRequest, type TapVerdict } from '../support/http-tap';
import { EXAMPLES, exampleAccount, NOW } from '../support/world';

export const BOT_TOKEN = 'xoxb-fault-test';
export const ADMIN_CHANNEL = 'C0ADMINS';
export const ADMIN = 'U0ADMIN';
export const SWEEP_DATE = '2026-11-24';
/**
 * Any one CLI run taking longer than this is a hang, not a slow machine: a run takes a few
 * seconds on a 2-core machine beside two CPU-bound processes, most of it the child starting up,
 * and stayed under 20 s at a load average of 20.
 */
const RUN_TIMEOUT_MS = 60_000;
/**
 * The CLI's pacing of posts to one channel (`SLACK_POST_INTERVAL_MS`), which the worlds' Slack
 * enforces. Slack's own 1.1 s would make every run wait a second per admin-channel post for
 * nothing a kill test looks at; the pacer's code path and the post order stay the same.
 */
export const SLACK_POST_INTERVAL_MS = 100;
/**
 * Posts to one channel the worlds' Slack takes at once: room for a post that was paced
 * correctly but reached the server late (a busy machine) followed by one on time.
 */
const SLACK_BURST = 3;

/** The CLI a world runs: its script and, optionally, a `NODE_COMPILE_CACHE` shared by its runs. */
export interface CliProgram {
  readonly script: string;
  readonly compileCache?: string;
}

export type Service = 'iam' | 'dynamodb' | 'slack';

/** One request the child made, as the kill trigger sees it. */
export interface Tick {
  readonly n: number;
  readonly service: Service;
  /** IAM action, DynamoDB operation or Slack method. */
  readonly operation: string;
  /** What it was about: IAM parameters, the DynamoDB item key, the Slack channel and text. */
  readonly detail: string;
  /** Milliseconds since the child was started. */
  readonly ms: number;
}

export interface KillPlan {
  /** Kill at the first tick this accepts (a number means "the n-th tick"). */
  readonly at: number | ((tick: Tick) => boolean);
  /** Whether the service applies the request the child dies on. */
  readonly applied: boolean;
}

export interface RunOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly killedAt: Tick | null;
  readonly ticks: readonly Tick[];
  readonly stdout: string;
  readonly stderr: string;
  /** The JSON report, when the run got as far as printing it. */
  readonly report: SweepJson | null;
}

export interface Mutation {
  readonly action: string;
  readonly params: IamRequestParams;
}

export interface Snapshot {
  readonly iam: IamAccountFixture;
  readonly ledger: string;
  /** Journal key → state. */
  readonly journal: ReadonlyMap<string, string>;
  /** chat.postMessage calls Slack served, by channel (user id for DMs), as texts. */
  readonly posts: ReadonlyMap<string, readonly string[]>;
}

const MUTATING = /^(Delete|Detach|Remove|Update|Deactivate|Put|Attach|Create|Tag|Untag)/;

function slackChannelAndText(request: TapRequest): string {
  const body = request.body.toString('utf8');
  const type = String(request.headers['content-type'] ?? '');
  let args: Record<string, unknown> = {};
  try {
    args = type.includes('json')
      ? (JSON.parse(body) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(body));
  } catch {
    args = {};
  }
  return `${String(args.channel ?? args.email ?? '')} ${String(args.text ?? '')}`;
}

function dynamoDetail(request: TapRequest): string {
  // The item key and, for audit records, the action: enough to aim a kill at one write.
  const body = request.body.toString('utf8');
  const pk = /"pk":\{"S":"([^"]*)"/.exec(body)?.[1] ?? '';
  const action = /"action":\{"S":"([^"]*)"/.exec(body)?.[1] ?? '';
  const state = /"state":\{"S":"([^"]*)"/.exec(body)?.[1] ?? '';
  return [pk, action, state].filter(Boolean).join(' ');
}

export class CliWorld {
  readonly account: IamAccount;
  /** Every mutating IAM call that reached the account, across all runs. */
  readonly mutations: Mutation[] = [];
  private child: ChildProcess | null = null;
  private plan: KillPlan | null = null;
  private ticks: Tick[] = [];
  private killedAt: Tick | null = null;
  private startedAt = 0;

  private constructor(
    private readonly cli: CliProgram,
    private readonly dir: string,
    private readonly table: string,
    private readonly dynamo: EmbeddedDynamo,
    account: IamAccount,
    private readonly iam: IamServer,
    private readonly dynamoTap: Tap,
    readonly slack: FakeSlack,
    private readonly slackTap: Tap,
    private readonly ledgerPath: string,
    private readonly peoplePath: string,
    private readonly extraEnv: Readonly<Record<string, string | undefined>>,
  ) {
    this.account = account;
  }

  /** `dynamo` is shared between worlds; each world gets its own table. */
  /**
   * `env` adds to (or, with undefined, removes from) the child's environment. By default the
   * key-age and unused-key thresholds are set out of reach, so the hygiene part of the sweep
   * runs (credential report, root and MFA findings, the admins' digest) without DMing a finding
   * to every owner.
   */
  static async start(
    cli: string | CliProgram,
    dynamo: EmbeddedDynamo,
    table: string,
    env: Readonly<Record<string, string | undefined>> = { KEY_MAX_AGE_DAYS: '3650', UNUSED_DAYS: '3650' },
  ): Promise<CliWorld> {
    await ensureTable(dynamo.client, table);
    const dir = mkdtempSync(join(tmpdir(), 'keywarden-kill-'));
    const ledgerPath = join(dir, 'ledger.csv');
    const peoplePath = join(dir, 'people.csv');
    copyFileSync(join(EXAMPLES, 'ledger.csv'), ledgerPath);
    copyFileSync(join(EXAMPLES, 'people.csv'), peoplePath);
    // A report ready at once: real IAM keeps one for 4 hours, and polling would only add a second per world.
    const account = IamAccount.fromJSON(exampleAccount(), {
      clock: () => new Date(NOW),
      credentialReportReadyAfterCalls: 0,
    });

    // The hooks need the world; the world needs the servers: bind through a holder.
    const holder: { world?: CliWorld } = {};
    const iam = await startIamServer(account, {
      beforeAction: (action, params) => holder.world?.onIam(action, params),
    });
    const dynamoTap = await startTap({
      target: dynamo.endpoint,
      label: (request) => String(request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', ''),
      intercept: (request) =>
        holder.world?.onTap('dynamodb', request, {
          operation: String(request.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', ''),
          detail: dynamoDetail(request),
        }) ?? { kind: 'forward' },
    });
    const slack = await startSlackServer({
      token: BOT_TOKEN,
      channelRate: { intervalMs: SLACK_POST_INTERVAL_MS, burst: SLACK_BURST },
    });
    slack.setUsers([
      { id: 'U01YAMADA', email: 'yamada@example.com', name: 'yamada' },
      { id: 'U02SATO', email: 'sato@example.com', name: 'sato' },
      { id: 'U03SUZUKI', email: 'suzuki@example.com', name: 'suzuki' },
      { id: ADMIN, email: 'admin@example.com', name: 'admin', isAdmin: true },
    ]);
    const slackBase = new URL(slack.apiUrl);
    const slackTap = await startTap({
      target: `${slackBase.protocol}//${slackBase.host}`,
      intercept: (request) =>
        holder.world?.onTap('slack', request, {
          operation: request.path.replace(/^\/api\//, '').split('?')[0] ?? '',
          detail: slackChannelAndText(request),
        }) ?? { kind: 'forward' },
    });
    const world = new CliWorld(
      typeof cli === 'string' ? { script: cli } : cli,
      dir,
      table,
      dynamo,
      account,
      iam,
      dynamoTap,
      slack,
      slackTap,
      ledgerPath,
      peoplePath,
      env,
    );
    holder.world = world;
    return world;
  }

  /** The child's whole environment: nothing leaks in from the test process but PATH. */
  env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: this.dir,
      KEYWARDEN_HOME: join(this.dir, 'home'),
      LOG_LEVEL: 'error',
      TIME_ZONE: 'Asia/Tokyo',
      LANGUAGE: 'ja',
      IAM_SOURCE: 'aws',
      IAM_ENDPOINT: this.iam.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDFAULTTEST',
      AWS_SECRET_ACCESS_KEY: 'fault-test-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      STATE_SOURCE: 'aws',
      DYNAMODB_ENDPOINT: this.dynamoTap.url,
      DYNAMODB_TABLE: this.table,
      LEDGER_SOURCE: 'csv',
      LEDGER_CSV: this.ledgerPath,
      PEOPLE_CSV: this.peoplePath,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: `${this.slackTap.url}/api/`,
      SLACK_ADMIN_CHANNEL: ADMIN_CHANNEL,
      SLACK_ADMIN_USERS: ADMIN,
      SLACK_POST_INTERVAL_MS: String(SLACK_POST_INTERVAL_MS),
      ...(this.cli.compileCache ? { NODE_COMPILE_CACHE: this.cli.compileCache } : {}),
    };
    for (const [name, value] of Object.entries(this.extraEnv)) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    return env;
  }

  /** One `keywarden sweep --apply`, killed as planned (or run to its end without a plan). */
  async run(plan: KillPlan | null = null): Promise<RunOutcome> {
    if (this.child) throw new Error('a run is already going');
    this.plan = plan;
    this.ticks = [];
    this.killedAt = null;
    this.startedAt = performance.now();
    const child = spawn(
      process.execPath,
      [this.cli.script, 'sweep', '--apply', '--date', SWEEP_DATE, '--json'],
      { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);
    this.child = null;
    this.plan = null;
    const out = Buffer.concat(stdout).toString('utf8');
    let report: SweepJson | null = null;
    const start = out.indexOf('{');
    if (start >= 0) {
      try {
        report = JSON.parse(out.slice(start)) as SweepJson;
      } catch {
        report = null;
      }
    }
    if (!this.killedAt && signal === 'SIGKILL') throw new Error(`the CLI hung for ${RUN_TIMEOUT_MS} ms`);
    return {
      code,
      signal,
      killedAt: this.killedAt,
      ticks: this.ticks,
      stdout: out,
      stderr: Buffer.concat(stderr).toString('utf8'),
      report,
    };
  }

  /**
   * A SIGKILLed sweep leaves its lock until its lease (2 minutes by default) runs out, and a
   * Slack channel it was posting to until that turn's lease (30 s) does; this is that moment.
   */
  async expireLock(): Promise<void> {
    const keys = [lockItemKey('sweep')];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamo.client.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(pk, :pace)',
          ExpressionAttributeValues: { ':pace': { S: KEY_PREFIX.pace } },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) keys.push({ pk: item.pk?.S ?? '', sk: item.sk?.S ?? '' });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const key of keys)
      await this.dynamo.client.send(
        new DeleteItemCommand({ TableName: this.table, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
      );
  }

  async snapshot(): Promise<Snapshot> {
    const journal = new Map<string, string>();
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamo.client.send(
        new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey, ConsistentRead: true }),
      );
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S ?? '';
        if (pk.startsWith('JOURNAL#')) journal.set(pk.slice('JOURNAL#'.length), item.state?.S ?? '');
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const posts = new Map<string, string[]>();
    for (const call of this.slack.callsTo('chat.postMessage')) {
      if (!call.ok) continue;
      const channel = String(call.args.channel ?? '');
      posts.set(channel, [...(posts.get(channel) ?? []), String(call.args.text ?? '')]);
    }
    return { iam: this.account.toJSON(), ledger: readFileSync(this.ledgerPath, 'utf8'), journal, posts };
  }

  async close(): Promise<void> {
    this.child?.kill('SIGKILL');
    await Promise.all([this.iam.close(), this.dynamoTap.close(), this.slackTap.close(), this.slack.close()]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tick(service: Service, operation: string, detail: string): 'kill' | 'go' {
    if (!this.child || this.killedAt) return 'go';
    const ms = Math.round(performance.now() - this.startedAt);
    const tick: Tick = { n: this.ticks.length + 1, service, operation, detail, ms };
    this.ticks.push(tick);
    const plan = this.plan;
    if (!plan) return 'go';
    const hit = typeof plan.at === 'number' ? plan.at === tick.n : plan.at(tick);
    if (!hit) return 'go';
    this.killedAt = tick;
    this.child.kill('SIGKILL');
    return 'kill';
  }

  private onIam(action: string, params: IamRequestParams): void {
    const verdict = this.tick('iam', action, JSON.stringify(params));
    const applied = verdict === 'go' || this.plan?.applied === true;
    if (!applied) throw new Error('killed before IAM applied the request');
    // Real IAM keeps a report for four hours, so a sweep usually finds one ready; without this
    // the first call answers STARTED and the CLI waits a second before asking again. The report
    // is still taken at the moment the CLI first asks for it.
    if (action === 'GenerateCredentialReport') this.account.generateCredentialReport();
    if (MUTATING.test(action)) this.mutations.push({ action, params });
  }

  private onTap(
    service: Service,
    _request: TapRequest,
    what: { operation: string; detail: string },
  ): TapVerdict {
    if (this.tick(service, what.operation, what.detail) === 'go') return { kind: 'forward' };
    return { kind: this.plan?.applied ? 'forward-then-drop' : 'drop' };
  }
}
