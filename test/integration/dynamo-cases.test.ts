import type { DynamoCaseStore } from '../../src/adapters/store/dynamo-cases';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import type { LocalDate } from '../../src/domain/dates';
import type { NoticeCase } from '../../src/ports/cases';

const base: Omit<NoticeCase, 'version'> = {
  id: 'AKIAEXAMPLEETLXX1001#2026-11-28',
  accessKeyId: 'AKIAEXAMPLEETLXX1001',
  iamUser: 'etl-batch',
  name: '山田 太郎',
  purpose: 'ETL',
  resource: 's3://analytics-raw',
  startDate: '2026-05-01' as LocalDate,
  endDate: '2026-11-28' as LocalDate,
  ownerSlackId: 'U01YAMADA',
  status: 'open',
  adminMessages: [],
};

describe('DynamoCaseStore', () => {
  let dynamo: EmbeddedDynamo;
  let cases: DynamoCaseStore;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    await ensureTable(dynamo.client, 'keywarden');
    cases = dynamoState(dynamo.client, 'keywarden').cases;
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('creates once and reads back', async () => {
    expect(await cases.create(base)).toBe(true);
    expect(await cases.create({ ...base, purpose: 'other' })).toBe(false);
    expect(await cases.get(base.id)).toEqual({ ...base, version: 1 });
    expect(await cases.get('missing')).toBeNull();
  });

  it('lets exactly one of many concurrent clicks move the case', async () => {
    const id = 'AKIAEXAMPLECIXXX1002#2026-11-20';
    await cases.create({ ...base, id });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        cases.transition(id, ['open'], (c) => ({
          ...c,
          status: 'extended',
          decision: { by: `U${i}`, at: 'now', outcome: 'deleted' },
        })),
      ),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect((await cases.get(id))?.status).toBe('extended');
    expect(await cases.transition(id, ['open'], (c) => c)).toBeNull();
  });

  it('moves a case only at the version it was given, when one is given', async () => {
    const id = 'AKIAEXAMPLEOPSXX1003#2026-11-20';
    await cases.create({ ...base, id });
    const claimed = await cases.transition(id, ['open'], (c) => ({ ...c, status: 'in-flight' }));
    expect(claimed?.version).toBe(2);
    await cases.transition(id, ['in-flight'], (c) => ({ ...c, purpose: 'someone else' }));
    expect(await cases.transition(id, ['in-flight'], (c) => ({ ...c, status: 'open' }), 2)).toBeNull();
    expect(await cases.transition(id, ['in-flight'], (c) => ({ ...c, status: 'open' }), 3)).toMatchObject({
      status: 'open',
      purpose: 'someone else',
      version: 4,
    });
  });

  it("keeps the admins' grouped messages: each group's lines, and each case's groups in posting order, without touching the case", async () => {
    const id = 'AKIAEXAMPLEGRPXX1005#2026-11-28';
    await cases.create({ ...base, id });
    const line = { kind: 'case', caseId: id, notice: { kind: 'week-ahead', daysLeft: 4 } } as const;
    const later = {
      ref: { channel: 'C0ADMINS', ts: '1732406400.000900' },
      account: null,
      part: 1,
      parts: 1,
      lines: [line],
    };
    const earlier = {
      ...later,
      ref: { channel: 'C0ADMINS', ts: '1732406400.000100' },
      account: '123456789012',
    };
    // Saved side by side, as two accounts' sweeps may: both land.
    await Promise.all([cases.saveGroup(later), cases.saveGroup(earlier)]);
    expect(await cases.getGroup(earlier.ref)).toEqual(earlier);
    expect(await cases.getGroup({ channel: 'C0ADMINS', ts: '1.2' })).toBeNull();
    expect(await cases.groupsOf(id)).toEqual([earlier.ref, later.ref]);
    expect(await cases.groupsOf('none')).toEqual([]);
    expect((await cases.get(id))?.version).toBe(1);
  });
});
