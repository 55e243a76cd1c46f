import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeControlPlane {
  readonly url: string;
  /** Role ARNs assumed, in order. */
  readonly assumed: string[];
  /** Every call's action (`ListAccounts`, `GetCallerIdentity`, `AssumeRole`), in order. */
  readonly calls: string[];
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The AccessKeyId an assumed role of `account` gets, so a test can tell whose credentials signed a call. */
export const assumedKeyId = (account: string) => `ASIA${account.padEnd(16, 'X')}`;

/**
 * STS (AssumeRole, GetCallerIdentity; Query protocol, XML) and Organizations (ListAccounts;
 * JSON 1.1) on one local server: the two control-plane calls a multi-account sweep makes.
 */
export async function startControlPlane(
  home: string,
  organization: readonly { id: string; status: string }[],
  /** The first this many ListAccounts calls fail as Organizations' own 500s do. */
  options: { readonly failListings?: number } = {},
): Promise<FakeControlPlane> {
  let failListings = options.failListings ?? 0;
  const assumed: string[] = [];
  const calls: string[] = [];
  const server = createServer(async (req, res) => {
    const text = await body(req);
    const target = req.headers['x-amz-target'];
    calls.push(
      typeof target === 'string'
        ? (target.split('.').pop() ?? target)
        : (new URLSearchParams(text).get('Action') ?? ''),
    );
    if (typeof target === 'string' && target.endsWith('.ListAccounts')) {
      if (failListings > 0) {
        failListings -= 1;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ServiceException', message: 'try again' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          Accounts: organization.map((a) => ({ Id: a.id, Name: a.id, Status: a.status, State: a.status })),
        }),
      );
      return;
    }
    const params = new URLSearchParams(text);
    const ns = 'https://sts.amazonaws.com/doc/2011-06-15/';
    res.setHeader('content-type', 'text/xml');
    if (params.get('Action') === 'GetCallerIdentity') {
      res.end(
        `<GetCallerIdentityResponse xmlns="${ns}"><GetCallerIdentityResult><Arn>arn:aws:iam::${home}:user/keywarden</Arn>` +
          `<UserId>AIDAHOME</UserId><Account>${home}</Account></GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
      return;
    }
    if (params.get('Action') === 'AssumeRole') {
      const roleArn = params.get('RoleArn') ?? '';
      assumed.push(roleArn);
      const account = roleArn.split(':')[4] ?? '';
      res.end(
        `<AssumeRoleResponse xmlns="${ns}"><AssumeRoleResult><Credentials><AccessKeyId>${assumedKeyId(account)}</AccessKeyId>` +
          `<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>` +
          `<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>${roleArn}/keywarden-sweep</Arn>` +
          `<AssumedRoleId>AROA:keywarden-sweep</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>` +
          `<ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
      return;
    }
    res.writeHead(400).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    assumed,
    calls,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Forwards to `upstream`, recording which access key signed each request (from the SigV4 header). */
export async function startSigningRecorder(
  upstream: string,
): Promise<{ url: string; keys: string[]; close(): Promise<void> }> {
  const keys: string[] = [];
  const proxy = await startProxy((credential) => {
    if (credential) keys.push(credential);
    return upstream;
  });
  return { ...proxy, keys };
}

/**
 * One IAM endpoint for many accounts, as IAM's global endpoint is: each request goes to the
 * simulator of the account whose credentials signed it (`assumedKeyId` for an assumed role).
 */
export async function startAccountRouter(
  upstreams: ReadonlyMap<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  return startProxy((credential) => upstreams.get(credential ?? ''));
}

/** Forwards each request to `route`'s answer for the access key id that signed it; 403 when none. */
async function startProxy(
  route: (credential: string | undefined) => string | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const credential = /Credential=([A-Z0-9]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const upstream = route(credential);
    if (!upstream) {
      res.writeHead(403).end();
      return;
    }
    const target = new URL(upstream);
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
