import type { HomeRow, HomeSnapshot, HomeSummary } from '../domain/home';

/**
 * The last apply sweep's view of the ledger, kept for the Slack Home tab so that opening it
 * reads DynamoDB only (the ledger may be a Google Sheet with a 60-requests-a-minute quota).
 */
export interface HomeSnapshotStore {
  /** Replaces the snapshot; readers see the old one until the new one is complete. */
  save(snapshot: HomeSnapshot): Promise<void>;
  /** The latest snapshot's summary, and the rows of one owner; null before the first sweep. */
  forOwner(slackId: string): Promise<{ summary: HomeSummary; rows: HomeRow[] } | null>;
  /** The latest snapshot whole (admins: upcoming expiries across owners). */
  latest(): Promise<HomeSnapshot | null>;
}
