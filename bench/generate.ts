/**
 * An account at IAM's user quota and a ledger to match, from a seed: 5,000 users with tags,
 * groups, managed and inline policies, one or two keys, some console passwords and MFA; a
 * 5,000-row ledger whose end dates put a realistic share in the notice window and a few past
 * due; the people table; the Slack workspace.
 */

import { IamAccount } from '@keywarden/iam-simulator';
import { addDays, type LocalDate, toLedgerText } from '../src/domain/dates';
import type { Cell } from '../test/fakes/sheets-server';
import type { SlackUser } from '../test/fakes/slack-server';
import { Prng } from '../test/support/prng';

export const TODAY = '2026-11-24' as LocalDate;
/** 15:00 in Tokyo on TODAY, the scheduled sweep's hour. */
export const NOW = new Date('2026-11-24T06:00:00Z');
export const ACCOUNT_ID = '123456789012';

export interface Scale {
  readonly users: number;
  readonly people: number;
  /** Ledger rows for users deleted long ago (status 削除済み, user gone from IAM). */
  readonly historicalRows: number;
  /** IAM users nobody recorded in the ledger. */
  readonly unrecordedUsers: number;
}

export const FULL_SCALE: Scale = { users: 5000, people: 300, historicalRows: 150, unrecordedUsers: 150 };

export interface Generated {
  readonly account: IamAccount;
  readonly ledger: Cell[][];
  readonly people: Cell[][];
  readonly slackUsers: SlackUser[];
  readonly stats: Readonly<Record<string, number>>;
}

const FAMILY = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山田',
  '佐々木',
  '山口',
  '松本',
  '井上',
  '木村',
  '林',
  '斎藤',
  '清水',
];
const GIVEN = [
  '太郎',
  '花子',
  '一郎',
  '次郎',
  '美咲',
  '健',
  '陽子',
  '大輔',
  '直人',
  '真理',
  '翔',
  '結衣',
  '蓮',
  '葵',
  '湊',
  '陽菜',
  '悠真',
  '凛',
  '大和',
  '咲',
];
const PURPOSES = [
  'ETLバッチ',
  'CIからのデプロイ',
  '負荷試験',
  'ログ転送',
  'バックアップ',
  '月次レポート',
  '機械学習',
  '検証環境',
  '分析',
  'アーカイブ',
];
const HEADER = [
  '氏名',
  '利用目的',
  'AWSリソース名',
  'アカウント名',
  'アクセスキーID',
  '利用開始日',
  '利用終了日',
  '状態',
];

function daysAgo(days: number): Date {
  return new Date(NOW.getTime() - days * 86_400_000);
}

interface Person {
  readonly id: string;
  readonly family: string;
  readonly given: string;
  readonly email: string;
}

/** Unique family+given names, each with a Slack user. */
function peopleOf(scale: Scale): { people: Person[]; slackUsers: SlackUser[] } {
  const people: Person[] = [];
  for (let i = 0; people.length < scale.people; i++) {
    const family = FAMILY[i % FAMILY.length] as string;
    const given = GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length] as string;
    const n = people.length + 1;
    people.push({ id: `U${String(n).padStart(6, '0')}`, family, given, email: `person${n}@example.com` });
  }
  const slackUsers: SlackUser[] = [
    ...people.map((p) => ({ id: p.id, email: p.email, name: `person-${p.id}` })),
    { id: 'U0ADMIN', email: 'admin@example.com', name: 'admin', isAdmin: true },
  ];
  return { people, slackUsers };
}

/** Ledgers are appended to over time, not sorted by user. */
function shuffle(rows: Cell[][], prng: Prng): void {
  for (let i = rows.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [rows[i], rows[j]] = [rows[j] as Cell[], rows[i] as Cell[]];
  }
}

export function generate(scale: Scale = FULL_SCALE, seed = 20261124): Generated {
  const prng = new Prng(seed);
  const stats: Record<string, number> = {};
  const { people, slackUsers } = peopleOf(scale);
  const { account, rows } = generateAccount(ACCOUNT_ID, 0, scale, people, prng, seed, stats);
  shuffle(rows, prng);
  stats['ledger rows'] = rows.length;
  return {
    account,
    ledger: [HEADER, ...rows],
    people: [['Slack ID', '姓', '名'], ...people.map((p) => [p.id, p.family, p.given])],
    slackUsers,
    stats,
  };
}

export interface GeneratedOrganization {
  /** The management account (the sweep's home, ACCOUNT_ID) first, then the members. */
  readonly accounts: readonly IamAccount[];
  /** One ledger for all of them, with an AWS account id column. */
  readonly ledger: Cell[][];
  readonly people: Cell[][];
  readonly slackUsers: SlackUser[];
  readonly stats: Readonly<Record<string, number>>;
}

/** Member account ids: 12 digits, clear of ACCOUNT_ID. */
export const memberAccountId = (n: number): string => String(200_000_000_000 + n);

/**
 * An Organization of `accounts` accounts of `usersPerAccount` users each, every one generated
 * as the single-account bench's account is (at its scale), and one ledger naming each row's account.
 */
export function generateOrganization(
  accounts: number,
  usersPerAccount: number,
  seed = 20261124,
): GeneratedOrganization {
  const prng = new Prng(seed);
  const stats: Record<string, number> = {};
  const scale: Scale = {
    users: usersPerAccount,
    people: FULL_SCALE.people,
    historicalRows: Math.round(usersPerAccount * 0.03),
    unrecordedUsers: Math.round(usersPerAccount * 0.03),
  };
  const { people, slackUsers } = peopleOf(scale);
  const all: IamAccount[] = [];
  const rows: Cell[][] = [];
  for (let n = 0; n < accounts; n++) {
    const id = n === 0 ? ACCOUNT_ID : memberAccountId(n);
    const generated = generateAccount(id, n, scale, people, prng, seed + n, stats);
    all.push(generated.account);
    for (const row of generated.rows) rows.push([...row, id]);
  }
  shuffle(rows, prng);
  stats['ledger rows'] = rows.length;
  return {
    accounts: all,
    ledger: [[...HEADER, 'AWSアカウントID'], ...rows],
    people: [['Slack ID', '姓', '名'], ...people.map((p) => [p.id, p.family, p.given])],
    slackUsers,
    stats,
  };
}

/** One account and its ledger rows (unshuffled); `index` keeps historical key ids unique across accounts. */
function generateAccount(
  accountId: string,
  index: number,
  scale: Scale,
  people: readonly Person[],
  prng: Prng,
  seed: number,
  stats: Record<string, number>,
): { account: IamAccount; rows: Cell[][] } {
  const account = new IamAccount({
    accountId,
    clock: () => NOW,
    idSeed: seed,
    createDate: daysAgo(900),
  });
  account.setPasswordPolicy({ minimumPasswordLength: 14, maxPasswordAge: 90 });
  account.credentialReportReadyAfterCalls = 0;
  const count = (what: string, n = 1) => {
    stats[what] = (stats[what] ?? 0) + n;
  };

  // Policies and groups.
  const readOnly = account.createAwsManagedPolicy({
    policyName: 'ReadOnlyAccess',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*'], Resource: '*' }] },
  });
  const shared = Array.from({ length: 40 }, (_, i) =>
    account.createPolicy({
      policyName: `team-${i}-policy`,
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::team-${i}/*` }],
      },
    }),
  );
  const groups = Array.from({ length: 25 }, (_, i) => {
    const group = account.createGroup({ groupName: `group-${i}` });
    account.attachGroupPolicy(group.groupName, (shared[i] ?? shared[0])?.arn ?? readOnly.arn);
    account.putGroupPolicy(group.groupName, 'inline', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }],
    });
    return group;
  });

  // Users, and a ledger row for the first key of most of them.
  const rows: Cell[][] = [];
  for (let i = 0; i < scale.users; i++) {
    const userName = `app-${String(i).padStart(4, '0')}`;
    const owner = prng.pick(people);
    const tags: Record<string, string> = { Purpose: prng.pick(PURPOSES), Team: `team-${i % 40}` };
    if (prng.chance(0.2)) tags.Email = owner.email;
    if (prng.chance(0.1)) tags.SlackId = owner.id;
    if (prng.chance(0.01)) tags['keywarden:protected'] = 'true';
    account.createUser({ userName, tags, createDate: daysAgo(prng.int(30, 800)) });
    count('users');
    for (const group of groups) if (prng.chance(0.04)) account.addUserToGroup(group.groupName, userName);
    for (let p = prng.int(0, 2); p > 0; p--) {
      const policy = prng.pick(shared);
      if (!account.listAttachedUserPolicies(userName).some((a) => a.policyArn === policy.arn))
        account.attachUserPolicy(userName, policy.arn);
    }
    if (prng.chance(0.1)) account.attachUserPolicy(userName, readOnly.arn);
    if (prng.chance(0.05)) {
      const own = account.createPolicy({
        policyName: `${userName}-policy`,
        document: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
        },
      });
      account.attachUserPolicy(userName, own.arn);
      count('dedicated policies');
    }
    if (prng.chance(0.3))
      account.putUserPolicy(userName, 'inline', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }],
      });
    // A rotated account: most keys younger than the 90-day limit, most recently used.
    const keys = Array.from({ length: prng.chance(0.3) ? 2 : 1 }, () =>
      account.createAccessKey(userName, {
        createDate: daysAgo(prng.chance(0.93) ? prng.int(1, 85) : prng.int(91, 400)),
        ...(prng.chance(0.9)
          ? { lastUsed: { date: daysAgo(prng.int(0, 20)), service: 's3', region: 'ap-northeast-1' } }
          : {}),
      }),
    );
    count('access keys', keys.length);
    if (prng.chance(0.1)) {
      account.createLoginProfile(userName, { createDate: daysAgo(prng.int(1, 80)) });
      count('login profiles');
      if (prng.chance(0.5)) {
        account.createVirtualMfaDevice(userName, { userName });
        count('MFA devices');
      }
    }
    if (prng.chance(0.01)) account.uploadSshPublicKey(userName);
    if (prng.chance(0.01)) account.uploadSigningCertificate(userName);

    if (i >= scale.users - scale.unrecordedUsers) continue;
    const first = keys[0];
    if (!first) continue;
    const roll = prng.next();
    let status = prng.chance(0.5) ? '利用中' : '';
    let end: LocalDate;
    if (roll < 0.015) {
      end = addDays(TODAY, prng.int(0, 7));
      count('rows in the notice window');
    } else if (roll < 0.025) {
      end = addDays(TODAY, -prng.int(1, 5));
      count('rows past due');
    } else if (roll < 0.075) {
      status = '延長済み';
      end = addDays(TODAY, prng.int(10, 300));
    } else if (roll < 0.085) {
      status = '延長申請中';
      end = addDays(TODAY, prng.int(1, 30));
    } else end = addDays(TODAY, prng.int(8, 730));
    // A few owners are not in the people table: they resolve by tag, or admins are told.
    const name = prng.chance(0.03) ? `退職者 ${i}` : `${owner.family} ${owner.given}`;
    rows.push([
      name,
      tags.Purpose ?? '',
      `s3://team-${i % 40}`,
      userName,
      first.accessKeyId,
      toLedgerText(addDays(end, -prng.int(30, 365))),
      toLedgerText(end),
      status,
    ]);
  }
  for (let i = 0; i < scale.historicalRows; i++) {
    const end = addDays(TODAY, -prng.int(30, 700));
    const key = `AKIAOLD${String(index * 1e9 + i).padStart(13, '0')}`;
    rows.push([
      `${prng.pick(people).family} ${prng.pick(people).given}`,
      'アーカイブ',
      's3://old',
      `old-app-${i}`,
      key,
      toLedgerText(addDays(end, -90)),
      toLedgerText(end),
      '削除済み',
    ]);
  }
  return { account, rows };
}
