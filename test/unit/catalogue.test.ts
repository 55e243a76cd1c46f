import type { KnownBlock, View } from '@slack/types';
import type { ActionDetail } from '../../src/domain/action-detail';
import { CREDENTIAL_REPORT_COLUMNS, parseCredentialReport } from '../../src/domain/credential-report';
import type { LocalDate } from '../../src/domain/dates';
import { FINDING_KINDS, type Finding, summarise } from '../../src/domain/hygiene';
import { type LedgerRow, parseLedger, unreadableRow } from '../../src/domain/ledger';
import type { OwnerUnknown } from '../../src/domain/people';
import type { Action, Skip } from '../../src/domain/planner';
import type { ActionResult, SweepReport } from '../../src/domain/report';
import type { StopReason } from '../../src/domain/stop-reason';
import type { LockHolderView } from '../../src/domain/sweep-lock';
import type { UserHoldings } from '../../src/domain/teardown';
import type { GroupLine, NoticeCase } from '../../src/ports/cases';
import { groupMessage } from '../../src/slack/admin-groups';
import {
  adminCopy,
  approvalRequest,
  denyModal,
  extendModal,
  finalOwnerNotice,
  ownerFindings,
  ownerNotice,
  VIEW,
} from '../../src/slack/blocks';
import { caseMessages } from '../../src/slack/case-messages';
import { parseAuditCommand } from '../../src/slack/iam-audit-command';
import { outcomeText } from '../../src/slack/listeners/reply';
import { sweepSummary } from '../../src/slack/summary';
import { workerFailureText } from '../../src/slack/worker-failures';
import type { Outcome } from '../../src/slack/workflow';
import {
  deactivatedLine,
  finalNoticeLine,
  findingsText,
  ownerUnknownLine,
  sweepReportLines,
  weekAheadLine,
} from '../../src/text/console-notices';
import { digestText, renderFindings } from '../../src/text/findings';
import {
  credentialReportTitle,
  ledgerReport,
  topicFindings,
  uploadedLine,
  userReport,
} from '../../src/text/hygiene-reports';
import { type Messages, messages } from '../../src/text/messages';
import { renderReport } from '../../src/text/sweep-report';
import { englishIn } from '../support/japanese';

const ja = messages('ja');
const en = messages('en');

describe('the catalogue has the same keys in Japanese and English', () => {
  /** Every key path with what is there: a function's arity, a list's length, or a value's type. */
  function shape(value: unknown, path = ''): string[] {
    if (typeof value === 'function') return [`${path}: function/${value.length}`];
    if (Array.isArray(value))
      return [`${path}: list/${value.length}`, ...value.flatMap((item, i) => shape(item, `${path}[${i}]`))];
    if (value !== null && typeof value === 'object')
      return Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([key, item]) => shape(item, path ? `${path}.${key}` : key));
    return [`${path}: ${typeof value}`];
  }

  it('at run time, nested sections and function arity included', () => {
    expect(shape(ja)).toEqual(shape(en));
  });

  it('leaves no text empty', () => {
    const empty = (value: unknown, path: string): string[] =>
      value === ''
        ? [path]
        : value !== null && typeof value === 'object'
          ? Object.entries(value).flatMap(([key, item]) => empty(item, `${path}.${key}`))
          : [];
    expect([...empty(ja, 'ja'), ...empty(en, 'en')]).toEqual([]);
  });

  it('the shape walk notices a missing key and a changed arity', () => {
    const { busy: _missing, ...withoutBusy } = ja;
    expect(shape(withoutBusy)).not.toEqual(shape(en));
    const otherArity = { ...ja, findings: { ...ja.findings, digestMore: () => '' } };
    expect(shape(otherArity)).not.toEqual(shape(en));
  });
});

// ---------------------------------------------------------------------------------------------
// Text that reaches Japanese output as it is: data, not catalogue text.

/**
 * Error text from AWS, Google and Slack: shown as the service wrote it, so an admin can search
 * for it. Data, not ours to translate.
 */
const ERROR_TEXT = {
  iam: 'AccessDenied: User is not authorized to perform: iam:DeleteUser',
  sheets: 'The caller does not have permission',
  assumeRole: 'AccessDenied: not authorized to perform sts:AssumeRole',
  /** Node's code for a write to a pipe whose reader left. */
  pipe: 'EPIPE',
  /** DynamoDB's words for a lock renewal that failed. */
  store: 'ResourceNotFoundException: Requested resource not found',
  /** The error name Step Functions gives a Map state that failed as a whole. */
  mapError: 'States.TaskFailed',
  /** Lambda's record of the same error, its type first. */
  lambda: 'Error: AccessDenied: User is not authorized to perform: iam:DeleteUser',
  json: `Unexpected token 'o', "not json" is not valid JSON`,
  slack: 'An API error occurred: channel_not_found',
  slackCode: 'user_disabled',
  /** csv-parse's own words for a credential report line it could not read. */
  csv: 'Invalid Closing Quote: got "x" at line 1 instead of delimiter, record delimiter, trimable character (if activated) or comment',
} as const;

/** What the admin typed after `/iam-audit`, echoed back in the refusal. */
const TYPED = ['soon', 'frobnicate'] as const;

/**
 * Cells from the ledger or a credential report, shown as typed. Every reason the domain and
 * the sweep give is worded by the catalogue from facts (`Messages.reasons`): nothing else here.
 */
const DOMAIN_DETAILS = {
  /** A credential report cell as IAM wrote it. */
  reportCell: 'yes',
} as const;

// ---------------------------------------------------------------------------------------------
// Realistic fixtures: what a Japanese team's ledger, IAM account and Slack hold.

const date = (text: string) => text as LocalDate;

function row(rowNumber: number, iamUser: string, endDate: string): LedgerRow {
  return {
    rowNumber,
    id: `AKIAEXAMPLEETLXX100${rowNumber}`,
    name: '山田 太郎',
    purpose: '売上データの夜間集計',
    resource: 's3://analytics-raw',
    iamUser,
    accessKeyId: `AKIAEXAMPLEETLXX100${rowNumber}`,
    startDate: date('2026-05-01'),
    endDate: date(endDate),
    status: 'active',
    accountId: null,
  };
}

/** Everything an owner lookup tries, each failing. */
const OWNER_UNKNOWN: OwnerUnknown = {
  tried: [
    { kind: 'name', name: '山田 太郎', matches: 0 },
    { kind: 'ledger-email', address: 'yamada@example.co.jp', noSlackUser: true },
    { kind: 'no-slack-id-tag' },
    { kind: 'email-tag', address: 'taro.yamada@example.co.jp', noSlackUser: false },
  ],
};

const ETL = row(2, 'etl-batch', '2026-12-04');
const ML = row(3, 'ml-train', '2026-11-29');
const CI = row(4, 'ci-deploy', '2026-11-20');
const liveKey = { accessKeyId: ML.accessKeyId, status: 'Active' as const };

const notice: NoticeCase = {
  id: `${ETL.accessKeyId}#2026-12-04`,
  accessKeyId: ETL.accessKeyId,
  accountId: '123456789012',
  iamUser: ETL.iamUser,
  name: ETL.name,
  purpose: ETL.purpose,
  resource: ETL.resource,
  startDate: ETL.startDate,
  endDate: ETL.endDate,
  ownerSlackId: 'U01YAMADA',
  status: 'open',
  ownerMessage: { channel: 'D0OWNER', ts: '1.000100' },
  adminMessages: [
    { channel: 'C0ADMINS', ts: '1.000200' },
    { channel: 'C0ADMINS', ts: '1.000300' },
  ],
  version: 1,
};
const request = {
  newEndDate: date('2027-01-31'),
  reason: '来期の集計まで必要です',
  requestedBy: 'U01YAMADA',
  requestedAt: '2026-11-30T01:00:00.000Z',
};

/** One finding of every kind, as the hygiene checks make them (their English detail included). */
const FINDINGS: readonly Finding[] = [
  {
    kind: 'password-expiring',
    key: 'k1',
    user: 'sato',
    dueAt: new Date('2026-12-03T00:00:00Z'),
    dueDate: date('2026-12-03'),
    daysLeft: 3,
    detail: 'console password expires in 3 days, on 2026-12-03',
  },
  {
    kind: 'password-expired',
    key: 'k2',
    user: 'suzuki',
    dueAt: new Date('2026-11-20T00:00:00Z'),
    dueDate: date('2026-11-20'),
    daysOverdue: 10,
    detail: 'console password expired on 2026-11-20 (10 days ago); the user must set a new one to sign in',
  },
  {
    kind: 'key-expiring',
    key: 'k3',
    user: 'etl-batch',
    slot: 1,
    createdOn: date('2026-09-05'),
    ageDays: 86,
    dueDate: date('2026-12-04'),
    daysLeft: 4,
    detail: 'access key 1 is 86 days old (created 2026-09-05); rotate it within 4 days, by 2026-12-04',
  },
  {
    kind: 'key-too-old',
    key: 'k4',
    user: 'ml-train',
    slot: 2,
    createdOn: date('2026-03-01'),
    ageDays: 274,
    limitDays: 90,
    detail: 'access key 2 is 274 days old (created 2026-03-01); the limit is 90 days: rotate it',
  },
  {
    kind: 'unused-credentials',
    key: 'k5',
    user: 'ml-train',
    credential: { type: 'access-key', slot: 1 },
    idleSince: date('2026-03-01'),
    idleDays: 274,
    basis: 'key-created',
    detail:
      'access key 1 not used for 274 days (never used; created 2026-03-01): remove it if nobody needs it',
  },
  {
    kind: 'unused-credentials',
    key: 'k6',
    user: 'tanaka',
    credential: { type: 'password' },
    idleSince: date('2026-06-01'),
    idleDays: 182,
    basis: 'password-changed',
    detail: 'console password not used for 182 days (no sign-in on record; the password was set 2026-06-01)',
  },
  { kind: 'no-mfa', key: 'k7', user: 'tanaka', detail: 'console password enabled without MFA' },
  { kind: 'root-no-mfa', key: 'k8', user: '<root_account>', detail: 'root user has no MFA device' },
  {
    kind: 'root-access-keys',
    key: 'k9',
    user: '<root_account>',
    slot: 1,
    lastUsed: null,
    lastUsedOn: null,
    detail: 'root user has active access key 1 (never used): delete it',
  },
  {
    kind: 'root-recent-use',
    key: 'k10',
    user: '<root_account>',
    credential: { type: 'password' },
    usedAt: new Date('2026-11-29T03:00:00Z'),
    usedOn: date('2026-11-29'),
    daysAgo: 1,
    detail: "root user's password was used 1 day ago, on 2026-11-29",
  },
];

const ACTIONS: readonly Action[] = [
  { kind: 'notify-week-ahead', key: 'a1', row: ETL, slackId: 'U01YAMADA', daysLeft: 4 },
  { kind: 'notify-owner-unknown', key: 'a2', row: ML, reason: OWNER_UNKNOWN, daysLeft: 0 },
  {
    kind: 'notify-final',
    key: 'a3',
    row: ML,
    deleteOn: date('2026-12-03'),
    to: { kind: 'owner', slackId: 'U02SATO' },
  },
  {
    kind: 'notify-final',
    key: 'a4',
    row: CI,
    deleteOn: date('2026-12-03'),
    to: { kind: 'admins', reason: OWNER_UNKNOWN },
  },
  {
    kind: 'teardown-user',
    userName: 'ci-deploy',
    rows: [CI],
    keys: ['a5'],
    customerPolicyArns: ['arn:aws:iam::123456789012:policy/ci-deploy-s3'],
  },
  {
    kind: 'delete-key',
    key: 'a6',
    row: ML,
    accessKey: liveKey,
    keptBecause: [
      { key: 'AKIA…9999', row: null },
      { key: 'AKIA…1003', row: { rowNumber: 3, status: 'extended', endDate: date('2027-01-31') } },
    ],
  },
  { kind: 'finish-teardown', key: 'a7', row: CI },
  {
    kind: 'deactivate-user',
    userName: 'ci-deploy',
    rows: [CI],
    keys: ['a8'],
    on: date('2026-11-30'),
    deleteOn: date('2026-12-07'),
  },
  {
    kind: 'deactivate-key',
    key: 'a9',
    row: ML,
    accessKey: liveKey,
    on: date('2026-11-30'),
    deleteOn: date('2026-12-07'),
  },
  { kind: 'record-deleted', key: 'a10', row: CI },
];

const SKIPS: readonly Skip[] = [
  { row: ETL, reason: 'error-status', detail: { kind: 'error-status' }, attention: true },
  {
    row: ML,
    reason: 'key-mismatch',
    detail: { kind: 'key-not-held', key: 'AKIA…1003', iamUser: 'ml-train', held: ['AKIA…9999'] },
    attention: true,
  },
  { row: CI, reason: 'not-due', detail: { kind: 'days-left', days: 12 }, attention: false },
  {
    row: CI,
    reason: 'other-account',
    detail: { kind: 'account-failed', account: '210987654321', error: ERROR_TEXT.assumeRole },
    attention: true,
  },
  ...[null, ERROR_TEXT.slack].map(
    (error): Skip => ({
      row: ML,
      reason: 'deactivated',
      detail: {
        kind: 'deactivated',
        since: date('2026-11-27'),
        deleteOn: date('2026-12-11'),
        announcedLate: { error },
      },
      attention: error !== null,
    }),
  ),
];

const SWEEP_ID = '3845c5ae-fb82-46c6-8402-8b2d851ce434';

/** What the executor reports for each of ACTIONS in an apply run, one of every kind. */
const DONE: readonly ActionDetail[] = [
  { kind: 'sent' },
  { kind: 'already-claimed', sweepId: SWEEP_ID, state: 'started' },
  { kind: 'not-sent', error: ERROR_TEXT.slack, marked: false },
  { kind: 'not-sent', error: ERROR_TEXT.slack, marked: true },
  { kind: 'failed', error: ERROR_TEXT.iam },
  { kind: 'deleted-key', key: 'AKIA…1003', userName: 'ml-train' },
  {
    kind: 'finished-teardown',
    policies: [
      { arn: 'arn:aws:iam::123456789012:policy/ci-deploy-s3', outcome: 'deleted' },
      { arn: 'arn:aws:iam::123456789012:policy/shared-read', outcome: 'still-attached' },
    ],
  },
  {
    kind: 'deactivated-unannounced',
    done: {
      kind: 'deactivated-user',
      userName: 'ci-deploy',
      steps: 3,
      deleteOn: date('2026-12-07'),
      missed: [
        { kind: 'messages-not-updated', count: 2 },
        { kind: 'owner-unreachable', owner: 'U01YAMADA', code: ERROR_TEXT.slackCode },
        { kind: 'owner-dm-failed', error: ERROR_TEXT.slack },
        { kind: 'admins-notice-failed', rowNumber: 4, error: ERROR_TEXT.slack },
        { kind: 'notice-unsaved', error: ERROR_TEXT.store },
        { kind: 'news-skipped' },
        { kind: 'announcement-unrecorded', error: ERROR_TEXT.store },
      ],
    },
  },
  { kind: 'refused', refusal: { kind: 'unexpected-keys', userName: 'ml-train', keys: ['AKIA…9999'] } },
  { kind: 'recorded-deleted' },
];
const OTHER_DONE: readonly ActionDetail[] = [
  { kind: 'removed-user', userName: 'ci-deploy', steps: 7, policies: [] },
  { kind: 'deactivated-key', key: 'AKIA…1003', deleteOn: date('2026-12-07'), missed: [] },
  { kind: 'refused', refusal: { kind: 'user-gone', userName: 'ci-deploy', outcome: 'deactivated' } },
  { kind: 'sent-unrecorded', error: ERROR_TEXT.slack },
  { kind: 'admin-copy-failed', error: ERROR_TEXT.slack },
];

const results = (outcome: ActionResult['outcome']): ActionResult[] =>
  ACTIONS.map((action, i) => ({
    action,
    outcome: outcome === 'planned' ? 'planned' : i === 4 ? 'failed' : 'done',
    detail: outcome === 'planned' ? { kind: 'dry-run' } : (DONE[i] ?? { kind: 'sent' }),
  }));

function report(mode: SweepReport['mode']): SweepReport {
  return {
    sweepId: SWEEP_ID,
    mode,
    today: date('2026-11-30'),
    ledger: 'ledger.csv',
    results: results(mode === 'apply' ? 'done' : 'planned'),
    skips: SKIPS,
    problems: [
      {
        rowNumber: 9,
        problems: [
          { kind: 'not-a-date', field: 'endDate', column: '利用終了日', cell: '来月末' },
          { kind: 'conflicting-rows', rows: [9, 12], iamUser: 'ml-train', over: 'account' },
        ],
        cells: [],
      },
    ],
    ledgerCellsWritten: 3,
    durationMs: 1234,
    hygiene: {
      generatedAt: '2026-11-30T00:12:00.000Z',
      counts: summarise(FINDINGS),
      total: FINDINGS.length,
      fresh: 4,
      notified: 2,
      notifiedFindings: 5,
      deactivated: (
        [
          'planned',
          'deactivated',
          'already-deactivated',
          'already-inactive',
          'user-gone',
          'no-live-key',
        ] as const
      ).map((outcome) => ({ userName: 'ml-train', slot: 2, outcome })),
      muted: 0,
      unreadMuteTags: [],
      problems: [],
    },
    accounts: [
      { account: '123456789012', ok: true },
      { account: '210987654321', ok: false, error: ERROR_TEXT.assumeRole },
    ],
    stopped: { reason: { kind: 'serve-shutting-down' } },
  };
}

const DEMO = '/home/yamada/.keywarden/demo';

const holderView = (expired: boolean): LockHolderView => ({
  owner: SWEEP_ID,
  process: { host: 'ip-10-0-1-23', pid: 4242 },
  acquiredAt: '2026-11-30T00:00:05.000Z',
  startedSecondsAgo: 95,
  renewedAt: '2026-11-30T00:01:05.000Z',
  renewedSecondsAgo: 35,
  lease: expired ? { expired: true, secondsAgo: 12 } : { expired: false, secondsLeft: 85 },
});

const holdings: UserHoldings = {
  userName: 'etl-batch',
  accessKeys: [{ accessKeyId: ETL.accessKeyId, status: 'Active' }],
  loginProfile: true,
  mfaDevices: ['arn:aws:iam::123456789012:mfa/etl-batch'],
  signingCertificates: [],
  sshPublicKeys: [],
  serviceSpecificCredentials: [],
  groups: [],
  inlinePolicies: [],
  attachedPolicies: ['arn:aws:iam::123456789012:policy/etl-read'],
};

// ---------------------------------------------------------------------------------------------
// Every surface, as a list of the texts a person reads.

/** Every `text` of every Block Kit object, however deep: sections, fields, contexts, buttons, confirms, modals. */
function blockTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(blockTexts);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === 'text' && typeof item === 'string' ? [item] : blockTexts(item),
  );
}

const blocks = (list: readonly KnownBlock[] | View) => blockTexts(list);

/** Every reason Keywarden itself gives for stopping a sweep ('other' is a reason it did not give). */
const STOPS: readonly StopReason[] = [
  { kind: 'signal', signal: 'SIGINT' },
  { kind: 'signal', signal: 'SIGTERM' },
  { kind: 'lock-lost' },
  { kind: 'lease-ran-out', error: ERROR_TEXT.store },
  { kind: 'serve-shutting-down' },
  { kind: 'lambda-timeout', marginSeconds: 60 },
  { kind: 'accounts-map-failed', error: ERROR_TEXT.mapError },
];

function surfaces(m: Messages): Record<string, string[]> {
  const deactivated: NoticeCase = {
    ...notice,
    status: 'deactivated',
    deactivation: { on: date('2026-11-30'), deleteOn: date('2026-12-07'), consoleRemoved: true },
  };
  const states: NoticeCase[] = [
    notice,
    { ...notice, decision: { by: 'U0ADMIN', at: 'x', outcome: 'denied', note: '期間が長すぎます' } },
    { ...notice, status: 'extension-requested', request },
    { ...notice, status: 'extended', request, decision: { by: 'U0ADMIN', at: 'x', outcome: 'approved' } },
    { ...notice, status: 'extended', request, decision: { by: 'U0ADMIN', at: 'x', outcome: 'reactivated' } },
    deactivated,
    { ...notice, status: 'deleted-unrecorded', decision: { by: 'U01YAMADA', at: 'x', outcome: 'deleted' } },
    { ...notice, status: 'deleted', decision: { by: 'U01YAMADA', at: 'x', outcome: 'deleted' } },
    {
      ...notice,
      status: 'in-flight',
      inFlight: { action: 'delete', by: 'U01YAMADA', since: 'x', from: 'open' },
    },
  ];
  const outcomes: Outcome[] = [
    { kind: 'not-allowed' },
    { kind: 'settled' },
    { kind: 'busy' },
    { kind: 'undone', action: 'approve', detail: ERROR_TEXT.sheets, undoFailures: [ERROR_TEXT.sheets] },
    { kind: 'undone', action: 'delete', detail: ERROR_TEXT.iam, undoFailures: [] },
    { kind: 'unrecorded', detail: ERROR_TEXT.sheets },
    { kind: 'messages-stale', count: 2 },
    { kind: 'console-not-restored', iamUser: 'etl-batch' },
  ];
  const auditErrors = ['keys soon', 'user', 'frobnicate'].map((text) => {
    const parsed = parseAuditCommand(text, m);
    return 'error' in parsed ? parsed.error : '';
  });
  const failureRecord = JSON.stringify({
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: { job: { kind: 'delete', caseId: notice.id, user: 'U01YAMADA' } },
    responsePayload: { errorType: 'Error', errorMessage: ERROR_TEXT.iam },
  });
  const summary = sweepSummary(report('apply'), m);
  return {
    'owner DM': blocks(ownerNotice(notice, 4, m)),
    'owner final notice': blocks(finalOwnerNotice(notice, date('2026-12-03'), m)),
    'admin copy': blocks(adminCopy(notice, 4, m)),
    "admins' grouped notices, every line in every state": (() => {
      const lines: GroupLine[] = [
        ...states.map(
          (state, n): GroupLine => ({
            kind: 'case',
            caseId: `${state.id}-${n}`,
            notice:
              n % 2 === 0
                ? { kind: 'week-ahead', daysLeft: 4 }
                : { kind: 'final', deleteOn: date('2026-12-03') },
          }),
        ),
        {
          kind: 'admins-only',
          fields: notice,
          rowNumber: 2,
          reason: m.couldNotDm('U01YAMADA', 'user_disabled'),
          notice: { kind: 'week-ahead', daysLeft: 4 },
        },
        {
          kind: 'admins-only',
          fields: notice,
          rowNumber: 2,
          reason: m.couldNotDm('U02SATO', 'user_disabled'),
          notice: { kind: 'final', deleteOn: date('2026-12-03') },
        },
      ];
      const cases = new Map(states.map((state, n) => [`${state.id}-${n}`, state]));
      const drawn = groupMessage({ account: '123456789012', part: 1, parts: 2, lines }, cases, m);
      return [drawn.text, ...blocks(drawn.blocks)];
    })(),
    'approval request': blocks(approvalRequest({ ...notice, status: 'extension-requested', request }, m)),
    "admins' grouped deactivations, every line in every state": (() => {
      const lines = states.map(
        (state, n): GroupLine => ({
          kind: 'case',
          caseId: `${state.id}-${n}`,
          notice: { kind: 'deactivated' },
        }),
      );
      const cases = new Map(states.map((state, n) => [`${state.id}-${n}`, state]));
      const drawn = groupMessage({ account: '123456789012', part: 2, parts: 2, lines }, cases, m);
      return [drawn.text, ...blocks(drawn.blocks)];
    })(),
    'messages of a case in every state': states.flatMap((state) =>
      caseMessages(state, m, date('2026-11-30')).flatMap((view) => [view.text, ...blocks(view.blocks)]),
    ),
    'owner DM with hygiene lines': [m.findingsTitle(FINDINGS.length), ...blocks(ownerFindings(FINDINGS, m))],
    'extend modal': blocks(extendModal(notice, date('2026-12-31'), m)),
    'reactivate modal': blocks(extendModal(deactivated, date('2026-12-31'), m, VIEW.reactivate)),
    'deny modal': blocks(denyModal({ ...notice, status: 'extension-requested', request }, m)),
    'owner told of a decision': [
      m.ownerApproved('2027/01/31'),
      m.ownerDenied('期間が長すぎます'),
      m.ownerDeactivated('2026/12/07'),
      m.ownerDeactivatedKeys([
        { iamUser: 'etl-batch', key: 'AKIA…1001', deleteOn: '2026/12/07' },
        { iamUser: 'ci-deploy', key: 'AKIA…1002', deleteOn: '2026/12/08' },
      ]),
      m.ownerReactivated('2027/01/31'),
    ],
    'errors in Slack': [
      ...outcomes.map((outcome) => outcomeText(outcome, m) ?? ''),
      m.invalidInput,
      m.dateErrors.notADate,
      m.dateErrors.inPast,
      m.dateErrors.notAfterEnd('2026/12/04'),
      m.dateErrors.tooFar('2027/03/04'),
      m.audit.adminsOnly,
      m.audit.failed('keys', ERROR_TEXT.iam),
      ...auditErrors,
      workerFailureText(failureRecord, m),
      workerFailureText('not json', m),
    ],
    'admin sweep summary': [summary.text, ...blocks(summary.blocks)],
    'what the executor did, every kind': [...DONE, ...OTHER_DONE].map(m.reasons.action),
    'why a sweep stopped early, every reason of ours': STOPS.map(m.reasons.stop),
    'console stand-ins for Slack notices': [
      weekAheadLine({ row: ETL, slackId: 'U01YAMADA', daysLeft: 4 }, m),
      ownerUnknownLine({ row: ML, reason: OWNER_UNKNOWN, daysLeft: 0 }, m),
      deactivatedLine(
        { row: CI, on: date('2026-11-30'), deleteOn: date('2026-12-07'), consoleRemoved: true },
        m,
      ),
      finalNoticeLine(
        { row: ML, deleteOn: date('2026-12-03'), to: { kind: 'owner', slackId: 'U02SATO' } },
        m,
      ),
      finalNoticeLine(
        { row: CI, deleteOn: date('2026-12-03'), to: { kind: 'admins', reason: OWNER_UNKNOWN } },
        m,
      ),
      findingsText({ slackId: 'U01YAMADA', findings: FINDINGS }, m),
      ...sweepReportLines(report('apply'), m),
    ],
    digest: [digestText(FINDINGS, summarise(FINDINGS), m, { generatedAt: new Date('2026-11-30T00:12:00Z') })],
    '/iam-audit help': [m.audit.help.join('\n')],
    '/iam-audit ledger': [ledgerReport([ETL, ML], date('2026-11-30'), 30, 1, m)],
    '/iam-audit user': [
      userReport('etl-batch', [{ userName: 'etl-batch', holdings, rows: [ETL] }], m),
      userReport('gone', [{ userName: 'gone', holdings: null, rows: [CI] }], m),
      userReport('nobody', [], m),
    ],
    '/iam-audit keys, passwords, unused, mfa': (['keys', 'passwords', 'unused', 'mfa'] as const).flatMap(
      (topic) => [topicFindings(topic, FINDINGS, m), topicFindings(topic, [], m)],
    ),
    '/iam-audit report': [
      credentialReportTitle(new Date('2026-11-30T00:12:00Z'), m),
      uploadedLine('credential-report-2026-11-30.csv', true, m),
      uploadedLine('credential-report-2026-11-30.csv', false, m),
    ],
    '/iam-audit sweep and keywarden sweep (dry run)': [renderReport(report('dry-run'), m)],
    'keywarden sweep --apply': [renderReport(report('apply'), m)],
    'keywarden audit (table)': [
      renderFindings(FINDINGS, 'table', m, {
        generatedAt: new Date('2026-11-30T00:12:00Z'),
        problems: [
          {
            line: 7,
            kind: 'bad-cells',
            user: 'sato',
            errors: [{ kind: 'not-boolean', column: 'mfa_active', value: DOMAIN_DETAILS.reportCell }],
          },
          { line: 8, kind: 'not-csv', error: ERROR_TEXT.csv },
        ],
      }),
      renderFindings([], 'table', m),
    ],
    'keywarden sweep, unlock and demo-reset notes': [
      m.cli.seededDemo(DEMO),
      m.cli.embedded([
        { kind: 'ledger-csv', path: `${DEMO}/ledger.csv` },
        { kind: 'iam-simulator', path: `${DEMO}/iam-account.json` },
        { kind: 'dynalite', path: `${DEMO}/dynamodb` },
      ]),
      m.cli.signalBeforeSweep('SIGINT'),
      m.cli.stdoutClosed(ERROR_TEXT.pipe),
      m.cli.signalStopping('SIGINT', true),
      m.cli.signalStopping('SIGTERM', false),
      m.cli.stoppedEarly(SWEEP_ID, m.reasons.stop({ kind: 'signal', signal: 'SIGINT' })),
      m.cli.demoReseeded(DEMO),
      m.cli.digestSent(
        10,
        '2026-11-30T00:12:00.000Z',
        's3://audit-archive/credential-reports/2026/11/30/x.csv',
      ),
      m.cli.digestSent(10, '2026-11-30T00:12:00.000Z', null),
      m.cli.lockFree,
      m.cli.lockHeld(holderView(false)),
      m.cli.lockHeld(holderView(true)),
      m.cli.holderDead('4242'),
      m.cli.nothingReleased(true),
      m.cli.nothingReleased(false),
      m.cli.lockChangedHands,
      m.cli.released(SWEEP_ID, true),
      m.cli.released(SWEEP_ID, false),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// What may stay Latin in Japanese output: test/support/japanese.ts.

/** The IAM user names of the fixtures. */
const USER_NAMES = ['etl-batch', 'ml-train', 'ci-deploy', 'sato', 'suzuki', 'tanaka', 'gone', 'nobody'];

const leaks = (text: string): string[] =>
  englishIn(text, [...Object.values(ERROR_TEXT), ...Object.values(DOMAIN_DETAILS), ...TYPED], USER_NAMES);

describe('Japanese output has no English in it', () => {
  const all = surfaces(ja);

  it.each(Object.keys(all))('%s', (surface) => {
    const texts = all[surface] ?? [];
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).not.toBe('');
    expect(texts.flatMap((text) => leaks(text).map((word) => `${word} in: ${text.slice(0, 200)}`))).toEqual(
      [],
    );
  });

  it('every kind of finding is worded from its facts, not from its English detail', () => {
    const details = FINDINGS.map((finding) => ja.findings.detail(finding));
    expect(new Set(FINDINGS.map((f) => f.kind))).toEqual(new Set(FINDING_KINDS));
    expect(details.flatMap(leaks)).toEqual([]);
    expect(details[0]).toBe('コンソールのパスワードの期限は 2026/12/03 です（あと3日）');
  });

  it('ledger and credential report problems, as the parsers report them', () => {
    const ledger = parseLedger([
      [
        '氏名',
        'メールアドレス',
        'IAMユーザー',
        'アクセスキーID',
        '利用開始日',
        '利用終了日',
        '状態',
        'AWSアカウントID',
      ],
      ['山田 太郎', 'yamada@', 'etl batch', 'AKIA123', '2026/12/01', '来月末', '??', '1234'],
      ['佐藤 花子', '', 'ci-deploy', 'AKIAEXAMPLECIXXX1002', '2026/12/01', '2026/11/01', '', ''],
      ['鈴木 一郎', '', '', 'AKIAEXAMPLESBXXX1003', '', '', '', ''],
      ['高橋 次郎', '', 'ml-train', 'AKIAEXAMPLEMLXXX1007', '', '2026/12/01', '利用中', ''],
      ['高橋 次郎', '', 'ml-train', 'AKIAEXAMPLEMLXXX1007', '', '2026/12/01', '延長済み', ''],
      ['', '', '', '', '', '', '', ''],
      unreadableRow('=HYPERLINK("x","y") "z"', 8, 'quote-inside-cell'),
      ['渡辺 健', '', 'a'.repeat(600), '', '', '', '', ''],
    ]);
    const report = parseCredentialReport(
      [
        CREDENTIAL_REPORT_COLUMNS.join(','),
        'sato,arn:aws:iam::123456789012:user/sato,N/A,はい,sometime,N/A,N/A,いいえ,true,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A',
        'tanaka,arn',
        '"broken',
      ].join('\n'),
    );
    const faults = ledger.problems.flatMap((problem) => problem.problems);
    expect(new Set(faults.map((fault) => fault.kind)).size).toBeGreaterThanOrEqual(10);
    expect(report.problems).toHaveLength(3);
    const texts = [...faults.map(ja.reasons.rowFault), ...report.problems.map(ja.reasons.reportProblem)];
    // Cells as typed and csv-parse's own error are data.
    const cells = ['yamada@', 'etl batch', 'AKIA123', '??', '1234', 'sometime', 'N/A', 'a'.repeat(40)];
    const csvErrors = report.problems.flatMap((problem) =>
      problem.kind === 'not-csv' ? [problem.error] : [],
    );
    expect(texts.flatMap((text) => englishIn(text, [...cells, ...csvErrors], USER_NAMES))).toEqual([]);
  });

  it('the same surfaces in English do show English: the check sees what it is meant to', () => {
    const english = surfaces(en);
    const quiet = Object.entries(english).filter(([, texts]) => texts.flatMap(leaks).length === 0);
    expect(quiet.map(([surface]) => surface)).toEqual([]);
  });
});
