import { ChannelPacer } from '../../src/slack/pacer';

/** A pacer on a clock that only moves when it sleeps or a post takes time. */
function pacerOnFakeClock(intervalMs: number) {
  const clock = { now: 0 };
  const waits: number[] = [];
  const pacer = new ChannelPacer(
    intervalMs,
    () => clock.now,
    async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
  );
  return { clock, waits, pacer };
}

describe('ChannelPacer', () => {
  it('runs posts to one channel one at a time, in the order asked, and other channels at once', async () => {
    const { pacer, waits } = pacerOnFakeClock(1000);
    const events: string[] = [];
    const post = (name: string) => async () => {
      events.push(`start ${name}`);
      await Promise.resolve();
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      pacer.run('C0ADMINS', post('a1')),
      pacer.run('C0ADMINS', post('a2')),
      pacer.run('D0OWNER', post('d1')),
      pacer.run('C0ADMINS', post('a3')),
    ]);
    expect(results).toEqual(['a1', 'a2', 'd1', 'a3']);
    const admins = events.filter((e) => e.includes(' a'));
    expect(admins).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    // The DM did not queue behind the admin channel.
    expect(events.indexOf('start d1')).toBeLessThan(events.indexOf('start a2'));
    expect(waits).toEqual([1000, 1000]);
  });

  it('spaces a post from when the previous one completed, so a late answer moves the schedule', async () => {
    const { pacer, clock, waits } = pacerOnFakeClock(1000);
    const started: number[] = [];
    const slowFirst = [700, 0, 0];
    await Promise.all(
      slowFirst.map((takes) =>
        pacer.run('C0ADMINS', async () => {
          started.push(clock.now);
          clock.now += takes;
        }),
      ),
    );
    // The first post took 700 ms, so the second goes 1000 ms after it completed, not at 1000.
    expect(started).toEqual([0, 1700, 2700]);
    expect(waits).toEqual([1000, 1000]);
  });

  it('a Retry-After defers the channel beyond its interval; a failed post still frees the queue', async () => {
    const { pacer, clock } = pacerOnFakeClock(1000);
    await expect(
      pacer.run('C0ADMINS', async () => {
        pacer.defer('C0ADMINS', 5000);
        throw new Error('ratelimited');
      }),
    ).rejects.toThrow('ratelimited');
    const at = await pacer.run('C0ADMINS', async () => clock.now);
    expect(at).toBe(5000);
    // An idle channel posts straight away.
    clock.now = 60_000;
    expect(await pacer.run('C0ADMINS', async () => clock.now)).toBe(60_000);
  });
});
