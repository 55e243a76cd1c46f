import type { LocalDate } from '../../src/domain/dates';
import { planFindingNotices } from '../../src/domain/finding-plan';
import type { Finding } from '../../src/domain/hygiene';
import type { IamUserSummary } from '../../src/domain/iam';
import type { LedgerRow } from '../../src/domain/ledger';
import { PeopleDirectory } from '../../src/domain/people';

const noMfa = (user: string): Finding => ({
  key: `finding#no-mfa#${user}#password#2026-W48`,
  user,
  detail: 'console password enabled without MFA',
  kind: 'no-mfa',
});

const tooOld = (user: string): Finding => ({
  key: `finding#key-too-old#${user}#key1#2026-W48`,
  user,
  detail: 'access key 1 is 120 days old (created 2026-07-27); the limit is 90 days: rotate it',
  kind: 'key-too-old',
  slot: 1,
  createdOn: '2026-07-27' as LocalDate,
  ageDays: 120,
  limitDays: 90,
});

function user(userName: string, tags: Record<string, string> = {}): [string, IamUserSummary] {
  return [
    userName,
    {
      userName,
      arn: `arn:aws:iam::123456789012:user/${userName}`,
      tags,
      groups: [],
      attachedPolicyArns: [],
      inlinePolicyNames: [],
    },
  ];
}

/** Ann owns two users by tag; Bob one; nobody can be found for `orphan`. */
const iam = {
  accountId: '123456789012',
  users: new Map([
    user('ann-ci', { SlackId: 'U01ANN' }),
    user('bob-etl', { SlackId: 'U02BOB' }),
    user('ann-dwh', { SlackId: 'U01ANN' }),
    user('orphan'),
  ]),
};

function plan(findings: readonly Finding[], reported: readonly string[] = []) {
  return planFindingNotices({
    findings,
    ledger: {
      headerRowNumber: 1,
      columns: {},
      matches: [],
      rows: [],
      duplicates: [],
      pending: [],
      problems: [],
    },
    directory: new PeopleDirectory([]),
    iam,
    emailToSlackId: new Map(),
    reported: new Set(reported),
  });
}

const users = (findings: readonly Finding[]) => findings.map((f) => `${f.user} ${f.kind}`);

describe('planFindingNotices', () => {
  it('groups new findings per owner: owners in order of first finding, findings in report order', () => {
    const found = [tooOld('bob-etl'), noMfa('ann-ci'), noMfa('orphan'), tooOld('ann-dwh'), tooOld('ann-ci')];
    expect(plan(found).map((n) => [n.slackId, users(n.findings)])).toEqual([
      ['U02BOB', ['bob-etl key-too-old']],
      ['U01ANN', ['ann-ci no-mfa', 'ann-dwh key-too-old', 'ann-ci key-too-old']],
      [null, ['orphan no-mfa']],
    ]);
  });

  it('leaves out findings already reported in their window, and owners left with none', () => {
    const found = [noMfa('ann-ci'), tooOld('ann-ci'), noMfa('bob-etl')];
    const reported = [noMfa('ann-ci').key, noMfa('bob-etl').key];
    expect(plan(found, reported).map((n) => [n.slackId, users(n.findings)])).toEqual([
      ['U01ANN', ['ann-ci key-too-old']],
    ]);
  });

  it('plans nothing when every finding was reported', () => {
    const found = [noMfa('ann-ci'), noMfa('orphan')];
    expect(
      plan(
        found,
        found.map((f) => f.key),
      ),
    ).toEqual([]);
  });

  it('names the owner from the last ledger row of the user, ahead of its tags', () => {
    const row = (rowNumber: number, name: string, accessKeyId: string): LedgerRow => ({
      rowNumber,
      id: accessKeyId,
      name,
      purpose: 'ETL',
      resource: 's3://data',
      iamUser: 'bob-etl',
      accessKeyId,
      startDate: null,
      endDate: '2026-12-31' as LocalDate,
      status: 'deleted',
      accountId: null,
    });
    const groups = planFindingNotices({
      findings: [noMfa('bob-etl')],
      ledger: {
        headerRowNumber: 1,
        duplicates: [],
        pending: [],
        matches: [],
        columns: {},
        rows: [row(2, '山田 太郎', 'AKIAAAAAAAAAAAAAAAA1'), row(3, '佐藤 花子', 'AKIAAAAAAAAAAAAAAAA2')],
        problems: [],
      },
      directory: new PeopleDirectory([
        { slackId: 'U03YAMADA', familyName: '山田', givenName: '太郎' },
        { slackId: 'U04SATO', familyName: '佐藤', givenName: '花子' },
      ]),
      iam,
      emailToSlackId: new Map(),
      reported: new Set(),
    });
    expect(groups.map((group) => group.slackId)).toEqual(['U04SATO']);
  });
});
