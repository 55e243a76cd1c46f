import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAwsRegion } from '../../src/adapters/aws/region';
import { loadConfigWithSecrets } from '../../src/load-config';

describe('the AWS region chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keywarden-region-'));
  const configFile = join(dir, 'config');
  writeFileSync(
    configFile,
    '[default]\nregion = eu-central-1\n[profile tokyo]\nregion = ap-northeast-1\n[profile bare]\noutput = json\n',
  );
  const files = { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };

  it('is AWS_REGION, then AWS_DEFAULT_REGION, then the profile’s region, as the AWS CLI reads them', async () => {
    expect(
      await resolveAwsRegion({ ...files, AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-1' }),
    ).toBe('us-west-2');
    expect(await resolveAwsRegion({ ...files, AWS_DEFAULT_REGION: 'eu-west-1', AWS_PROFILE: 'tokyo' })).toBe(
      'eu-west-1',
    );
    expect(await resolveAwsRegion({ ...files, AWS_PROFILE: 'tokyo' })).toBe('ap-northeast-1');
    expect(await resolveAwsRegion(files)).toBe('eu-central-1');
    expect(await resolveAwsRegion({ ...files, AWS_PROFILE: 'bare' })).toBeUndefined();
    expect(
      await resolveAwsRegion({
        AWS_CONFIG_FILE: join(dir, 'missing'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      }),
    ).toBeUndefined();
  });

  it("gives every regional service the profile's region and keeps IAM on its global one", async () => {
    const config = await loadConfigWithSecrets({
      ...files,
      AWS_PROFILE: 'tokyo',
      IAM_SOURCE: 'aws',
      STATE_SOURCE: 'aws',
      ARCHIVE_BUCKET: 'reports',
    });
    expect(config.region).toBe('ap-northeast-1');
    expect(config.state).toMatchObject({ region: 'ap-northeast-1' });
    expect(config.archive).toMatchObject({ region: 'ap-northeast-1' });
    expect(config.iam).toMatchObject({ region: 'us-east-1' });
  });
});
