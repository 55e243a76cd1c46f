import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import { ACTION, VIEW } from '../../src/slack/blocks';
import { runDigest } from '../../src/sweep/digest';
import { ADMIN, ADMIN_CHANNEL, eventually, OUTSIDER, OWNER, SlackWorld } from '../support/slack-world';
import { csvGrid, NOW } from '../support/world';

const id = SlackWorld.caseOf('AKIAEXAMPLEETLXX1001', '2026-11-28');
/** Users the code itself mentions in these flows; any other `<@…>` came from data. */
const MENTIONABLE = new Set([OWNER, ADMIN]);
const HOSTILE = '<!channel> <@U0HACKER> <http://evil.example|click> <!subteam^S0EVIL>';

/** The example ledger with Slack control sequences in every free-text column and a bad date. */
function hostileLedger(): string[][] {
  const grid = csvGrid('ledger.csv');
  const header = grid[0] ?? [];
  const col = (name: string) => header.indexOf(name);
  return grid.map((row, index) => {
    if (index === 0) return row;
    const copy = [...row];
    copy[col('利用目的')] = `${HOSTILE} purpose`;
    copy[col('AWSリソース名')] = `${HOSTILE} & co`;
    // Rows whose owner is not in the people table: their name reaches the admin channel.
    if (copy[col('アカウント名')] === 'log-shipper') copy[col('氏名')] = HOSTILE;
    if (copy[col('アカウント名')] === 'dwh-reader') copy[col('利用終了日')] = '<!here>';
    return copy;
  });
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

/** Every text, block and view Slack received, as (where, string) pairs. */
function surfaces(sw: SlackWorld): [string, string][] {
  return [
    ...sw.slack.calls.flatMap((call) =>
      strings([call.args.text, call.args.blocks, call.args.view, call.args.initial_comment]).map(
        (s): [string, string] => [call.method, s],
      ),
    ),
    ...sw.slack.responses.flatMap((r) => strings(r.body).map((s): [string, string] => ['response_url', s])),
  ];
}

function violations(sw: SlackWorld): [string, string][] {
  return surfaces(sw).filter(([, text]) => {
    // Live pings and links, or text escaped twice.
    if (/<!|<http|&amp;(lt|gt|amp);/.test(text)) return true;
    // A mention from data is live, and one of the code's own mentions escaped shows as raw text.
    if ([...text.matchAll(/<@([^>]*)>/g)].some((m) => !MENTIONABLE.has(m[1] ?? ''))) return true;
    return [...text.matchAll(/&lt;@([A-Z0-9]+)/g)].some((m) => MENTIONABLE.has(m[1] ?? ''));
  });
}

const extendValues = (reason: string) => ({
  new_end_date: { date: { type: 'datepicker', selected_date: '2026-12-28' } },
  reason: { text: { type: 'plain_text_input', value: reason } },
});

describe('text from data never becomes a mention or link in Slack', () => {
  // Each test starts a world and runs an apply sweep first: slow on a loaded 2-core machine.
  jest.setTimeout(60_000);
  let sw: SlackWorld;
  beforeEach(async () => {
    sw = await SlackWorld.start({ ledger: hostileLedger() });
    await sw.sweep();
  });
  afterEach(async () => {
    await sw.close();
  });

  async function requestExtension(reason: string) {
    const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
    await sw.click(OWNER, ACTION.extend, id, dm);
    await eventually(() => sw.slack.callsTo('views.open')[0]);
    await sw.submit(OWNER, VIEW.extend, id, extendValues(reason));
    // The request is complete once the owner's DM shows it; clicking earlier races its last write.
    await eventually(() => sw.slack.messages(OWNER).find((m) => m.text.includes('承認待ち')));
    return eventually(() =>
      sw.slack.messages(ADMIN_CHANNEL).find((m) => JSON.stringify(m.blocks ?? []).includes(ACTION.approve)),
    );
  }

  it('apply sweep, extend, approve, every /iam-audit subcommand and the digest', async () => {
    const approval = await requestExtension(`${HOSTILE} reason`);
    await sw.click(ADMIN, ACTION.approve, id, { channel: ADMIN_CHANNEL, ts: approval.ts });
    await eventually(() => sw.slack.messages(OWNER).find((m) => m.text.includes('承認されました')));

    const commands = [
      'help',
      'ledger 30',
      'keys',
      'passwords',
      'unused 30',
      'mfa',
      'user etl-batch',
      'report',
      'sweep',
    ];
    for (const text of [...commands, '<!channel>', 'user <@U0HACKER>']) await sw.command(ADMIN, text);
    await eventually(() => (sw.slack.responses.length >= commands.length + 2 ? true : undefined), 20_000);

    await runDigest({
      notifier: sw.notifier,
      now: () => new Date(NOW),
      timeZone: 'Asia/Tokyo',
      reports: new AwsCredentialReportSource(sw.world.iamClient, { sleep: async () => {} }),
      policy: DEFAULT_HYGIENE_POLICY,
      archive: null,
    });

    expect(violations(sw)).toEqual([]);
    // The data is shown, as text.
    const shown = surfaces(sw).map(([, text]) => text);
    expect(shown.some((text) => text.includes('&lt;!channel&gt; &lt;@U0HACKER&gt;'))).toBe(true);
    expect(shown.some((text) => text.includes('&lt;root_account&gt;'))).toBe(true);
    // The code's own mentions render as mentions, in blocks and fallback text alike.
    const adminPosts = sw.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ADMIN_CHANNEL);
    const adminCopy = adminPosts.find((c) => String(c.args.text).includes('期限通知'));
    expect(JSON.stringify(adminCopy?.args.blocks)).toContain(`<@${OWNER}>`);
    const request = adminPosts.find((c) => String(c.args.text).includes('延長申請があります'));
    expect(request?.args.text).toContain(`<@${OWNER}>`);
    expect(JSON.stringify(request?.args.blocks)).toContain(`*<@${OWNER}> さんから`);
    const approved = sw.slack
      .callsTo('chat.update')
      .find((c) => String(c.args.text).includes('承認しました'));
    expect(JSON.stringify(approved?.args.blocks)).toContain(`<@${ADMIN}> さんが延長を承認しました`);
  });

  it('deny with a hostile note', async () => {
    const approval = await requestExtension('x');
    await sw.click(ADMIN, ACTION.deny, id, { channel: ADMIN_CHANNEL, ts: approval.ts });
    await eventually(() => sw.slack.callsTo('views.open')[1]);
    await sw.submit(ADMIN, VIEW.deny, id, { reason: { text: { type: 'plain_text_input', value: HOSTILE } } });
    await eventually(() => sw.slack.messages(OWNER).find((m) => m.text.includes('却下されました')));
    expect(violations(sw)).toEqual([]);
  });

  it('delete, and refusals of an outsider', async () => {
    const dm = { channel: sw.slack.dmChannel(OWNER), ts: sw.slack.messages(OWNER)[0]!.ts };
    await sw.click(OUTSIDER, ACTION.delete, id, dm);
    await eventually(() => sw.slack.responses.find((r) => String(r.body.text).includes('権限がありません')));
    await sw.click(OWNER, ACTION.delete, id, dm);
    await eventually(() =>
      sw.slack.messages(OWNER).find((m) => JSON.stringify(m.blocks ?? []).includes('削除しました')),
    );
    expect(violations(sw)).toEqual([]);
  });
});
