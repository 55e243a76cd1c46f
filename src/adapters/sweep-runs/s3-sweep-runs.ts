import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AccountRun } from '../../domain/sweep-run';
import type { SweepRunStore } from '../../ports/sweep-runs';
import type { Tables } from '../../ports/workbook';

const PREFIX = 'sweep-runs';

/**
 * One object per run's tables and per account's outcome, under `sweep-runs/<sweepId>/`. The
 * bucket's lifecycle rule expires them: nothing reads a run once its last step is done.
 */
export class S3SweepRunStore implements SweepRunStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  saveTables(sweepId: string, tables: Tables): Promise<void> {
    return this.put(`${PREFIX}/${sweepId}/tables.json`, tables);
  }

  async tables(sweepId: string): Promise<Tables> {
    const tables = await this.get(`${PREFIX}/${sweepId}/tables.json`);
    if (!tables)
      throw new Error(
        `sweep ${sweepId} has no tables in s3://${this.bucket}: its prepare step did not finish`,
      );
    return tables as Tables;
  }

  saveAccount(
    sweepId: string,
    account: string,
    outcome: Exclude<AccountRun, { kind: 'not-reached' }>,
  ): Promise<void> {
    return this.put(this.accountKey(sweepId, account), outcome);
  }

  async account(sweepId: string, account: string): Promise<AccountRun | null> {
    return (await this.get(this.accountKey(sweepId, account))) as AccountRun | null;
  }

  private accountKey(sweepId: string, account: string): string {
    return `${PREFIX}/${sweepId}/accounts/${encodeURIComponent(account)}.json`;
  }

  private async put(key: string, value: unknown): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: JSON.stringify(value),
          ContentType: 'application/json',
          // The ledger names people: encrypted at rest whatever the bucket default.
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      throw new Error(`S3 PutObject to s3://${this.bucket}/${key} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /** The object's JSON; null when there is none. */
  private async get(key: string): Promise<unknown> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse((await object.Body?.transformToString('utf8')) ?? 'null');
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return null;
      throw new Error(`S3 GetObject s3://${this.bucket}/${key} failed: ${describe(error)}`, { cause: error });
    }
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'} ${e.message ?? ''}`.trim();
}
