import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { CHUNK_BYTES, chunkRows } from '../../src/adapters/store/home-snapshots';
import type { LocalDate } from '../../src/domain/dates';
import type { HomeRow, HomeSummary } from '../../src/domain/home';
import { deletedRows } from '../../src/domain/report';
import { World } from '../support/world';

const summary = (sweepId: string): HomeSummary => ({
  sweepId,
  finishedAt: '2026-11-24T06:00:10Z',
  today: '2026-11-24' as LocalDate,
  verdict: 'succeeded',
  actions: {},
  failed: 0,
  attention: 0,
  malformed: 0,
  noticeDays: 7,
});

/** Rows with 500-character Japanese names: 1.5 KB each, so a few thousand pass DynamoDB's 400 KB item limit many times. */
function rows(count: number, owners: readonly (string | null)[]): HomeRow[] {
  return Array.from({ length: count }, (_, i) => ({
    rowNumber: i + 2,
    name: '山'.repeat(500),
    iamUser: `user-${i}`,
    accessKeyId: `AKIAEXAMPLE${String(i).padStart(9, '0')}`,
    accountId: null,
    endDate: '2027-01-31' as LocalDate,
    status: 'active' as const,
    ownerSlackId: owners[i % owners.length] ?? null,
  }));
}

describe('the Home tab snapshot in DynamoDB', () => {
  jest.setTimeout(60_000);
  let dynamo: EmbeddedDynamo;
  beforeEach(async () => {
    dynamo = await startEmbeddedDynamo();
    await ensureTable(dynamo.client, 'keywarden');
  });
  afterEach(async () => {
    await dynamo.close();
  });

  it('chunks rows under the item limit, splits them per owner, and switches snapshots whole', async () => {
    const store = dynamoState(dynamo.client, 'keywarden').homeSnapshots;
    expect(await store.latest()).toBeNull();
    expect(await store.forOwner('U01YAMADA')).toBeNull();

    const first = rows(3000, ['U01YAMADA', 'U02SATO', null]);
    expect(chunkRows(first).length).toBeGreaterThan(10);
    expect(chunkRows(first).every((chunk) => Buffer.byteLength(JSON.stringify(chunk)) <= CHUNK_BYTES)).toBe(
      true,
    );
    await store.save({ summary: summary('s1'), rows: first });

    expect((await store.latest())?.rows).toEqual(first);
    const yamada = await store.forOwner('U01YAMADA');
    expect(yamada?.summary.sweepId).toBe('s1');
    expect(yamada?.rows).toEqual(first.filter((row) => row.ownerSlackId === 'U01YAMADA'));
    expect((await store.forOwner('U0NOBODY'))?.rows).toEqual([]);

    const second = rows(5, ['U02SATO']);
    await store.save({ summary: summary('s2'), rows: second });
    expect(await store.latest()).toEqual({ summary: summary('s2'), rows: second });
    expect((await store.forOwner('U01YAMADA'))?.rows).toEqual([]);
  });

  it('is stored by an apply sweep, with owners as the sweep resolves them, and never by a dry run', async () => {
    const world = await World.start();
    try {
      const store = world.state.homeSnapshots;
      await world.sweep('dry-run', { homeSnapshots: store });
      expect(await store.latest()).toBeNull();
      const report = await world.sweep('apply', { homeSnapshots: store });
      const snapshot = await store.latest();
      expect(snapshot?.summary).toMatchObject({
        sweepId: report.sweepId,
        today: '2026-11-24',
        noticeDays: 7,
      });
      expect(snapshot?.rows.find((row) => row.iamUser === 'etl-batch')).toMatchObject({
        ownerSlackId: 'U01YAMADA',
        endDate: '2026-11-28',
        status: 'active',
      });
      // The rows the sweep tore down show as it wrote them back, not as it read them.
      const torn = deletedRows(report.results).map((change) => change.rowNumber);
      expect(torn.length).toBeGreaterThan(0);
      for (const rowNumber of torn)
        expect(snapshot?.rows.find((row) => row.rowNumber === rowNumber)?.status).toBe('deleted');
      // 削除済み 24 days before: still shown (for DELETED_ROWS_KEPT_DAYS), as deleted.
      expect(snapshot?.rows.find((row) => row.iamUser === 'legacy-migrate')?.status).toBe('deleted');
    } finally {
      await world.close();
    }
  });
});
