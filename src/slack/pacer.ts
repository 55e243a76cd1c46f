/**
 * Slack allows about one chat.postMessage per second per channel (short bursts aside) and
 * answers 429 beyond that. A sweep that notifies a hundred owners copies every notice to the
 * admin channel, so posts to one channel are spaced out here instead of retried after 429s.
 */
export class ChannelPacer {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Resolves when a post to `channel` may go out; reserves its slot first, so concurrent callers queue. */
  async wait(channel: string): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.next.get(channel) ?? 0);
    this.next.set(channel, slot + this.intervalMs);
    if (slot > now) await this.sleep(slot - now);
  }
}

/** Slack's documented rate for posting to one channel, with a little room. */
export const SLACK_CHANNEL_INTERVAL_MS = 1100;
