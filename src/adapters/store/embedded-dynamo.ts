/**
 * DynamoDB-compatible server (dynalite) running inside this process, for tests and local runs without
 * AWS. Caveats of dynalite relevant to the adapters: it ignores ReturnValuesOnConditionCheckFailure, does
 * not implement UpdateTimeToLive or TTL expiry, and returns UnprocessedKeys from BatchGetItem only when
 * a response would exceed about 1 MB.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export interface EmbeddedDynamoOptions {
  /** LevelDB directory, created if missing; the data survives a restart on the same directory. */
  readonly dataDir?: string;
}

export interface EmbeddedDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

export const EMBEDDED_REGION = 'us-east-1';

/** A client for an embedded (or any local) endpoint; the credentials only need to be well-formed. */
export function embeddedClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: EMBEDDED_REGION,
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
    ...config,
    endpoint,
  });
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * dynalite opens LevelDB lazily and, when that fails (typically: another server holds the directory's
 * LOCK), never answers requests and emits an unhandled 'error' that crashes the process. Opening the
 * directory once ourselves, with dynalite's own copy of `level`, turns that into an ordinary error.
 */
async function assertDataDirUsable(dataDir: string): Promise<void> {
  const requireFromDynalite = createRequire(require.resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: new (location: string) => LevelDatabase };
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (err) {
    throw new Error(`embedded DynamoDB cannot open its data directory ${dataDir}`, { cause: err });
  }
  await db.close();
}

export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    await assertDataDirUsable(options.dataDir);
  }
  const server = dynalite({
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = embeddedClient(endpoint);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Dropping the client's keep-alive sockets first lets the server's close (which waits for open
      // connections, then flushes and closes LevelDB) finish promptly.
      client.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
    })();
    return closing;
  };

  try {
    // Catches what the preflight cannot (e.g. losing a race for the LOCK) as an error instead of a hang.
    await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(10_000) });
  } catch (err) {
    await close().catch(() => undefined);
    throw new Error(`embedded DynamoDB at ${endpoint} did not answer ListTables`, { cause: err });
  }

  return { endpoint, client, close };
}
