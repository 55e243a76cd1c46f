import { S3Client } from '@aws-sdk/client-s3';
import { S3ReportArchive } from '../../src/adapters/archive/s3-archive';
import { AwsCredentialReportSource } from '../../src/adapters/iam/credential-report';
import { DEFAULT_HYGIENE_POLICY } from '../../src/domain/hygiene';
import { runDigest } from '../../src/sweep/digest';
import { type FakeS3, startS3Server } from '../fakes/s3-server';
import { ADMIN_CHANNEL, eventually, SlackWorld } from '../support/slack-world';

describe('weekly digest', () => {
  let sw: SlackWorld;
  let s3: FakeS3;
  let client: S3Client;
  beforeEach(async () => {
    sw = await SlackWorld.start();
    s3 = await startS3Server(['audit-archive']);
    client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterEach(async () => {
    client.destroy();
    await s3.close();
    await sw.close();
  });

  it('posts counts, uploads the credential report CSV to the admin channel and archives it under a dated key', async () => {
    const result = await runDigest({
      notifier: sw.notifier,
      now: () => new Date('2026-11-24T06:00:00Z'),
      timeZone: 'Asia/Tokyo',
      reports: new AwsCredentialReportSource(sw.world.iamClient, { sleep: async () => {} }),
      policy: DEFAULT_HYGIENE_POLICY,
      archive: new S3ReportArchive(client, 'audit-archive'),
    });
    expect(result.total).toBeGreaterThan(5);
    expect(result.archivedAt).toMatch(
      /^s3:\/\/audit-archive\/credential-reports\/2026\/11\/24\/credential-report-.*\.csv$/,
    );

    const digest = await eventually(() =>
      sw.slack.messages(ADMIN_CHANNEL).find((m) => m.text.includes('IAM 点検のまとめ')),
    );
    expect(digest.text).toContain(`指摘事項${result.total}件`);
    const file = await eventually(() => sw.slack.files.find((f) => f.completed));
    expect(file).toMatchObject({ channel: ADMIN_CHANNEL, filename: 'credential-report-2026-11-24.csv' });
    expect(file.bytes?.toString('utf8')).toMatch(/^user,arn,/);

    expect(s3.objects).toHaveLength(1);
    expect(s3.objects[0]?.body).toBe(file.bytes?.toString('utf8'));
    expect(s3.objects[0]?.headers['x-amz-server-side-encryption']).toBe('AES256');
  });

  it('names the bucket when the archive fails, and sends nothing half-done', async () => {
    await expect(
      runDigest({
        notifier: sw.notifier,
        now: () => new Date('2026-11-24T06:00:00Z'),
        timeZone: 'Asia/Tokyo',
        reports: new AwsCredentialReportSource(sw.world.iamClient, { sleep: async () => {} }),
        policy: DEFAULT_HYGIENE_POLICY,
        archive: new S3ReportArchive(client, 'no-such-bucket'),
      }),
    ).rejects.toThrow(/s3:\/\/no-such-bucket/);
    expect(sw.slack.files).toEqual([]);
  });
});
