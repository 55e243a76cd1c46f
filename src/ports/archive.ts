/** Where weekly credential reports are kept for auditors. */
export interface ReportArchive {
  /** Stores the text under `key`; returns where it went (e.g. `s3://bucket/key`). */
  put(key: string, body: string, contentType: string): Promise<string>;
}
