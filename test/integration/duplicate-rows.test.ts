import { IamError } from '@keywarden/iam-simulator';
import { malformedRows } from '../../src/domain/ledger';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { eventually, OWNER, SlackWorld } from '../support/slack-world';
import { csvGrid, World } from '../support/world';

const STATUS = 7;
const ROW = { etl: 2, ciDeploy: 3, sandbox: 4 };
/** The examples' ledger, then: a request submitted twice, an extension recorded as a new row, a typo. */
const EXTRA = {
  ciCopy: [
    '佐藤 花子',
    'CIからのデプロイ',
    'codedeploy:web-app',
    'ci-deploy',
    'AKIAEXAMPLECIXXX1002',
    '2026/04/01',
    '2026/11/20',
    '利用中',
  ],
  sandboxEarlier: [
    '鈴木 一郎',
    '負荷試験',
    'ec2:loadtest',
    'sandbox-suzuki',
    'AKIAEXAMPLESBXXX1003',
    '2026/09/01',
    '2026/10/31',
    '利用中',
  ],
  etlTypo: [
    '高橋 次郎',
    'ログ転送',
    'logs:app',
    'log-shipper',
    'AKIAEXAMPLEETLXX1001',
    '2026/06/01',
    '2026/11/28',
    '利用中',
  ],
};
const EXTRA_ROW = { ciCopy: 14, sandboxEarlier: 15, etlTypo: 16 };

function ledger(): string[][] {
  return [...csvGrid('ledger.csv'), EXTRA.ciCopy, EXTRA.sandboxEarlier, EXTRA.etlTypo];
}

describe('several ledger rows for one access key, through the real IAM, Sheets and DynamoDB clients', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('acts once per key for its real holder, and writes back to every row of it', async () => {
    const listed: string[] = [];
    world = await World.start({
      ledger: ledger(),
      iamServer: {
        beforeAction: (action, params) => {
          if (action === 'ListAccessKeys') listed.push(String(params.UserName));
        },
      },
    });
    const report = await world.sweep('apply');

    expect(malformedRows(report.problems).map((p) => p.rowNumber)).toEqual([11]);
    expect(report.results.map((r) => [r.action.kind, r.outcome])).toEqual([
      ['notify-week-ahead', 'done'],
      ['notify-owner-unknown', 'done'],
      ['teardown-user', 'done'],
      ['delete-key', 'done'],
    ]);
    // The typo row names log-shipper, but etl-batch holds the key: etl-batch's owner is told.
    expect(world.notifier.weekAheadNotices.map((n) => n.row.iamUser)).toEqual(['etl-batch']);
    const skip = (rowNumber: number) => report.skips.find((s) => s.row.rowNumber === rowNumber);
    expect(skip(EXTRA_ROW.ciCopy)).toMatchObject({ reason: 'duplicate', attention: false });
    expect(skip(EXTRA_ROW.sandboxEarlier)).toMatchObject({
      reason: 'superseded',
      detail: { kind: 'superseded', by: ROW.sandbox },
    });
    expect(skip(EXTRA_ROW.etlTypo)).toMatchObject({
      reason: 'key-mismatch',
      attention: true,
      detail: expect.objectContaining({ kind: 'key-contested', holder: 'etl-batch', iamUser: 'log-shipper' }),
    });
    // A few calls only: one key list for each user the contested rows name.
    expect(listed.filter((name) => name === 'etl-batch' || name === 'log-shipper')).toEqual([
      'etl-batch',
      'log-shipper',
    ]);

    for (const rowNumber of [ROW.ciDeploy, EXTRA_ROW.ciCopy, ROW.sandbox, EXTRA_ROW.sandboxEarlier])
      expect(world.ledgerRow(rowNumber)[STATUS]).toBe('削除済み');
    expect(world.ledgerRow(ROW.etl)[STATUS]).toBe('');
    expect(world.ledgerRow(EXTRA_ROW.etlTypo)[STATUS]).toBe('利用中');
    expect(world.sheets.stats).toMatchObject({ reads: 2, writes: 1 });
  });

  it('when IAM cannot tell who holds a contested key, neither row acts; the rest of the sweep goes on', async () => {
    world = await World.start({
      ledger: ledger(),
      iamMaxAttempts: 1,
      iamServer: {
        beforeAction: (action, params) => {
          if (action === 'ListAccessKeys' && params.UserName === 'log-shipper')
            throw new IamError('LimitExceeded', 'Rate exceeded');
        },
      },
    });
    const report = await world.sweep('apply');
    expect(world.notifier.weekAheadNotices).toEqual([]);
    const contested = report.skips.filter((s) => s.row.accessKeyId === 'AKIAEXAMPLEETLXX1001');
    expect(contested.map((s) => [s.row.rowNumber, s.reason, s.attention])).toEqual([
      [ROW.etl, 'key-check-failed', true],
      [EXTRA_ROW.etlTypo, 'key-check-failed', true],
    ]);
    expect(contested[0]?.detail).toMatchObject({
      kind: 'key-holder-unknown',
      listFailed: { userName: 'log-shipper', error: expect.any(String) },
    });
    expect(report.results.map((r) => r.action.kind)).toEqual([
      'notify-owner-unknown',
      'teardown-user',
      'delete-key',
    ]);
  });
});

describe('a key named for two users, through the Slack buttons', () => {
  let sw: SlackWorld;
  afterEach(async () => {
    await sw.close();
  });

  const id = SlackWorld.caseOf('AKIAEXAMPLEETLXX1001', '2026-11-28');
  /** The typo first, so that a lookup by key alone would find it before the holder's row. */
  const typoFirst = () => {
    const [header = [], ...rows] = csvGrid('ledger.csv');
    return [header, EXTRA.etlTypo, ...rows];
  };
  const TYPO = 2;
  const ETL = 3;
  async function ownerDm(): Promise<{ channel: string; ts: string }> {
    await sw.sweep();
    const [dm] = sw.slack.messages(OWNER);
    if (!dm) throw new Error('no DM');
    return { channel: sw.slack.dmChannel(OWNER), ts: dm.ts };
  }

  it('Extend writes to the holder’s row, not to the row with the typo', async () => {
    sw = await SlackWorld.start({ ledger: typoFirst() });
    const dm = await ownerDm();
    await sw.click(OWNER, ACTION.extend, id, dm);
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(OWNER, VIEW.extend, id, {
      new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
      reason: { text: { type: 'plain_text_input', value: 'まだ必要' } },
    });
    await eventually(() => sw.world.ledgerRow(ETL)[STATUS] === '延長申請中' || undefined);
    expect(sw.world.ledgerRow(TYPO)[STATUS]).toBe('利用中');
  });

  it('Delete removes the holder’s key and leaves the user the typo names alone', async () => {
    sw = await SlackWorld.start({ ledger: typoFirst() });
    const dm = await ownerDm();
    await sw.click(OWNER, ACTION.delete, id, dm);
    await eventually(() => sw.world.ledgerRow(ETL)[STATUS] === '削除済み' || undefined);
    expect(sw.world.userNames()).not.toContain('etl-batch');
    expect(sw.world.userNames()).toContain('log-shipper');
    expect(sw.world.ledgerRow(TYPO)[STATUS]).toBe('利用中');
  });

  it('Delete answers for the case’s own row when a deleted row of another user names the key first', async () => {
    const [header = [], ...rows] = csvGrid('ledger.csv');
    const oldRow = [
      '高橋 次郎',
      '旧ETL',
      'logs:app',
      'etl-old',
      'AKIAEXAMPLEETLXX1001',
      '2025/01/01',
      '2025/06/30',
      '削除済み',
    ];
    sw = await SlackWorld.start({ ledger: [header, oldRow, ...rows] });
    const dm = await ownerDm();
    await sw.click(OWNER, ACTION.delete, id, dm);
    await eventually(() => sw.world.ledgerRow(ETL)[STATUS] === '削除済み' || undefined);
    expect(sw.world.userNames()).not.toContain('etl-batch');
    expect(sw.world.ledgerRow(TYPO)).toEqual(oldRow);
  });
});
