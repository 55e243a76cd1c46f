import type { NoticeMiss } from '../../src/domain/action-detail';
import { parseLedgerDate } from '../../src/domain/dates';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { messages } from '../../src/text/messages';
import { renderReport } from '../../src/text/sweep-report';
import { ADMIN, ADMIN_CHANNEL, eventually, OUTSIDER, OWNER, SlackWorld } from '../support/slack-world';
import { RecordingNotifier, World } from '../support/world';

const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const ETL_ROW = 2;
const STATUS = 7;
const END = 6;
const id = SlackWorld.caseOf(ETL_KEY, '2026-11-28');
const WAIT_MS = 30_000;
const TEST_MS = 90_000;
const waitFor = <T>(probe: () => T | undefined | Promise<T | undefined>) => eventually(probe, WAIT_MS);

/** The scheduled sweep's time on a given Tokyo day. */
const on = (day: string) => () => new Date(`${day}T06:00:00Z`);
const staged = { stagedRemoval: { deleteAfterDays: 3 } };

type Message = { ts: string; text: string; blocks?: unknown[] };
const actionIds = (message: Message | undefined): string[] =>
  ((message?.blocks ?? []) as { type: string; elements?: { action_id?: string }[] }[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));

describe('REMOVAL=deactivate-then-delete', () => {
  it(
    'deactivates the day after the end date, waits DELETE_AFTER_DAYS, then deletes; dry runs show each stage',
    async () => {
      const world = await World.start();
      try {
        const etlKey = () => world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY);
        const dry = await world.sweep('dry-run', { ...staged, now: on('2026-11-29') });
        expect(
          dry.results.find((r) => r.action.kind === 'deactivate-user' && r.action.userName === 'etl-batch'),
        ).toMatchObject({ outcome: 'planned', action: { on: '2026-11-29', deleteOn: '2026-12-02' } });
        expect(dry.results.some((r) => r.action.kind === 'teardown-user')).toBe(false);
        expect(renderReport(dry, messages('en'))).toContain(
          'deactivate the keys and console password of etl-batch; delete it on 2026/12/02',
        );
        expect(etlKey()?.status).toBe('Active');

        const first = await world.sweep('apply', { ...staged, now: on('2026-11-29') });
        expect(
          first.results.filter((r) => r.action.kind === 'teardown-user' || r.action.kind === 'delete-key'),
        ).toEqual([]);
        expect(
          first.results.find((r) => r.action.kind === 'deactivate-user' && r.action.userName === 'etl-batch'),
        ).toMatchObject({ outcome: 'done' });
        expect(world.userNames()).toContain('etl-batch');
        expect(etlKey()?.status).toBe('Inactive');
        expect(world.ledgerRow(ETL_ROW)[STATUS]).toBe('');
        expect(world.notifier.deactivatedNotices.map((n) => [n.row.rowNumber, n.deleteOn])).toContainEqual([
          ETL_ROW,
          '2026-12-02',
        ]);
        const audit = await world.state.audit.listDay('2026-11-29');
        expect(audit.filter((e) => e.target === 'etl-batch').map((e) => [e.action, e.outcome])).toEqual([
          ['deactivate-access-key', 'done'],
          ['deactivate-user', 'done'],
        ]);

        // Idempotent: the same day again, and the days until the deletion date, only wait.
        for (const day of ['2026-11-29', '2026-11-30', '2026-12-01']) {
          const waiting = await world.sweep('apply', { ...staged, now: on(day) });
          expect(waiting.skips.find((s) => s.row.rowNumber === ETL_ROW)).toMatchObject({
            reason: 'deactivated',
            detail: expect.objectContaining({ kind: 'deactivated', deleteOn: '2026-12-02' }),
          });
        }
        expect(world.notifier.deactivatedNotices.filter((n) => n.row.rowNumber === ETL_ROW)).toHaveLength(1);
        expect(world.userNames()).toContain('etl-batch');

        const planned = await world.sweep('dry-run', { ...staged, now: on('2026-12-02') });
        expect(
          planned.results.find((r) => r.action.kind === 'teardown-user' && r.action.userName === 'etl-batch'),
        ).toMatchObject({ outcome: 'planned' });
        await world.sweep('apply', { ...staged, now: on('2026-12-02') });
        expect(world.userNames()).not.toContain('etl-batch');
        expect(world.ledgerRow(ETL_ROW)[STATUS]).toBe('削除済み');
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    "an admins' notice that fails is reported, and the deactivation it follows is not repeated",
    async () => {
      const world = await World.start();
      try {
        class SlackDown extends RecordingNotifier {
          override async deactivated(): Promise<NoticeMiss[]> {
            throw new Error('Slack is down');
          }
        }
        const first = await world.sweep('apply', {
          ...staged,
          notifier: new SlackDown(),
          now: on('2026-11-29'),
        });
        expect(
          first.results.find((r) => r.action.kind === 'deactivate-user' && r.action.userName === 'etl-batch'),
        ).toMatchObject({
          outcome: 'failed',
          detail: {
            kind: 'deactivated-unannounced',
            done: expect.objectContaining({
              kind: 'deactivated-user',
              userName: 'etl-batch',
              missed: [{ kind: 'admins-notice-failed', rowNumber: 2, error: 'Slack is down' }],
            }),
          },
        });
        expect(world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY)?.status).toBe(
          'Inactive',
        );

        const next = await world.sweep('apply', { ...staged, now: on('2026-11-30') });
        expect(next.results.filter((r) => r.action.kind === 'deactivate-user')).toEqual([]);
        expect(next.skips.find((skip) => skip.row.rowNumber === ETL_ROW)).toMatchObject({
          reason: 'deactivated',
        });
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  describe('in Slack', () => {
    let sw: SlackWorld;
    afterEach(async () => {
      await sw.close();
    }, TEST_MS);

    it(
      'the admins get Reactivate: keys back on, ledger extended, console password reported as gone',
      async () => {
        sw = await SlackWorld.start();
        sw.world.account.createLoginProfile('etl-batch', { passwordResetRequired: false });
        await sw.sweep();
        const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
        await sw.sweep({ ...staged, now: on('2026-11-29') });

        const etlKey = () =>
          sw.world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY);
        expect(etlKey()?.status).toBe('Inactive');
        expect(() => sw.world.account.getLoginProfile('etl-batch')).toThrow();
        const notice = sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.reactivate));
        expect(notice?.text).toBe('利用期間が終了したアクセスキーを無効化しました');
        expect(JSON.stringify(notice?.blocks)).toContain('2026/12/02 に削除します');
        expect((await sw.world.state.cases.get(id))?.status).toBe('deactivated');
        // The owner's notice loses its buttons and the owner is told.
        expect(actionIds(sw.slack.messages(OWNER)[0])).toEqual([]);
        expect(
          sw.slack.messages(OWNER).some((m) => m.text.includes('無効化しました。2026/12/02 に削除されます')),
        ).toBe(true);

        await sw.click(OUTSIDER, ACTION.reactivate, id);
        await waitFor(() => sw.slack.responses.find((r) => String(r.body.text).includes('権限がありません')));
        await sw.click(OWNER, ACTION.delete, id, dm);
        await waitFor(() =>
          sw.slack.responses.find((r) => String(r.body.text).includes('すでに処理されています')),
        );
        expect(etlKey()?.status).toBe('Inactive');
        expect(sw.world.userNames()).toContain('etl-batch');

        await sw.click(ADMIN, ACTION.reactivate, id, { channel: ADMIN_CHANNEL, ts: notice!.ts });
        const modal = await waitFor(() => sw.slack.callsTo('views.open')[0]);
        expect(modal.args.view).toMatchObject({ callback_id: VIEW.reactivate, private_metadata: id });
        await sw.submit(ADMIN, VIEW.reactivate, id, {
          new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
          reason: { text: { type: 'plain_text_input', value: '移行が延びた' } },
        });

        // The ledger is written first, the key turned on second, then the case committed.
        await waitFor(async () => (await sw.world.state.cases.get(id))?.status === 'extended' || undefined);
        expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('延長済み');
        expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-12-28');
        expect(etlKey()?.status).toBe('Active');
        await waitFor(() => sw.slack.messages(ADMIN).find((m) => m.text.includes('create-login-profile')));
        await waitFor(() => sw.slack.messages(OWNER).find((m) => m.text.includes('再有効化されました')));
        expect(await sw.world.state.cases.get(id)).toMatchObject({
          status: 'extended',
          decision: { by: ADMIN, outcome: 'reactivated' },
        });
        await waitFor(
          () =>
            [...sw.slack.messages(OWNER), ...sw.slack.messages(ADMIN_CHANNEL)].every(
              (m) => actionIds(m).length === 0,
            ) || undefined,
        );
        await waitFor(async () =>
          (await sw.world.state.audit.listDay('2026-11-24')).find((e) => e.action === 'reactivated'),
        );

        // Extended now: later staged sweeps leave the row alone.
        await sw.sweep({ ...staged, now: on('2026-12-02') });
        expect(sw.world.userNames()).toContain('etl-batch');
        expect(etlKey()?.status).toBe('Active');
      },
      TEST_MS,
    );

    it(
      'an owner who has left and a deleted message do not fail the deactivation: it happens once, the deletion follows',
      async () => {
        sw = await SlackWorld.start();
        await sw.sweep();
        const dmChannel = sw.slack.dmChannel(OWNER);
        const dm = sw.slack.messages(OWNER)[0]!;
        const deleted = await fetch(sw.slack.responseUrl({ channel: dmChannel, ts: dm.ts }), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ delete_original: true }),
        });
        expect(deleted.ok).toBe(true);
        expect(sw.slack.messages(dmChannel)).toEqual([]);
        // The owner left the workspace: a DM to them is channel_not_found.
        sw.slack.setUsers([
          { id: OUTSIDER, email: 'sato@example.com', name: 'sato' },
          { id: ADMIN, email: 'admin@example.com', name: 'admin', isAdmin: true },
        ]);
        const reactivateNotices = () =>
          sw.slack.messages(ADMIN_CHANNEL).filter((m) => actionIds(m).includes(ACTION.reactivate));

        const first = await sw.sweep({ ...staged, now: on('2026-11-29') });
        const deactivation = first.results.find(
          (r) => r.action.kind === 'deactivate-user' && r.action.userName === 'etl-batch',
        );
        expect(deactivation?.outcome).toBe('done');
        expect(deactivation?.detail).toMatchObject({
          kind: 'deactivated-user',
          missed: expect.arrayContaining([
            { kind: 'owner-unreachable', owner: OWNER, code: 'channel_not_found' },
            { kind: 'messages-not-updated', count: 1 },
          ]),
        });
        expect(reactivateNotices()).toHaveLength(1);
        expect((await sw.world.state.cases.get(id))?.status).toBe('deactivated');
        // The admins' copy of the week-ahead notice was still redrawn without its buttons.
        expect(sw.slack.messages(ADMIN_CHANNEL).filter((m) => actionIds(m).length > 0)).toEqual(
          reactivateNotices(),
        );

        const next = await sw.sweep({ ...staged, now: on('2026-11-30') });
        expect(next.results.filter((r) => r.action.kind === 'deactivate-user')).toEqual([]);
        expect(next.skips.find((skip) => skip.row.rowNumber === ETL_ROW)).toMatchObject({
          reason: 'deactivated',
        });
        expect(reactivateNotices()).toHaveLength(1);

        await sw.sweep({ ...staged, now: on('2026-12-02') });
        expect(sw.world.userNames()).not.toContain('etl-batch');
        expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('削除済み');
      },
      TEST_MS,
    );

    it(
      'a Reactivate that fails after the key went back on turns it off again and leaves the row deactivated',
      async () => {
        let failCompletes = false;
        sw = await SlackWorld.start({
          appSweep: (deps) => ({
            ...deps,
            journal: {
              begin: (entry, now) => deps.journal.begin(entry, now),
              getMany: (keys) => deps.journal.getMany(keys),
              fail: (key, sweepId, now, error) => deps.journal.fail(key, sweepId, now, error),
              batch: () => deps.journal.batch(),
              complete: (key, now, detail) =>
                failCompletes
                  ? Promise.reject(new Error('journal unavailable'))
                  : deps.journal.complete(key, now, detail),
            },
          }),
        });
        await sw.sweep();
        await sw.sweep({ ...staged, now: on('2026-11-29') });
        const etlKey = () =>
          sw.world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY);
        const values = {
          new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
          reason: { text: { type: 'plain_text_input', value: 'まだ必要' } },
        };
        failCompletes = true;
        await sw.submit(ADMIN, VIEW.reactivate, id, values);
        const told = await waitFor(() =>
          sw.slack.messages(ADMIN).find((m) => m.text.includes('再有効化できませんでした')),
        );
        expect(told.text).toContain('journal unavailable');
        // The key did go back on (audited) before the journal failed, and is off again.
        const audit = await sw.world.state.audit.listDay('2026-11-24');
        expect(audit.some((e) => e.action === 'activate-access-key' && e.outcome === 'done')).toBe(true);
        expect(etlKey()?.status).toBe('Inactive');
        expect((await sw.world.state.cases.get(id))?.status).toBe('deactivated');
        // The ledger write was undone too: back to the old end date.
        expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('利用中');
        expect(parseLedgerDate(sw.world.ledgerRow(ETL_ROW)[END]!)).toBe('2026-11-28');

        failCompletes = false;
        await sw.submit(ADMIN, VIEW.reactivate, id, values);
        await waitFor(async () => (await sw.world.state.cases.get(id))?.status === 'extended' || undefined);
        expect(etlKey()?.status).toBe('Active');
      },
      TEST_MS,
    );

    it(
      'a Reactivate whose ledger write fails changes nothing and can be retried',
      async () => {
        let failWrites = false;
        sw = await SlackWorld.start({
          sheetsFault: (method) => (failWrites && method === 'values.batchUpdate' ? { status: 503 } : null),
        });
        await sw.sweep();
        await sw.sweep({ ...staged, now: on('2026-11-29') });
        const etlKey = () =>
          sw.world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY);
        const values = {
          new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
          reason: { text: { type: 'plain_text_input', value: 'まだ必要' } },
        };
        failWrites = true;
        await sw.submit(ADMIN, VIEW.reactivate, id, values);
        await waitFor(() =>
          sw.slack.messages(ADMIN).find((m) => m.text.includes('再有効化できませんでした')),
        );
        expect(etlKey()?.status).toBe('Inactive');
        expect((await sw.world.state.cases.get(id))?.status).toBe('deactivated');
        expect(sw.world.ledgerRow(ETL_ROW)[STATUS]).toBe('');

        failWrites = false;
        await sw.submit(ADMIN, VIEW.reactivate, id, values);
        await waitFor(() => sw.world.ledgerRow(ETL_ROW)[STATUS] === '延長済み' || undefined);
        await waitFor(async () =>
          (await sw.world.state.audit.listDay('2026-11-24')).find((e) => e.action === 'reactivated'),
        );
        expect(etlKey()?.status).toBe('Active');
      },
      TEST_MS,
    );
  });
});
