import { type LocalDate, parseLedgerDate } from '../../src/domain/dates';
import { maskKeyId } from '../../src/domain/iam';
import { deactivationKey } from '../../src/domain/journal-keys';
import type { LedgerRow } from '../../src/domain/ledger';
import type { ActionResult } from '../../src/domain/report';
import type { DeactivatedNotice, DeactivationsAnnounced } from '../../src/ports/notifier';
import type { AuditLog } from '../../src/ports/state';
import { blocksTextLength, MAX_BLOCKS_TEXT } from '../../src/slack/admin-groups';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { caseFromRow } from '../../src/slack/notifier';
import { runSweep } from '../../src/sweep/run-sweep';
import { messages } from '../../src/text/messages';
import { renderReport } from '../../src/text/sweep-report';
import {
  type Block,
  bareNotifier,
  hostileRow,
  linesOf,
  type Message,
  stateOf,
} from '../support/grouped-messages';
import {
  ADMIN,
  ADMIN_CHANNEL,
  actionIds,
  eventually,
  extendValues,
  OUTSIDER,
  OWNER,
  SlackWorld,
} from '../support/slack-world';
import { csvGrid, RecordingNotifier, World } from '../support/world';

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

const ja = messages('ja');

/** A notifier whose deactivation notices reach nobody: Slack down, or the process killed first. */
class DeactivationsFail extends RecordingNotifier {
  constructor(private readonly error: string) {
    super();
  }

  override async deactivations(): Promise<DeactivationsAnnounced> {
    throw new Error(this.error);
  }
}

/** A staged sweep on 2026-11-29 whose deactivation notices reach nobody, with `error`. */
const unannouncedSweep = (world: World, error: string) =>
  world.sweep('apply', { ...staged, notifier: new DeactivationsFail(error), now: on('2026-11-29') });

const DEACTIVATIONS = new Set(['deactivate-user', 'deactivate-key']);
/** The ledger rows a deactivation acted on, in its order. */
const rowsOf = (result: ActionResult | undefined): LedgerRow[] => {
  const action = result?.action;
  if (action?.kind === 'deactivate-user') return [...action.rows];
  return action?.kind === 'deactivate-key' ? [action.row] : [];
};

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
        const first = await unannouncedSweep(world, 'Slack is down');
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

  it(
    'a deactivation the admins never saw is not deleted on its day: its line goes out first, the deletion a sweep later',
    async () => {
      const world = await World.start();
      try {
        const first = await unannouncedSweep(world, 'killed');
        const rows = first.results.filter((r) => DEACTIVATIONS.has(r.action.kind)).flatMap(rowsOf);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        const users = world.userNames();

        // Past the deletion day (2026-12-02): the lines go out, nothing is deleted.
        const late = await world.sweep('apply', { ...staged, now: on('2026-12-05') });
        expect(late.results.map((r) => r.action.kind)).not.toContain('teardown-user');
        expect(late.results.map((r) => r.action.kind)).not.toContain('delete-key');
        expect(world.userNames()).toEqual(users);
        const announced = () =>
          world.notifier.deactivationGroups.flatMap((g) => g.notices.map((n) => n.row.rowNumber));
        // Their lines, late (with the rows newly due today).
        expect(announced()).toEqual(expect.arrayContaining(rows.map((row) => row.rowNumber)));

        // The admins have had their lines (and Reactivate): the next sweep deletes as due.
        const next = await world.sweep('apply', { ...staged, now: on('2026-12-06') });
        expect(next.results.filter((r) => r.outcome === 'done').map((r) => r.action.kind)).toEqual(
          expect.arrayContaining(['teardown-user']),
        );
        for (const row of rows) expect(announced().filter((n) => n === row.rowNumber)).toHaveLength(1);
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    "a sweep killed between its deactivations and the admins' post: the next one posts the lines, once, and deactivates nothing again",
    async () => {
      const world = await World.start();
      try {
        // Dies once IAM and the journal have the deactivations, before anything reaches Slack: the
        // state a killed process leaves (the report of this run aside, which a kill never writes).
        const first = await unannouncedSweep(world, 'killed');
        const rows = first.results.filter((r) => DEACTIVATIONS.has(r.action.kind)).flatMap(rowsOf);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        const journaled = await world.state.journal.getMany(rows.map(deactivationKey));
        expect(
          [...journaled.values()].map((e) => [e.state, (e.detail as { announced?: boolean }).announced]),
        ).toEqual(rows.map(() => ['completed', false]));
        const deactivatedInIam = async () =>
          (await world.state.audit.listDay('2026-11-29')).filter((e) => e.action === 'deactivate-access-key');
        const steps = (await deactivatedInIam()).length;

        const next = await world.sweep('apply', { ...staged, now: on('2026-11-30') });
        expect(next.results.filter((r) => DEACTIVATIONS.has(r.action.kind))).toEqual([]);
        expect(world.notifier.deactivationGroups).toEqual([
          {
            account: null,
            notices: rows.map((row) => ({
              row,
              on: '2026-11-29',
              deleteOn: '2026-12-02',
              consoleRemoved: expect.any(Boolean),
            })),
          },
        ]);
        const late = (report: typeof next) =>
          rows.map((row) => report.skips.find((skip) => skip.row.rowNumber === row.rowNumber));
        expect(late(next)).toEqual(
          rows.map(() =>
            expect.objectContaining({
              reason: 'deactivated',
              detail: {
                kind: 'deactivated',
                since: '2026-11-29',
                deleteOn: '2026-12-02',
                announcedLate: { error: null },
              },
              attention: false,
            }),
          ),
        );

        // Announced now: the same day again only waits, and IAM was never asked again.
        const third = await world.sweep('apply', { ...staged, now: on('2026-11-30') });
        expect(world.notifier.deactivationGroups).toHaveLength(1);
        expect(late(third).map((skip) => skip?.detail)).toEqual(
          rows.map(() => ({ kind: 'deactivated', since: '2026-11-29', deleteOn: '2026-12-02' })),
        );
        expect(await deactivatedInIam()).toHaveLength(steps);
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    "the account's deactivations reach the admins together; notices Slack did not take fail only their own rows",
    async () => {
      const world = await World.start();
      try {
        /** Slack takes the first notice's part and refuses the next. */
        class SecondPartRefused extends RecordingNotifier {
          readonly calls: (readonly DeactivatedNotice[])[] = [];
          override async deactivations(
            notices: readonly DeactivatedNotice[],
          ): Promise<DeactivationsAnnounced> {
            this.calls.push(notices);
            return { announced: [[]], error: 'msg_blocks_too_long' };
          }
        }
        const notifier = new SecondPartRefused();
        const report = await world.sweep('apply', { ...staged, notifier, now: on('2026-11-29') });
        const made = report.results.filter((r) => DEACTIVATIONS.has(r.action.kind));
        expect(made.length).toBeGreaterThanOrEqual(3);
        // One call for the account, with every row deactivated, in the order they were made.
        expect(notifier.calls.map((notices) => notices.map((n) => n.row))).toEqual([made.flatMap(rowsOf)]);
        const [first, ...rest] = made;
        expect(first).toMatchObject({ outcome: 'done', detail: { missed: [] } });
        for (const result of rest)
          expect(result).toMatchObject({
            outcome: 'failed',
            detail: {
              kind: 'deactivated-unannounced',
              done: {
                missed: [
                  {
                    kind: 'admins-notice-failed',
                    rowNumber: rowsOf(result)[0]?.rowNumber,
                    error: 'msg_blocks_too_long',
                  },
                ],
              },
            },
          });
        // Every deactivation IAM made is in the audit log with its outcome, as before.
        const audit = await world.state.audit.listDay('2026-11-29');
        expect(
          audit
            .filter((e) => DEACTIVATIONS.has(e.action))
            .map((e) => e.outcome)
            .sort(),
        ).toEqual(made.map((r) => r.outcome).sort());
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    'a stop after the first deactivation: it still reaches the admins, and the next sweep does the rest',
    async () => {
      const world = await World.start();
      try {
        const stop = new AbortController();
        const audit = world.state.audit;
        // Stops the run while the first deactivation is under way, as a Lambda near its timeout would.
        const stopping: AuditLog = {
          record: async (event) => {
            await audit.record(event);
            if (event.action === 'deactivate-access-key') stop.abort(new Error('time is up'));
          },
          listDay: (day) => audit.listDay(day),
        };
        const report = await runSweep(world.deps({ ...staged, audit: stopping, now: on('2026-11-29') }), {
          mode: 'apply',
          stop: stop.signal,
        });
        expect(report.stopped).toBeDefined();
        const made = report.results.filter((r) => DEACTIVATIONS.has(r.action.kind));
        expect(made).toEqual([expect.objectContaining({ outcome: 'done' })]);
        const [done] = made;
        expect(world.notifier.deactivationGroups).toEqual([
          { account: null, notices: rowsOf(done).map((row) => expect.objectContaining({ row })) },
        ]);

        const next = await world.sweep('apply', { ...staged, now: on('2026-11-29') });
        const rest = next.results.filter((r) => DEACTIVATIONS.has(r.action.kind));
        expect(rest.length).toBeGreaterThanOrEqual(2);
        expect(rest.every((r) => r.outcome === 'done')).toBe(true);
        expect(rest.flatMap(rowsOf)).not.toContainEqual(rowsOf(done)[0]);
        expect(world.notifier.deactivationGroups).toHaveLength(2);
        expect(world.notifier.deactivationGroups[1]?.notices.map((n) => n.row)).toEqual(rest.flatMap(rowsOf));
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    'an error that ends the removals still announces the deactivations made before it, then goes on',
    async () => {
      const world = await World.start();
      try {
        const audit = world.state.audit;
        let first: string | undefined;
        // The audit log fails for every user after the first deactivated one: the step's record
        // and then the failure's own record, which the executor cannot report and rethrows.
        const failing: AuditLog = {
          record: async (event) => {
            if (event.action === 'deactivate-access-key') first ??= event.target;
            if (first !== undefined && event.target !== first && !event.target.startsWith('row '))
              throw new Error('audit log unavailable');
            await audit.record(event);
          },
          listDay: (day) => audit.listDay(day),
        };
        await expect(
          world.sweep('apply', { ...staged, audit: failing, now: on('2026-11-29') }),
        ).rejects.toThrow('audit log unavailable');
        const groups = world.notifier.deactivationGroups;
        expect(groups.map((group) => group.notices.map((n) => n.row.iamUser))).toEqual([[first]]);
        // Announced: its result recorded, and the journal says the admins have it.
        const [notice] = groups[0]?.notices ?? [];
        const key = deactivationKey(notice!.row);
        expect((await world.state.journal.getMany([key])).get(key)?.detail).toMatchObject({
          announced: true,
        });
        expect(
          (await audit.listDay('2026-11-29'))
            .filter((e) => e.target === first)
            .map((e) => [e.action, e.outcome]),
        ).toContainEqual([expect.stringMatching(/^deactivate-(user|key)$/), 'done']);
      } finally {
        await world.close();
      }
    },
    TEST_MS,
  );

  it(
    "a one-account sweep's grouped headings name no account, whatever the rows' account cells say",
    async () => {
      // Every row names the credentials' own account: before, the first row's cell named the group.
      const [header = [], ...rows] = csvGrid('ledger.csv');
      const world = await World.start({
        ledger: [
          [...header, 'AWSアカウントID'],
          ...rows.map((row) => [
            ...row,
            ...Array<string>(header.length - row.length).fill(''),
            '123456789012',
          ]),
        ],
      });
      try {
        await world.sweep('apply');
        await world.sweep('apply', { ...staged, now: on('2026-11-29') });
        const { adminGroups, deactivationGroups } = world.notifier;
        expect(adminGroups.length).toBeGreaterThan(0);
        expect(deactivationGroups.length).toBeGreaterThan(0);
        expect(
          [
            ...adminGroups.map((g) => g.copies[0]?.row),
            ...deactivationGroups.map((g) => g.notices[0]?.row),
          ].map((row) => row?.accountId),
        ).toEqual([...adminGroups, ...deactivationGroups].map(() => '123456789012'));
        expect([...adminGroups, ...deactivationGroups].map((group) => group.account)).toEqual(
          [...adminGroups, ...deactivationGroups].map(() => null),
        );
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
      'an extension approved while the key was off but not yet shown to the admins turns the key back on',
      async () => {
        sw = await SlackWorld.start();
        await sw.sweep();
        const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
        // The day's sweep deactivates; its admins' part is refused: the case still offers Extend.
        const failing = Object.create(sw.notifier) as typeof sw.notifier;
        failing.deactivations = async (): Promise<DeactivationsAnnounced> => {
          throw new Error('Slack refused the part');
        };
        await sw.sweep({ ...staged, now: on('2026-11-29'), notifier: failing });
        const etlKey = () =>
          sw.world.account.listAccessKeys('etl-batch').find((k) => k.accessKeyId === ETL_KEY)?.status;
        expect(etlKey()).toBe('Inactive');
        expect((await sw.world.state.cases.get(id))?.status).toBe('open');

        // The owner, whose key just stopped working, asks for more time; an admin approves.
        await sw.click(OWNER, ACTION.extend, id, dm);
        await eventually(() => sw.slack.callsTo('views.open')[0]);
        await sw.submit(OWNER, VIEW.extend, id, extendValues('2026-12-28', 'まだ使う'));
        const approval = await eventually(() =>
          sw.slack.messages(ADMIN_CHANNEL).find((m) => actionIds(m).includes(ACTION.approve)),
        );
        // The request commits after its approval message is posted; a click before is "busy".
        await eventually(async () =>
          (await sw.world.state.cases.get(id))?.status === 'extension-requested' ? true : undefined,
        );
        await sw.click(ADMIN, ACTION.approve, id, { channel: ADMIN_CHANNEL, ts: approval.ts });
        await eventually(async () =>
          (await sw.world.state.cases.get(id))?.status === 'extended' ? true : undefined,
        );

        // Approved means working: the key is back on, the journal says so, and no sweep touches it.
        expect(etlKey()).toBe('Active');
        const entry = (
          await sw.world.state.journal.getMany([
            deactivationKey({ id: ETL_KEY, endDate: '2026-11-28' as LocalDate }),
          ])
        )
          .values()
          .next().value;
        expect((entry?.detail as { reactivatedAt?: string } | undefined)?.reactivatedAt).toEqual(
          expect.any(String),
        );
        const next = await sw.sweep({ ...staged, now: on('2026-12-05') });
        expect(next.results.filter((r) => rowsOf(r).some((row) => row.accessKeyId === ETL_KEY))).toEqual([]);
        expect(etlKey()).toBe('Active');
      },
      TEST_MS,
    );

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
        // One grouped message for the account's one deactivation: a heading, then the row's line.
        expect((notice?.blocks?.[0] as Block | undefined)?.text?.text).toBe(
          '*利用期間が終了したアクセスキーを無効化しました 1件*',
        );
        const [line] = linesOf(notice);
        expect(line?.map((block) => block.type)).toEqual(['section', 'context', 'actions']);
        expect(line?.[0]?.text?.text).toContain(`*<@${OWNER}> さんのアクセスキーを無効化しました*`);
        expect(line?.[0]?.text?.text).toContain('*IAMユーザー* etl-batch');
        expect(stateOf(line)).toBe(ja.state.deactivated('2026/11/29', '2026/12/02', true));
        expect(line?.[2]?.elements).toEqual([
          expect.objectContaining({
            action_id: ACTION.reactivate,
            value: id,
            text: expect.objectContaining({ text: '再有効化する' }),
          }),
        ]);
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
      "one admin post for the account's deactivations, a Reactivate on each line; a click redraws its own line",
      async () => {
        sw = await SlackWorld.start();
        const report = await sw.sweep({ ...staged, now: on('2026-11-29') });
        const made = report.results.filter((r) => DEACTIVATIONS.has(r.action.kind));
        const rows = made.flatMap(rowsOf);
        expect(rows.length).toBeGreaterThanOrEqual(3);
        expect(made.every((r) => r.outcome === 'done')).toBe(true);
        // The journal says the admins have each line, so no later sweep posts it again.
        const journaled = await sw.world.state.journal.getMany(rows.map(deactivationKey));
        expect([...journaled.values()].map((e) => (e.detail as { announced?: boolean }).announced)).toEqual(
          rows.map(() => true),
        );

        // Before, one admin post per row; now one for the account (the expiry notices have theirs).
        const withReactivate = () =>
          (sw.slack.messages(ADMIN_CHANNEL) as Message[]).filter((m) =>
            actionIds(m).includes(ACTION.reactivate),
          );
        expect(withReactivate()).toHaveLength(1);
        const [group] = withReactivate();
        expect(group?.text.split('\n')[0]).toBe(
          `利用期間が終了したアクセスキーを無効化しました ${rows.length}件`,
        );
        const before = linesOf(group);
        expect(before).toHaveLength(rows.length);
        // Each line: the row, its state, and a Reactivate for that row alone.
        const userOf = (line: Block[] | undefined) =>
          /\*IAMユーザー\* (\S+)/.exec(line?.[0]?.text?.text ?? '')?.[1];
        expect(before.map(userOf)).toEqual(rows.map((row) => row.iamUser));
        for (const [n, line] of before.entries()) {
          const row = rows[n]!;
          expect(line.map((block) => block.type)).toEqual(['section', 'context', 'actions']);
          expect(
            [true, false].map((gone) => ja.state.deactivated('2026/11/29', '2026/12/02', gone)),
          ).toContain(stateOf(line));
          expect(line[2]?.elements).toEqual([
            expect.objectContaining({
              action_id: ACTION.reactivate,
              value: SlackWorld.caseOf(row.accessKeyId, row.endDate),
            }),
          ]);
          expect(
            (await sw.world.state.cases.get(SlackWorld.caseOf(row.accessKeyId, row.endDate)))?.status,
          ).toBe('deactivated');
        }

        const etl = rows.findIndex((row) => row.accessKeyId === ETL_KEY);
        await sw.click(ADMIN, ACTION.reactivate, id, { channel: ADMIN_CHANNEL, ts: group!.ts });
        await waitFor(() => sw.slack.callsTo('views.open')[0]);
        await sw.submit(ADMIN, VIEW.reactivate, id, {
          new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
          reason: { text: { type: 'plain_text_input', value: '移行が延びた' } },
        });
        const after = await waitFor(() => {
          const lines = linesOf(withReactivate().find((m) => m.ts === group!.ts));
          return lines[etl]?.length === 2 ? lines : undefined;
        });
        expect(stateOf(after[etl])).toBe(ja.state.reactivated('2026/12/28', `<@${ADMIN}>`));
        expect(after.filter((_, n) => n !== etl)).toEqual(before.filter((_, n) => n !== etl));
        expect(withReactivate()).toHaveLength(1);
      },
      TEST_MS,
    );

    const deactivatedOn = (n: number): DeactivatedNotice => ({
      row: hostileRow(n, 'DEA'),
      on: '2026-11-29' as LocalDate,
      deleteOn: '2026-12-02' as LocalDate,
      consoleRemoved: n % 2 === 0,
    });

    it.each(['ja', 'en'] as const)(
      "%s: 40 deactivations → parts within Slack's limits, every row once and in order with its own Reactivate",
      async (language) => {
        sw = await SlackWorld.start();
        const m = messages(language);
        const notifier = bareNotifier(sw, m);
        const notices = Array.from({ length: 40 }, (_, n) => deactivatedOn(n));

        expect(await notifier.deactivations(notices, '123456789012')).toEqual({
          announced: notices.map(() => []),
        });

        const posted = sw.slack.messages(ADMIN_CHANNEL) as Message[];
        expect(posted.length).toBeGreaterThan(1);
        expect(posted.length).toBeLessThan(notices.length);
        for (const [n, message] of posted.entries()) {
          expect(message.blocks?.length).toBeLessThanOrEqual(50);
          expect(blocksTextLength(message.blocks)).toBeLessThanOrEqual(MAX_BLOCKS_TEXT);
          expect((message.blocks?.[0] as Block | undefined)?.text?.text).toBe(
            `*${m.deactivatedGroupTitle('123456789012', linesOf(message).length, n + 1, posted.length)}*`,
          );
        }
        const lines = posted.flatMap(linesOf);
        expect(lines.map((line) => /svc-\d+/.exec(line[0]?.text?.text ?? '')?.[0])).toEqual(
          notices.map((notice) => notice.row.iamUser),
        );
        expect(
          lines.map((line) => line[2]?.elements?.map((button) => [button.action_id, button.value])),
        ).toEqual(
          notices.map((notice) => [
            [ACTION.reactivate, SlackWorld.caseOf(notice.row.accessKeyId, '2026-11-28')],
          ]),
        );
        expect(lines.map((line) => stateOf(line))).toEqual(
          notices.map((notice) => m.state.deactivated('2026/11/29', '2026/12/02', notice.consoleRemoved)),
        );
        // No ping, mention or link from the ledger: its text is escaped in the line's title and details.
        const texts = JSON.stringify(posted.map((message) => message.blocks));
        expect(texts).not.toMatch(/<!|<@U0HACKER/);
        expect(texts).toContain(m.deactivatedLineTitle('&lt;!channel&gt; 名前0'));
      },
      TEST_MS,
    );

    it(
      'an owner with several deactivated rows gets one DM listing them, not one per row',
      async () => {
        sw = await SlackWorld.start();
        const notifier = bareNotifier(sw, ja);
        const notices = Array.from({ length: 3 }, (_, n) => deactivatedOn(n));
        for (const { row } of notices) await sw.world.state.cases.create(caseFromRow(row, OWNER));

        expect(await notifier.deactivations(notices, null)).toEqual({ announced: notices.map(() => []) });

        expect(sw.slack.messages(OWNER).map((message) => message.text)).toEqual([
          ja.ownerDeactivatedKeys(
            notices.map(({ row }) => ({
              iamUser: row.iamUser,
              key: maskKeyId(row.accessKeyId),
              deleteOn: '2026/12/02',
            })),
          ),
        ]);
      },
      TEST_MS,
    );

    it(
      "Slack refusing the second part: the first part counts, the rest are reported with Slack's error",
      async () => {
        let parts = 0;
        sw = await SlackWorld.start({
          slackOutage: (method, args) =>
            method === 'chat.postMessage' && String(args.text).startsWith('AWSアカウント') && ++parts === 2,
        });
        const cases = sw.world.state.cases;
        const notifier = bareNotifier(sw, ja);
        const notices = Array.from({ length: 40 }, (_, n) => deactivatedOn(n));
        const statuses = async () => {
          const states = await cases.getMany(
            notices.map((n) => SlackWorld.caseOf(n.row.accessKeyId, '2026-11-28')),
          );
          return notices.map((n) => states.get(SlackWorld.caseOf(n.row.accessKeyId, '2026-11-28'))?.status);
        };
        // The caller hears of each posted part before its cases move (and its Reactivate can act).
        const posted: [number, number, (string | undefined)[]][] = [];

        const told = await notifier.deactivations(notices, '123456789012', {
          posted: async (first, count) => {
            posted.push([first, count, await statuses()]);
          },
        });

        const [first] = sw.slack.messages(ADMIN_CHANNEL) as Message[];
        expect(sw.slack.messages(ADMIN_CHANNEL)).toHaveLength(1);
        const shown = linesOf(first).length;
        expect(told.announced).toEqual(notices.slice(0, shown).map(() => []));
        expect(told.error).toEqual(expect.any(String));
        expect(posted).toEqual([[0, shown, notices.map(() => 'open')]]);
        expect(await statuses()).toEqual(notices.map((_, n) => (n < shown ? 'deactivated' : 'open')));
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
      "a stop: the admins' line still goes out; the owner's DM and the redraws are skipped and reported",
      async () => {
        sw = await SlackWorld.start();
        await sw.sweep();
        const stop = new AbortController();
        const audit = sw.world.state.audit;
        // Stops the run while the first deactivation is under way, as a Lambda near its timeout would.
        const stopping: AuditLog = {
          record: async (event) => {
            await audit.record(event);
            if (event.action === 'deactivate-access-key') stop.abort(new Error('time is up'));
          },
          listDay: (day) => audit.listDay(day),
        };
        const updates = sw.slack.callsTo('chat.update').length;
        const report = await runSweep(
          sw.world.deps({
            ...staged,
            notifier: sw.notifier,
            slackDirectory: sw.notifier,
            homeSnapshots: sw.world.state.homeSnapshots,
            audit: stopping,
            now: on('2026-11-29'),
          }),
          { mode: 'apply', stop: stop.signal },
        );
        expect(report.stopped).toBeDefined();
        const made = report.results.filter((r) => DEACTIVATIONS.has(r.action.kind));
        expect(made).toEqual([expect.objectContaining({ outcome: 'done' })]);
        const rows = made.flatMap(rowsOf);
        // The row had an owner with an earlier DM: both would have been news.
        const cases = await sw.world.state.cases.getMany(
          rows.map((row) => SlackWorld.caseOf(row.accessKeyId, row.endDate)),
        );
        expect([...cases.values()].map((c) => [c.status, c.ownerSlackId])).toEqual(
          rows.map(() => ['deactivated', OWNER]),
        );
        expect(made[0]?.detail).toMatchObject({ missed: rows.map(() => ({ kind: 'news-skipped' })) });
        // The admins have the line with its Reactivate; nothing else went out or was edited.
        const group = sw.slack
          .messages(ADMIN_CHANNEL)
          .filter((m) => actionIds(m).includes(ACTION.reactivate));
        expect(group.map((m) => linesOf(m).length)).toEqual([rows.length]);
        expect(
          sw.slack
            .callsTo('chat.postMessage')
            .filter((c) => c.args.text === ja.ownerDeactivated('2026/12/02')),
        ).toEqual([]);
        expect(sw.slack.callsTo('chat.update')).toHaveLength(updates);
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
