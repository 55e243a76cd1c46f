import { TagUserCommand } from '@aws-sdk/client-iam';
import { AwsIamGateway } from '../../src/adapters/iam/aws-iam';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import type { LocalDate } from '../../src/domain/dates';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import type { Mute } from '../../src/domain/mutes';
import type { HygieneSummary } from '../../src/domain/report';
import type { SweepDeps } from '../../src/sweep/deps';
import { runDigest } from '../../src/sweep/digest';
import { digestOptions, digestText } from '../../src/text/findings';
import { messages } from '../../src/text/messages';
import { NOW, World } from '../support/world';

const reports = (world: World) => new AwsCredentialReportSource(world.iamClient, { sleep: async () => {} });

function hygiene(world: World, mutes: readonly Mute[] = []): Partial<SweepDeps> {
  return {
    credentialReports: reports(world),
    hygiene: { policy: DEFAULT_HYGIENE_POLICY, deactivateStaleKeys: true, mutes },
  };
}

const summaryOf = (report: { hygiene?: HygieneSummary | { error: string } }) => {
  if (!report.hygiene || 'error' in report.hygiene)
    throw new Error(`no hygiene summary: ${JSON.stringify(report.hygiene)}`);
  return report.hygiene;
};

const weeklyDigest = (world: World, mutes: readonly Mute[] = [], protectedUsers = new Set<string>()) =>
  runDigest({
    notifier: world.notifier,
    now: () => new Date(NOW),
    timeZone: 'Asia/Tokyo',
    reports: reports(world),
    policy: DEFAULT_HYGIENE_POLICY,
    archive: null,
    muting: { mutes, protectedUsers, iam: new AwsIamGateway(world.iamClient) },
  });

const described = (findings: readonly { user: string; kind: string }[] | undefined) =>
  (findings ?? []).map((f) => `${f.user} ${f.kind}`);

describe('muted hygiene findings', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('a finding muted by IAM tag sends no DM and no ping, is not acted on, and the weekly digest lists it as muted', async () => {
    world = await World.start();
    // Set the way an admin would, through IAM: the value keeps to IAM's tag characters.
    await world.iamClient.send(
      new TagUserCommand({
        UserName: 'ml-train',
        Tags: [
          {
            Key: 'keywarden:mute',
            Value: 'unused-credentials until=2026-12-31 reason=GPU quota reserve: 渡辺',
          },
        ],
      }),
    );
    const summary = summaryOf(await world.sweep('apply', hygiene(world)));

    const dm = world.notifier.findingDms.find((notice) => notice.slackId === 'U06WATANABE');
    expect(described(dm?.findings)).toEqual(['ml-train key-too-old']);
    expect(described(world.notifier.digests[0]?.fresh)).not.toContain('ml-train unused-credentials');
    expect(summary.muted).toBeGreaterThanOrEqual(1);
    // A muted unused key is an accepted exception: deactivation leaves it alone too.
    expect(summary.deactivated.filter((key) => key.userName === 'ml-train')).toEqual([]);
    expect(world.account.listAccessKeys('ml-train').every((key) => key.status === 'Active')).toBe(true);

    const result = await weeklyDigest(world);
    const weekly = world.notifier.digests.at(-1);
    expect(result.muted).toBe(weekly?.muted?.length);
    expect(described(weekly?.fresh)).not.toContain('ml-train unused-credentials');
    expect(weekly?.muted?.map((m) => [`${m.finding.user} ${m.finding.kind}`, m.silence])).toContainEqual([
      'ml-train unused-credentials',
      {
        kind: 'muted',
        mute: {
          user: 'ml-train',
          kinds: ['unused-credentials'],
          until: '2026-12-31',
          reason: 'GPU quota reserve: 渡辺',
          source: 'tag',
        },
      },
    ]);
    const ja = messages('ja');
    const text = digestText(
      weekly?.fresh ?? [],
      weekly?.counts ?? summary.counts,
      ja,
      digestOptions(weekly!, ja),
    );
    expect(text).toContain(`• \`ml-train\` ${ja.findings.kind['unused-credentials']}: `);
    expect(text).toContain('2026-12-31 までミュート（IAMタグ）: GPU quota reserve: 渡辺');
  });

  it('an expired mute pings again, and the digests say it expired', async () => {
    world = await World.start();
    // Ended yesterday in Tokyo (NOW is 2026-11-24 15:00 JST).
    const ended: Mute = {
      user: 'ml-train',
      kinds: '*',
      until: '2026-11-23' as LocalDate,
      reason: 'migration window',
      source: 'settings',
    };
    summaryOf(await world.sweep('apply', hygiene(world, [ended])));
    const dm = world.notifier.findingDms.find((notice) => notice.slackId === 'U06WATANABE');
    expect(described(dm?.findings)).toEqual(['ml-train key-too-old', 'ml-train unused-credentials']);
    const daily = world.notifier.digests[0];
    expect(daily?.expiredMutes?.map((e) => `${e.finding.user} ${e.finding.kind} ${e.mute.until}`)).toEqual([
      'ml-train key-too-old 2026-11-23',
      'ml-train unused-credentials 2026-11-23',
    ]);

    await weeklyDigest(world, [ended]);
    const weekly = world.notifier.digests.at(-1);
    // Only the protected users' findings stay muted.
    expect(weekly?.muted?.every((m) => m.silence.kind === 'protected')).toBe(true);
    const en = messages('en');
    const text = digestText(
      weekly?.fresh ?? [],
      weekly?.counts ?? daily!.counts,
      en,
      digestOptions(weekly!, en),
    );
    expect(text).toContain('*Mutes that expired (2; these ping again)*');
    expect(text).toContain('• `ml-train` key-too-old: mute ended 2026-11-23: migration window');
  });

  it('a protected user (PROTECTED_USERS) gets no hygiene DM; the weekly digest lists the findings as protected', async () => {
    world = await World.start();
    const protectedUsers = new Set(['etl-batch']);
    const summary = summaryOf(
      await world.sweep('apply', {
        ...hygiene(world),
        policy: { noticeDays: 7, finalNoticeDays: 0, protectedUsers },
      }),
    );
    expect(world.notifier.findingDms.map((dm) => dm.slackId)).not.toContain('U01YAMADA');
    expect(described(world.notifier.findingDms.flatMap((dm) => dm.findings))).not.toContain(
      'etl-batch key-too-old',
    );
    expect(summary.muted).toBeGreaterThan(0);

    await weeklyDigest(world, [], protectedUsers);
    const weekly = world.notifier.digests.at(-1);
    expect(
      weekly?.muted?.filter((m) => m.finding.user === 'etl-batch').map((m) => [m.finding.kind, m.silence]),
    ).toEqual([['key-too-old', { kind: 'protected' }]]);
    // Protected by tag as well (backup-agent), without any setting.
    expect(weekly?.muted?.map((m) => m.finding.user)).toContain('backup-agent');
  });

  it('a mute tag it cannot read mutes nothing and is reported', async () => {
    world = await World.start();
    world.account.tagUser('ml-train', { 'keywarden:mute': 'unused-credentials until=someday reason=x' });
    const summary = summaryOf(await world.sweep('apply', hygiene(world)));
    expect(summary.unreadMuteTags).toEqual([
      { user: 'ml-train', key: 'keywarden:mute', problem: { kind: 'date', text: 'someday' } },
    ]);
    const dm = world.notifier.findingDms.find((notice) => notice.slackId === 'U06WATANABE');
    expect(described(dm?.findings)).toEqual(['ml-train key-too-old', 'ml-train unused-credentials']);
  });
});

describe('sweep --date and the hygiene checks', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('a dry run computes them as of the date; an apply run catching up a day keeps today’s windows', async () => {
    world = await World.start();
    const later = summaryOf(await world.sweep('dry-run', hygiene(world), '2027-01-05' as LocalDate));
    const now = summaryOf(await world.sweep('dry-run', hygiene(world)));
    expect(later.counts['key-too-old']).toBeGreaterThan(now.counts['key-too-old']);

    await world.sweep('apply', hygiene(world), '2026-11-17' as LocalDate);
    const weeks = (world.notifier.digests[0]?.fresh ?? [])
      .map((f) => f.key.split('#').at(-1) ?? '')
      .filter((window) => window.includes('-W'));
    expect(weeks.length).toBeGreaterThan(0);
    // NOW (2026-11-24) is in ISO week 48; the 17th, in week 47, is only the ledger's day.
    expect(new Set(weeks)).toEqual(new Set(['2026-W48']));
  });
});
