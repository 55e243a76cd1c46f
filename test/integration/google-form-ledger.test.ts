import { malformedRows } from '../../src/domain/ledger';
import { ADMIN, ADMIN_CHANNEL, OUTSIDER, OWNER, SlackWorld } from '../support/slack-world';

/**
 * A Google Form's response sheet as the Sheets API returns it with UNFORMATTED_VALUE: the
 * タイムスタンプ column holds serial date-times, the question titles carry hints, the form
 * collects the email address, and the admins fill in the IAM user and key by hand.
 */
const HEADER = [
  'タイムスタンプ',
  'メールアドレス',
  '氏名（フルネーム）',
  '利用目的',
  '利用開始日',
  '利用終了日（最長90日）',
  'IAMユーザー名【管理者記入】',
  'アクセスキーID【管理者記入】',
  '状態',
];
const FORM = {
  // Not in the people table; the IAM user's Email tag is nobody on Slack: only the form's address finds him.
  formEmail: [
    '46143.4270833',
    'Jiro.Takahashi@example.com',
    '高橋 次郎',
    'ログ転送',
    46174,
    46356,
    'log-shipper',
    'AKIAEXAMPLELOGXX1004',
    '',
  ],
  dateTime: [
    46143.5,
    'yamada@example.com',
    '山田 太郎',
    'ETL',
    '2026/05/01',
    '2026/11/28 10:00:00',
    'etl-batch',
    'AKIAEXAMPLEETLXX1001',
    '利用中',
  ],
  // A mention in a ledger cell is data: the admins' reminder shows it escaped.
  pendingOld: [46336.6, 'new.hire@example.com', '新人 花子 <!channel>', '分析', '', '2027/01/31', '', '', ''],
  pendingNew: [46348.4, 'another@example.com', '別人 一郎', '検証', '', '2027/02/28', '', '', ''],
  badDate: [
    46143.1,
    'sato@example.com',
    '佐藤 花子',
    'CI',
    '2026/04/01',
    '来週まで',
    'ci-deploy',
    'AKIAEXAMPLECIXXX1002',
    '',
  ],
  fullWidth: [
    46266,
    'kato@example.com',
    '加藤 真理',
    'DS',
    '2026/10/01',
    '２０２７／０１／３１',
    'ds-lab',
    'AKIAEXAMPLEDSLXX1012',
    '',
  ],
  kanjiDate: [
    46266,
    'suzuki@example.com',
    '鈴木 一郎',
    '負荷試験',
    '2026年9月1日',
    '2026年11月22日',
    'sandbox-suzuki',
    'AKIAEXAMPLESBXXX1003',
    '利用中',
  ],
};
const ROW = {
  formEmail: 2,
  dateTime: 3,
  pendingOld: 4,
  pendingNew: 5,
  badDate: 6,
  fullWidth: 7,
  kanjiDate: 8,
};
const TAKAHASHI = 'U11TAKAHASHI';
const STATUS = 8;

describe('a Google Form response sheet as the ledger', () => {
  let sw: SlackWorld;
  beforeEach(async () => {
    sw = await SlackWorld.start({ ledger: [HEADER, ...Object.values(FORM)] });
    sw.slack.setUsers([
      { id: OWNER, email: 'yamada@example.com', name: 'yamada' },
      { id: OUTSIDER, email: 'sato@example.com', name: 'sato' },
      { id: ADMIN, email: 'admin@example.com', name: 'admin', isAdmin: true },
      { id: TAKAHASHI, email: 'jiro.takahashi@example.com', name: 'takahashi' },
    ]);
  });
  afterEach(async () => {
    await sw.close();
  });

  it('a dry run reads hinted headers and every date form, counts pending rows, names the bad cell, and sends nothing', async () => {
    const report = await sw.world.sweep('dry-run', { notifier: sw.notifier, slackDirectory: sw.notifier });

    expect(
      report.results.map((r) => [
        r.action.kind,
        'row' in r.action ? r.action.row.rowNumber : null,
        r.outcome,
      ]),
    ).toEqual([
      ['notify-week-ahead', ROW.formEmail, 'planned'],
      ['notify-week-ahead', ROW.dateTime, 'planned'],
      ['delete-key', ROW.kanjiDate, 'planned'],
    ]);
    expect(
      report.results.map((r) => (r.action.kind === 'notify-week-ahead' ? r.action.slackId : null)),
    ).toEqual([TAKAHASHI, OWNER, null]);
    expect(report.skips.find((s) => s.row.rowNumber === ROW.fullWidth)).toMatchObject({
      reason: 'not-due',
      row: { endDate: '2027-01-31' },
    });
    expect(report.pending).toEqual({
      rows: [ROW.pendingOld, ROW.pendingNew],
      total: 2,
      stale: 1,
      reportDays: 7,
      reminded: [ROW.pendingOld],
      outcome: 'planned',
    });
    expect(malformedRows(report.problems)).toEqual([
      expect.objectContaining({
        rowNumber: ROW.badDate,
        problems: [
          { kind: 'not-a-date', field: 'endDate', column: '利用終了日（最長90日）', cell: '来週まで' },
        ],
      }),
    ]);
    expect(sw.slack.callsTo('chat.postMessage')).toEqual([]);
    expect(sw.world.sheets.stats).toMatchObject({ reads: 1, writes: 0 });
    // One lookup per distinct address: the form's, and the Email tag the SlackId-less user carries.
    expect(
      sw.slack
        .callsTo('users.lookupByEmail')
        .map((c) => c.args.email)
        .sort(),
    ).toEqual(['jiro.takahashi@example.com', 'takahashi@example.com']);
  });

  it('applies: DMs the owners found by name and by the form’s email, reminds the admins of the old pending request once, never touches the bad row', async () => {
    const report = await sw.sweep();

    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-week-ahead', 'done'],
      ['delete-key', 'done'],
    ]);
    const posts = sw.slack.callsTo('chat.postMessage');
    const to = (channel: string) => posts.filter((c) => c.args.channel === channel);
    expect(to(TAKAHASHI)).toHaveLength(1);
    expect(to(OWNER)).toHaveLength(1);
    const reminders = to(ADMIN_CHANNEL).filter((c) =>
      String(c.args.text).startsWith('発行待ちの申請が 1 件あります'),
    );
    expect(reminders).toHaveLength(1);
    expect(JSON.stringify(reminders[0]?.args.blocks)).toContain(
      `${ROW.pendingOld} 行目: 新人 花子 &lt;!channel&gt; (new.hire@example.com)`,
    );
    expect(report.pending).toMatchObject({ total: 2, stale: 1, reminded: [ROW.pendingOld], outcome: 'done' });

    // The malformed row's user keeps everything; the 年月日 row's key is gone and written back.
    expect(sw.world.userNames()).toContain('ci-deploy');
    expect(sw.world.account.listAccessKeys('sandbox-suzuki').map((k) => k.accessKeyId)).toEqual([
      'AKIAEXAMPLESBXOT1013',
    ]);
    expect(sw.world.ledgerRow(ROW.kanjiDate)[STATUS]).toBe('削除済み');
    expect(sw.world.ledgerRow(ROW.badDate)[STATUS]).toBe('');
    expect(sw.world.ledgerRow(ROW.pendingOld)[STATUS]).toBe('');

    // The same day again: the reminder is journaled for the week, so it is not repeated.
    sw.slack.resetStats();
    const again = await sw.sweep();
    expect(again.pending).toMatchObject({ total: 2, stale: 1, reminded: [], outcome: 'none' });
    expect(
      sw.slack.callsTo('chat.postMessage').filter((c) => String(c.args.text).startsWith('発行待ち')),
    ).toEqual([]);
  });
});
