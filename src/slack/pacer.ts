import { type WebClient, WebClientEvent } from '@slack/web-api';

/** Spaces posts per channel: the notifier's only view of pacing, in-process or shared. */
export interface Pacer {
  /** Runs `post` when it is `channel`'s turn. */
  run<T>(channel: string, post: () => Promise<T>): Promise<T>;
  /** Slack asked for `ms` of quiet on `channel` (a 429's Retry-After). */
  defer(channel: string, ms: number): void;
}

/**
 * Slack allows about one chat.postMessage per second per channel (short bursts aside) and
 * answers 429 beyond that, counting posts by when they arrive. A sweep that notifies a hundred
 * owners, from several accounts at once, copies every notice to the admin channel, so posts to
 * one channel go out one at a time, spaced, instead of being retried after 429s.
 *
 * The space is measured from when the previous post *completed*, not from a slot reserved in
 * advance: a post arrives at Slack somewhere between being sent and being answered, so
 * "answered + interval" keeps two posts an interval apart at Slack however late the first one
 * was. Slots reserved in advance do not: one late post, or the WebClient's own retry after a
 * 429's `Retry-After` (it sleeps, then retries inside the same call), lands after the next
 * slot, that post meets a 429 too, and every later post with it.
 *
 * The WebClient keeps the retrying (`rejectRateLimitedCalls` stays off: it honours
 * Retry-After and resends); the pacer only holds the channel's queue until the call returns,
 * and `defer` moves the channel's schedule when Slack says Retry-After for a post the pacer
 * did not send (a listener's reply through the same client).
 *
 * This is one process's schedule; processes posting side by side share one through
 * shared-pacer.ts, with this pacer in front of it.
 */
export class ChannelPacer implements Pacer {
  private readonly channels = new Map<string, { tail: Promise<void>; notBefore: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Runs `post` when it is `channel`'s turn, after every post queued before it has completed. */
  async run<T>(channel: string, post: () => Promise<T>): Promise<T> {
    const state = this.channel(channel);
    const before = state.tail;
    let done!: () => void;
    state.tail = new Promise<void>((resolve) => {
      done = resolve;
    });
    await before;
    try {
      const wait = state.notBefore - this.now();
      if (wait > 0) await this.sleep(wait);
      return await post();
    } finally {
      state.notBefore = Math.max(state.notBefore, this.now() + this.intervalMs);
      done();
    }
  }

  /** Slack asked for `ms` of quiet on `channel` (a 429's Retry-After): nothing paced goes there sooner. */
  defer(channel: string, ms: number): void {
    const state = this.channel(channel);
    state.notBefore = Math.max(state.notBefore, this.now() + ms);
  }

  private channel(channel: string): { tail: Promise<void>; notBefore: number } {
    let state = this.channels.get(channel);
    if (!state) {
      state = { tail: Promise.resolve(), notBefore: Number.NEGATIVE_INFINITY };
      this.channels.set(channel, state);
    }
    return state;
  }
}

/** Slack's documented rate for posting to one channel, with a little room. */
export const SLACK_CHANNEL_INTERVAL_MS = 1100;

/**
 * The pacer for posts through `web`. A 429 on any chat.postMessage through it, paced or not
 * (a listener's reply), moves that channel's schedule by its Retry-After; the WebClient itself
 * waits that long and resends.
 */
export function channelPacer(web: WebClient, intervalMs: number): ChannelPacer {
  return deferringOnRateLimit(web, new ChannelPacer(intervalMs));
}

/** `pacer`, told of every chat.postMessage through `web` that Slack answered 429. */
export function deferringOnRateLimit<P extends Pacer>(web: WebClient, pacer: P): P {
  web.on(WebClientEvent.RATE_LIMITED, (retrySec: number, request: { url?: string; body?: unknown }) => {
    const channel = (request.body as { channel?: unknown } | undefined)?.channel;
    if (request.url?.endsWith('/chat.postMessage') && typeof channel === 'string')
      pacer.defer(channel, retrySec * 1000);
  });
  return pacer;
}
