import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import { runDigest } from '../../src/sweep/digest';
import { ADMIN, ADMIN_CHANNEL, eventually, SlackWorld } from '../support/slack-world';
import { NOW } from '../support/world';

const PUBLIC_CHANNEL = 'C0GENERAL';

describe('files with account data go only to the admins', () => {
  let sw: SlackWorld;
  beforeEach(async () => {
    sw = await SlackWorld.start();
  });
  afterEach(async () => {
    await sw.close();
  });

  function report(channel: string) {
    return sw.send({
      command: '/iam-audit',
      text: 'report',
      user_id: ADMIN,
      channel_id: channel,
      team_id: sw.slack.identity.teamId,
      response_url: sw.slack.responseUrl({ channel }),
    });
  }

  it('/iam-audit report typed in a public channel goes to the admin’s DM', async () => {
    await report(PUBLIC_CHANNEL);
    const file = await eventually(() => sw.slack.files.find((f) => f.completed));
    expect(file.channel).toBe(sw.slack.dmChannel(ADMIN));
    expect(file.bytes?.toString('utf8')).toMatch(/^user,arn/);
    const reply = await eventually(() =>
      sw.slack.responses.find((r) => String(r.body.text).includes('アップロードしました')),
    );
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.body.text)).toContain('Keywarden との DM');
    expect(sw.slack.messages(PUBLIC_CHANNEL)).toEqual([]);
  });

  it('/iam-audit report typed in the admin channel stays there', async () => {
    await report(ADMIN_CHANNEL);
    const file = await eventually(() => sw.slack.files.find((f) => f.completed));
    expect(file.channel).toBe(ADMIN_CHANNEL);
    await eventually(() => sw.slack.responses.find((r) => String(r.body.text).includes('このチャンネル')));
  });

  it('the digest attaches the credential report in the admin channel only', async () => {
    await runDigest({
      notifier: sw.notifier,
      now: () => new Date(NOW),
      timeZone: 'Asia/Tokyo',
      reports: new AwsCredentialReportSource(sw.world.iamClient, { sleep: async () => {} }),
      policy: DEFAULT_HYGIENE_POLICY,
      archive: null,
    });
    expect(sw.slack.files.map((f) => [f.channel, f.completed])).toEqual([[ADMIN_CHANNEL, true]]);
  });
});
