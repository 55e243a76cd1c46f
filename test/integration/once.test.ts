import { dynamoState } from '../../src/adapters/store/dynamo-state';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import type { Journal, JournalBegin } from '../../src/ports/state';
import { once } from '../../src/sweep/once';

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
    expect(await once(journal, now, [claim('k')], work, { resume: 'never' })).toEqual({
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
    expect(resumed).toEqual({ kind: 'ran', value: { keys: ['k', 'fresh'], snapshots: [{ snapshot: 1 }] } });
  });

  it('`unless-completed` takes up a started claim but not a completed one', async () => {
    await journal.begin(claim('started'), now());
    await journal.begin(claim('completed'), now());
    await journal.complete('completed', now());
    const work = async () => ({ value: 'ran' });
    expect(await once(journal, now, [claim('started')], work, { resume: 'unless-completed' })).toEqual({
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
    expect(result).toEqual({ kind: 'ran', value: ['new'] });
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
    expect(retried).toEqual({ kind: 'ran', value: 'sent' });
  });

  it('says so when marking the failure failed too', async () => {
    const failing: Journal = {
      begin: (entry, at) => journal.begin(entry, at),
      getMany: (keys) => journal.getMany(keys),
      complete: (key, at, detail) => journal.complete(key, at, detail),
      fail: () => Promise.reject(new Error('store down')),
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
});
