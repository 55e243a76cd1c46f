import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { ADMIN, ADMIN_CHANNEL, eventually, OWNER, SlackWorld } from '../support/slack-world';

const ETL_KEY = 'AKIAEXAMPLEETLXX1001';
const ETL_ROW = 2;
const id = SlackWorld.caseOf(ETL_KEY, '2026-11-28');
const DAY = '2026-11-24';

const refusals = async (sw: SlackWorld) =>
  (await sw.world.state.audit.listDay(DAY)).filter((e) => e.detail?.startsWith('refused: invalid input'));

describe('payload validation at the Slack edge', () => {
  // Each test starts a world and runs an apply sweep first: slow on a loaded 2-core machine.
  jest.setTimeout(60_000);
  let sw: SlackWorld;
  let before: unknown[];
  beforeEach(async () => {
    sw = await SlackWorld.start();
    await sw.sweep();
    before = [...sw.world.ledgerRow(ETL_ROW)];
  });
  afterEach(async () => {
    await sw.close();
  });

  it('refuses a 100,000-character button value: the clicker hears why, the audit says why, nothing changes', async () => {
    const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
    expect((await sw.click(OWNER, ACTION.delete, 'A'.repeat(100_000), dm)).status).toBe(200);
    const answer = await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('不正な入力')),
    );
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const [refusal] = await eventually(async () =>
      (await refusals(sw)).length > 0 ? refusals(sw) : undefined,
    );
    expect(refusal).toMatchObject({
      actor: `slack:${OWNER}`,
      action: 'delete',
      outcome: 'skipped',
      detail: expect.stringContaining('actions.0.value'),
    });
    expect(sw.world.userNames()).toContain('etl-batch');
    expect(sw.world.ledgerRow(ETL_ROW)).toEqual(before);
  });

  it.each([
    ['a formula', '=HYPERLINK("http://evil","x")'],
    ['a slashed date', '2026/12/28'],
    ['an impossible date', '2026-02-30'],
    ['a date with a tail', '2026-12-28T00:00'],
  ])('keeps the extension modal open on %s and audits it; the ledger is untouched', async (_name, date) => {
    const response = await sw.submit(OWNER, VIEW.extend, id, {
      new_end_date: { date: { type: 'datepicker', selected_date: date } },
      reason: { text: { type: 'plain_text_input', value: 'x' } },
    });
    expect(await response.json()).toEqual({
      response_action: 'errors',
      errors: { new_end_date: '日付を選んでください' },
    });
    const [refusal] = await eventually(async () =>
      (await refusals(sw)).length > 0 ? refusals(sw) : undefined,
    );
    expect(refusal).toMatchObject({ actor: `slack:${OWNER}`, action: 'extend-submit' });
    expect(refusal?.detail).not.toContain(date);
    expect(sw.world.ledgerRow(ETL_ROW)).toEqual(before);
  });

  it('refuses a deny note longer than the modal allows and a forged case id', async () => {
    const tooLong = await sw.submit(ADMIN, VIEW.deny, id, {
      reason: { text: { type: 'plain_text_input', value: 'x'.repeat(501) } },
    });
    expect(await tooLong.json()).toMatchObject({ response_action: 'errors' });
    await sw.click(ADMIN, ACTION.approve, `${ETL_KEY}#<!channel>`, { channel: ADMIN_CHANNEL, ts: '1.1' });
    await eventually(async () => ((await refusals(sw)).length === 2 ? true : undefined));
    expect((await refusals(sw)).map((e) => e.action)).toEqual(['deny-submit', 'approve']);
  });

  it('refuses an /iam-audit whose channel id is not one, before the admin check', async () => {
    await sw.send({
      command: '/iam-audit',
      text: 'report',
      user_id: ADMIN,
      channel_id: 'C0ADMINS<!channel>',
      team_id: sw.slack.identity.teamId,
      response_url: sw.slack.responseUrl(),
    });
    await eventually(() => sw.slack.responses.find((r) => String(r.body.text).includes('不正な入力')));
    expect(sw.slack.files).toEqual([]);
    expect((await refusals(sw)).map((e) => [e.actor, e.action])).toEqual([[`slack:${ADMIN}`, 'iam-audit']]);
  });

  it("refuses a click whose response_url is not Slack's: nothing is posted there, the clicker hears by DM", async () => {
    const elsewhere: string[] = [];
    const server = createServer((req, res) => {
      elsewhere.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
      const response = await sw.send({
        type: 'block_actions',
        team: { id: sw.slack.identity.teamId },
        user: { id: OWNER, team_id: sw.slack.identity.teamId },
        api_app_id: 'A0KEYWARDEN',
        token: 'legacy',
        trigger_id: sw.slack.triggerId(OWNER),
        response_url: `http://127.0.0.1:${port}/hook`,
        channel: { id: dm.channel },
        container: { type: 'message', ...dm },
        actions: [
          {
            type: 'button',
            action_id: ACTION.delete,
            block_id: 'keywarden_actions',
            value: id,
            action_ts: '1',
          },
        ],
      });
      expect(response.status).toBe(200);
      const [refusal] = await eventually(async () =>
        (await refusals(sw)).length > 0 ? refusals(sw) : undefined,
      );
      expect(refusal).toMatchObject({
        actor: `slack:${OWNER}`,
        action: 'delete',
        outcome: 'skipped',
        detail: 'refused: invalid input: response_url: not a Slack response URL',
      });
      const told = await eventually(() =>
        sw.slack
          .callsTo('chat.postMessage')
          .find((call) => call.args.channel === OWNER && String(call.args.text).includes('不正な入力')),
      );
      expect(told).toBeDefined();
      expect(elsewhere).toEqual([]);
      expect(sw.world.userNames()).toContain('etl-batch');
      expect(sw.world.ledgerRow(ETL_ROW)).toEqual(before);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
