import type { WebClient } from '@slack/web-api';
import type { FileDestination, FileShare, SharedFile } from '../ports/file-share';

/** Shares files through Slack's external upload (files.uploadV2 does both steps). */
export class SlackFileShare implements FileShare {
  constructor(
    private readonly web: WebClient,
    private readonly adminChannel: string,
  ) {}

  async share(to: FileDestination, file: SharedFile): Promise<void> {
    const channel = to.kind === 'admin-channel' ? this.adminChannel : await this.directMessage(to.user);
    await this.web.files.uploadV2({
      channel_id: channel,
      file: Buffer.from(file.content, 'utf8'),
      filename: file.filename,
      title: file.title,
    });
  }

  private async directMessage(user: string): Promise<string> {
    const opened = await this.web.conversations.open({ users: user });
    if (!opened.channel?.id) throw new Error('Slack opened no direct message channel');
    return opened.channel.id;
  }
}
