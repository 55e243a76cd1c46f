import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AdminGroup, CaseStatus, CaseStore, MessageRef, NoticeCase } from '../../ports/cases';
import { batchGetItems } from './batch-items';
import { caseGroupsItemKey, caseItemKey, groupItemKey } from './table';
import type { TableContext } from './table-context';

/** Writes to a group's cases in flight at once: a part holds a few dozen lines. */
const GROUP_UPDATES_AT_ONCE = 10;

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

  async saveGroup(group: AdminGroup): Promise<void> {
    await this.table.run('PutItem (admin group)', () =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            ...this.table.key(groupItemKey(group.ref.channel, group.ref.ts)),
            kind: { S: 'group' },
            data: { S: JSON.stringify(group) },
          },
        }),
      ),
    );
    const ref = `${group.ref.channel}/${group.ref.ts}`;
    const caseIds = group.lines.flatMap((line) => (line.kind === 'case' ? [line.caseId] : []));
    // BatchWriteItem cannot ADD to a set, so a few UpdateItems at a time rather than one after another.
    for (let start = 0; start < caseIds.length; start += GROUP_UPDATES_AT_ONCE) {
      await Promise.all(
        caseIds.slice(start, start + GROUP_UPDATES_AT_ONCE).map((caseId) =>
          // ADD to a set: concurrent groups of one case both land, and adding one twice is harmless.
          this.table.run('UpdateItem (case groups)', () =>
            this.table.client.send(
              new UpdateItemCommand({
                TableName: this.table.tableName,
                Key: this.table.key(caseGroupsItemKey(caseId)),
                UpdateExpression: 'ADD #refs :ref SET #kind = :kind',
                ExpressionAttributeNames: { '#refs': 'refs', '#kind': 'kind' },
                ExpressionAttributeValues: { ':ref': { SS: [ref] }, ':kind': { S: 'case-groups' } },
              }),
            ),
          ),
        ),
      );
    }
  }

  async groupsOf(caseId: string): Promise<readonly MessageRef[]> {
    const out = await this.table.run('GetItem (case groups)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(caseGroupsItemKey(caseId)),
          ConsistentRead: true,
        }),
      ),
    );
    // A set has no order; Slack's ts values sort as posted.
    return (out.Item?.refs?.SS ?? [])
      .map((ref): MessageRef => {
        const at = ref.indexOf('/');
        return { channel: ref.slice(0, at), ts: ref.slice(at + 1) };
      })
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  async getGroup(ref: MessageRef): Promise<AdminGroup | null> {
    const out = await this.table.run('GetItem (admin group)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(groupItemKey(ref.channel, ref.ts)),
          ConsistentRead: true,
        }),
      ),
    );
    const data = out.Item?.data?.S;
    return data ? (JSON.parse(data) as AdminGroup) : null;
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
