import type { Journal } from '../../src/ports/state';
import { World } from '../support/world';

describe('notices complete in batches', () => {
  let world: World;
  afterEach(async () => {
    await world.close();
  });

  it('a batch that cannot be written fails its notices’ results, and the next sweep flags them instead of resending', async () => {
    world = await World.start();
    const real = world.state.journal;
    const unwritable: Journal = {
      begin: (entry, now) => real.begin(entry, now),
      getMany: (keys) => real.getMany(keys),
      fail: (key, sweepId, now, error) => real.fail(key, sweepId, now, error),
      complete: (key, now, detail) => real.complete(key, now, detail),
      batch: () => {
        const batch = real.batch();
        return {
          complete: (held, now, detail) => batch.complete(held, now, detail),
          get full() {
            return batch.full;
          },
          flush: () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
        };
      },
    };
    const first = await world.sweep('apply', { journal: unwritable });
    const notices = first.results.filter((r) => r.action.kind === 'notify-week-ahead');
    expect(notices.length).toBeGreaterThan(0);
    for (const result of notices) {
      expect(result.outcome).toBe('failed');
      expect(result.detail).toEqual({
        kind: 'sent-unrecorded',
        error: expect.stringMatching(/ProvisionedThroughput/),
      });
    }
    const sent = world.notifier.weekAheadNotices.length;
    expect(sent).toBe(notices.length);

    const second = await world.sweep('apply');
    expect(world.notifier.weekAheadNotices).toHaveLength(sent);
    for (const result of notices) {
      const row = result.action.kind === 'notify-week-ahead' ? result.action.row : null;
      const flagged = second.skips.find((skip) => skip.row.rowNumber === row?.rowNumber);
      expect(flagged).toMatchObject({
        attention: true,
        detail: { kind: 'notice-unsure', notice: 'week-ahead' },
      });
    }
  });
});
