/**
 * Starts the sweep somewhere other than this process: on Lambda, an execution of the sweep
 * state machine, whose steps each stay inside a Lambda invocation's limits.
 */
export interface SweepStarter {
  /** A dry run whose report goes to `requestedBy` (a Slack user id) when it is done. */
  startDryRun(requestedBy: string): Promise<void>;
}
