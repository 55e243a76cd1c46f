import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Config } from '../../config';
import { IamError } from '../../ports/iam';
import type { AccountTarget } from '../../sweep/run-sweep';
import { AwsIamGateway } from '../iam/aws-iam';
import { AwsCredentialReportSource } from '../iam/credential-report';
import { toIamError } from '../iam/errors';

type Closer = () => Promise<void>;

/**
 * Credentials for one account: AssumeRole on first use and again when they near expiry.
 * The SDK caches a provider's result until `expiration`, so this runs about once an hour.
 */
function assumedRole(sts: STSClient, roleArn: string) {
  return async () => {
    try {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'keywarden-sweep',
          DurationSeconds: 3600,
        }),
      );
      if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey)
        throw new IamError(`STS AssumeRole ${roleArn} returned no credentials`, 'NoCredentials');
      return {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        ...(Credentials.SessionToken ? { sessionToken: Credentials.SessionToken } : {}),
        ...(Credentials.Expiration ? { expiration: Credentials.Expiration } : {}),
      };
    } catch (error) {
      throw toIamError(error, `AssumeRole ${roleArn}`);
    }
  };
}

async function organizationAccounts(
  config: NonNullable<Config['accounts']>,
  region: string,
): Promise<string[]> {
  const client = new OrganizationsClient({
    region,
    ...(config.organizationsEndpoint ? { endpoint: config.organizationsEndpoint } : {}),
  });
  try {
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client }, {}))
      for (const account of page.Accounts ?? [])
        if (account.Id && account.State !== 'SUSPENDED' && account.Status !== 'SUSPENDED')
          ids.push(account.Id);
    return ids;
  } catch (error) {
    throw toIamError(error, 'Organizations ListAccounts');
  } finally {
    client.destroy();
  }
}

/** The other accounts a sweep covers, from config or AWS Organizations, each through its own role. */
export async function accountTargets(config: Config, closers: Closer[]): Promise<AccountTarget[]> {
  const accounts = config.accounts;
  if (!accounts || config.iam.kind !== 'aws') return [];
  const iamConfig = config.iam;
  const sts = new STSClient({
    region: iamConfig.region,
    ...(accounts.stsEndpoint ? { endpoint: accounts.stsEndpoint } : {}),
  });
  closers.push(async () => sts.destroy());
  const home = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  const ids =
    accounts.source.kind === 'list'
      ? accounts.source.ids
      : await organizationAccounts(accounts, iamConfig.region);
  return ids
    .filter((id) => id !== home)
    .map((id) => {
      const client = new IAMClient({
        region: iamConfig.region,
        retryMode: 'adaptive',
        maxAttempts: 10,
        credentials: assumedRole(sts, `arn:aws:iam::${id}:role/${accounts.roleName}`),
        ...(iamConfig.endpoint ? { endpoint: iamConfig.endpoint } : {}),
      });
      closers.push(async () => client.destroy());
      return {
        id,
        iam: new AwsIamGateway(client, id),
        credentialReports: new AwsCredentialReportSource(client),
      };
    });
}
