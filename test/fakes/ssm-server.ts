import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsmCall {
  readonly operation: string;
  readonly names: readonly string[];
  readonly withDecryption: boolean;
}

export interface FakeSsm {
  readonly url: string;
  /** Every request, in order, by operation (`GetParameters`, …). */
  readonly calls: SsmCall[];
  put(name: string, value: string, type?: 'String' | 'SecureString'): void;
  close(): Promise<void>;
}

interface Stored {
  readonly value: string;
  readonly type: 'String' | 'SecureString';
  readonly version: number;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * SSM Parameter Store's JSON 1.1 protocol (`X-Amz-Target: AmazonSSM.<Operation>`) for
 * `GetParameter` and `GetParameters`. As the real service does, a SecureString comes back as
 * ciphertext unless the request asks `WithDecryption`, and unknown names come back in
 * `InvalidParameters` (GetParameters) or as `ParameterNotFound` (GetParameter).
 */
export async function startSsmServer(region = 'ap-northeast-1'): Promise<FakeSsm> {
  const store = new Map<string, Stored>();
  const calls: SsmCall[] = [];
  const shown = (name: string, stored: Stored, decrypt: boolean) => ({
    Name: name,
    Type: stored.type,
    Value:
      stored.type === 'SecureString' && !decrypt
        ? Buffer.from(`kms-ciphertext:${name}`).toString('base64')
        : stored.value,
    Version: stored.version,
    LastModifiedDate: 1_795_500_000,
    ARN: `arn:aws:ssm:${region}:123456789012:parameter${name.startsWith('/') ? '' : '/'}${name}`,
    DataType: 'text',
  });

  const server = createServer(async (req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSSM\./, '');
    const input = JSON.parse((await body(req)) || '{}') as {
      Name?: string;
      Names?: string[];
      WithDecryption?: boolean;
    };
    const decrypt = input.WithDecryption === true;
    const names = input.Names ?? (input.Name ? [input.Name] : []);
    calls.push({ operation, names, withDecryption: decrypt });
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': `${calls.length}`,
      });
      res.end(JSON.stringify(payload));
    };
    if (operation === 'GetParameters') {
      if (names.length === 0 || names.length > 10)
        return reply(400, { __type: 'ValidationException', message: 'Names must hold 1 to 10 names' });
      const known = names.filter((name) => store.has(name));
      return reply(200, {
        Parameters: known.map((name) => shown(name, store.get(name) as Stored, decrypt)),
        InvalidParameters: names.filter((name) => !store.has(name)),
      });
    }
    if (operation === 'GetParameter') {
      const stored = input.Name ? store.get(input.Name) : undefined;
      if (!input.Name || !stored) return reply(400, { __type: 'ParameterNotFound', message: '' });
      return reply(200, { Parameter: shown(input.Name, stored, decrypt) });
    }
    reply(400, { __type: 'InvalidAction', message: `${operation} is not supported by this fake` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    put: (name, value, type = 'SecureString') =>
      store.set(name, { value, type, version: (store.get(name)?.version ?? 0) + 1 }),
    close: () =>
      new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
