/** Where a file with account data may go: the admin channel, or the DM of the person who asked. */
export type FileDestination =
  | { readonly kind: 'admin-channel' }
  | { readonly kind: 'direct-message'; readonly user: string };

export interface SharedFile {
  readonly filename: string;
  readonly title: string;
  readonly content: string;
}

export interface FileShare {
  share(to: FileDestination, file: SharedFile): Promise<void>;
}
