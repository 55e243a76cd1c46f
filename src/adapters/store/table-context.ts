import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { StateStoreError } from '../../ports/state';
import type { ItemKey } from './table';

type Item = Record<string, AttributeValue>;

/** The client and table name every adapter needs, plus the one place SDK errors are translated. */
export class TableContext {
  constructor(
    readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  key(key: ItemKey): Item {
    return { pk: { S: key.pk }, sk: { S: key.sk } };
  }

  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.wrap(operation, err);
    }
  }

  /**
   * A conditional write: true when it was made, false when its condition did not hold (the
   * outcome the condition exists for), a StateStoreError for anything else.
   */
  async conditional(operation: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.wrap(operation, err);
    }
  }

  wrap(operation: string, err: unknown): StateStoreError {
    if (err instanceof StateStoreError) return err;
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new StateStoreError(`DynamoDB ${operation} on table ${this.tableName} failed: ${reason}`, {
      cause: err,
    });
  }

  fail(message: string): StateStoreError {
    return new StateStoreError(`DynamoDB table ${this.tableName}: ${message}`);
  }
}

export function isConditionFailure(err: unknown): err is ConditionalCheckFailedException {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === 'ConditionalCheckFailedException')
  );
}
