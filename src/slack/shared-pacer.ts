import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { ChannelSchedule } from '../ports/channel-schedule';
import { errorMessage } from '../util/errors';
import { ChannelPacer, deferringOnRateLimit, type Pacer } from './pacer';

/**
 * How long a turn is held at most. Longer than a post takes, its WebClient's resend after a
 * Retry-After (seconds) included, and an upload with the digest; short enough that a process
 * that died mid-post keeps its channels quiet for only this long.
 */
export const CHANNEL_LEASE_MS = 30_000;

/**
 * The longest Retry-After the schedule is trusted with. Slack answers a chat.postMessage 429 with
 * a second or a few; its per-minute tiers with up to about 30 s.
 */
export const MAX_RETRY_AFTER_MS = 30_000;

/**
 * How far another process's clock may run ahead of ours. Lambda hosts keep theirs within a
 * millisecond or so; a lease or `notBefore` further ahead than it can honestly be (a lease, an
 * interval or a Retry-After from now, plus this) was written by a clock gone wrong, and waiting
 * for it would keep every other process quiet as long.
 */
export const MAX_CLOCK_SKEW_MS = 5_000;

export interface SharedPacing {
  /** Least time between two posts to one channel, from when the previous one was answered. */
  readonly intervalMs: number;
  readonly leaseMs?: number;
  /**
   * The longest one post waits for its turn (after its own process's queue): by default a
   * lease and the longest Retry-After, what one dead holder and one 429 can honestly cost.
   * Beyond it the post goes out under this process's pacing alone.
   */
  readonly maxWaitMs?: number;
  /**
   * A post went out without the schedule's help: a write it does not depend on failed (a
   * release, a defer; an unreleased turn frees itself when its lease runs out), or its turn
   * could not be had (the schedule failed, a clock is ahead, the wait would pass `maxWaitMs`)
   * and it went out under this process's pacing alone.
   */
  readonly onError: (error: unknown) => void;
  /** Epoch milliseconds: the clock every process shares. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): where in its jitter a waiter wakes. */
  readonly random?: () => number;
}

/**
 * Waiters wake this share of an interval apart at most, at random, after the moment they wait
 * for: waiters waking at one `notBefore` would race for the turn, every loser's take a wasted
 * write. Tickets already part most of them; more jitter leaves the channel idle longer per turn
 * (in virtual time, 20 waiters × 2 posts took 17% longer with half an interval than a tenth).
 */
export const WAKE_JITTER = 0.1;

/**
 * ChannelPacer's schedule (a post goes an interval after the previous one was *answered*; a
 * Retry-After defers the channel) held in a `ChannelSchedule` every process shares, so that
 * processes posting to one channel at once, each with its own WebClient (the sweep's account
 * steps on Lambda, up to the Map's MaxConcurrency), take turns instead of meeting 429s and
 * retrying into each other.
 *
 * An in-process ChannelPacer stays in front: posts from this process queue locally and wait
 * out the interval they know of locally, so each post costs one take and one release, and a
 * process never contends with itself. A turn's take may still find the channel held or not
 * yet due (another process posted): then it takes a ticket in the channel's line and sleeps
 * until about its turn: the other lease's end (looking again each interval, as a holder
 * usually releases within one) or the channel's `notBefore`, plus a turn for each waiter ahead.
 */
export class SharedChannelPacer implements Pacer {
  private readonly local: ChannelPacer;
  /** This process's name in the schedule: its local queue already serialises its own posts. */
  private readonly holder = randomUUID();
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly schedule: ChannelSchedule,
    private readonly pacing: SharedPacing,
  ) {
    this.leaseMs = pacing.leaseMs ?? CHANNEL_LEASE_MS;
    this.maxWaitMs = pacing.maxWaitMs ?? this.leaseMs + MAX_RETRY_AFTER_MS;
    this.now = pacing.now ?? Date.now;
    this.sleep = pacing.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = pacing.random ?? Math.random;
    this.local = new ChannelPacer(pacing.intervalMs, this.now, this.sleep);
  }

  run<T>(channel: string, post: () => Promise<T>): Promise<T> {
    return this.local.run(channel, () => this.inTurn(channel, post));
  }

  /** Resolves once every process can see the deferral; never rejects (see `onError`). */
  async defer(channel: string, ms: number): Promise<void> {
    this.local.defer(channel, ms);
    try {
      await this.schedule.defer(channel, this.now() + ms);
    } catch (error) {
      this.pacing.onError(error);
    }
  }

  private async inTurn<T>(channel: string, post: () => Promise<T>): Promise<T> {
    // A notice must not be lost to pacing (a deactivation notice is sent once), nor a process
    // kept waiting until Lambda kills it: when the schedule cannot be read or written, or would
    // keep the post waiting too long, the post goes out spaced by this process's queue alone.
    // Failing it instead would lose the notice; posting costs at most a 429, after which the
    // WebClient waits out Slack's Retry-After and resends, and the 429 defers the channel for
    // every process. The release runs all the same: it frees a turn whose take was applied but
    // not answered, and spaces the others from this post.
    const alone = await this.takeTurn(channel).catch(
      (error: unknown) => `the schedule failed: ${errorMessage(error)}`,
    );
    if (alone !== null)
      this.pacing.onError(new Error(`${channel}: posted under this process's pacing alone: ${alone}`));
    try {
      return await post();
    } finally {
      try {
        await this.schedule.release(channel, this.holder, this.now() + this.pacing.intervalMs);
      } catch (error) {
        this.pacing.onError(error);
      }
    }
  }

  /**
   * Null once the turn is ours; otherwise why the post goes out without it. A post that finds the
   * channel busy takes a ticket, and sleeps past the turns of those who took one before it, so
   * that each waiter looks about when its turn comes instead of every waiter at every turn.
   * Tickets only time the looking: a waiter that died leaves a number never served, so each turn
   * a look finds gone by (the channel's `notBefore` moved) counts whatever the line says, and a
   * waiter soon looks at every turn.
   */
  private async takeTurn(channel: string): Promise<string | null> {
    const deadline = this.now() + this.maxWaitMs;
    let ticket: number | undefined;
    let ahead = Number.POSITIVE_INFINITY;
    let seen: number | undefined;
    for (;;) {
      const now = this.now();
      const turn = await this.schedule.take(channel, this.holder, now, now + this.leaseMs, ticket);
      if (turn.taken) return null;
      if (turn.leasedUntil !== null && turn.leasedUntil > now + this.leaseMs + MAX_CLOCK_SKEW_MS)
        return `another process's lease runs ${turn.leasedUntil - now} ms more, longer than a lease: its clock is ahead`;
      if (turn.notBefore > now + this.pacing.intervalMs + MAX_RETRY_AFTER_MS + MAX_CLOCK_SKEW_MS)
        return `the channel is closed ${turn.notBefore - now} ms more, longer than a Retry-After: a clock is ahead`;
      ticket ??= await this.schedule.ticket(channel, now);
      ahead = Math.max(0, Math.min(ticket - turn.served - 1, turn.notBefore === seen ? ahead : ahead - 1));
      seen = turn.notBefore;
      const until =
        (turn.leasedUntil === null
          ? turn.notBefore
          : Math.min(turn.leasedUntil, now + this.pacing.intervalMs)) +
        ahead * this.pacing.intervalMs +
        this.random() * WAKE_JITTER * this.pacing.intervalMs;
      if (until > deadline) return `its turn would come after ${this.maxWaitMs} ms of waiting`;
      if (until > now) await this.sleep(until - now);
    }
  }
}

/** The shared pacer for posts through `web`: a 429 through it defers the channel for every process. */
export function sharedChannelPacer(
  web: WebClient,
  schedule: ChannelSchedule,
  pacing: SharedPacing,
): SharedChannelPacer {
  return deferringOnRateLimit(web, new SharedChannelPacer(schedule, pacing));
}
