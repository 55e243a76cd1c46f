import { dynamoState } from '../../src/adapters/store/dynamo-state';
import {
  type EmbeddedDynamo,
  embeddedClient,
  startEmbeddedDynamo,
} from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import type { Journal, JournalBegin } from '../../src/ports/state';
import { type OncePolicy, once } from '../../src/sweep/once';
import { startTap } from '../support/http-tap';

const now = () => new Date('2026-11-24T06:00:00Z');
const claim = (key: string, sweepId = 'sweep-1', detail?: unknown): JournalBegin => ({
  key,
  action: 'test',
  rowId: key,
  sweepId,
  ...(detail === undefined ? {} : { detail }),
});
class NotSent extends Error {}
const nothingDone = (error: unknown): error is NotSent => error instanceof NotSent;

describe('claim once (against dynalite)', () => {
  let dynamo: EmbeddedDynamo;
  let journal: Journal;
  let table = 0;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    const name = `once-${++table}`;
    await ensureTable(dynamo.client, name);
    journal = dynamoState(dynamo.client, name).journal;
  });

  it('runs the work once, completes the claim with its detail, and does not run it again', async () => {
    let runs = 0;
    const work = async () => ({ value: ++runs, detail: { sent: true } });
    expect(await once(journal, now, [claim('k')], work, { resume: 'never' })).toMatchObject({
      kind: 'ran',
      value: 1,
    });
    expect((await journal.getMany(['k'])).get('k')).toMatchObject({
      state: 'completed',
      detail: { sent: true },
    });
    const again = await once(journal, now, [claim('k', 'sweep-2')], work, { resume: 'never' });
    expect(again).toMatchObject({
      kind: 'already-done',
      earlier: [{ sweepId: 'sweep-1', state: 'completed' }],
    });
    expect(runs).toBe(1);
  });

  it('leaves an interrupted claim started; `always` resumes it with what it journaled', async () => {
    await expect(
      once(
        journal,
        now,
        [claim('k', 'sweep-1', { snapshot: 1 })],
        async () => {
          throw new Error('killed');
        },
        { resume: 'always' },
      ),
    ).rejects.toThrow('killed');
    expect((await journal.getMany(['k'])).get('k')).toMatchObject({ state: 'started' });
    const resumed = await once(
      journal,
      now,
      [claim('k', 'sweep-2', { snapshot: 2 }), claim('fresh', 'sweep-2')],
      async ({ keys, resumed }) => ({ value: { keys, snapshots: resumed.map((entry) => entry.detail) } }),
      { resume: 'always' },
    );
    expect(resumed).toEqual({
      kind: 'ran',
      value: { keys: ['k', 'fresh'], snapshots: [{ snapshot: 1 }] },
      // As the earlier run left its claim and as this one began its own, for a batch to rewrite whole.
      held: [
        expect.objectContaining({ key: 'k', sweepId: 'sweep-1', state: 'started', detail: { snapshot: 1 } }),
        expect.objectContaining({ key: 'fresh', sweepId: 'sweep-2', state: 'started' }),
      ],
    });
  });

  it('`unless-completed` takes up a started claim but not a completed one', async () => {
    await journal.begin(claim('started'), now());
    await journal.begin(claim('completed'), now());
    await journal.complete('completed', now());
    const work = async () => ({ value: 'ran' });
    expect(await once(journal, now, [claim('started')], work, { resume: 'unless-completed' })).toMatchObject({
      kind: 'ran',
      value: 'ran',
    });
    expect(
      await once(journal, now, [claim('completed')], work, { resume: 'unless-completed' }),
    ).toMatchObject({
      kind: 'already-done',
    });
  });

  it('closes claims an earlier run left, and works only on its own', async () => {
    await journal.begin(claim('old'), now());
    const result = await once(
      journal,
      now,
      [claim('old', 'sweep-2'), claim('new', 'sweep-2')],
      async ({ keys }) => ({ value: keys }),
      { resume: 'never', closeEarlier: { interrupted: true } },
    );
    expect(result).toMatchObject({ kind: 'ran', value: ['new'] });
    const entries = await journal.getMany(['old', 'new']);
    expect(entries.get('old')).toMatchObject({
      state: 'completed',
      sweepId: 'sweep-1',
      detail: { interrupted: true },
    });
    expect(entries.get('new')).toMatchObject({ state: 'completed', sweepId: 'sweep-2' });
  });

  it('marks the claim failed when nothing was done, so the next run claims it again', async () => {
    const failed = await once(
      journal,
      now,
      [claim('k')],
      async () => {
        throw new NotSent('slack down');
      },
      { resume: 'never', nothingDone },
    );
    expect(failed).toMatchObject({ kind: 'failed', marked: true, error: { message: 'slack down' } });
    expect((await journal.getMany(['k'])).get('k')).toMatchObject({ state: 'failed' });
    const retried = await once(journal, now, [claim('k', 'sweep-2')], async () => ({ value: 'sent' }), {
      resume: 'never',
      nothingDone,
    });
    expect(retried).toMatchObject({ kind: 'ran', value: 'sent' });
  });

  it('says so when marking the failure failed too', async () => {
    const failing: Journal = {
      begin: (entry, at) => journal.begin(entry, at),
      getMany: (keys) => journal.getMany(keys),
      complete: (key, at, detail) => journal.complete(key, at, detail),
      fail: () => Promise.reject(new Error('store down')),
      batch: () => journal.batch(),
    };
    const failed = await once(
      failing,
      now,
      [claim('k')],
      async () => {
        throw new NotSent('slack down');
      },
      { resume: 'never', nothingDone },
    );
    expect(failed).toMatchObject({ kind: 'failed', marked: false });
    expect((await journal.getMany(['k'])).get('k')).toMatchObject({ state: 'started' });
  });

  describe('completions in a batch (at-most-once work)', () => {
    it('leaves claims started until the batch is flushed, then completes each with its detail in whole requests', async () => {
      const name = `once-batch-${++table}`;
      await ensureTable(dynamo.client, name);
      const tap = await startTap({
        target: dynamo.endpoint,
        label: (r) => String(r.headers['x-amz-target'] ?? '?').replace('DynamoDB_20120810.', ''),
      });
      const client = embeddedClient(tap.url);
      try {
        const counted = dynamoState(client, name).journal;
        const completions = counted.batch();
        const keys = Array.from({ length: 30 }, (_, i) => `finding#no-mfa#user-${i}#mfa#2026-W48`);
        // One owner's DM with 30 findings, as the hygiene checks claim them.
        const told = await once(
          counted,
          now,
          keys.map((key) => claim(key, 'sweep-1', { owner: 'U1' })),
          async ({ keys: claimed }) => ({ value: claimed.length, detail: { dm: 'U1' } }),
          { resume: 'never', completions },
        );
        expect(told).toMatchObject({ kind: 'ran', value: 30 });
        expect(completions.full).toBe(true);
        expect([...(await counted.getMany(keys)).values()].map((e) => e.state)).toEqual(
          Array(30).fill('started'),
        );
        await completions.flush();
        expect(completions.full).toBe(false);
        const entries = await counted.getMany(keys);
        expect(entries.get(keys[0] ?? '')).toEqual({
          key: keys[0],
          action: 'test',
          rowId: keys[0],
          state: 'completed',
          sweepId: 'sweep-1',
          startedAt: now().toISOString(),
          completedAt: now().toISOString(),
          detail: { owner: 'U1', dm: 'U1' },
        });
        expect([...entries.values()].every((e) => e.state === 'completed')).toBe(true);
        // 30 conditional claims, one at a time; 30 completions in two requests instead of 30.
        expect(tap.stats.byLabel).toMatchObject({ PutItem: 30, BatchWriteItem: 2, BatchGetItem: 2 });
        expect(tap.stats.byLabel.UpdateItem).toBeUndefined();
        // A completed claim is not claimed again.
        const again = await once(
          counted,
          now,
          [claim(keys[0] ?? '', 'sweep-2')],
          async () => ({ value: 1 }),
          {
            resume: 'never',
          },
        );
        expect(again).toMatchObject({ kind: 'already-done' });
      } finally {
        client.destroy();
        await tap.close();
      }
    });

    it('lost before its flush (a crash), leaves the claim started: the next run closes it and does not repeat the work', async () => {
      const lost = journal.batch();
      let sent = 0;
      const send = async () => ({ value: ++sent });
      await once(journal, now, [claim('k')], send, { resume: 'never', completions: lost });
      // The process dies here: `lost` is never flushed.
      const rerun = await once(journal, now, [claim('k', 'sweep-2')], send, {
        resume: 'never',
        closeEarlier: { interrupted: true },
      });
      expect(rerun).toMatchObject({
        kind: 'already-done',
        earlier: [{ state: 'started', sweepId: 'sweep-1' }],
      });
      expect(sent).toBe(1);
      // Only at-most-once work defers: a teardown resumed after a lost completion would be done again.
      // @ts-expect-error completions with a policy that resumes
      const resuming: OncePolicy = { resume: 'always', completions: lost };
      expect(resuming.resume).toBe('always');
      expect((await journal.getMany(['k'])).get('k')).toMatchObject({
        state: 'completed',
        detail: { interrupted: true },
      });
    });
  });
});
