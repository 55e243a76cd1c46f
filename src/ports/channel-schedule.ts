/**
 * Whose turn it is to post to a Slack channel, shared by every process that posts as the app:
 * the sweep's account steps on Lambda side by side, or `serve` beside a cron'd `keywarden sweep`.
 * A turn is a lease, so a holder that dies mid-post frees the channel when the lease runs out.
 * Times are epoch milliseconds: wall clocks are all such processes share.
 */
export interface ChannelSchedule {
  /**
   * Takes `channel`'s turn for `holder` until `leaseUntil`, when nobody else's lease is running at
   * `now` and the channel's `notBefore` has passed; otherwise says what stands in the way. A
   * waiter passes its `ticket`: taking the turn marks it served.
   */
  take(channel: string, holder: string, now: number, leaseUntil: number, ticket?: number): Promise<TurnTaken>;
  /**
   * A number in `channel`'s line of waiters, one more than the last handed out. It only tells a
   * waiter how many wait before it (see `served`), so it sleeps until about its turn instead of
   * racing every other waiter for each one; turns are still taken by `take` alone.
   */
  ticket(channel: string, now: number): Promise<number>;
  /**
   * Ends `holder`'s turn (if it is still theirs: a lease that ran out may have passed to another)
   * and keeps the channel quiet until `notBefore`, never moving an earlier-set one sooner.
   */
  release(channel: string, holder: string, notBefore: number): Promise<void>;
  /** Nothing goes to `channel` before `notBefore` (Slack's Retry-After); never moves it sooner. */
  defer(channel: string, notBefore: number): Promise<void>;
}

export type TurnTaken =
  | { readonly taken: true }
  | {
      readonly taken: false;
      /** When the running lease of another holder ends; null when no lease is running. */
      readonly leasedUntil: number | null;
      /** The channel's earliest next post. */
      readonly notBefore: number;
      /** The ticket of the last waiter that took a turn; 0 before any. */
      readonly served: number;
    };
