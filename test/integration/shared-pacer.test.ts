import type { WebClient } from '@slack/web-api';
import { DynamoChannelSchedule } from '../../src/adapters/store/dynamo-channel-schedule';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/store/embedded-dynamo';
import { ensureTable } from '../../src/adapters/store/ensure-table';
import { TableContext } from '../../src/adapters/store/table-context';
import type { ChannelSchedule } from '../../src/ports/channel-schedule';
import { channelPacer, type Pacer } from '../../src/slack/pacer';
import { SharedChannelPacer, sharedChannelPacer } from '../../src/slack/shared-pacer';
import { type FakeSlack, startSlackServer } from '../fakes/slack-server';
import { startGate } from '../support/gate';
import { Prng } from '../support/prng';
import { productionWebClient } from '../support/production-web';

const TABLE = 'keywarden';
const ADMINS = 'C0ADMINS';

let dynamo: EmbeddedDynamo;
let schedule: DynamoChannelSchedule;
beforeEach(async () => {
  dynamo = await startEmbeddedDynamo();
  await ensureTable(dynamo.client, TABLE);
  schedule = new DynamoChannelSchedule(new TableContext(dynamo.client, TABLE));
});
afterEach(async () => {
  await dynamo.close();
});

const failOnError = (error: unknown) => {
  throw error;
};

describe('DynamoChannelSchedule', () => {
  it('gives a channel to one holder at a time, then keeps it quiet until the released notBefore', async () => {
    expect(await schedule.take(ADMINS, 'a', 1000, 31_000)).toEqual({ taken: true });
    expect(await schedule.take(ADMINS, 'b', 1000, 31_000)).toEqual({
      taken: false,
      leasedUntil: 31_000,
      notBefore: 1000,
      served: 0,
    });
    // Another channel is not held.
    expect(await schedule.take('U0OWNER', 'b', 1000, 31_000)).toEqual({ taken: true });
    await schedule.release(ADMINS, 'a', 2300);
    expect(await schedule.take(ADMINS, 'b', 2299, 32_299)).toEqual({
      taken: false,
      leasedUntil: null,
      notBefore: 2300,
      served: 0,
    });
    expect(await schedule.take(ADMINS, 'b', 2300, 32_300)).toEqual({ taken: true });
  });

  it('takes a turn it already holds again (a resent take, a failed release), but not before notBefore', async () => {
    expect(await schedule.take(ADMINS, 'a', 1000, 31_000)).toEqual({ taken: true });
    expect(await schedule.take(ADMINS, 'a', 1000, 31_000)).toEqual({ taken: true });
    await schedule.defer(ADMINS, 5000);
    expect(await schedule.take(ADMINS, 'a', 1001, 31_001)).toEqual({
      taken: false,
      leasedUntil: null,
      notBefore: 5000,
      served: 0,
    });
    expect(await schedule.take(ADMINS, 'a', 5000, 35_000)).toEqual({ taken: true });
  });

  it('a deferral is never moved sooner, by a deferral or a release', async () => {
    await schedule.defer(ADMINS, 9000);
    await schedule.defer(ADMINS, 5000);
    expect(await schedule.take(ADMINS, 'a', 8999, 38_999)).toMatchObject({ taken: false, notBefore: 9000 });
    expect(await schedule.take(ADMINS, 'a', 9000, 39_000)).toEqual({ taken: true });
    await schedule.defer(ADMINS, 20_000);
    // The release lets go of the turn but keeps the later deferral.
    await schedule.release(ADMINS, 'a', 10_100);
    expect(await schedule.take(ADMINS, 'b', 19_999, 49_999)).toEqual({
      taken: false,
      leasedUntil: null,
      notBefore: 20_000,
      served: 0,
    });
  });

  it('a lease that ran out passes to another holder, whose turn the late release does not end', async () => {
    expect(await schedule.take(ADMINS, 'dead', 0, 30_000)).toEqual({ taken: true });
    expect(await schedule.take(ADMINS, 'b', 29_999, 59_999)).toMatchObject({
      taken: false,
      leasedUntil: 30_000,
    });
    expect(await schedule.take(ADMINS, 'b', 30_000, 60_000)).toEqual({ taken: true });
    // The first holder was only slow: its release moves the schedule but leaves b's lease.
    await schedule.release(ADMINS, 'dead', 31_100);
    expect(await schedule.take(ADMINS, 'c', 40_000, 70_000)).toEqual({
      taken: false,
      leasedUntil: 60_000,
      notBefore: 31_100,
      served: 0,
    });
  });

  it("hands out a channel's tickets in order and says which was served last", async () => {
    expect(await schedule.ticket(ADMINS, 0)).toBe(1);
    expect(await schedule.ticket(ADMINS, 0)).toBe(2);
    expect(await schedule.ticket('U0OWNER', 0)).toBe(1);
    expect(await schedule.take(ADMINS, 'a', 1000, 31_000, 2)).toEqual({ taken: true });
    expect(await schedule.take(ADMINS, 'b', 1000, 31_000)).toMatchObject({ taken: false, served: 2 });
    // The line does not hold a turn: a free channel goes to whoever takes it.
    await schedule.release(ADMINS, 'a', 2000);
    expect(await schedule.take(ADMINS, 'c', 2000, 32_000)).toEqual({ taken: true });
    expect(await schedule.ticket(ADMINS, 2000)).toBe(3);
  });
});

/** Pacers that share `schedule` and one clock that moves only when one of them sleeps or a post takes time. */
function pacersOnFakeClock(count: number, intervalMs: number, leaseMs: number) {
  const clock = { now: 0 };
  const waits: number[] = [];
  const pacers = Array.from(
    { length: count },
    () =>
      new SharedChannelPacer(schedule, {
        intervalMs,
        leaseMs,
        onError: failOnError,
        now: () => clock.now,
        sleep: async (ms) => {
          waits.push(ms);
          clock.now += ms;
        },
        // Wakes at the moment it waits for: these tests are about that moment.
        random: () => 0,
      }),
  );
  return { clock, waits, pacers };
}

describe('SharedChannelPacer on a shared clock', () => {
  it("spaces one process's post from another's by the interval from when it was answered", async () => {
    const {
      clock,
      pacers: [a, b],
    } = pacersOnFakeClock(2, 1000, 30_000);
    if (!a || !b) throw new Error('two pacers');
    await a.run(ADMINS, async () => {
      clock.now += 700;
    });
    const startedAt = await b.run(ADMINS, async () => clock.now);
    expect(startedAt).toBe(1700);
    // A channel the first process did not post to is free at once.
    expect(await b.run('U0OWNER', async () => clock.now)).toBe(1700);
  });

  it("a Retry-After seen by one process defers the other's next post to that channel", async () => {
    const {
      clock,
      waits,
      pacers: [a, b],
    } = pacersOnFakeClock(2, 1000, 30_000);
    if (!a || !b) throw new Error('two pacers');
    await a.defer(ADMINS, 5000);
    const startedAt = await b.run(ADMINS, async () => clock.now);
    expect(startedAt).toBe(5000);
    expect(waits).toEqual([5000]);
  });

  it('a holder that dies mid-post keeps the channel only until its lease runs out', async () => {
    const {
      clock,
      waits,
      pacers: [dead, b],
    } = pacersOnFakeClock(2, 1000, 30_000);
    if (!dead || !b) throw new Error('two pacers');
    let posting!: () => void;
    const posted = new Promise<void>((resolve) => {
      posting = resolve;
    });
    // Took its turn and never answered, as a Lambda killed mid-post.
    void dead.run(ADMINS, () => {
      posting();
      return new Promise<never>(() => {});
    });
    await posted;
    const startedAt = await b.run(ADMINS, async () => clock.now);
    expect(startedAt).toBe(30_000);
    // It looked again each interval while the lease ran, in case the holder released.
    expect(waits).toEqual(Array.from({ length: 30 }, () => 1000));
  });
});

describe('SharedChannelPacer when the schedule fails', () => {
  it("a failed release does not fail the post it follows: it is reported, and the turn's lease frees the channel", async () => {
    const clock = { now: 0 };
    const errors: unknown[] = [];
    const pacing = {
      intervalMs: 1000,
      leaseMs: 30_000,
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.now += ms;
      },
      random: () => 0,
    };
    const releaseFails: ChannelSchedule = {
      take: (...args) => schedule.take(...args),
      defer: (...args) => schedule.defer(...args),
      ticket: (...args) => schedule.ticket(...args),
      release: async () => {
        throw new Error('DynamoDB unavailable');
      },
    };
    const a = new SharedChannelPacer(releaseFails, { ...pacing, onError: (error) => errors.push(error) });
    expect(await a.run(ADMINS, async () => 'posted')).toBe('posted');
    expect(errors).toEqual([new Error('DynamoDB unavailable')]);
    const b = new SharedChannelPacer(schedule, { ...pacing, onError: failOnError });
    expect(await b.run(ADMINS, async () => clock.now)).toBe(30_000);
  });

  it("a failed take does not cost the post: it goes out under this process's pacing, reported", async () => {
    const clock = { now: 0 };
    const errors: unknown[] = [];
    const takeFails: ChannelSchedule = {
      take: async () => {
        throw new Error('DynamoDB unavailable');
      },
      defer: (...args) => schedule.defer(...args),
      ticket: (...args) => schedule.ticket(...args),
      release: (...args) => schedule.release(...args),
    };
    const pacer = new SharedChannelPacer(takeFails, {
      intervalMs: 1000,
      onError: (error) => errors.push(error),
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
    });
    expect(await pacer.run(ADMINS, async () => clock.now)).toBe(0);
    // The next post to the channel from this process is still an interval after the first.
    expect(await pacer.run(ADMINS, async () => clock.now)).toBe(1000);
    expect(errors).toEqual([
      new Error(
        `${ADMINS}: posted under this process's pacing alone: the schedule failed: DynamoDB unavailable`,
      ),
      new Error(
        `${ADMINS}: posted under this process's pacing alone: the schedule failed: DynamoDB unavailable`,
      ),
    ]);
  });
});

describe('SharedChannelPacer waits a bounded time', () => {
  /** One pacer on a fake clock, and what it reported. */
  function pacerAlone(maxWaitMs?: number) {
    const clock = { now: 0 };
    const errors: unknown[] = [];
    const pacer = new SharedChannelPacer(schedule, {
      intervalMs: 1000,
      leaseMs: 30_000,
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
      onError: (error) => errors.push(error),
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
      random: () => 0,
    });
    return { clock, errors, pacer };
  }

  it("a lease further ahead than a lease can run (another process's clock is ahead) does not hold the post", async () => {
    expect(await schedule.take(ADMINS, 'ahead', 600_000, 630_000)).toEqual({ taken: true });
    const { clock, errors, pacer } = pacerAlone();
    expect(await pacer.run(ADMINS, async () => clock.now)).toBe(0);
    expect(errors).toEqual([
      new Error(
        `${ADMINS}: posted under this process's pacing alone: another process's lease runs 630000 ms more, longer than a lease: its clock is ahead`,
      ),
    ]);
  });

  it('a notBefore further ahead than a Retry-After can put it does not hold the post', async () => {
    await schedule.defer(ADMINS, 600_000);
    const { clock, errors, pacer } = pacerAlone();
    expect(await pacer.run(ADMINS, async () => clock.now)).toBe(0);
    expect(errors).toEqual([
      new Error(
        `${ADMINS}: posted under this process's pacing alone: the channel is closed 600000 ms more, longer than a Retry-After: a clock is ahead`,
      ),
    ]);
  });

  it('a Retry-After that would keep the post waiting past its longest wait lets it go under its own pacing', async () => {
    await schedule.defer(ADMINS, 20_000);
    const { clock, errors, pacer } = pacerAlone(10_000);
    expect(await pacer.run(ADMINS, async () => clock.now)).toBe(0);
    expect(errors).toEqual([
      new Error(
        `${ADMINS}: posted under this process's pacing alone: its turn would come after 10000 ms of waiting`,
      ),
    ]);
    // Within it, the post waits its turn.
    await schedule.defer('U0OWNER', 9000);
    expect(await pacer.run('U0OWNER', async () => clock.now)).toBe(9000);
  });
});

/**
 * One clock for processes posting side by side: it moves only when every one of them sleeps, to
 * the earliest wake-up, so all that happens at one instant happens before it moves on.
 */
class VirtualTime {
  now = 0;
  private readonly sleepers: { at: number; wake: () => void }[] = [];

  constructor(private awake: number) {}

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.sleepers.push({ at: this.now + ms, wake });
      this.awake -= 1;
      this.move();
    });

  /** One process is done posting. */
  done(): void {
    this.awake -= 1;
    this.move();
  }

  private move(): void {
    if (this.awake > 0) return;
    this.sleepers.sort((a, b) => a.at - b.at);
    const next = this.sleepers.shift();
    if (!next) return;
    this.now = Math.max(this.now, next.at);
    this.awake += 1;
    next.wake();
  }
}

/**
 * `processes` pacers on one VirtualTime each post `postsEach` times to the admin channel (a post
 * takes 50 ms), after the channel was deferred to 5 s; when each post started and every take
 * tried, with its time.
 */
async function contendInVirtualTime(processes: number, postsEach: number, random: () => number) {
  const interval = 1000;
  const time = new VirtualTime(processes);
  const takes: { at: number; taken: boolean }[] = [];
  const counted: ChannelSchedule = {
    take: async (...args) => {
      const turn = await schedule.take(...args);
      takes.push({ at: args[2], taken: turn.taken });
      return turn;
    },
    release: (...args) => schedule.release(...args),
    defer: (...args) => schedule.defer(...args),
    ticket: (...args) => schedule.ticket(...args),
  };
  await schedule.defer(ADMINS, 5000);
  const starts = await Promise.all(
    Array.from({ length: processes }, async () => {
      const pacer = new SharedChannelPacer(counted, {
        intervalMs: interval,
        onError: failOnError,
        now: () => time.now,
        sleep: time.sleep,
        random,
      });
      const started: number[] = [];
      for (let n = 0; n < postsEach; n += 1)
        started.push(
          await pacer.run(ADMINS, async () => {
            const at = time.now;
            await time.sleep(50);
            return at;
          }),
        );
      time.done();
      return started;
    }),
  );
  return { starts: starts.flat().sort((a, b) => a - b), takes, interval };
}

describe('SharedChannelPacer: waiters on one channel', () => {
  it('wake spread over a jitter, not all at the moment they wait for, and still post an interval apart', async () => {
    const prng = new Prng(12);
    const { starts, takes, interval } = await contendInVirtualTime(4, 2, () => prng.next());
    expect(starts).toHaveLength(8);
    expect(starts[0]).toBeGreaterThanOrEqual(5000);
    for (let n = 1; n < starts.length; n += 1)
      expect(starts[n]).toBeGreaterThanOrEqual((starts[n - 1] ?? 0) + 50 + interval);
    // All four looked at once when they began; after that no two processes look at one instant.
    const later = takes.filter((take) => take.at > 0).map((take) => take.at);
    expect(new Set(later).size).toBe(later.length);
  });

  it('look about when their turn comes, not at every turn: 20 waiters take fewer than 5 looks a post', async () => {
    // No jitter: the line alone spaces them (without it, every waiter looks at every turn: 21 a post).
    const { starts, takes, interval } = await contendInVirtualTime(20, 1, () => 0);
    expect(starts).toHaveLength(20);
    for (let n = 1; n < starts.length; n += 1)
      expect(starts[n]).toBeGreaterThanOrEqual((starts[n - 1] ?? 0) + 50 + interval);
    expect(takes.length / starts.length).toBeLessThan(5);
  });
});

/** Slack's rule scaled down: one post per channel per 100 ms by arrival, no burst room. */
const RATE = { intervalMs: 100, burst: 1 };
/** SLACK_POST_INTERVAL_MS against it, with production's room (1100 ms against Slack's 1000). */
const INTERVAL_MS = 110;
/** Up to this much late on the way in and again on the way out, at random. */
const JITTER_MS = 60;
const TOKEN = 'xoxb-test-token';
/** Sweep steps on Lambda at once, each with its own WebClient and pacer. */
const PROCESSES = 3;
/** Owns keys in every account, so each step DMs them. */
const SHARED_OWNER = 'U0OWNER';

/**
 * What each concurrent account step posts at once: grouped admin copies and hygiene posts to
 * the admin channel, DMs to the owner every account shares and to one of its own.
 */
function posts(process: number): string[] {
  return [...Array(4).fill(ADMINS), ...Array(3).fill(SHARED_OWNER), ...Array(2).fill(`U0OWN${process}`)];
}

describe('pacing across processes against a Slack fake that enforces the rate with jitter', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startSlackServer({ token: TOKEN, channelRate: RATE, jitterMs: JITTER_MS });
    slack.setUsers(
      [SHARED_OWNER, ...Array.from({ length: PROCESSES }, (_, i) => `U0OWN${i}`)].map((id) => ({
        id,
        email: `${id.toLowerCase()}@example.com`,
        name: id,
      })),
    );
  });
  afterEach(async () => {
    await slack.close();
  });

  const production = (apiUrl: string): WebClient =>
    productionWebClient(apiUrl, { token: TOKEN, adminChannel: ADMINS, postIntervalMs: INTERVAL_MS });

  /** Every process's posts at once, through Slack at `apiUrl`; the number asked for. */
  async function contend(pacerOf: (web: WebClient) => Pacer, apiUrl = slack.apiUrl): Promise<number> {
    const asked = Array.from({ length: PROCESSES }, (_, process) => {
      const web = production(apiUrl);
      const pacer = pacerOf(web);
      return posts(process).map((channel, n) =>
        pacer.run(channel, () => web.chat.postMessage({ channel, text: `process ${process} post ${n}` })),
      );
    }).flat();
    await Promise.all(asked);
    return asked.length;
  }

  const delivered = () =>
    [ADMINS, SHARED_OWNER, ...Array.from({ length: PROCESSES }, (_, i) => `U0OWN${i}`)].reduce(
      (sum, channel) => sum + slack.messages(channel).length,
      0,
    );

  it('with the shared schedule: 0 × 429 and every post delivered', async () => {
    const asked = await contend((web) =>
      sharedChannelPacer(web, schedule, { intervalMs: INTERVAL_MS, onError: failOnError }),
    );
    expect(slack.stats.rateLimited).toBe(0);
    expect(delivered()).toBe(asked);
    expect(slack.messages(ADMINS)).toHaveLength(PROCESSES * 4);
  });

  it('with only per-process pacers the same posts meet 429s: the shared schedule is what spaces them', async () => {
    // Each process's first admin post is held until every process has sent its own, then all go
    // on together, as they would from processes started at once: nothing rests on how close
    // together a busy machine happens to start them. The fake's jitter (60 ms) is within its
    // interval (100 ms), so at most one of them fits.
    let held = 0;
    let release!: () => void;
    const together = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gate = await startGate(slack.apiUrl, async (request) => {
      const channel = new URLSearchParams(request.body).get('channel');
      if (!request.path.endsWith('/chat.postMessage') || channel !== ADMINS || held === PROCESSES) return;
      held += 1;
      if (held === PROCESSES) release();
      await together;
    });
    try {
      const asked = await contend((web) => channelPacer(web, INTERVAL_MS), `${gate.url}/`);
      expect(held).toBe(PROCESSES);
      expect(slack.stats.rateLimited).toBeGreaterThan(0);
      // Retried, so still delivered: at the cost of the 429s and their Retry-After waits.
      expect(delivered()).toBe(asked);
    } finally {
      await gate.close();
    }
  });
});
