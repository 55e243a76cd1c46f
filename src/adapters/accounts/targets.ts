import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AccountTarget, AccountTargets } from '../../ports/accounts';
import { IamError } from '../../ports/iam';
import { AwsIamGateway } from '../iam/aws-iam';
import { iamClient } from '../iam/client';
import { AwsCredentialReportSource } from '../iam/credential-report';
import { toIamError } from '../iam/errors';

type Closer = () => Promise<void>;

/** The accounts to cover besides the credentials' own, and how to reach them. */
export interface AccountTargetOptions {
  readonly source:
    | { readonly kind: 'list'; readonly ids: readonly string[] }
    | { readonly kind: 'organizations' };
  /** Assumed in each account. */
  readonly roleName: string;
  /** IAM is global: its endpoint signs for one region whatever the deployment's. */
  readonly iamRegion: string;
  /** STS and Organizations. */
  readonly stsRegion: string;
  /** Each request fails after this long, unretried (the doctor). */
  readonly requestTimeoutMs?: number;
  readonly iamEndpoint?: string;
  readonly stsEndpoint?: string;
  readonly organizationsEndpoint?: string;
}

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

function patience({ requestTimeoutMs: ms }: AccountTargetOptions) {
  return ms === undefined
    ? {}
    : { maxAttempts: 1, requestHandler: { connectionTimeout: ms, requestTimeout: ms } };
}

async function organizationAccounts(options: AccountTargetOptions): Promise<string[]> {
  const client = new OrganizationsClient({
    region: options.stsRegion,
    ...patience(options),
    ...(options.organizationsEndpoint ? { endpoint: options.organizationsEndpoint } : {}),
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

/**
 * The other accounts a sweep covers, from config or AWS Organizations, each through its own
 * role. Nothing is asked of STS or Organizations until a caller needs the list; each account's
 * client is made once, whether it was listed or reached by id.
 */
export function accountTargets(options: AccountTargetOptions, closers: Closer[]): AccountTargets {
  const sts = new STSClient({
    region: options.stsRegion,
    ...patience(options),
    ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}),
  });
  closers.push(async () => sts.destroy());
  const reached = new Map<string, AccountTarget>();
  const reach = (id: string): AccountTarget => {
    const known = reached.get(id);
    if (known) return known;
    const client = iamClient({
      region: options.iamRegion,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
      credentials: assumedRole(sts, `arn:aws:iam::${id}:role/${options.roleName}`),
      ...(options.iamEndpoint ? { endpoint: options.iamEndpoint } : {}),
    });
    closers.push(async () => client.destroy());
    const target = {
      id,
      iam: new AwsIamGateway(client, id),
      credentialReports: new AwsCredentialReportSource(client),
    };
    reached.set(id, target);
    return target;
  };
  const listAll = async (): Promise<AccountTarget[]> => {
    const home = (await sts.send(new GetCallerIdentityCommand({}))).Account;
    const ids = options.source.kind === 'list' ? options.source.ids : await organizationAccounts(options);
    // An id listed twice (ACCOUNTS=a,a) is one account: sweeping it twice would act twice.
    return [...new Set(ids)].filter((id) => id !== home).map(reach);
  };
  let listed: Promise<AccountTarget[]> | undefined;
  return {
    list: () => {
      listed ??= listAll().catch((error: unknown) => {
        listed = undefined; // a throttled listing is tried again by the next caller, not cached
        throw error;
      });
      return listed;
    },
    reach,
  };
}
