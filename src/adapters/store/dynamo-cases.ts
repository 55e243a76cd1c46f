import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { CaseStatus, CaseStore, NoticeCase } from '../../ports/cases';
import { batchGetItems } from './batch-items';
import { caseItemKey } from './table';
import type { TableContext } from './table-context';

/** Cases are read-modify-written whole, guarded by a version number and the expected status. */
export class DynamoCaseStore implements CaseStore {
  constructor(private readonly table: TableContext) {}

  async create(notice: Omit<NoticeCase, 'version'>): Promise<boolean> {
    return this.table.conditional('PutItem (case create)', () =>
      this.put({ ...notice, version: 1 }, 'attribute_not_exists(pk)', {}),
    );
  }

  async get(id: string): Promise<NoticeCase | null> {
    const out = await this.table.run('GetItem (case)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(caseItemKey(id)),
          ConsistentRead: true,
        }),
      ),
    );
    const data = out.Item?.data?.S;
    return data ? (JSON.parse(data) as NoticeCase) : null;
  }

  async getMany(ids: readonly string[]): Promise<ReadonlyMap<string, NoticeCase>> {
    const keys = [...new Set(ids)].map((id) => this.table.key(caseItemKey(id)));
    const items = await batchGetItems(this.table, keys, 'BatchGetItem (cases)');
    const found = items.flatMap((item) => (item.data?.S ? [JSON.parse(item.data.S) as NoticeCase] : []));
    return new Map(found.map((notice) => [notice.id, notice]));
  }

  async transition(
    id: string,
    from: readonly CaseStatus[],
    change: (current: NoticeCase) => Omit<NoticeCase, 'version'>,
    version?: number,
  ): Promise<NoticeCase | null> {
    const current = await this.get(id);
    if (!current || !from.includes(current.status)) return null;
    if (version !== undefined && current.version !== version) return null;
    const next: NoticeCase = { ...change(current), id, version: current.version + 1 };
    const written = await this.table.conditional('PutItem (case transition)', () =>
      this.put(next, '#version = :version', { ':version': { N: String(current.version) } }),
    );
    // Not written: another click changed the case between our read and write; it won, we did nothing.
    return written ? next : null;
  }

  private async put(
    notice: NoticeCase,
    condition: string,
    values: Record<string, { N: string } | { S: string }>,
  ): Promise<void> {
    await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: {
          ...this.table.key(caseItemKey(notice.id)),
          kind: { S: 'case' },
          status: { S: notice.status },
          version: { N: String(notice.version) },
          data: { S: JSON.stringify(notice) },
        },
        ConditionExpression: condition,
        ...(condition.includes('#version') ? { ExpressionAttributeNames: { '#version': 'version' } } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}
