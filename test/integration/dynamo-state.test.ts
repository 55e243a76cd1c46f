import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { dynamoState } from '../../src/adapters/store/dynamo-state';
import {
  type EmbeddedDynamo,
  embeddedClient,
  startEmbeddedDynamo,
} from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { TABLE_DEFINITION } from '../../src/adapters/store/table';
import { type AuditEvent, type JournalBegin, StateStoreError } from '../../src/ports/state';

const NOW = new Date('2025-03-14T09:26:53.589Z');
let tableCounter = 0;

function begin(key: string, extra: Partial<JournalBegin> = {}): JournalBegin {
  const [action = 'x', rowId = 'x'] = key.split('#');
  return { key, action, rowId, sweepId: 'sweep-1', ...extra };
}

describe('DynamoDB state adapters against embedded dynalite', () => {
  let dynamo: EmbeddedDynamo;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });

  afterAll(async () => {
    await dynamo.close();
  });

  async function freshState(options?: Parameters<typeof dynamoState>[2]) {
    tableCounter += 1;
    const tableName = `keywarden-test-${tableCounter}`;
    await ensureTable(dynamo.client, tableName);
    return { tableName, ...dynamoState(dynamo.client, tableName, options) };
  }

  describe('table', () => {
    it('ensureTable is idempotent and creates the declared key schema', async () => {
      const { tableName } = await freshState();
      await ensureTable(dynamo.client, tableName);
      const out = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(out.Table?.TableStatus).toBe('ACTIVE');
      expect(out.Table?.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
      expect(out.Table?.AttributeDefinitions).toEqual(
        expect.arrayContaining([...TABLE_DEFINITION.AttributeDefinitions]),
      );
    });
  });

  describe('journal', () => {
    it('begin twice: the second call returns the existing entry untouched', async () => {
      const { journal } = await freshState();
      const first = await journal.begin(
        begin('teardown#row-7#2025-03-14', { detail: { keys: ['AKIA1'] } }),
        NOW,
      );
      expect(first).toEqual({ created: true });

      const second = await journal.begin(
        begin('teardown#row-7#2025-03-14', { sweepId: 'sweep-2', detail: { keys: [] } }),
        new Date(NOW.getTime() + 60_000),
      );
      expect(second).toEqual({
        created: false,
        existing: {
          key: 'teardown#row-7#2025-03-14',
          action: 'teardown',
          rowId: 'row-7',
          state: 'started',
          sweepId: 'sweep-1',
          startedAt: NOW.toISOString(),
          detail: { keys: ['AKIA1'] },
        },
      });
    });

    it('concurrent begins of one key: exactly one is created, the rest see the winner', async () => {
      const { journal } = await freshState();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          journal.begin(begin('notify#row-1#d', { sweepId: `s${i}` }), NOW),
        ),
      );
      const created = results.filter((r) => r.created);
      expect(created).toHaveLength(1);
      const winner = results.findIndex((r) => r.created);
      for (const r of results) {
        if (!r.created) expect(r.existing.sweepId).toBe(`s${winner}`);
      }
    });

    it('complete marks the entry completed and merges detail; getMany shows it', async () => {
      const { journal } = await freshState();
      await journal.begin(begin('teardown#r1#d', { detail: { user: 'alice', keys: 2 } }), NOW);
      await journal.begin(begin('teardown#r2#d'), NOW);
      const later = new Date(NOW.getTime() + 5_000);
      await journal.complete('teardown#r1#d', later, { keys: 0, removed: true });
      await journal.complete('teardown#r1#d', new Date(later.getTime() + 5_000));

      const got = await journal.getMany(['teardown#r1#d', 'teardown#r2#d', 'teardown#absent#d']);
      expect([...got.keys()].sort()).toEqual(['teardown#r1#d', 'teardown#r2#d']);
      expect(got.get('teardown#r1#d')).toMatchObject({
        state: 'completed',
        startedAt: NOW.toISOString(),
        completedAt: later.toISOString(),
        detail: { user: 'alice', keys: 0, removed: true },
      });
      expect(got.get('teardown#r2#d')).toMatchObject({ state: 'started' });
      expect(got.get('teardown#r2#d')).not.toHaveProperty('completedAt');
    });

    it("fail marks only its own sweep's started claim; one of the racing begins takes a failed entry over", async () => {
      const { journal } = await freshState();
      const key = 'final-notice#r1#d';
      await journal.begin(begin(key, { detail: { deleteOn: '2025-03-17' } }), NOW);
      expect(await journal.fail(key, 'sweep-other', NOW, 'boom')).toBe(false);
      expect(await journal.fail('final-notice#absent#d', 'sweep-1', NOW, 'boom')).toBe(false);
      expect(await journal.fail(key, 'sweep-1', NOW, 'ratelimited')).toBe(true);
      expect((await journal.getMany([key])).get(key)).toMatchObject({ state: 'failed', sweepId: 'sweep-1' });
      // Failed once is not failable again: only a started claim moves.
      expect(await journal.fail(key, 'sweep-1', NOW, 'again')).toBe(false);

      const later = new Date(NOW.getTime() + 86_400_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          journal.begin(begin(key, { sweepId: `s${i}`, detail: { deleteOn: '2025-03-18' } }), later),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = `s${results.findIndex((r) => r.created)}`;
      for (const r of results)
        if (!r.created) expect(r.existing).toMatchObject({ state: 'started', sweepId: winner });
      expect((await journal.getMany([key])).get(key)).toEqual({
        key,
        action: 'final-notice',
        rowId: 'r1',
        state: 'started',
        sweepId: winner,
        startedAt: later.toISOString(),
        detail: { deleteOn: '2025-03-18' },
      });

      await journal.complete(key, later);
      expect(await journal.fail(key, winner, later, 'late')).toBe(false);
      expect((await journal.getMany([key])).get(key)).toMatchObject({ state: 'completed' });
    });

    it('complete of an entry never begun is a StateStoreError', async () => {
      const { journal } = await freshState();
      await expect(journal.complete('teardown#nope#d', NOW)).rejects.toThrow(StateStoreError);
    });

    it('getMany with 250 keys reads in chunks and ignores duplicates and absent keys', async () => {
      const { journal } = await freshState();
      const keys = Array.from({ length: 250 }, (_, i) => `notify#row-${i}#d`);
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(keys.slice(i, i + 25).map((k) => journal.begin(begin(k), NOW)));
      }
      const asked = [...keys, ...keys.slice(0, 20), 'notify#missing#d'];
      const got = await journal.getMany(asked);
      expect(got.size).toBe(250);
      for (const k of keys) expect(got.get(k)?.key).toBe(k);
      expect((await journal.getMany([])).size).toBe(0);
    });

    it('retries unprocessed keys (dynalite defers them past ~1 MB per response)', async () => {
      const big = 'x'.repeat(20_000);
      const keys = Array.from({ length: 100 }, (_, i) => `teardown#big-${i}#d`);
      const patient = await freshState({ backoffBaseMs: 1 });
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(
          keys.slice(i, i + 25).map((k) => patient.journal.begin(begin(k, { detail: { big } }), NOW)),
        );
      }
      const got = await patient.journal.getMany(keys);
      expect(got.size).toBe(100);

      const impatient = dynamoState(dynamo.client, patient.tableName, { batchGetMaxAttempts: 1 });
      await expect(impatient.journal.getMany(keys)).rejects.toThrow(
        new RegExp(`${patient.tableName}.*BatchGetItem.*unprocessed after 1 attempts`),
      );
    });
  });

  describe('sweep lock', () => {
    it('acquire, contend, re-acquire by owner, expire, release', async () => {
      const { lock } = await freshState();
      const t0 = NOW;
      const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

      expect(await lock.acquire('sweep', 'a', 60, t0)).toBe(true);
      expect(await lock.acquire('sweep', 'b', 60, at(1))).toBe(false);
      // The holder renewing extends its lease.
      expect(await lock.acquire('sweep', 'a', 60, at(30))).toBe(true);
      expect(await lock.acquire('sweep', 'b', 60, at(75))).toBe(false);
      // Expired: a new owner takes over.
      expect(await lock.acquire('sweep', 'b', 60, at(92))).toBe(true);
      // A stale owner's release must not free someone else's lock.
      await lock.release('sweep', 'a');
      expect(await lock.acquire('sweep', 'a', 60, at(93))).toBe(false);
      await lock.release('sweep', 'b');
      expect(await lock.acquire('sweep', 'a', 60, at(94))).toBe(true);
      // Different names do not contend.
      expect(await lock.acquire('other', 'b', 60, at(94))).toBe(true);
      // Releasing something never held is harmless.
      await lock.release('never', 'x');
    });

    it("renewal extends only the owner's lease; the holder shows who, where and until when", async () => {
      const { lock } = await freshState();
      const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
      expect(await lock.holder('sweep')).toBeNull();

      expect(await lock.acquire('sweep', 'a', 120, NOW, { host: 'box-1', pid: 4242 })).toBe(true);
      expect(await lock.renew('sweep', 'a', 120, at(30))).toBe(true);
      expect(await lock.holder('sweep')).toEqual({
        owner: 'a',
        process: { host: 'box-1', pid: 4242 },
        acquiredAt: NOW.toISOString(),
        renewedAt: at(30).toISOString(),
        // Whole seconds, rounded up: the lease is never shorter than asked.
        expiresAt: new Date(Math.ceil(at(150).getTime() / 1000) * 1000).toISOString(),
      });
      // Renewed, so still held past the first lease.
      expect(await lock.acquire('sweep', 'b', 120, at(130))).toBe(false);
      // A holder that stops renewing is taken over once its lease has passed...
      expect(await lock.acquire('sweep', 'b', 120, at(152))).toBe(true);
      // ...and learns it at its next renewal, without extending the newcomer's lease.
      expect(await lock.renew('sweep', 'a', 120, at(153))).toBe(false);
      expect((await lock.holder('sweep'))?.owner).toBe('b');
      expect((await lock.holder('sweep'))?.process).toBeNull();
      expect(await lock.release('sweep', 'a')).toBe(false);
      expect(await lock.release('sweep', 'b')).toBe(true);
      expect(await lock.renew('sweep', 'b', 120, at(154))).toBe(false);
      expect(await lock.holder('sweep')).toBeNull();
    });

    it('concurrent acquires: exactly one wins', async () => {
      const { lock } = await freshState();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => lock.acquire('sweep', `o${i}`, 60, NOW)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('audit log', () => {
    it('records events and lists one UTC day oldest first', async () => {
      const { audit } = await freshState();
      const ev = (at: string, action: string, extra: Partial<AuditEvent> = {}): AuditEvent => ({
        at,
        actor: 'sweep:s1',
        action,
        target: 'alice',
        outcome: 'done',
        ...extra,
      });
      await audit.record(ev('2025-03-14T12:00:00.000Z', 'third'));
      await audit.record(ev('2025-03-14T08:00:00.000Z', 'first', { detail: '{"keys":1}' }));
      // Same millisecond: neither overwrites the other, and recording order breaks the tie.
      await audit.record(ev('2025-03-14T10:00:00.000Z', 'second-a', { outcome: 'planned' }));
      await audit.record(ev('2025-03-14T10:00:00.000Z', 'second-b', { outcome: 'skipped' }));
      // 2025-03-15T00:30 in +02:00 is still the 14th in UTC.
      await audit.record(ev('2025-03-15T00:30:00+02:00', 'fourth', { outcome: 'failed' }));
      await audit.record(ev('2025-03-15T00:00:00.000Z', 'next-day'));

      const day = await audit.listDay('2025-03-14');
      expect(day.map((e) => e.action)).toEqual(['first', 'second-a', 'second-b', 'third', 'fourth']);
      expect(day[0]).toEqual(ev('2025-03-14T08:00:00.000Z', 'first', { detail: '{"keys":1}' }));
      expect(day[0]).toHaveProperty('detail', '{"keys":1}');
      expect(day[1]).not.toHaveProperty('detail');
      expect(day[4]?.at).toBe('2025-03-15T00:30:00+02:00');
      expect((await audit.listDay('2025-03-15')).map((e) => e.action)).toEqual(['next-day']);
      expect(await audit.listDay('2025-03-16')).toEqual([]);
    });

    it('pages through a day larger than one Query response', async () => {
      const { audit } = await freshState();
      const detail = 'y'.repeat(50_000);
      const n = 30; // ~1.5 MB, past the 1 MB Query page
      for (let i = 0; i < n; i++) {
        await audit.record({
          at: new Date(Date.UTC(2025, 2, 14, 0, 0, i)).toISOString(),
          actor: 'cli:ops',
          action: `a${i}`,
          target: 't',
          outcome: 'done',
          detail,
        });
      }
      const day = await audit.listDay('2025-03-14');
      expect(day.map((e) => e.action)).toEqual(Array.from({ length: n }, (_, i) => `a${i}`));
    });

    it('rejects malformed input before touching the table', async () => {
      const { audit } = await freshState();
      await expect(audit.listDay('14/03/2025')).rejects.toThrow(TypeError);
      await expect(
        audit.record({ at: 'yesterday', actor: 'a', action: 'b', target: 'c', outcome: 'done' }),
      ).rejects.toThrow(TypeError);
    });
  });
});

describe('embedded server lifecycle', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keywarden-dynalite-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data across a restart on the same dataDir', async () => {
    const first = await startEmbeddedDynamo({ dataDir });
    try {
      await ensureTable(first.client, 'keywarden');
      const state = dynamoState(first.client, 'keywarden');
      await state.journal.begin(begin('teardown#row-1#d', { detail: { n: 1 } }), NOW);
      await state.journal.complete('teardown#row-1#d', NOW);
      await state.audit.record({
        at: NOW.toISOString(),
        actor: 'sweep:s1',
        action: 'teardown',
        target: 'row-1',
        outcome: 'done',
      });
    } finally {
      await first.close();
    }

    const second = await startEmbeddedDynamo({ dataDir });
    try {
      // Must find the existing table rather than create a fresh one.
      await ensureTable(second.client, 'keywarden');
      const state = dynamoState(second.client, 'keywarden');
      const got = await state.journal.getMany(['teardown#row-1#d']);
      expect(got.get('teardown#row-1#d')).toMatchObject({ state: 'completed', detail: { n: 1 } });
      expect(await state.audit.listDay('2025-03-14')).toHaveLength(1);
      expect(await state.journal.begin(begin('teardown#row-1#d'), NOW)).toMatchObject({ created: false });
    } finally {
      await second.close();
    }
  });

  it('a closed endpoint surfaces as a StateStoreError naming table and operation, quickly', async () => {
    const server = await startEmbeddedDynamo();
    await ensureTable(server.client, 'keywarden');
    await server.close();

    // One attempt: the SDK's default retries with backoff would only slow the failure down.
    const client = embeddedClient(server.endpoint, { maxAttempts: 1 });
    try {
      const state = dynamoState(client, 'keywarden');
      const started = Date.now();
      const error = await state.journal.begin(begin('teardown#row-1#d'), NOW).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(StateStoreError);
      expect((error as StateStoreError).message).toMatch(
        /PutItem \(journal begin\) on table keywarden failed/,
      );
      expect((error as StateStoreError).cause).toBeInstanceOf(Error);
      await expect(state.lock.acquire('sweep', 'a', 60, NOW)).rejects.toThrow(/PutItem \(lock acquire\)/);
      await expect(state.audit.listDay('2025-03-14')).rejects.toThrow(/Query \(audit listDay\)/);
      await expect(state.journal.getMany(['k'])).rejects.toThrow(/BatchGetItem/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      client.destroy();
    }
  });

  it('two servers cannot share one dataDir: the second fails to start with a clear error', async () => {
    const first = await startEmbeddedDynamo({ dataDir });
    try {
      await expect(startEmbeddedDynamo({ dataDir })).rejects.toThrow(/cannot open its data directory/);
    } finally {
      await first.close();
    }
  });
});
