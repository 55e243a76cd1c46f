import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Grid, Ledger } from '../../domain/ledger';
import type { AccountRun } from '../../domain/sweep-run';
import type { AccountInput, RunInput, SweepRunStore } from '../../ports/sweep-runs';
import type { Tables } from '../../ports/workbook';
import { mapWithConcurrency } from '../../util/concurrency';

const PREFIX = 'sweep-runs';

/** PutObjects at once for an Organization's parts: far inside S3's 3,500 a second per prefix. */
const PUT_CONCURRENCY = 16;

/**
 * Under `sweep-runs/<sweepId>/`: the run's tables, the people table again on its own, one
 * object per account's part of the ledger and one per account's outcome. The bucket's
 * lifecycle rule expires them: nothing reads a run once its last step is done.
 */
export class S3SweepRunStore implements SweepRunStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async saveInput(sweepId: string, { tables, parts }: RunInput): Promise<void> {
    await mapWithConcurrency([...parts], PUT_CONCURRENCY, ([account, part]) =>
      this.put(this.partKey(sweepId, account), part),
    );
    await this.put(`${PREFIX}/${sweepId}/people.json`, tables.people);
    // Last: a run whose tables are stored has every part stored too.
    await this.put(`${PREFIX}/${sweepId}/tables.json`, tables);
  }

  async tables(sweepId: string): Promise<Tables> {
    return (await this.prepared(sweepId, `${PREFIX}/${sweepId}/tables.json`)) as Tables;
  }

  async accountInput(sweepId: string, account: string): Promise<AccountInput> {
    const [ledger, people] = await Promise.all([
      this.prepared(sweepId, this.partKey(sweepId, account)),
      this.prepared(sweepId, `${PREFIX}/${sweepId}/people.json`),
    ]);
    return { ledger: ledger as Ledger, people: people as Grid };
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

  private partKey(sweepId: string, account: string): string {
    return `${PREFIX}/${sweepId}/parts/${encodeURIComponent(account)}.json`;
  }

  /** An object the first step stores; missing, that step did not finish. */
  private async prepared(sweepId: string, key: string): Promise<unknown> {
    const value = await this.get(key);
    if (value === null)
      throw new Error(`sweep ${sweepId} has no s3://${this.bucket}/${key}: its prepare step did not finish`);
    return value;
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
